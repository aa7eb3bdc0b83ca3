"""Turning an entry into the chat message: role variant, generated parts, hedge, source line."""

from __future__ import annotations

import re

from handlers.i18n import N_, t
from handlers.qa.helpers import council_questions, role_explanation
from handlers.qa.kb import GOOD_PRACTICE, OWN_POLICY, Entry, for_country, sources_for
from handlers.reply import plain
from storage.enums import Country, Role

_SPACES = re.compile(r"[ \t]{2,}")
_MARKER_LABELS = {
    OWN_POLICY: N_("own policy of the municipality (not a legal requirement)"),
    GOOD_PRACTICE: N_("good practice (not a legal requirement)"),
}


def _tidy(text: str) -> str:
    """Spaces left where a fragment for the other country was taken out."""
    return _SPACES.sub(" ", text).replace(" .", ".").strip()


def source_labels(entry: Entry, language: str, country: Country | None = None) -> list[str]:
    """The entry's sources as shown: citations as written (those for one country only there),
    markers translated."""
    sources = entry.sources if country is None else sources_for(entry.sources, country)
    return [t(language, _MARKER_LABELS[s]) if s in _MARKER_LABELS else s for s in sources]


def _generated(entry: Entry, role: Role, country: Country, language: str) -> str:
    kind, _, level = (entry.dynamic or "").partition(":")
    if kind == "council_questions":
        return council_questions(level or None, language, country)
    if kind == "role_explanation":
        return role_explanation(role, language, country)
    return ""


def render_entry(
    entry: Entry, *, role: Role, country: Country, language: str
) -> tuple[str, list[str]]:
    """(neutral markup text, source labels) of ``entry`` for this asker."""
    body = _tidy(for_country(entry.texts[language].answer_for(role, country), country))
    generated = _generated(entry, role, country, language)
    if generated:
        # The helper text carries its own source line; the entry's answer is its lead-in.
        return f"{body}\n\n{generated}", source_labels(entry, language, country)
    lines = [body]
    if entry.reliability == "U":
        lines.append(
            "<i>"
            + plain(t(language, "Uncertain or still changing: check the current status."))
            + "</i>"
        )
    labels = source_labels(entry, language, country)
    lines.append(
        "<i>" + plain(t(language, "Source: {sources}", sources="; ".join(labels))) + "</i>"
    )
    return "\n".join(lines), labels
