"""Recognising incidents in free text: the category a description clearly names, and whether a
message means "I want to report something" (then the intake is offered, never started unasked)."""

from __future__ import annotations

import re

from handlers.incidents.model import Category

# Words that make the category unambiguous. Only a description matching exactly one category sets
# it; anything else is asked.
_CATEGORY_WORDS: dict[Category, re.Pattern[str]] = {
    Category.PHISHING: re.compile(
        r"phish|link (ge)?klikt|op een link|clicked (on )?a link|nepmail|verdachte (e-?)?mail"
        r"|suspicious (e-?)?mail|fake (e-?)?mail"
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


_REPORT_INTENT = re.compile(
    r"\b(iets|incident|datalek|phishing|dit|het|een) (te )?melden\b|\bwil\b.*\bmelden\b"
    r"|\bhoe meld ik\b|\bmelding (maken|doen)\b|\breport (an? |this |the )?"
    r"(incident|something|breach|phishing|data)|\bwant to report\b|\bhow do i report\b"
    r"|\b(op|on) (een|a) link (ge)?klik|\bclicked (on )?a link\b|\bik ben gehackt\b"
    r"|\bi(')?ve been hacked\b|\b(laptop|telefoon|phone) (is )?(kwijt|gestolen|stolen|lost)\b"
    r"|\blost my (laptop|phone)\b|\bnaar de verkeerde\b|\bto the wrong (person|address)\b"
)


def looks_like_report(text: str) -> bool:
    return bool(_REPORT_INTENT.search(text.casefold()))
