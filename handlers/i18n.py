"""Translations: gettext catalogs, one per feature folder, merged per language.

Message ids are English; ``handlers/**/locale/<lang>.po`` hold the translations. English is the source
language, so ``en.po`` files exist only where a template id differs from its English text. The .po
files are compiled in memory at first use, so no generated .mo file is committed or built.

Each feature keeps its own catalog beside its code (``handlers/incidents/locale/nl.po``), so features
never edit the same file. ``N_`` marks a string for extraction without translating it yet.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGUAGES: tuple[str, ...] = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
HANDLERS_DIR = Path(__file__).resolve().parent


def N_(message: str) -> str:
    """Mark ``message`` for translation; it is translated where it is shown."""
    return message


def normalise_language(value: str | None) -> str:
    """Map anything a platform or a person says ('en-GB', 'NL', None) to a supported language."""
    if not value:
        return DEFAULT_LANGUAGE
    short = value.strip().lower().replace("_", "-").split("-")[0]
    return short if short in LANGUAGES else DEFAULT_LANGUAGE


def catalog_files(language: str) -> list[Path]:
    return sorted(HANDLERS_DIR.glob(f"**/locale/{language}.po"))


@functools.cache
def translations(language: str) -> NullTranslations:
    """All catalogs of one language merged into one gettext object (cached for the process)."""
    merged: NullTranslations | None = None
    for path in catalog_files(language):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        part = Translations(fp=buffer)
        if merged is None:
            merged = part
        else:
            merged.merge(part)  # type: ignore[union-attr]
    return merged or NullTranslations()


def gettext(language: str, message: str) -> str:
    return translations(normalise_language(language)).gettext(message)


def ngettext(language: str, singular: str, plural: str, n: int) -> str:
    return translations(normalise_language(language)).ngettext(singular, plural, n)


def t(language: str, message: str, /, **params: object) -> str:
    """Translate ``message`` and fill in ``params`` with ``str.format``.

    The result is plain text. Code that builds a chat reply from it uses ``reply.safe_text`` so that
    whatever a person typed is escaped before it meets the neutral markup.
    """
    text = gettext(language, message)
    return text.format(**params) if params else text
