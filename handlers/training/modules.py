"""Short learning modules read before the quiz: TOML files in ``modules/``, Dutch and English.

A file is one module::

    id = "employee-basics"
    audiences = ["employee", ...]   # the roles it is meant for (storage.enums.Role values)
    countries = ["nl", "be"]        # the countries whose words and law it uses
    nl.title = "..."
    en.title = "..."

    [[page]]                        # a few short screens, paged through with "verder"
    nl.text = "..."
    en.text = "..."

Facts come from ``shared/nis2/facts.md`` only, and a municipality's own policy is never presented
as law. A Belgian organisation gets its own module (schepen, burgemeester en schepenen, no Cbw).
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handlers.i18n import LANGUAGES, normalise_language
from storage.enums import Country, Role

MODULES_DIR = Path(__file__).resolve().parent / "modules"
MAX_PAGE_CHARS = 700  # a short screen: a page longer than this is a module error


class ModuleError(ValueError):
    """A module file that does not hold a valid module."""


@dataclass(frozen=True, slots=True)
class Module:
    id: str
    audiences: frozenset[Role]
    countries: frozenset[Country]
    titles: dict[str, str]
    pages: tuple[dict[str, str], ...]

    def title(self, language: str) -> str:
        return self.titles[normalise_language(language)]

    def page(self, index: int, language: str) -> str:
        return self.pages[index][normalise_language(language)]


def _texts(table: Any, key: str, where: str) -> dict[str, str]:
    texts = {}
    for language in LANGUAGES:
        value = (table.get(language) or {}).get(key) if isinstance(table, dict) else None
        if not isinstance(value, str) or not value.strip():
            raise ModuleError(f"{where}: {language}.{key} is missing")
        if len(value) > MAX_PAGE_CHARS:
            raise ModuleError(f"{where}: {language}.{key} is longer than {MAX_PAGE_CHARS}")
        texts[language] = value.strip()
    return texts


def parse_module(data: dict[str, Any], where: str) -> Module:
    module_id = data.get("id")
    if not isinstance(module_id, str) or not module_id:
        raise ModuleError(f"{where}: id is missing")
    try:
        audiences = frozenset(Role(r) for r in data.get("audiences", []))
        countries = frozenset(Country(c) for c in data.get("countries", []))
    except ValueError as error:
        raise ModuleError(f"{where}: {error}") from error
    if not audiences or not countries:
        raise ModuleError(f"{where}: audiences and countries must not be empty")
    pages = tuple(
        _texts(page, "text", f"{where} page {n}") for n, page in enumerate(data.get("page", []), 1)
    )
    if not pages:
        raise ModuleError(f"{where}: a module needs at least one [[page]]")
    return Module(module_id, audiences, countries, _texts(data, "title", where), pages)


@functools.cache
def load_modules(directory: Path = MODULES_DIR) -> dict[str, Module]:
    modules: dict[str, Module] = {}
    for path in sorted(directory.glob("*.toml")):
        module = parse_module(tomllib.loads(path.read_text(encoding="utf-8")), path.name)
        if module.id in modules:
            raise ModuleError(f"{path.name}: duplicate module id {module.id!r}")
        modules[module.id] = module
    return modules


def modules_for(role: Role, country: Country) -> list[Module]:
    """The country's modules, the ones meant for this role first."""
    usable = [m for m in load_modules().values() if country in m.countries]
    return sorted(usable, key=lambda m: (role not in m.audiences, m.id))


def module_for(role: Role, country: Country) -> Module | None:
    """The module meant for this role in this country, if there is one."""
    found = modules_for(role, country)
    return found[0] if found and role in found[0].audiences else None


def get_module(module_id: str, country: Country) -> Module | None:
    module = load_modules().get(module_id.strip().lower())
    return module if module is not None and country in module.countries else None
