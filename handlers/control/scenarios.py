"""Exercise scenarios as data files (``handlers/control/scenarios/*.toml``), nl and en, per country.

A scenario is a list of injects: at a simulated minute after the start (the moment the organisation
becomes aware), to the ISMT, the college or both, a situation or a question. ``{college}``,
``{secretary}`` and ``{alderman}`` become the country's words; an inject may carry ``be_nl`` /
``be_en`` where Flanders says more than a word differently. ``clocks`` lists the simulated legal
clocks the exercise keeps.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

from handlers.control.common import word
from handlers.i18n import normalise_language

SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"
AUDIENCES = ("ismt", "college", "all")
KINDS = ("inject", "question")
CLOCKS = ("early_warning", "notification", "final", "gdpr")
ALIASES = {
    "ransomware": "ransomware",
    "phishing": "phishing",
    "leverancier": "supplier",
    "supplier": "supplier",
    "datalek": "supplier",
    "ddos": "ddos",
    "e-loket": "ddos",
}


@dataclass(frozen=True)
class Inject:
    index: int
    at: int  # simulated minutes after the start
    to: str  # ismt | college | all
    kind: str  # inject | question
    texts: dict[str, str]  # "nl", "en", optionally "be_nl", "be_en"

    def text(self, country: str, language: str) -> str:
        lang = normalise_language(language)
        raw = self.texts.get(f"{country}_{lang}") or self.texts[lang]
        return raw.format(
            college=word(country, "college", lang),
            secretary=word(country, "secretary", lang),
            alderman=word(country, "alderman", lang),
        )


@dataclass(frozen=True)
class Scenario:
    key: str
    titles: dict[str, str]
    clocks: tuple[str, ...]
    injects: tuple[Inject, ...]

    def title(self, language: str) -> str:
        return self.titles[normalise_language(language)]


def _load(path: Path) -> Scenario:
    data = tomllib.loads(path.read_text("utf-8"))
    injects = []
    for index, raw in enumerate(data["inject"]):
        texts = {k: raw[k] for k in ("nl", "en", "be_nl", "be_en") if k in raw}
        inject = Inject(
            index=index,
            at=int(raw["at"]),
            to=raw.get("to", "ismt"),
            kind=raw.get("kind", "inject"),
            texts=texts,
        )
        if inject.to not in AUDIENCES or inject.kind not in KINDS or not {"nl", "en"} <= set(texts):
            raise ValueError(f"{path.name}: inject {index} is incomplete or wrong")
        injects.append(inject)
    if [i.at for i in injects] != sorted(i.at for i in injects):
        raise ValueError(f"{path.name}: injects must be in time order")
    clocks = tuple(data["clocks"])
    if not set(clocks) <= set(CLOCKS):
        raise ValueError(f"{path.name}: unknown clock in {clocks}")
    return Scenario(data["key"], dict(data["title"]), clocks, tuple(injects))


@functools.cache
def scenarios() -> dict[str, Scenario]:
    found = {}
    for path in sorted(SCENARIO_DIR.glob("*.toml")):
        scenario = _load(path)
        found[scenario.key] = scenario
    return found


def find_scenario(name: str) -> Scenario | None:
    key = ALIASES.get(name.strip().lower(), name.strip().lower())
    return scenarios().get(key)
