"""Situations: someone tells what is happening to them, not what they want to know.

"We zijn gehackt", "ik heb op een linkje geklikt en mijn wachtwoord ingevuld", "RTV Oost belt me
midden in een ransomware-aanval": the person needs the immediate advice for that situation and the
offer to report it (``/melden``), whatever their role and however they phrase it. The patterns
below name the situation; ``engine.py`` gives its advice entry priority (a question that asks
something specific about it, "binnen hoeveel uur melden?", can still win on its own words), and
the chat adds the report offer.

Matched on the normalised text (lower case, accents and apostrophes dropped).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.qa.text import normalise

_ANY = r"[^.?!]{0,80}?"  # the rest of the same sentence, lazily


def _near(a: str, b: str) -> str:
    """``a`` and ``b`` in the same sentence, in either order."""
    return rf"(?:(?:{a}){_ANY}(?:{b})|(?:{b}){_ANY}(?:{a}))"


@dataclass(frozen=True)
class Situation:
    key: str
    entry_id: str  # the entry with the immediate advice
    pattern: re.Pattern[str]


_DEVICE = r"laptop|computer|pc\b|tablet|ipad|notebook"
_PHONE = r"telefoon|gsm|smartphone|iphone|mobieltje|mobiel\b|\bphone|werktelefoon|diensttelefoon"
_GONE = (
    r"kwijt|verloren|verlies|gestolen|gepikt|gejat|ontvreemd|laten liggen|vergeten in|lost\b|stolen"
    r"|nicked|pinched|snatched"
    r"|left (it|my)|missing"
)
_CLICK = r"geklikt|aangeklikt|klikte|klik\b|op geklikt|geopend|clicked|click(ed)? on|opened"
_LINK = r"link|linkje|url|bijlage|attachment|mail|e-?mail|bericht|sms"

#: In order: the first matching situation wins (the more specific ones first).
SITUATIONS: tuple[Situation, ...] = tuple(
    Situation(key, entry, re.compile(pattern))
    for key, entry, pattern in (
        (
            "ransomware",
            "help-ransomware",
            r"ransomware|ransom\b|losgeld|gegijzeld|versleuteld|encrypted|ge-?encrypt"
            r"|cryptolocker|gijzelsoftware",
        ),
        (
            "press",
            "help-press",
            _near(
                r"pers\b|journalist|krant|verslaggever|redactie|rtv|\btv\b|televisie|radio"
                r"|media\b|reporter|press\b|newspaper",
                r"belt|bellen|gebeld|belde|aan de lijn|vraagt|vragen|wil weten|staat voor de deur"
                r"|calls|calling|called|asking|wants",
            ),
        ),
        (
            "ceo_fraud",
            "help-ceo-fraud",
            r"ceo-?fraude|ceo fraud|ceo-fraud|directeursfraude|cadeaukaart|gift ?card|cadeaubon"
            r"|valse factuur|nepfactuur|fake invoice|rekeningnummer (is )?gewijzigd|nieuw rekeningnummer"
            r"|changed bank|bank (account|details) (changed|change)|"
            + _near(
                r"dringend|urgent|spoed|snel even",
                r"betal|overmak|overschrijv|storten|\bpay|transfer|wire",
            ),
        ),
        (
            "link_clicked",
            "help-phishing-clicked",
            _near(_CLICK, _LINK)
            + r"|wachtwoord (ingevuld|ingegeven|ingetypt|opgegeven|gegeven)|(ingevuld|ingegeven)"
            r"[^.?!]{0,30}wachtwoord|inloggegevens (ingevuld|ingegeven)|entered my (password|login)"
            r"|typed (in )?my password|gave (away )?my password",
        ),
        (
            # Lost, not found: a lost stick with data is a possible data breach, a found one a
            # possible malware carrier; "kwijt" must never get the found-stick advice.
            "lost_media",
            "help-lost-media",
            _near(
                r"usb|stick|geheugenstick|memory stick|harde schijf|hard ?drive|externe schijf"
                r"|schijfje|dossier|dossiers|map met|papieren",
                # Not "verlies": "hoe voorkom je verlies van dossiers?" asks, it tells nothing.
                r"kwijt|verloren|gestolen|gepikt|gejat|ontvreemd|laten liggen|zoek\b|verdwenen"
                r"|lost\b|stolen|missing|disappeared|left (it|my)",
            ),
        ),
        (
            "usb_found",
            "help-usb-found",
            _near(r"usb|stick|geheugenstick|memory stick", r"gevonden|vond|ligt|lag|found|lying"),
        ),
        (
            "fake_helpdesk",
            "help-suspicious-call",
            _near(
                r"microsoft|helpdesk|servicedesk|service desk|it-afdeling|ict-afdeling|support"
                r"|technische dienst|bank",
                r"belt|gebeld|belde|aan de lijn|telefoon|called|calling|phoned|on the phone",
            )
            + r"|nep-?microsoft|fake microsoft|valse helpdesk|nep-?helpdesk",
        ),
        ("lost_phone", "help-lost-phone", _near(_PHONE, _GONE)),
        ("lost_laptop", "help-lost-laptop", _near(_DEVICE, _GONE)),
        (
            "wrong_recipient",
            "help-wrong-recipient",
            r"verkeerde (ontvanger|persoon|adres|mailadres|e-?mailadres|burger|inwoner)"
            r"|wrong (recipient|person|address)|per ongeluk[^.?!]{0,60}(gemaild|gestuurd|verstuurd)"
            r"|by mistake[^.?!]{0,40}(sent|emailed)|accidentally (sent|emailed)",
        ),
        (
            "data_breach",
            "help-data-breach",
            r"(er is|er was|we hebben|hebben we|ik heb|there is|there was|we have|we had) (een |a )?"
            r"(datalek|data ?lek|data ?breach|data leak)|(datalek|data breach) (ontdekt|gehad|discovered)"
            r"|uitgelekt|\bgelekt\b|leaked|persoonsgegevens[^.?!]{0,60}(buitgemaakt|gestolen|op straat"
            r"|meegenomen|gekopieerd)|(buitgemaakt|gestolen|meegenomen)[^.?!]{0,40}(persoonsgegevens"
            r"|rijksregisternummer|bsn|adressen)|personal data[^.?!]{0,40}(stolen|leaked|exposed)",
        ),
        (
            "hacked",
            "help-hacked",
            r"gehackt|gehacked|hacked|gekraakt|cyberaanval|cyber-aanval|cyberattack|cyber attack"
            r"|under attack|aangevallen|aanval op (ons|onze|de gemeente)|ingebroken (op|in) (ons|onze|het)"
            r"|inbraak (op|in) (ons|onze|het) (netwerk|systeem|e-loket|website)"
            r"|(ligt|liggen) plat door|ddos|account (is )?overgenomen|taken over",
        ),
    )
)

# A question about the thing in general is no situation: "wat is ransomware?".
_GENERAL = re.compile(r"^(wat is|wat zijn|what is|what are|hoe herken|how do i recognise)\b")
# A situation with a specific question about it ("we zijn gehackt, binnen hoeveel uur moeten we
# dat melden?"): the advice entry gets no priority, the question's own words decide; the chat
# still offers /melden.
_SPECIFIC = re.compile(
    r"binnen hoeveel|hoeveel (uur|tijd|dagen)|hoe snel|hoe lang|wanneer moet|welke termijn"
    r"|aan wie|bij wie|naar wie|deadline|within how|how (many|long|fast|quickly|soon)"
    r"|who (do|must|should) we|to whom|moeten we (ook|dan ook|nog)|ook (nog )?(melden|naar)"
    r"|apart (melden|gemeld)|(is|zijn) (dat|die|de nis2-melding) (dan )?genoeg|do we also|is that enough"
)


def asks_something_specific(question: str) -> bool:
    return bool(_SPECIFIC.search(normalise(question)))


def situation_of(question: str) -> Situation | None:
    text = normalise(question)
    if _GENERAL.match(text.strip()):
        return None
    return next((s for s in SITUATIONS if s.pattern.search(text)), None)
