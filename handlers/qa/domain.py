"""The domain's own words: a question using one of them is about our domain, whatever else it
says (a long story about the town hall that mentions ransomware is a ransomware question).

Only words that mean information security, NIS2 or its institutions in every context are listed;
words that also belong to everyday municipal life (audit, laptop, raad, training, melden) are
left to the domain model and the ranking. Matched at word starts on the normalised text.
"""

from __future__ import annotations

import re

from handlers.qa.text import normalise

_WORDS = re.compile(
    r"\b(nis ?2|nis-?richtlijn|nis1|cbw\b|cyberbeveiligingswet|cyberbeveiligingsbesluit|cyber"
    r"|informatiebeveilig|beveiligingsincident|security|securi|hack|phish|phising|ransom|malware"
    r"|virus|trojan|datalek|data ?breach|data ?leak|wachtwoord|password|wachtwoorden|mfa\b|2fa\b"
    r"|tweestaps|multifactor|multi-factor|authenticat|incident|csirt|cert\b|ncsc|ibd\b|ccb\b"
    r"|safeonweb|cyfun|cyberfundamentals|bio2|bio 2|iso ?2700|ismt\b|ciso\b|avg\b|gdpr"
    r"|persoonsgegevens|personal data|privacy|gegevensbescherming|autoriteit persoonsgegevens"
    r"|firewall|encrypt|versleutel|back-?up|patch|kwetsba|vulnerab|pentest|penetratietest"
    r"|ethisch hack|ethical hack|\bsoc\b|siem|logging|monitoring|toezichthouder|zorgplicht"
    r"|meldplicht|bob-?sessie|usb|nepmail|spam|fraude|fraud|oplichting|scam|ddos|spoofing"
    r"|verdachte mail|suspicious|crisisteam|crisiscommunicatie|continuiteit|bcp\b|bia\b"
    r"|toegangsbeheer|access control|risicoanalyse|risk (analysis|assessment)|leveranciersrisico"
    r"|vvsg|rdi\b|aansprakelijk|liabil|essentiele entiteit|belangrijke entiteit|essential entit"
    r"|important entit|significant incident|vroegtijdige waarschuwing|early warning"
    r"|certificaat|certificate|toets\b|quiz\b|nis2bot|deze bot|this bot|de bot\b|the bot\b)"
)


def domain_words(question: str) -> list[str]:
    """The domain words the question uses (empty: none)."""
    return [m.group(0) for m in _WORDS.finditer(normalise(question))]
