"""The Dutch catalog covers every msgid of the feature, and both languages have every template.

The project-wide checks (tests/test_code_quality.py) use the same extractor over all code; this
file adds what is particular to the training feature: its plural entry (``ngettext``, which the
extractor does not see), the catalog's header, no stale entries, and the per-language templates.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from handlers.i18n import ngettext
from handlers.i18n_extract import msgids_in, untranslated

PACKAGE = Path(__file__).resolve().parents[2] / "handlers" / "training"
PLURALS = {("{n} day", "{n} days")}  # every ngettext pair of the feature (texts.days_text)


def catalog() -> Catalog:
    with (PACKAGE / "locale" / "nl.po").open("rb") as handle:
        return read_po(handle, locale="nl")


def test_every_msgid_of_the_feature_has_a_dutch_translation() -> None:
    used = msgids_in([PACKAGE])
    assert len(used) >= 40 and "Certificate" in used and "Phishing" in used
    assert untranslated([PACKAGE], "nl") == {}


def test_plural_entries_are_translated_both_ways() -> None:
    po = catalog()
    for singular, plural in PLURALS:
        message = po.get(singular)
        assert message is not None and message.id == (singular, plural)
        assert isinstance(message.string, tuple) and all(s.strip() for s in message.string)
    assert ngettext("nl", "{n} day", "{n} days", 1) == "{n} dag"
    assert ngettext("nl", "{n} day", "{n} days", 2) == "{n} dagen"


def test_catalog_has_no_stale_entries_and_a_standard_header() -> None:
    po = catalog()
    used = set(msgids_in([PACKAGE])) | {singular for singular, _ in PLURALS}
    stale = [
        m.id for m in po if m.id and (m.id[0] if isinstance(m.id, tuple) else m.id) not in used
    ]
    assert stale == []
    assert not any(m.fuzzy for m in po if m.id)
    header = (PACKAGE / "locale" / "nl.po").read_text("utf-8")
    assert '"Language: nl\\n"' in header
    assert '"Content-Type: text/plain; charset=utf-8\\n"' in header
    assert po.plural_forms == "nplurals=2; plural=(n != 1);"


def test_every_template_exists_in_both_languages() -> None:
    stems = {path.name.split(".")[0] for path in (PACKAGE / "templates").glob("*.j2")}
    assert stems == {"nudge", "escalation", "college_reminder", "certificate"}
    for stem in stems:
        for language in ("nl", "en"):
            assert (PACKAGE / "templates" / f"{stem}.{language}.j2").is_file()
