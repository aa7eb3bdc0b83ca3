from __future__ import annotations

from handlers.incidents import triage as tr
from handlers.incidents.model import Category, Impact, TriState
from handlers.incidents.triage import TriageFacts, triage_hint

NO = TriState.NO
YES = TriState.YES
UNKNOWN = TriState.UNKNOWN


def test_blocked_phishing_is_not_flagged() -> None:
    hint = triage_hint(TriageFacts(Category.PHISHING, Impact.NONE, NO, NO, NO))
    assert not hint.potentially_significant
    assert hint.reasons == () and hint.open_questions == ()
    assert not hint.gdpr_check


def test_severe_disruption_is_flagged() -> None:
    hint = triage_hint(TriageFacts(Category.OUTAGE, Impact.SEVERE, NO, NO, NO))
    assert hint.potentially_significant
    assert hint.reasons == (tr.REASON_SEVERE,)


def test_financial_loss_is_flagged() -> None:
    hint = triage_hint(TriageFacts(Category.PHISHING, Impact.NONE, YES, NO, NO))
    assert hint.reasons == (tr.REASON_FINANCIAL,)


def test_others_harmed_and_outage_for_residents() -> None:
    hint = triage_hint(TriageFacts(Category.OTHER, Impact.PARTIAL, NO, YES, NO))
    assert hint.reasons == (tr.REASON_OTHERS,)
    hint = triage_hint(TriageFacts(Category.OUTAGE, Impact.PARTIAL, NO, YES, NO))
    assert hint.reasons == (tr.REASON_OUTAGE_RESIDENTS,)


def test_personal_data_leaked_is_flagged_and_needs_the_privacy_officer() -> None:
    hint = triage_hint(TriageFacts(Category.DATA_LEAK, Impact.NONE, NO, NO, YES))
    assert hint.potentially_significant
    assert tr.REASON_PERSONAL_DATA in hint.reasons
    assert hint.gdpr_check


def test_ransomware_and_account_takeover_with_impact() -> None:
    hint = triage_hint(TriageFacts(Category.MALWARE_RANSOMWARE, Impact.PARTIAL, NO, NO, NO))
    assert hint.reasons == (tr.REASON_MALWARE,)
    hint = triage_hint(TriageFacts(Category.ACCOUNT_TAKEOVER, Impact.PARTIAL, NO, NO, NO))
    assert hint.reasons == (tr.REASON_ACCESS,)
    # Caught before it did anything: a near miss, not flagged.
    hint = triage_hint(TriageFacts(Category.MALWARE_RANSOMWARE, Impact.NONE, NO, NO, NO))
    assert not hint.potentially_significant


def test_unknowns_become_questions_not_flags() -> None:
    hint = triage_hint(TriageFacts(Category.OTHER, Impact.PARTIAL))
    assert not hint.potentially_significant
    assert hint.open_questions == (
        tr.QUESTION_FINANCIAL,
        tr.QUESTION_OTHERS,
        tr.QUESTION_PERSONAL_DATA,
        tr.QUESTION_IMPACT,
    )
    assert hint.gdpr_check  # personal data unknown: the privacy officer assesses


def test_texts_are_translated() -> None:
    hint = triage_hint(TriageFacts(Category.DATA_LEAK, Impact.SEVERE, YES, YES, YES))
    nl, en = hint.reason_texts("nl"), hint.reason_texts("en")
    assert len(nl) == len(en) == len(hint.reasons) == 4
    assert nl != en
    assert en[0] == tr.REASON_SEVERE
