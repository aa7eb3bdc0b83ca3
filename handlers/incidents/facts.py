"""What the ISMT records for the reports, field by field (pure: words, labels, which report needs
which field). The chat side is ``actions._record`` (``/incident REF vastleggen FIELD VALUE``).

Art. 23(4)(a) NIS2 / Cbw art. 26 (early warning): suspected unlawful or malicious cause, possible
cross-border impact. (b) / art. 27 (notification): initial assessment with severity and impact,
indicators of compromise where available. (d) / art. 29 (final): severity and impact, type of threat
or root cause, mitigation applied and ongoing, cross-border impact. GDPR art. 33(3): nature,
categories and approximate numbers of people and records, consequences, measures, and the reason
for a delay.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from handlers.i18n import N_
from handlers.incidents.model import ReportKind


class FieldKind(StrEnum):
    TIME = "time"
    TRISTATE = "tristate"
    TEXT = "text"


@dataclass(frozen=True)
class FactField:
    name: str  # the Incident attribute, or "gdpr.<key>" for incident.gdpr_details[key]
    words: tuple[str, ...]  # what the ISMT types (Dutch first, the one shown)
    label: str  # msgid
    kind: FieldKind
    reports: frozenset[ReportKind]

    @property
    def word(self) -> str:
        return self.words[0]


_EW, _NOT, _FIN, _PRO, _GDPR = (
    ReportKind.EARLY_WARNING,
    ReportKind.NOTIFICATION,
    ReportKind.FINAL,
    ReportKind.PROGRESS,
    ReportKind.GDPR,
)

FIELDS: tuple[FactField, ...] = (
    FactField("started_at", ("begin", "start"), N_("when it started"), FieldKind.TIME,
              frozenset({_EW, _NOT, _FIN, _PRO, _GDPR})),
    FactField("suspected_malicious", ("kwaadwillig", "malicious"),
              N_("suspected unlawful or malicious cause"), FieldKind.TRISTATE,
              frozenset({_EW, _NOT})),
    FactField("cross_border", ("grensoverschrijdend", "cross-border"),
              N_("cross-border impact"), FieldKind.TRISTATE, frozenset({_EW, _NOT, _FIN})),
    FactField("severity", ("ernst", "severity"), N_("severity and impact"), FieldKind.TEXT,
              frozenset({_NOT, _FIN, _PRO})),
    FactField("indicators", ("ioc", "iocs"), N_("indicators of compromise"), FieldKind.TEXT,
              frozenset({_NOT})),
    FactField("root_cause", ("oorzaak", "cause"), N_("type of threat or root cause"),
              FieldKind.TEXT, frozenset({_FIN, _PRO})),
    FactField("measures_applied", ("maatregelen", "measures"), N_("measures taken"),
              FieldKind.TEXT, frozenset({_FIN, _PRO})),
    FactField("measures_ongoing", ("lopend", "ongoing"), N_("measures still ongoing"),
              FieldKind.TEXT, frozenset({_FIN, _PRO})),
    FactField("gdpr.nature", ("avg-aard", "gdpr-nature"), N_("nature of the breach"),
              FieldKind.TEXT, frozenset({_GDPR})),
    FactField("gdpr.data_categories", ("avg-gegevens", "gdpr-data"),
              N_("kinds of personal data"), FieldKind.TEXT, frozenset({_GDPR})),
    FactField("gdpr.subjects_approx", ("avg-betrokkenen", "gdpr-people"),
              N_("number of people concerned (approximately)"), FieldKind.TEXT,
              frozenset({_GDPR})),
    FactField("gdpr.records_approx", ("avg-records", "gdpr-records"),
              N_("number of records (approximately)"), FieldKind.TEXT, frozenset({_GDPR})),
    FactField("gdpr.consequences", ("avg-gevolgen", "gdpr-consequences"),
              N_("likely consequences"), FieldKind.TEXT, frozenset({_GDPR})),
    FactField("gdpr.measures", ("avg-maatregelen", "gdpr-measures"),
              N_("measures for the people concerned"), FieldKind.TEXT, frozenset({_GDPR})),
    FactField("gdpr.delay_reason", ("avg-vertraging", "gdpr-delay"),
              N_("reason for reporting later than 72 hours"), FieldKind.TEXT, frozenset()),
)  # fmt: skip

BY_WORD: dict[str, FactField] = {word: f for f in FIELDS for word in f.words}
GDPR_KEYS = tuple(f.name.split(".", 1)[1] for f in FIELDS if f.name.startswith("gdpr."))
MAX_FACT = 2000
