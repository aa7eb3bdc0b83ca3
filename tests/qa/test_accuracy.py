"""Accuracy on the held-out labelled set (tests/qa/labelled_questions.toml).

The set was written apart from the knowledge base's own questions and paraphrases; the checks
below keep it that way (no test question may be a copy of a knowledge-base question).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from handlers.qa.classifier import off_topic_questions
from handlers.qa.engine import QAEngine
from handlers.qa.text import normalise
from tests.qa.conftest import load_cases


def _expected(case: dict[str, Any]) -> list[str]:
    value = case["expect"]
    return [value] if isinstance(value, str) else list(value)


def _split(cases: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    oos = [c for c in cases if _expected(c) == ["unknown"]]
    return [c for c in cases if c not in oos], oos


def _ask(engine: QAEngine, case: dict[str, Any]):
    return engine.ask(
        case["q"],
        role=case.get("role", "employee"),
        country=case.get("country", "nl"),
        language=case.get("lang", "nl"),
    )


def test_labelled_set_is_big_enough_and_valid(engine: QAEngine, labelled: list) -> None:
    in_scope, oos = _split(labelled)
    assert len(labelled) >= 200
    assert len(oos) >= 30
    assert {c.get("lang", "nl") for c in in_scope} == {"nl", "en"}
    for case in in_scope:
        for entry_id in _expected(case):
            assert entry_id in engine.by_id, f"unknown id {entry_id} in {case['q']!r}"


def test_labelled_questions_are_not_copies_of_the_knowledge_base(
    engine: QAEngine, labelled: list
) -> None:
    known = {
        normalise(q).strip(" ?!.")
        for entry in engine.entries
        for text in entry.texts.values()
        for q in (text.question, *text.paraphrases)
    }
    copies = [c["q"] for c in labelled if normalise(c["q"]).strip(" ?!.") in known]
    assert not copies


def _top1(engine: QAEngine, labelled: list) -> tuple[float, list]:
    in_scope, _ = _split(labelled)
    misses = []
    for case in in_scope:
        ranked, _, _ = engine.rank(
            case["q"], role=case.get("role", "employee"), country=case.get("country", "nl")
        )
        if not ranked or ranked[0][0] not in _expected(case):
            misses.append((case["q"], ranked[0][0] if ranked else None))
    return 1 - len(misses) / len(in_scope), misses


def test_top1_in_scope_at_least_90_percent(engine: QAEngine, labelled: list) -> None:
    accuracy, misses = _top1(engine, labelled)
    assert accuracy >= 0.90, f"top-1 {accuracy:.1%}; misses: {misses}"


def test_top1_in_scope_does_not_regress_below_the_measured_level(
    engine: QAEngine, labelled: list
) -> None:
    # A regression guard at the level measured before the #5 improvements (89.0 %, 2026-11-22);
    # the bar is asserted above (90.4 % measured after them).
    accuracy, misses = _top1(engine, labelled)
    assert accuracy >= 0.885, f"top-1 {accuracy:.1%}; misses: {misses}"


def test_first_offer_right_for_most_in_scope(engine: QAEngine, labelled: list) -> None:
    """What the person sees: the answer, or the first 'did you mean' choice, is right."""
    in_scope, _ = _split(labelled)
    right = 0
    for case in in_scope:
        result = _ask(engine, case)
        first = result.entry_id or (
            result.suggestions[0].value if result.kind == "suggest" else None
        )
        right += first in _expected(case)
    assert right / len(in_scope) >= 0.85


def test_out_of_scope_recognised_at_least_90_percent(engine: QAEngine, labelled: list) -> None:
    _, oos = _split(labelled)
    answered = [c["q"] for c in oos if _ask(engine, c).kind != "unknown"]
    recognised = 1 - len(answered) / len(oos)
    assert recognised >= 0.90, f"recognised {recognised:.1%}; not recognised: {answered}"


@pytest.fixture(scope="module")
def blind() -> list[dict[str, Any]]:
    return load_cases("blind_questions.toml")


def test_blind_set_is_valid_and_no_copies(engine: QAEngine, blind: list) -> None:
    """The 40 questions written before the #5 improvements (never used to tune anything)."""
    in_scope, oos = _split(blind)
    assert len(blind) == 40 and len(oos) >= 6
    known = {
        normalise(q).strip(" ?!.")
        for entry in engine.entries
        for text in entry.texts.values()
        for q in (text.question, *text.paraphrases)
    }
    assert not [c["q"] for c in blind if normalise(c["q"]).strip(" ?!.") in known]
    for case in in_scope:
        for entry_id in _expected(case):
            assert entry_id in engine.by_id, f"unknown id {entry_id} in {case['q']!r}"


def test_blind_set_top1_does_not_regress(engine: QAEngine, blind: list) -> None:
    # Measured 91.2 % before the improvements and 94.1 % after; guarded at the lower level.
    accuracy, misses = _top1(engine, blind)
    assert accuracy >= 0.91, f"top-1 {accuracy:.1%}; misses: {misses}"


# --- what the person sees (issue 12): a direct answer from the right entry ------------------


def _direct_and_right(engine: QAEngine, cases: list) -> tuple[float, list]:
    """Share of in-scope cases answered directly ('answer', not a menu or "I don't know") by an
    expected entry: the measure people experience, next to the ranking's top-1."""
    in_scope, _ = _split(cases)
    misses = []
    for case in in_scope:
        result = _ask(engine, case)
        if result.kind != "answer" or result.entry_id not in _expected(case):
            misses.append((case["q"], result.kind, result.entry_id))
    return 1 - len(misses) / len(in_scope), misses


def test_labelled_set_is_answered_directly_and_right(engine: QAEngine, labelled: list) -> None:
    # Measured 79 % before issue 12 and 95.4 % after it (2026-12-07); guarded just below.
    share, misses = _direct_and_right(engine, labelled)
    assert share >= 0.93, f"direct and right {share:.1%}; misses: {misses}"


def test_blind_set_is_answered_directly_and_right(engine: QAEngine, blind: list) -> None:
    # Measured 88.2 % after issue 12 (30 of 34); guarded at that level.
    share, misses = _direct_and_right(engine, blind)
    assert share >= 0.88, f"direct and right {share:.1%}; misses: {misses}"


def test_blind_set_out_of_scope_is_refused(engine: QAEngine, blind: list) -> None:
    _, oos = _split(blind)
    answered = [c["q"] for c in oos if _ask(engine, c).in_scope]
    assert not answered


def test_the_base_holds_no_outsider_question_verbatim(engine: QAEngine) -> None:
    """The outsider set (../shared/qa) teaches what kinds of questions fail; its wording must not
    be copied into the base (nor into the off-topic examples)."""
    path = Path(__file__).resolve().parents[3] / "shared" / "qa" / "outsider_questions.yaml"
    if not path.exists():
        pytest.skip(f"{path} not present on this machine")
    import yaml

    items = yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
    theirs = {normalise(item["question"]).strip(" ?!.") for item in items}
    assert len(theirs) >= 100
    ours = {
        normalise(q).strip(" ?!.")
        for entry in engine.entries
        for text in entry.texts.values()
        for q in (text.question, *text.paraphrases)
    } | {normalise(q).strip(" ?!.") for q in off_topic_questions()}
    assert not theirs & ours
