"""The Dutch catalog covers every msgid the incident feature uses."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import handlers.incidents
from handlers.i18n import t
from handlers.i18n_extract import msgids_in

PACKAGE = Path(handlers.incidents.__file__).resolve().parent
CATALOG = PACKAGE / "locale" / "nl.po"


def used_msgids() -> set[str]:
    found = extract_from_dir(
        str(PACKAGE),
        method_map=[("**.py", "python"), ("**/templates/**.j2", "jinja2.ext:babel_extract")],
        # t(language, message): the message is the 2nd argument.
        keywords={"N_": None, "t": (2,), "_": None, "gettext": None, "ngettext": (1, 2)},
        options_map={"**/templates/**.j2": {"extensions": "jinja2.ext.i18n"}},
    )
    # ``ctx.t("msg")`` (the chat modules) too: the project's own extractor knows that form.
    ids: set[str] = set(msgids_in([PACKAGE]))
    for _filename, _lineno, message, _comments, _context in found:
        if isinstance(message, tuple):
            ids.update(m for m in message if m)
        elif message:
            ids.add(message)
    return ids


def test_extraction_finds_the_msgids() -> None:
    ids = used_msgids()
    assert len(ids) > 40
    assert "Early warning" in ids  # N_ in model.py
    assert "[to be completed]" in ids  # drafts.py


def test_nl_catalog_covers_every_msgid() -> None:
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="nl")
    missing = sorted(i for i in used_msgids() if i not in catalog or not catalog[i].string)
    assert missing == []
    fuzzy = sorted(m.id for m in catalog if m.id and m.fuzzy)
    assert fuzzy == []


def test_catalog_header() -> None:
    text = CATALOG.read_text("utf-8")
    assert '"Language: nl\\n"' in text
    assert '"Content-Type: text/plain; charset=utf-8\\n"' in text
    assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in text


def test_no_stale_entries() -> None:
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="nl")
    used = used_msgids()
    stale = sorted(str(m.id) for m in catalog if m.id and m.id not in used)
    assert stale == []


def test_translations_are_loaded() -> None:
    assert t("nl", "Early warning") == "Vroegtijdige waarschuwing"
    assert t("en", "Early warning") == "Early warning"
