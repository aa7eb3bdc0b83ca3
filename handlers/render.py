"""Jinja2 rendering per language into neutral markup (see ``handlers.reply``).

One Environment per language, with that language's gettext catalog installed, because swapping
translations on a shared Environment races in async code. Templates live beside the feature that uses
them, in ``handlers/<feature>/templates/``, and are named ``<feature>/<name>.j2``. A template may
exist per language (``<name>.nl.j2``, ``<name>.en.j2``) for long texts, or once with ``{% trans %}``
blocks for short ones; the per-language file wins. Autoescape is on: whatever a person typed is escaped.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, Environment, StrictUndefined, TemplateNotFound

from handlers.i18n import HANDLERS_DIR, normalise_language, translations


class FeatureLoader(BaseLoader):
    """Loads ``feature/name.j2`` from ``handlers/feature/templates/name.j2``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Any]:
        feature, _, name = template.partition("/")
        path = self.root / feature / "templates" / name
        if not feature or not name or ".." in template or not path.is_file():
            raise TemplateNotFound(template)
        mtime = path.stat().st_mtime
        return path.read_text("utf-8"), str(path), lambda: path.stat().st_mtime == mtime


@functools.cache
def environment(language: str) -> Environment:
    env = Environment(
        loader=FeatureLoader(HANDLERS_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.globals["language"] = language
    return env


def render(language: str, template: str, /, **context: Any) -> str:
    """Render ``feature/name.j2`` for ``language``; prefers ``feature/name.<lang>.j2`` if present."""
    language = normalise_language(language)
    env = environment(language)
    stem = template.removesuffix(".j2")
    try:
        tpl = env.get_template(f"{stem}.{language}.j2")
    except TemplateNotFound:
        tpl = env.get_template(template)
    return tpl.render(**context).strip()
