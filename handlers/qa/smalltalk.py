"""Small talk: greetings, thanks and goodbyes get a friendly word, not a knowledge-base search and
never an offer to bother the coordinator. Only a message that is nothing but small talk counts:
"hoi, wat is NIS2?" is a question."""

from __future__ import annotations

import re

from handlers.i18n import t
from handlers.qa.text import normalise
from handlers.reply import plain

_GREETING = re.compile(
    r"^(hoi|hallo|hello|hi|hey|heey|hee|dag|goeiedag|goedendag|goedemorgen|goeiemorgen"
    r"|goedemiddag|goeienavond|goedenavond|good (morning|afternoon|evening)|morning|yo|hai)"
    r"( (daar|there|allemaal|bot|nis2bot))?( (hoe gaat het|how are you( doing)?( today)?|alles goed))?$"
)
_HOW_ARE_YOU = re.compile(
    r"^(hoe gaat het( met je| met jou)?|alles goed|how are you( doing)?( today)?)$"
)
_THANKS = re.compile(
    r"^((heel |hartelijk |super |alvast )?(bedankt|dank ?je( wel)?|dank u( wel)?|merci|thanks|thank you"
    r"|thx|top|fijn|prima|ok(e|ay)?|oke|duidelijk|helder|great|perfect|super)"
    r"( (bedankt|voor (je|de|uw) hulp|for (your|the) help|hoor|zeg|dan))*)$"
)
_BYE = re.compile(
    r"^(doei|dag dag|tot ziens|tot later|bye|goodbye|see you|fijne dag|fijn weekend)$"
)
_PUNCT = re.compile(r"[^a-z0-9 ]+")


def _clean(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", normalise(text)).split())


def small_talk(text: str, language: str) -> str | None:
    """A friendly reply (neutral markup) when the whole message is small talk, else None."""
    cleaned = _clean(text)
    if not cleaned:
        return None
    if _GREETING.match(cleaned) or _HOW_ARE_YOU.match(cleaned):
        return plain(
            t(
                language,
                "Hello! Ask me anything about NIS2, information security or an incident, in "
                "your own words. Something going on right now? Say what happened and I'll help. "
                "Type /help to see everything I can do.",
            )
        )
    if _THANKS.match(cleaned):
        return plain(t(language, "You're welcome! Ask again whenever you need to."))
    if _BYE.match(cleaned):
        return plain(t(language, "Goodbye! I'm here whenever you need me."))
    return None
