"""Turning an entry into the chat message: role variant, generated parts, hedge, source line."""

from __future__ import annotations

from handlers.i18n import N_, t
from handlers.qa.helpers import council_questions, role_explanation
from handlers.qa.kb import GOOD_PRACTICE, OWN_POLICY, Entry
from handlers.reply import plain
from storage.enums import Country, Role

_MARKER_LABELS = {
    OWN_POLICY: N_("own policy of the municipality (not a legal requirement)"),
    GOOD_PRACTICE: N_("good practice (not a legal requirement)"),
}


def source_labels(entry: Entry, language: str) -> list[str]:
    """The entry's sources as shown: citations as written, markers translated."""
    return [t(language, _MARKER_LABELS[s]) if s in _MARKER_LABELS else s for s in entry.sources]


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
    body = entry.texts[language].answer_for(role)
    generated = _generated(entry, role, country, language)
    if generated:
        # The helper text carries its own source line; the entry's answer is its lead-in.
        return f"{body}\n\n{generated}", source_labels(entry, language)
    lines = [body]
    if entry.reliability == "U":
        lines.append(
            "<i>"
            + plain(t(language, "Uncertain or still changing: check the current status."))
            + "</i>"
        )
    labels = source_labels(entry, language)
    lines.append(
        "<i>" + plain(t(language, "Source: {sources}", sources="; ".join(labels))) + "</i>"
    )
    return "\n".join(lines), labels
