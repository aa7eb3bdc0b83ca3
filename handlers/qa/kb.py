"""The knowledge base: entries read from TOML data files, checked, and merged with overrides.

An entry is one question with its paraphrases and answers in both languages. Shared entries live
in ``handlers/qa/kb/*.toml``; an organisation's own entries (same format, possibly partial when
they override a shared id) come from a directory an operator points at, or straight from code.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storage.enums import Country, Role

KB_DIR = Path(__file__).resolve().parent / "kb"
LANGS: tuple[str, ...] = ("nl", "en")
COUNTRY_VALUES: dict[str, frozenset[Country]] = {
    "nl": frozenset({Country.NL}),
    "be": frozenset({Country.BE}),
    "both": frozenset({Country.NL, Country.BE}),
}
RELIABILITY = frozenset({"V", "S", "U"})
#: Source markers rendered as translated words instead of a citation.
OWN_POLICY = "own-policy"
GOOD_PRACTICE = "good-practice"
DYNAMIC_KINDS = frozenset({"council_questions", "role_explanation"})
COUNCIL_LEVELS = ("strategisch", "tactisch", "operationeel")
MIN_PARAPHRASES = 2

_ENTRY_KEYS = {"id", "topic", "countries", "sources", "reliability", "audience", "dynamic", *LANGS}
_LANG_KEYS = {"question", "paraphrases", "answer", "roles"}
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_TAG = re.compile(r"<(/?)([a-zA-Z]+)[^>]*>")
_ALLOWED_TAGS = frozenset({"b", "i", "u", "s", "code", "pre", "a"})
_BARE_AMP = re.compile(r"&(?![a-zA-Z]+;|#\d+;)")
#: A fragment for one country only: ``[nl]… Cbw art. 26[/nl]``, ``[be]schepen[/be]``.
_COUNTRY_FRAGMENT = re.compile(r"\[(nl|be)\](.*?)\[/\1\]", re.DOTALL)
_FRAGMENT_MARK = re.compile(r"\[/?(nl|be)\]")
#: A source shown for one country only: ``nl:Cbw art. 26``.
_SOURCE_COUNTRY = re.compile(r"^(nl|be):\s*")
ROLE_VALUES = frozenset(r.value for r in Role)


class KnowledgeBaseError(ValueError):
    """A data file or an entry is not valid; the message lists every problem found."""


@dataclass(frozen=True)
class LanguageText:
    question: str
    paraphrases: tuple[str, ...]
    answer: str
    role_answers: Mapping[Role, str] = field(default_factory=dict)
    #: Variants for one country, per role or (role None) for every role: ``roles."alderman@be"``,
    #: ``roles."@be"``. Where the law differs, a role's text for one country must not reach the
    #: other (a Flemish schepen is not told the Cbw).
    country_answers: Mapping[tuple[Role | None, Country], str] = field(default_factory=dict)

    def answer_for(self, role: Role, country: Country | None = None) -> str:
        """Most specific first: this role in this country, anyone in this country, this role,
        the general answer."""
        if country is not None:
            for key in ((role, country), (None, country)):
                if key in self.country_answers:
                    return self.country_answers[key]
        return self.role_answers.get(role, self.answer)

    def question_for(self, country: Country | str | None) -> str:
        """The entry's question as shown to people of ``country`` ("de rol van een schepen" in
        Flanders); both countries' words when it is not known."""
        if country is None:
            return without_marks(self.question)
        return for_country(self.question, Country(country))

    def all_answers(self) -> tuple[str, ...]:
        """Every answer text, with the fragments of both countries (for the index)."""
        texts = (self.answer, *self.role_answers.values(), *self.country_answers.values())
        return tuple(_FRAGMENT_MARK.sub("", text) for text in texts)


def without_marks(text: str) -> str:
    """``text`` with both countries' fragments kept and their marks removed (for the index)."""
    return _FRAGMENT_MARK.sub("", text)


def for_country(text: str, country: Country) -> str:
    """``text`` with the other country's fragments left out (and the marks removed)."""
    return _COUNTRY_FRAGMENT.sub(lambda m: m.group(2) if m.group(1) == country.value else "", text)


def sources_for(sources: Sequence[str], country: Country) -> list[str]:
    """The sources shown in ``country``: ``nl:``/``be:`` ones only there, without the prefix."""
    shown = []
    for source in sources:
        match = _SOURCE_COUNTRY.match(source)
        if match is None:
            shown.append(source)
        elif match.group(1) == country.value:
            shown.append(source[match.end() :])
    return shown


@dataclass(frozen=True)
class Entry:
    id: str
    topic: str
    countries: frozenset[Country]
    sources: tuple[str, ...]
    reliability: str
    texts: Mapping[str, LanguageText]
    audience: frozenset[Role] | None = None
    dynamic: str | None = None
    #: The TOML table it came from: overrides merge into it, and it fingerprints the entry.
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def fingerprint(self) -> str:
        blob = json.dumps(self.raw, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()

    def written_for(self, role: Role) -> bool:
        """Has a variant or an audience for this role (not merely 'for everyone')."""
        return (self.audience is not None and role in self.audience) or any(
            role in text.role_answers or any(r == role for r, _ in text.country_answers)
            for text in self.texts.values()
        )

    def holds_for(self, country: Country, role: Role) -> bool:
        return country in self.countries and (self.audience is None or role in self.audience)


# ---------------------------------------------------------------------------------------------
# Reading files


def kb_files(path: Path | None = None) -> list[Path]:
    root = path or KB_DIR
    return [root] if root.is_file() else sorted(root.glob("*.toml"))


def read_raw(files: Iterable[Path]) -> tuple[list[tuple[str, dict[str, Any]]], list[str]]:
    """(file name, entry table) pairs of every file, plus the files that did not parse."""
    tables: list[tuple[str, dict[str, Any]]] = []
    errors: list[str] = []
    for file in files:
        try:
            with file.open("rb") as handle:
                data = tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            errors.append(f"{file.name}: cannot read: {exc}")
            continue
        unknown = set(data) - {"entry"}
        if unknown:
            errors.append(f"{file.name}: unknown top-level keys {sorted(unknown)}")
        entries = data.get("entry", [])
        if not isinstance(entries, list):
            errors.append(f"{file.name}: 'entry' must be an array of tables ([[entry]])")
            continue
        tables.extend((file.name, raw) for raw in entries)
    return tables, errors


# ---------------------------------------------------------------------------------------------
# Checking one entry


def _check_markup(text: str, where: str) -> list[str]:
    errors = []
    if _FRAGMENT_MARK.findall(_COUNTRY_FRAGMENT.sub("", text)):
        errors.append(f"{where}: unbalanced [nl]/[be] fragment")
    for closing, tag in _TAG.findall(text):
        if tag.lower() not in _ALLOWED_TAGS:
            errors.append(f"{where}: tag <{closing}{tag}> is not neutral markup")
    if text.count("<") != len(_TAG.findall(text)):
        errors.append(f"{where}: stray '<' (write &lt;)")
    return errors


def _check_roles(value: Any, where: str, *, countries: bool = False) -> list[str]:
    """Role names; with ``countries`` a key may end in ``@nl``/``@be`` (or be just ``@be``)."""
    if not isinstance(value, list | dict):
        return [f"{where}: must be a list or table of roles"]
    errors = []
    for key in value:
        names, at, country = str(key).partition("@")
        if at and (not countries or country not in COUNTRY_VALUES or country == "both"):
            errors.append(f"{where}: bad country in {key!r} (use @nl or @be)")
        if at and not names.strip():
            continue
        errors += [
            f"{where}: unknown role {n.strip()!r}"
            for n in names.split(",")
            if n.strip() not in ROLE_VALUES
        ]
    return errors


def _check_language(raw: Any, where: str) -> list[str]:
    if not isinstance(raw, dict):
        return [f"{where}: missing"]
    errors = [f"{where}: unknown key {k!r}" for k in sorted(set(raw) - _LANG_KEYS)]
    for key in ("question", "answer"):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            errors.append(f"{where}: {key} missing")
    paraphrases = raw.get("paraphrases")
    if not isinstance(paraphrases, list) or not all(
        isinstance(p, str) and p.strip() for p in paraphrases
    ):
        errors.append(f"{where}: paraphrases must be a list of non-empty strings")
    elif len(paraphrases) < MIN_PARAPHRASES:
        errors.append(f"{where}: needs at least {MIN_PARAPHRASES} paraphrases")
    if isinstance(raw.get("answer"), str):
        errors += _check_markup(raw["answer"], f"{where}.answer")
    roles = raw.get("roles", {})
    if not isinstance(roles, dict):
        errors.append(f"{where}.roles: must be a table role = answer")
    else:
        errors += _check_roles(roles, f"{where}.roles", countries=True)
        for key, text in roles.items():
            if not isinstance(text, str) or not text.strip():
                errors.append(f"{where}.roles.{key}: empty answer")
            else:
                errors += _check_markup(text, f"{where}.roles.{key}")
    return errors


def entry_errors(raw: Mapping[str, Any]) -> list[str]:
    """Every problem of one complete entry table, as messages without the file name."""
    entry_id = raw.get("id")
    label = f"entry {entry_id!r}"
    errors = [f"{label}: unknown key {k!r}" for k in sorted(set(raw) - _ENTRY_KEYS)]
    if not isinstance(entry_id, str) or not _ID.match(entry_id):
        errors.append(f"{label}: id must be lower-case letters, digits and '-'")
    if not isinstance(raw.get("topic"), str) or not raw["topic"].strip():
        errors.append(f"{label}: topic missing")
    if raw.get("countries") not in COUNTRY_VALUES:
        errors.append(f"{label}: countries must be one of {sorted(COUNTRY_VALUES)}")
    sources = raw.get("sources")
    if not isinstance(sources, list) or not sources:
        errors.append(f"{label}: sources missing")
    elif not all(isinstance(s, str) and s.strip() for s in sources):
        errors.append(f"{label}: every source must be a non-empty string")
    if raw.get("reliability") not in RELIABILITY:
        errors.append(f"{label}: reliability must be one of V, S, U")
    if "audience" in raw:
        errors += _check_roles(raw["audience"], f"{label}.audience")
    dynamic = raw.get("dynamic")
    if dynamic is not None:
        kind, _, level = str(dynamic).partition(":")
        bad_level = kind == "council_questions" and level and level not in COUNCIL_LEVELS
        if kind not in DYNAMIC_KINDS or bad_level or (kind == "role_explanation" and level):
            errors.append(f"{label}: unknown dynamic {dynamic!r}")
    for lang in LANGS:
        errors += _check_language(raw.get(lang), f"{label}.{lang}")
    return errors


# ---------------------------------------------------------------------------------------------
# Building entries


def escape_amp(text: str) -> str:
    # Authors write 'B&W' in answers; neutral markup needs '&amp;'. Entities stay as written.
    return _BARE_AMP.sub("&amp;", text.strip())


def _role_answers(
    raw: Mapping[str, str],
) -> tuple[dict[Role, str], dict[tuple[Role | None, Country], str]]:
    answers: dict[Role, str] = {}
    per_country: dict[tuple[Role | None, Country], str] = {}
    for key, text in raw.items():
        names, at, country = key.partition("@")
        if at:
            where = Country(country)
            if not names.strip():
                per_country[(None, where)] = escape_amp(text)
            for name in filter(None, (n.strip() for n in names.split(","))):
                per_country[(Role(name), where)] = escape_amp(text)
            continue
        for name in names.split(","):
            answers[Role(name.strip())] = escape_amp(text)
    return answers, per_country


def build_entry(raw: Mapping[str, Any]) -> Entry:
    """A checked Entry from a complete table; raises KnowledgeBaseError listing all problems."""
    errors = entry_errors(raw)
    if errors:
        raise KnowledgeBaseError("; ".join(errors))
    texts = {}
    for lang in LANGS:
        by_role, by_country = _role_answers(raw[lang].get("roles", {}))
        texts[lang] = LanguageText(
            question=raw[lang]["question"].strip(),
            paraphrases=tuple(p.strip() for p in raw[lang]["paraphrases"]),
            answer=escape_amp(raw[lang]["answer"]),
            role_answers=by_role,
            country_answers=by_country,
        )
    audience = raw.get("audience")
    return Entry(
        id=raw["id"],
        topic=raw["topic"].strip(),
        countries=COUNTRY_VALUES[raw["countries"]],
        sources=tuple(s.strip() for s in raw["sources"]),
        reliability=raw["reliability"],
        texts=texts,
        audience=frozenset(Role(r) for r in audience) if audience else None,
        dynamic=raw.get("dynamic"),
        raw=copy.deepcopy(dict(raw)),
    )


def load_entries(path: Path | None = None) -> tuple[Entry, ...]:
    """The shared knowledge base (or the files at ``path``); raises if anything is wrong."""
    errors = check_knowledge_base(path)
    if errors:
        raise KnowledgeBaseError("\n".join(errors))
    tables, _ = read_raw(kb_files(path))
    return tuple(build_entry(raw) for _, raw in tables)


def check_knowledge_base(path: Path | str | None = None) -> list[str]:
    """Every problem in the knowledge base files (default: the shared base); [] when all is well.

    Checks: files parse, ids unique, both languages with question, paraphrases and answer,
    sources present, countries/roles/reliability valid, only neutral markup in answers.
    """
    root = Path(path) if path is not None else None
    files = kb_files(root)
    if not files:
        return [f"{root or KB_DIR}: no .toml files"]
    tables, errors = read_raw(files)
    seen: dict[str, str] = {}
    for file_name, raw in tables:
        if not isinstance(raw, dict):
            errors.append(f"{file_name}: an entry is not a table")
            continue
        errors += [f"{file_name}: {message}" for message in entry_errors(raw)]
        entry_id = raw.get("id")
        if isinstance(entry_id, str):
            if entry_id in seen:
                errors.append(
                    f"{file_name}: entry {entry_id!r}: duplicate id (also in {seen[entry_id]})"
                )
            seen.setdefault(entry_id, file_name)
    return errors


# ---------------------------------------------------------------------------------------------
# Organisation overrides


def merge_raw(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Deep merge of tables: the override's keys win, tables are merged key by key, lists replaced."""
    merged = copy.deepcopy(dict(base))
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_raw(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def build_overrides(
    tables: Iterable[Mapping[str, Any]], base: Sequence[Entry] | Mapping[str, Entry]
) -> tuple[Entry, ...]:
    """Entries of one organisation. A table with a shared id may be partial: only what it sets
    changes (say, just the Dutch answer with the internal phone number)."""
    by_id = base if isinstance(base, Mapping) else {e.id: e for e in base}
    result = []
    for table in tables:
        shared = by_id.get(str(table.get("id")))
        result.append(build_entry(merge_raw(shared.raw, table) if shared else table))
    return tuple(result)


def load_overrides(
    path: Path | str, base: Sequence[Entry] | Mapping[str, Entry]
) -> tuple[Entry, ...]:
    """An operator's directory (or file) of TOML entries for one organisation."""
    tables, errors = read_raw(kb_files(Path(path)))
    if errors:
        raise KnowledgeBaseError("\n".join(errors))
    return build_overrides((raw for _, raw in tables), base)


def check_overrides(path: Path | str, base: Sequence[Entry]) -> list[str]:
    """Like check_knowledge_base for an organisation's directory (partial overrides allowed)."""
    tables, errors = read_raw(kb_files(Path(path)))
    by_id = {e.id: e for e in base}
    for file_name, table in tables:
        shared = by_id.get(str(table.get("id")))
        merged = merge_raw(shared.raw, table) if shared else table
        errors += [f"{file_name}: {message}" for message in entry_errors(merged)]
    return errors
