"""Behaviour of the engine: required questions, role variants, country filter, overrides."""

from __future__ import annotations

import pytest

from handlers.qa import FORWARD_TO_COORDINATOR, QAEngine, build_overrides, load_overrides
from handlers.qa.engine import SUGGESTIONS
from handlers.qa.kb import KnowledgeBaseError, build_entry, for_country
from handlers.reply import to_plain_text
from storage.enums import Country, Role


def test_first_report_deadline_for_ismt(engine: QAEngine) -> None:
    result = engine.ask(
        "hoeveel tijd hebben we voor de eerste melding?",
        role=Role.ISMT,
        country=Country.NL,
        language="nl",
    )
    assert result.kind == "answer"
    assert result.entry_id == "rep-early-warning"
    assert "24 uur" in result.text
    assert result.in_scope
    assert "Bron:" in result.text


def test_council_asks_what_to_ask(engine: QAEngine) -> None:
    result = engine.ask(
        "wat moet de raad hierover vragen?",
        role=Role.COUNCIL_MEMBER,
        country=Country.NL,
        language="nl",
    )
    assert result.kind == "answer"
    assert result.entry_id == "council-questions"
    for level in ("Strategisch", "Tactisch", "Operationeel"):
        assert level in result.text


def test_stolen_laptop(engine: QAEngine) -> None:
    result = engine.ask(
        "my work laptop was stolen from my car",
        role=Role.EMPLOYEE,
        country=Country.NL,
        language="en",
    )
    assert result.kind == "answer"
    assert result.entry_id == "help-stolen-laptop"
    assert "police" in result.text


def test_swimming_pool_is_unknown_with_offer_to_forward(engine: QAEngine) -> None:
    result = engine.ask(
        "hoe laat gaat het zwembad open?", role=Role.EMPLOYEE, country=Country.NL, language="nl"
    )
    assert result.kind == "unknown"
    assert not result.in_scope
    assert result.entry_id is None
    assert "weet ik niet" in result.text
    assert [c.value for c in result.suggestions] == [FORWARD_TO_COORDINATOR]


def test_unknown_in_english(engine: QAEngine) -> None:
    result = engine.ask(
        "what time does the pool open", role="employee", country="nl", language="en"
    )
    assert result.kind == "unknown"
    assert "I don't know" in to_plain_text(result.text)


def _entry(entry_id: str, nl_question: str, en_question: str) -> dict:
    return {
        "id": entry_id,
        "topic": "test",
        "countries": "both",
        "sources": ["own-policy"],
        "reliability": "V",
        "nl": {"question": nl_question, "paraphrases": [nl_question, nl_question], "answer": "x"},
        "en": {"question": en_question, "paraphrases": [en_question, en_question], "answer": "y"},
    }


def test_too_close_to_call_suggests_the_top_three() -> None:
    # Three entries with the same question: sure of the subject, not of the entry.
    small = QAEngine(
        [
            build_entry(_entry(f"printer-{i}", "Waar staat de printer?", "Where is the printer?"))
            for i in range(4)
        ]
    )
    result = small.ask("waar staat de printer", role="employee", country="nl", language="nl")
    assert result.kind == "suggest"
    assert result.in_scope
    assert result.entry_id is None
    assert result.text == "Bedoel je…?"
    assert len(result.suggestions) == SUGGESTIONS == 3
    assert all(c.value.startswith("printer-") for c in result.suggestions)
    assert all(c.label == "Waar staat de printer?" for c in result.suggestions)
    english = small.ask("where is the printer", role="employee", country="be", language="en")
    assert english.text == "Did you mean…?"


def test_role_variants_differ(engine: QAEngine) -> None:
    question = "hoeveel tijd hebben we voor de eerste melding?"
    as_ismt = engine.ask(question, role=Role.ISMT, country=Country.NL, language="nl")
    as_employee = engine.ask(question, role=Role.EMPLOYEE, country=Country.NL, language="nl")
    assert as_ismt.entry_id == as_employee.entry_id == "rep-early-warning"
    entry = engine.by_id["rep-early-warning"]
    assert as_ismt.text.startswith(entry.texts["nl"].role_answers[Role.ISMT])
    assert as_employee.text.startswith(entry.texts["nl"].role_answers[Role.EMPLOYEE])
    assert as_ismt.text != as_employee.text


def test_role_without_variant_gets_default(engine: QAEngine) -> None:
    result = engine.answer_entry(
        "rep-early-warning", role=Role.AUDITOR, country=Country.NL, language="en"
    )
    general = engine.by_id["rep-early-warning"].texts["en"].answer
    assert result.text.startswith(for_country(general, Country.NL))
    assert "Cbw art. 26" in result.text  # the Dutch fragment is kept in the Netherlands


def test_shared_role_key_gives_both_roles_the_variant(engine: QAEngine) -> None:
    entry = engine.by_id["training-college-nl"]
    texts = entry.texts["nl"].role_answers
    assert texts[Role.MAYOR] == texts[Role.ALDERMAN]
    assert texts[Role.MAYOR] != entry.texts["nl"].answer


def test_country_filter_before_ranking(engine: QAEngine) -> None:
    question = "geldt nis2 voor onze gemeente"
    nl = engine.ask(question, role=Role.EMPLOYEE, country=Country.NL, language="nl")
    be = engine.ask(question, role=Role.EMPLOYEE, country=Country.BE, language="nl")
    assert nl.entry_id == "scope-nl"
    assert be.entry_id == "scope-be"
    assert "van rechtswege" in nl.text
    assert "In principe <b>niet</b>" in be.text


def test_belgian_only_entries_never_reach_a_dutch_organisation(engine: QAEngine) -> None:
    be_only = {e.id for e in engine.entries if e.countries == frozenset({Country.BE})}
    assert be_only
    # Questions that do not name Belgium (those that do are answered for Belgium: see
    # test_country_routing.py).
    for question in (
        "welk normenkader moeten we volgen",
        "waar registreren we ons voor nis2",
        "wat is het standpunt van de koepel over nis2",
    ):
        ranked, _, _ = engine.rank(question, role=Role.EMPLOYEE, country=Country.NL)
        assert not {entry_id for entry_id, _ in ranked} & be_only
    for entry_id in be_only:
        result = engine.answer_entry(
            entry_id, role=Role.EMPLOYEE, country=Country.NL, language="nl"
        )
        assert result.kind == "unknown"


def test_answer_entry_for_a_picked_suggestion(engine: QAEngine) -> None:
    result = engine.answer_entry("rep-final", role="ismt", country="nl", language="en")
    assert result.kind == "answer"
    assert result.entry_id == "rep-final"
    assert result.confidence == 1.0
    assert "one month" in result.text
    assert engine.answer_entry("no-such-id", role="ismt", country="nl", language="en").kind == (
        "unknown"
    )


def test_law_and_own_policy_are_labelled(engine: QAEngine) -> None:
    policy = engine.answer_entry("prop-training", role="employee", country="nl", language="nl")
    assert "eigen beleid van de gemeente" in policy.text
    law = engine.answer_entry("rep-final", role="employee", country="nl", language="nl")
    assert "eigen beleid" not in law.text
    assert "NIS2 art. 23(4)(d)" in law.sources


def test_uncertain_facts_are_hedged(engine: QAEngine) -> None:
    for entry in engine.entries:
        if entry.reliability == "U" and not entry.dynamic:
            result = engine.answer_entry(
                entry.id, role="employee", country=next(iter(entry.countries)), language="en"
            )
            assert "check the current status" in result.text, entry.id


def test_answers_are_neutral_markup(engine: QAEngine) -> None:
    import re

    allowed = {"b", "i", "u", "s", "code", "pre", "a"}
    for entry in engine.entries:
        for country in entry.countries:
            for lang in ("nl", "en"):
                text = engine.answer_entry(
                    entry.id, role="mayor", country=country, language=lang
                ).text
                tags = {t.lower() for t in re.findall(r"</?([a-zA-Z]+)", text)}
                assert tags <= allowed, (entry.id, tags)
                assert not re.search(r"&(?![a-z]+;|#\d+;)", text), entry.id


# --- organisation overrides -------------------------------------------------------------------


def test_override_replaces_only_what_it_sets(engine: QAEngine) -> None:
    overrides = build_overrides(
        [{"id": "gdpr-dpo", "nl": {"answer": "Onze FG is <b>Fatima de Vries</b>, toestel 4321."}}],
        engine.entries,
    )
    result = engine.ask(
        "wie is onze privacy officer",
        role="employee",
        country="nl",
        language="nl",
        overrides=overrides,
    )
    assert result.entry_id == "gdpr-dpo"
    assert "Fatima de Vries" in result.text
    # the English text and the paraphrases were inherited from the shared entry
    english = engine.answer_entry(
        "gdpr-dpo", role="employee", country="nl", language="en", overrides=overrides
    )
    assert english.text.startswith(engine.by_id["gdpr-dpo"].texts["en"].answer)
    # and the shared engine itself is untouched
    plain = engine.answer_entry("gdpr-dpo", role="employee", country="nl", language="nl")
    assert "Fatima" not in plain.text


def test_override_adds_a_new_entry(engine: QAEngine) -> None:
    new_entry = {
        "id": "org-helpdesk-number",
        "topic": "organisation",
        "countries": "nl",
        "sources": ["own-policy"],
        "reliability": "V",
        "nl": {
            "question": "Wat is het nummer van de servicedesk?",
            "paraphrases": ["Servicedesk bellen", "Telefoonnummer helpdesk ICT"],
            "answer": "Bel de servicedesk op <b>4444</b>.",
        },
        "en": {
            "question": "What is the service desk's number?",
            "paraphrases": ["Call the service desk", "Phone number of the IT help desk"],
            "answer": "Call the service desk on <b>4444</b>.",
        },
    }
    overrides = build_overrides([new_entry], engine.entries)
    result = engine.ask(
        "servicedesk telefoonnummer",
        role="employee",
        country="nl",
        language="nl",
        overrides=overrides,
    )
    assert result.entry_id == "org-helpdesk-number"
    assert "org-helpdesk-number" not in engine.by_id


def test_override_engine_is_cached_by_content(engine: QAEngine) -> None:
    table = [{"id": "gdpr-dpo", "en": {"answer": "Our DPO is Jan."}}]
    first = engine.with_overrides(build_overrides(table, engine.entries))
    second = engine.with_overrides(build_overrides(table, engine.entries))
    other = engine.with_overrides(
        build_overrides([{"id": "gdpr-dpo", "en": {"answer": "Our DPO is Piet."}}], engine.entries)
    )
    assert first is second
    assert other is not first
    assert engine.with_overrides(()) is engine


def test_overrides_from_a_directory(engine: QAEngine, tmp_path) -> None:
    (tmp_path / "contacts.toml").write_text(
        '[[entry]]\nid = "rep-ibd-contact-nl"\n'
        'nl.answer = "Bel eerst ons eigen CERT: <b>030 123 45 67</b>; daarna de IBD."\n',
        encoding="utf-8",
    )
    overrides = load_overrides(tmp_path, engine.entries)
    result = engine.answer_entry(
        "rep-ibd-contact-nl", role="it", country="nl", language="nl", overrides=overrides
    )
    assert "030 123 45 67" in result.text


def test_broken_override_is_refused(engine: QAEngine) -> None:
    with pytest.raises(KnowledgeBaseError):
        build_overrides([{"id": "brand-new", "nl": {"answer": "half an entry"}}], engine.entries)


@pytest.mark.parametrize(
    ("question", "lang", "expected"),
    [
        ("wat is een bijna-incident?", "nl", "nis2-near-miss"),  # 'bijna' is no stopword
        ("wat is nis2?", "nl", "nis2-what"),  # 'wat is X' asks for a definition
        ("What is a BIA?", "en", "vvsg-bia"),
    ],
)
def test_definition_questions_find_the_definition(
    engine: QAEngine, question: str, lang: str, expected: str
) -> None:
    result = engine.ask(question, role=Role.EMPLOYEE, country=Country.NL, language=lang)
    assert result.kind == "answer" and result.entry_id == expected
