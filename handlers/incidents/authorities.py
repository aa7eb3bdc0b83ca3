"""Who receives which report, per country, and the per-organisation settings with their defaults.

The *recipients* are law (see ``nis2_recipients``); the *names, portals and phones* are facts that
change, so they are settings. An organisation overrides them with ``dataclasses.replace`` on the
defaults; the lead stores the overrides with the organisation.

Sources (shared/nis2/facts.md): NL Cbw art. 15, 16, 26 and §9c; BE §10.3-10.4, 10.8, 10.14; GDPR
§8.5.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from handlers.i18n import N_
from handlers.incidents.model import Recipient
from storage.enums import Country

# NL: Cbw art. 26 sends the early warning to the CSIRT *and* the bevoegde autoriteit; arts. 27-29
# carry the same pair for the later reports (facts §9e). BE: the CCB is national CSIRT and authority
# in one, reached through Safeonweb@work (facts §10.3-10.5).
_NIS2_RECIPIENTS: dict[Country, tuple[Recipient, ...]] = {
    Country.NL: (Recipient.CSIRT, Recipient.COMPETENT_AUTHORITY),
    Country.BE: (Recipient.CCB,),
}
# GDPR art. 33 supervisory authority (facts §8.5). BE police zones report to the COC instead: not a
# municipality's case, so not modelled.
_GDPR_RECIPIENT: dict[Country, Recipient] = {Country.NL: Recipient.AP, Country.BE: Recipient.GBA}


def nis2_recipients(country: Country | str) -> tuple[Recipient, ...]:
    return _NIS2_RECIPIENTS[Country(country)]


def gdpr_recipient(country: Country | str) -> Recipient:
    return _GDPR_RECIPIENT[Country(country)]


@dataclass(frozen=True)
class Authority:
    """One body a report goes to, or a help line. ``name`` is a proper name: not translated."""

    key: Recipient | None  # None for a help line that is not a legal recipient
    name: str
    portal_name: str | None = None
    portal_url: str | None = None
    phone: str | None = None
    note: str | None = None  # msgid: why this default, what is unsettled


@dataclass(frozen=True)
class AuthoritySettings:
    country: Country
    nis2: tuple[Authority, ...]
    gdpr: Authority
    support: tuple[Authority, ...] = ()
    # NL municipalities are essential entities by law (Cbw art. 8(1)(h)). Flemish municipalities are
    # in principle outside the Belgian NIS2 law (facts §10.8): reporting to the CCB is then
    # voluntary (Art. 30 NIS2) unless the municipality runs an Annex I/II activity or was identified
    # by the CCB.
    nis2_mandatory: bool = True

    def authority(self, key: Recipient | str) -> Authority | None:
        for item in (*self.nis2, self.gdpr):
            if item.key == key:
                return item
        return None

    @property
    def nis2_portal(self) -> Authority:
        """Where the NIS2 drafts are pasted: the first recipient that has a portal."""
        return next((a for a in self.nis2 if a.portal_url), self.nis2[0])


_NL = AuthoritySettings(
    country=Country.NL,
    nis2=(
        # The CSIRT for municipalities is NOT settled (facts §9.11 [S][U]): VNG and the RDI pointed
        # to the IBD, but as of 15 Aug 2026 it was not designated, and the NCSC provides the CSIRT
        # service provisionally (at least until end 2026); registration and reports go via MijnNCSC.
        # So the default is the NCSC via MijnNCSC, and it is a setting.
        Authority(
            key=Recipient.CSIRT,
            name="NCSC (Nationaal Cyber Security Centrum)",
            portal_name="MijnNCSC",
            portal_url="https://mijn.ncsc.nl",
            note=N_(
                "The CSIRT for municipalities has not been designated yet; the NCSC provides the "
                "service provisionally. Check the current situation and adjust this setting."
            ),
        ),
        # Cbw art. 15(1): the Minister van BZK; supervision by the RDI (facts §9.8-9.9). How a
        # report reaches the minister (through MijnNCSC or separately) is not confirmed here.
        Authority(
            key=Recipient.COMPETENT_AUTHORITY,
            name="Minister van BZK (toezicht: RDI)",
            note=N_(
                "The Cbw requires the early warning to go to the competent authority as well. "
                "Check whether the CSIRT portal forwards it or whether it must be sent separately."
            ),
        ),
    ),
    gdpr=Authority(
        key=Recipient.AP,
        name="Autoriteit Persoonsgegevens",
        portal_name="Meldformulier datalekken",
        portal_url="https://www.autoriteitpersoonsgegevens.nl/themas/beveiliging/datalekken/zo-meldt-u-een-datalek",
        # The AP accepts breach notifications through its form only, not by phone.
    ),
    support=(
        Authority(
            key=None,
            name="IBD (Informatiebeveiligingsdienst voor gemeenten)",
            phone="070 204 55 11",
            note=N_("Support desk for municipalities (24/7); not a legal recipient of reports."),
        ),
    ),
    nis2_mandatory=True,
)

_BE = AuthoritySettings(
    country=Country.BE,
    nis2=(
        Authority(
            key=Recipient.CCB,
            name="Centre for Cybersecurity Belgium (CCB / CERT.be)",
            portal_name="Safeonweb@work",
            portal_url="https://atwork.safeonweb.be",
        ),
    ),
    gdpr=Authority(
        key=Recipient.GBA,
        name="Gegevensbeschermingsautoriteit (GBA/APD)",
        portal_url="https://www.gegevensbeschermingsautoriteit.be",
    ),
    support=(
        Authority(
            key=None,
            name="Cyber Response Team lokaal bestuur (Vlaanderen)",
            portal_url="https://www.vlaanderen.be/digitaal-vlaanderen/onze-oplossingen/cyber-response-team-lokaal-bestuur",
            note=N_("Flemish support for local governments; not a legal recipient of reports."),
        ),
    ),
    nis2_mandatory=False,
)


def default_authorities(country: Country | str) -> AuthoritySettings:
    """Sensible defaults per country; every field is a setting the organisation may override."""
    return {Country.NL: _NL, Country.BE: _BE}[Country(country)]


AUTHORITY_FIELDS = ("name", "portal_name", "portal_url", "phone")


def authorities_from_settings(
    country: Country | str, settings: Mapping[str, Any] | None
) -> AuthoritySettings:
    """The country's defaults with the organisation's overrides from ``settings["authorities"]``:
    ``{"csirt": {"name": ..., "portal_url": ..., "phone": ...}, "ap": {...}, "support": [...]}``.

    Keys are recipients (csirt, competent_authority, ccb, ap, gba) plus ``support`` (a list of help
    lines replacing the defaults). Unknown keys raise ``ValueError``: a typo never passes silently
    for the default (``nis2bot org set`` checks this before storing).
    """
    base = default_authorities(country)
    overrides = (settings or {}).get("authorities") or {}
    if not isinstance(overrides, Mapping):
        raise ValueError("authorities must be a mapping of recipient to fields")
    valid = {a.key.value for a in (*base.nis2, base.gdpr) if a.key} | {"support"}
    unknown = set(overrides) - valid
    if unknown:
        raise ValueError(f"unknown authorities for {base.country.value}: {sorted(unknown)}")

    def changed(authority: Authority) -> Authority:
        fields = overrides.get(authority.key.value if authority.key else "", {})
        bad = set(fields) - set(AUTHORITY_FIELDS)
        if bad:
            raise ValueError(f"unknown authority fields: {sorted(bad)}")
        # An organisation's own text replaces the default's note about what is unsettled.
        note = None if fields else authority.note
        return replace(authority, **{k: str(v) for k, v in fields.items()}, note=note)

    support = base.support
    if "support" in overrides:
        lines = overrides["support"]
        if not isinstance(lines, list) or not all(isinstance(x, Mapping) for x in lines):
            raise ValueError("support must be a list of {name, phone, portal_url}")
        support = tuple(
            Authority(key=None, **{k: str(v) for k, v in x.items() if k in AUTHORITY_FIELDS})
            for x in lines
        )
    from handlers.incidents.contacts import in_scope_from_settings

    return replace(
        base,
        nis2=tuple(changed(a) for a in base.nis2),
        gdpr=changed(base.gdpr),
        support=support,
        nis2_mandatory=in_scope_from_settings(base.country, settings),
    )
