"""An organisation's own knowledge-base content, read from ``kb_override`` rows, and the engine
that answers for that organisation.

Rows hold TOML tables as JSON: ``language = "all"`` a (possibly partial) entry table from the
operator's file, ``nl``/``en`` a coordinator's answer in one language. Per entry they are merged
in that order and then over the shared entry (``handlers.qa.kb.build_overrides``). A row with
``language = "learn"`` holds phrasings the coordinator attached to the entry (``{"nl": [...],
"en": [...]}``, the learning loop of issue 12): they are added to the entry's paraphrases, so the
organisation gets that entry for them at once.

Building an engine with overrides re-indexes the whole base (~0.15 s), so the engine is cached per
organisation and keyed on the rows' stamp (``storage.questions.overrides_stamp``): one small query
per question tells whether anything changed, in this process or another one.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any

from sqlmodel import Session

from handlers.qa.engine import QAEngine, get_engine
from handlers.qa.kb import (
    LANGS,
    Entry,
    KnowledgeBaseError,
    build_entry,
    build_overrides,
    merge_raw,
)
from storage import questions
from storage.question_models import KbOverride

log = logging.getLogger(__name__)
WHOLE_ENTRY = "all"
LEARNED = "learn"
_CACHED_ORGS = 64


def override_tables(rows: Iterable[KbOverride]) -> list[dict[str, Any]]:
    """One merged table per entry id: the whole-entry row first, then each language's row."""
    order = {WHOLE_ENTRY: 0, **{lang: i + 1 for i, lang in enumerate(LANGS)}}
    merged: dict[str, dict[str, Any]] = {}
    for row in sorted(rows, key=lambda r: (r.entry_id, order.get(r.language, 9), r.id or 0)):
        table = merge_raw(merged.get(row.entry_id, {}), row.fields)
        table["id"] = row.entry_id
        merged[row.entry_id] = table
    return list(merged.values())


def build_org_entries(
    rows: Iterable[KbOverride], base: Mapping[str, Entry]
) -> tuple[tuple[Entry, ...], list[str]]:
    """(the organisation's entries, problems). An entry that no longer builds (the shared base
    changed under a partial override) is left out and reported, never breaks answering."""
    rows = list(rows)
    entries: dict[str, Entry] = {}
    problems: list[str] = []
    for table in override_tables(r for r in rows if r.language != LEARNED):
        try:
            entries.update((e.id, e) for e in build_overrides([table], base))
        except KnowledgeBaseError as error:
            problems.append(f"{table['id']}: {error}")
    for row in rows:
        if row.language != LEARNED:
            continue
        entry = entries.get(row.entry_id) or base.get(row.entry_id)
        if entry is None:
            problems.append(f"{row.entry_id}: learned phrasings for an entry that is gone")
            continue
        extra = {
            lang: {"paraphrases": [*entry.raw[lang]["paraphrases"], *row.fields.get(lang, [])]}
            for lang in LANGS
        }
        try:
            entries[row.entry_id] = build_entry(merge_raw(entry.raw, extra))
        except KnowledgeBaseError as error:
            problems.append(f"{row.entry_id}: {error}")
    return tuple(entries.values()), problems


def learned_fields(rows: Iterable[KbOverride], entry_id: str) -> dict[str, list[str]]:
    """The phrasings already attached to ``entry_id`` (per language)."""
    for row in rows:
        if row.language == LEARNED and row.entry_id == entry_id:
            return {lang: list(row.fields.get(lang, [])) for lang in LANGS}
    return {lang: [] for lang in LANGS}


class OrgEngines:
    """The engine per organisation, rebuilt only when its overrides change."""

    def __init__(self, base: QAEngine | None = None) -> None:
        self._base = base
        self._cache: OrderedDict[int, tuple[tuple[int, ...], QAEngine]] = OrderedDict()
        self._lock = threading.Lock()
        self.builds = 0  # how many times an organisation's engine was built (for tests, bench)

    @property
    def base(self) -> QAEngine:
        return self._base or get_engine()

    def engine_for(self, *, session: Session, organisation_id: int) -> QAEngine:
        stamp = questions.overrides_stamp(session=session, organisation_id=organisation_id)
        if stamp[1] == 0:
            return self.base
        with self._lock:
            cached = self._cache.get(organisation_id)
            if cached is not None and cached[0] == stamp:
                self._cache.move_to_end(organisation_id)
                return cached[1]
        rows = questions.overrides_of(session=session, organisation_id=organisation_id)
        entries, problems = build_org_entries(rows, self.base.by_id)
        for problem in problems:
            log.warning("organisation %s: override skipped: %s", organisation_id, problem)
        engine = self.base.with_overrides(entries)
        with self._lock:
            self.builds += 1
            self._cache[organisation_id] = (stamp, engine)
            while len(self._cache) > _CACHED_ORGS:
                self._cache.popitem(last=False)
        return engine

    def forget(self, organisation_id: int) -> None:
        """Drop an organisation's engine now (the stamp would catch the change anyway)."""
        with self._lock:
            self._cache.pop(organisation_id, None)


ORG_ENGINES = OrgEngines()
