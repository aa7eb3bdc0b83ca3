"""Recognising incidents in free text: the category a description clearly names, whether a message
*describes* an incident ("ik heb op een linkje geklikt", "we zijn gehackt"), and whether it only
says "I want to report something".

A described incident is answered by the question answering (``handlers.qa.chat``): the immediate
advice for the situation *and* the offer to report it, with the description carried along. A bare
wish to report ("ik wil iets melden") gets the intake offer from ``handlers.incidents.entry``. The
intake is never started unasked."""

from __future__ import annotations

import re

from handlers.incidents.model import Category

# Words that make the category unambiguous. Only a description matching exactly one category sets
# it; anything else is asked.
_CATEGORY_WORDS: dict[Category, re.Pattern[str]] = {
    Category.PHISHING: re.compile(
        r"phish|phising|link(je)? (ge|aan)?klikt|op een link|clicked (on )?a link|nepmail"
        r"|verdachte (e-?)?mail|suspicious (e-?)?mail|fake (e-?)?mail"
        r"|wachtwoord (ingevuld|ingegeven|ingetypt)|entered my password"
    ),
    Category.MALWARE_RANSOMWARE: re.compile(
        r"ransomware|malware|virus|versleuteld|encrypted|losgeld|ransom|trojan"
    ),
    Category.LOST_STOLEN_DEVICE: re.compile(
        r"\bkwijt\b|verloren|gestolen|laten liggen|\blost\b|stolen|left my"
    ),
    Category.DATA_LEAK: re.compile(
        r"verkeerde (persoon|ontvanger|adres)|datalek|gelekt|wrong (person|recipient|address)"
        r"|data ?leak|leaked"
    ),
    Category.ACCOUNT_TAKEOVER: re.compile(
        r"gehackt|hacked|overgenomen|taken over|account takeover"
    ),
    Category.OUTAGE: re.compile(r"storing|ligt (eruit|plat)|\bplat\b|outage|overbelast|ddos"),
    Category.SUSPICIOUS_CONTACT: re.compile(
        r"gebeld|telefoontje|beller|bezoeker|phone call|caller|visitor|called me|aan de deur"
    ),
}


def guess_category(description: str) -> Category | None:
    text = description.casefold()
    found = [category for category, pattern in _CATEGORY_WORDS.items() if pattern.search(text)]
    return found[0] if len(found) == 1 else None


# Someone telling what happened to them (first person or "we", now or just now).
_DESCRIBES = re.compile(
    r"\b(op|on) (een|a|die|de|the|dat|that) (link|linkje|url|bijlage|attachment)\w*"
    r"( \w+){0,3} (ge|aan)?klik|\b(link|linkje|bijlage)\w* (aan)?geklikt|\bclicked (on )?(a|the|that) "
    r"(link|attachment)|\bwachtwoord (ingevuld|ingegeven|ingetypt)|\b(entered|typed) my password"
    r"|\b(ik ben|we zijn|wij zijn|zijn we|ben ik|account is|is) (net |waarschijnlijk |misschien )?"
    r"(gehackt|gehacked)|\b(i(')?ve|we(')?ve|i have|we have|i was|we were) been hacked"
    r"|\b(ransomware|losgeld|versleuteld|encrypted)\b"
    r"|\b(laptop|telefoon|gsm|smartphone|phone|tablet|ipad|usb-?stick)\w* (is |ben ik )?"
    r"(kwijt|verloren|gestolen|stolen|lost)|\blost my (laptop|phone|tablet)"
    r"|\bnaar de verkeerde\b|\bto the wrong (person|address|recipient)"
    r"|\b(er is|we hebben|ik heb) (een )?datalek\b|\bdata breach\b"
    r"|\bvirus op mijn\b|\b(ik werd|we werden|ik ben) (net )?gebeld door\b"
)

_REPORT_INTENT = re.compile(
    r"\b(iets|incident|datalek|phishing|dit|het|een) (te )?melden\b|\bwil\b.*\bmelden\b"
    r"|\bhoe meld ik\b|\bmelding (maken|doen)\b|\breport (an? |this |the )?"
    r"(incident|something|breach|phishing|data)|\bwant to report\b|\bhow do i report\b"
)


# A question about the duty to report (when, how fast, to whom, whether "we" must) rather than a
# wish to report something now: "binnen hoeveel tijd moeten we een incident melden?" is answered by
# the question answering (the clocks), not with the intake offer. "moet ik dit melden?" stays an
# intent: a person unsure about their own case is best offered the report.
_DUTY_QUESTION = re.compile(
    r"\b(binnen hoeveel|hoeveel (tijd|uur|dagen)|hoe (snel|vlug|lang)|wanneer (moet|moeten|dien)"
    r"|welke termijn|meldtermijn|termijnen?\b|deadlines?\b|aan wie|bij wie|naar wie|waar (moet|moeten)"
    r"|(moeten|moet|dienen) (we|wij|je|jullie|u|gemeenten|een gemeente|de gemeente|lokale besturen)\b"
    r"|verplicht|meldplicht|how (fast|quickly|soon|long)|within how|to whom|who (do|must|should) we"
    r"|when (do|must|should|have) (we|you)|(do|must|should) (we|you|municipalities) (have to )?report"
    r"|obliged|obligation|mandatory|required to)"
)


def describes_incident(text: str) -> bool:
    """The message tells what happened ("ik heb op een linkje geklikt", "we zijn gehackt")."""
    return bool(_DESCRIBES.search(text.casefold()))


def looks_like_report(text: str) -> bool:
    """The message only says "I want to report something": offer the intake. A message that
    describes the incident is left to the question answering, which gives the advice for it
    together with the same offer."""
    lowered = text.casefold()
    return (
        bool(_REPORT_INTENT.search(lowered))
        and not describes_incident(lowered)
        and not _DUTY_QUESTION.search(lowered)
    )
