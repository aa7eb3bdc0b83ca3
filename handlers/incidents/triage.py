"""The triage hint: is this incident *potentially* significant in the sense of Art. 23(3) NIS2?

Art. 23(3) NIS2 / Cbw art. 25 (facts 5.2, 9.23): significant if it (a) has caused or can cause
severe operational disruption of the services or financial loss for the entity, or (b) has affected
or can affect other natural or legal persons by causing considerable material or non-material
damage.

This is a HINT for the ISMT, never the decision. The ISMT decides and the decision is recorded with
who and when. Reg. 2024/2690 does not apply to municipalities (facts 6.2); its "successful,
suspectedly malicious unauthorised access" criterion is used here only as orientation for ransomware
and account takeover. Over-flagging is the safe side: a wrong "potentially significant" costs the
ISMT a look, a wrong "not significant" can cost a missed 24 h deadline.

"Unknown" answers do not flag by themselves (or every fresh report would be flagged); they come back
as open questions the ISMT should answer before deciding.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.i18n import N_, t
from handlers.incidents.model import Category, Impact, TriState

REASON_SEVERE = N_("Services are severely disrupted.")
REASON_FINANCIAL = N_("There is or may be financial loss.")
REASON_OTHERS = N_("Residents, businesses or other organisations are or may be harmed.")
REASON_PERSONAL_DATA = N_("Personal data is involved: the people concerned may be harmed.")
REASON_MALWARE = N_("Malware or ransomware can spread and disrupt services.")
REASON_ACCESS = N_("Someone may have unauthorised access to our systems.")
REASON_OUTAGE_RESIDENTS = N_("Services for residents are down or degraded.")

QUESTION_FINANCIAL = N_("Is there, or could there be, financial loss?")
QUESTION_OTHERS = N_("Are residents, businesses or other organisations affected?")
QUESTION_PERSONAL_DATA = N_("Is personal data involved?")
QUESTION_IMPACT = N_("How badly are services disrupted, and which ones?")

#: Shown when ``TriageHint.gdpr_check``: the GDPR track is the privacy officer's assessment.
GDPR_HINT = N_(
    "Personal data may be involved: ask the privacy officer to assess the 72-hour GDPR report."
)


@dataclass(frozen=True)
class TriageFacts:
    category: Category
    impact: Impact
    financial_loss: TriState = TriState.UNKNOWN
    others_affected: TriState = TriState.UNKNOWN  # residents, businesses, partners harmed
    personal_data: TriState = TriState.UNKNOWN


@dataclass(frozen=True)
class TriageHint:
    potentially_significant: bool
    reasons: tuple[str, ...]  # msgids, why it may be significant
    open_questions: tuple[str, ...]  # msgids, what to find out before deciding
    gdpr_check: bool  # personal data yes/unknown: the GDPR track needs the privacy officer

    def reason_texts(self, language: str) -> list[str]:
        return [t(language, m) for m in self.reasons]

    def question_texts(self, language: str) -> list[str]:
        return [t(language, m) for m in self.open_questions]


def triage_hint(facts: TriageFacts) -> TriageHint:
    reasons: list[str] = []
    questions: list[str] = []

    # Art. 23(3)(a): severe operational disruption, or financial loss.
    if facts.impact == Impact.SEVERE:
        reasons.append(REASON_SEVERE)
    if facts.financial_loss == TriState.YES:
        reasons.append(REASON_FINANCIAL)
    elif facts.financial_loss == TriState.UNKNOWN:
        questions.append(QUESTION_FINANCIAL)

    # Art. 23(3)(b): others harmed (residents, businesses, the people whose data it is).
    if facts.others_affected == TriState.YES:
        if facts.category == Category.OUTAGE:
            reasons.append(REASON_OUTAGE_RESIDENTS)
        else:
            reasons.append(REASON_OTHERS)
    elif facts.others_affected == TriState.UNKNOWN:
        questions.append(QUESTION_OTHERS)
    if facts.personal_data == TriState.YES:
        reasons.append(REASON_PERSONAL_DATA)
    elif facts.personal_data == TriState.UNKNOWN:
        questions.append(QUESTION_PERSONAL_DATA)

    # "Can cause": threats that typically grow if left alone (orientation: Reg. 2024/2690 art. 3).
    # With no impact at all (blocked by the virus scanner, the account locked in time) it is a near
    # miss: worth a voluntary report perhaps (Art. 30), but not flagged here.
    if facts.impact != Impact.NONE:
        if facts.category == Category.MALWARE_RANSOMWARE:
            reasons.append(REASON_MALWARE)
        elif facts.category == Category.ACCOUNT_TAKEOVER:
            reasons.append(REASON_ACCESS)
    if facts.impact == Impact.PARTIAL and not reasons:
        questions.append(QUESTION_IMPACT)

    return TriageHint(
        potentially_significant=bool(reasons),
        reasons=tuple(reasons),
        open_questions=tuple(questions),
        gdpr_check=facts.personal_data in (TriState.YES, TriState.UNKNOWN),
    )
