"""Texts for two commands: the council's questions to the college, and 'what is my role?'.

Both are data (``data/council.toml``, ``data/roles.toml``) plus small functions that return
neutral markup in the asker's language, with the law note of the organisation's country.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Any

from handlers.i18n import normalise_language, t
from handlers.qa.kb import COUNCIL_LEVELS, escape_amp
from handlers.reply import plain
from storage.enums import Country, Role

DATA_DIR = Path(__file__).resolve().parent / "data"

# What people type for a level, in either language, mapped to the handbook's Dutch level name.
_LEVEL_ALIASES = {
    "strategisch": "strategisch",
    "strategic": "strategisch",
    "strategie": "strategisch",
    "strategy": "strategisch",
    "s": "strategisch",
    "tactisch": "tactisch",
    "tactical": "tactisch",
    "t": "tactisch",
    "operationeel": "operationeel",
    "operational": "operationeel",
    "operatie": "operationeel",
    "o": "operationeel",
}


@functools.cache
def _data(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open("rb") as handle:
        return tomllib.load(handle)


def normalise_level(level: str | None) -> str | None:
    """'Strategic', 'tactisch ', 'o' -> the handbook's level name; None for all; '' if unknown."""
    if level is None or not level.strip():
        return None
    return _LEVEL_ALIASES.get(level.strip().lower().rstrip("."), "")


def _holds(countries: str, country: Country) -> bool:
    return countries == "both" or countries == country.value


def council_questions(level: str | None, language: str, country: Country | str) -> str:
    """The council's questions to the college for one level (or all levels when None)."""
    lang = normalise_language(language)
    country = Country(country)
    wanted = normalise_level(level)
    if wanted == "":
        return plain(t(lang, "Unknown level. Choose strategisch, tactisch or operationeel."))
    data = _data("council.toml")
    lines = [f"<b>{plain(data['intro'][lang][country.value])}</b>"]
    any_added = False
    for name in COUNCIL_LEVELS if wanted is None else (wanted,):
        level_data = data["levels"][name]
        lines.append("")
        lines.append(f"<b>{plain(level_data[lang])}</b>")
        questions = [q for q in level_data["questions"] if _holds(q["countries"], country)]
        for number, question in enumerate(questions, start=1):
            mark = " *" if question.get("added") else ""
            any_added = any_added or bool(mark)
            lines.append(f"{number}. {plain(question[lang])}{mark}")
    source = t(lang, "Source: the municipality's NIS2 handbook (BOB session), own policy.")
    if any_added:
        source += " " + t(lang, "Questions marked * were added by nis2bot, based on the law.")
    lines += ["", f"<i>{plain(source)}</i>"]
    return "\n".join(lines)


def role_explanation(role: Role | str, language: str, country: Country | str) -> str:
    """The asker's role and duties per the handbook, plus what the law of their country says."""
    lang = normalise_language(language)
    role, country = Role(role), Country(country)
    data = dict(_data("roles.toml")[role.value][lang])
    # A country's own words for the role ([alderman.nl.be]: "Schepen", college van burgemeester
    # en schepenen) replace the default title, summary and duties there.
    data.update(data.get(country.value, {}))
    # The role texts are trusted data written in neutral markup: only bare '&' needs escaping.
    source = t(lang, "Source: the NIS2 handbook of the municipality (own policy) and the law.")
    lines = [
        f"<b>{plain(t(lang, 'Your role: {title}', title=data['title']))}</b>",
        escape_amp(data["summary"]),
        "",
        *(f"• {escape_amp(duty)}" for duty in data["duties"]),
        "",
        f"<b>{plain(t(lang, 'What the law says'))}</b> ({country.value.upper()})",
        escape_amp(data["law"][country.value]),
        "",
        f"<i>{plain(source)}</i>",
    ]
    return "\n".join(lines)
