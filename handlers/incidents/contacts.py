"""The organisation's own contacts and its NIS2 regime, as organisation settings.

``contacts``: the numbers the advice tells people to call. Each is free text (a name, a phone number
or both), at most ``MAX_CONTACT`` characters::

    nis2bot org set SLUG --setting 'contacts={"servicedesk": "Servicedesk 020 123 45 67",
        "emergency": "ISMT piket (24/7) 06 12 34 56 78", "privacy_officer": "FG: A. de Vries, 020 …"}'

``nis2_in_scope``: whether the organisation falls under its country's NIS2 law. Dutch municipalities
do by law (Cbw art. 8(1)(h)); Belgian local governments in principle do not (facts §10.8), unless
they run an Annex I/II activity or the CCB identified them, so they set it to true themselves. Out
of scope, reporting to the CSIRT is voluntary (Art. 30 NIS2) and the GDPR stays mandatory.

``incident_notice_council``: true sends the college notice of a significant incident to the
council room too (``college``); default false.

All are checked by ``nis2bot org set`` before they are stored (``check_settings``); a broken value
that got in anyway never blocks a report (the readers fall back and log).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from storage.enums import Country
from storage.models import Organisation

log = logging.getLogger(__name__)

CONTACT_KEYS = ("servicedesk", "emergency", "privacy_officer")
MAX_CONTACT = 200


@dataclass(frozen=True)
class OrgContacts:
    servicedesk: str = ""
    emergency: str = ""  # a 24/7 number for incidents
    privacy_officer: str = ""

    def missing(self) -> list[str]:
        return [key for key in CONTACT_KEYS if not getattr(self, key)]


def contacts_from_settings(settings: Mapping[str, Any] | None) -> OrgContacts:
    """``settings["contacts"]`` read strictly: unknown keys, non-text or too long raise ValueError."""
    raw = (settings or {}).get("contacts") or {}
    if not isinstance(raw, Mapping):
        raise ValueError(f"contacts must be a mapping with the keys {', '.join(CONTACT_KEYS)}")
    unknown = set(raw) - set(CONTACT_KEYS)
    if unknown:
        raise ValueError(f"unknown contacts {sorted(unknown)}; known: {', '.join(CONTACT_KEYS)}")
    values: dict[str, str] = {}
    for key, value in raw.items():
        if not isinstance(value, str):
            raise ValueError(f"contacts.{key} must be text (a name and/or a phone number)")
        text = " ".join(value.split())
        if len(text) > MAX_CONTACT:
            raise ValueError(f"contacts.{key} is longer than {MAX_CONTACT} characters")
        if any(not ch.isprintable() for ch in text):
            raise ValueError(f"contacts.{key} contains control characters")
        values[key] = text
    return OrgContacts(**values)


def default_in_scope(country: Country | str) -> bool:
    return Country(country) == Country.NL


def in_scope_from_settings(country: Country | str, settings: Mapping[str, Any] | None) -> bool:
    value = (settings or {}).get("nis2_in_scope")
    if value is None:
        return default_in_scope(country)
    if not isinstance(value, bool):
        raise ValueError("nis2_in_scope must be true or false")
    return value


def check_settings(country: Country | str, updates: Mapping[str, Any]) -> None:
    """For ``nis2bot org set``: raise ValueError for a value these settings cannot take."""
    if "contacts" in updates:
        contacts_from_settings({"contacts": updates["contacts"]})
    if "nis2_in_scope" in updates:
        in_scope_from_settings(country, {"nis2_in_scope": updates["nis2_in_scope"]})
    if "incident_notice_council" in updates and not isinstance(
        updates["incident_notice_council"], bool
    ):
        raise ValueError("incident_notice_council must be true or false")


def organisation_contacts(org: Organisation) -> OrgContacts:
    try:
        return contacts_from_settings(org.settings)
    except ValueError as error:
        log.warning("organisation %s: contacts setting ignored: %s", org.slug, error)
        return OrgContacts()


def organisation_in_scope(org: Organisation) -> bool:
    try:
        return in_scope_from_settings(org.country, org.settings)
    except ValueError as error:
        log.warning("organisation %s: nis2_in_scope setting ignored: %s", org.slug, error)
        return default_in_scope(org.country)
