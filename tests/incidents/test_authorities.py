from __future__ import annotations

import dataclasses

from handlers.i18n import t
from handlers.incidents.authorities import (
    Authority,
    default_authorities,
    gdpr_recipient,
    nis2_recipients,
)
from handlers.incidents.model import Recipient
from storage.enums import Country


def test_nl_defaults() -> None:
    nl = default_authorities(Country.NL)
    csirt = nl.authority(Recipient.CSIRT)
    assert csirt is not None and "NCSC" in csirt.name
    assert csirt.portal_url == "https://mijn.ncsc.nl"
    assert csirt.note and "not been designated" in csirt.note  # says it is unsettled
    assert nl.authority(Recipient.COMPETENT_AUTHORITY) is not None
    assert nl.gdpr.key == Recipient.AP
    assert nl.nis2_portal is csirt
    assert nl.nis2_mandatory
    assert any(s.phone for s in nl.support)  # the IBD line


def test_be_defaults() -> None:
    be = default_authorities("be")
    assert be.nis2_portal.key == Recipient.CCB
    assert be.nis2_portal.portal_name == "Safeonweb@work"
    assert be.gdpr.key == Recipient.GBA
    assert not be.nis2_mandatory  # Flemish municipalities mostly outside the Belgian NIS2 law


def test_recipients_per_country() -> None:
    assert nis2_recipients(Country.NL) == (Recipient.CSIRT, Recipient.COMPETENT_AUTHORITY)
    assert nis2_recipients(Country.BE) == (Recipient.CCB,)
    assert gdpr_recipient("nl") == Recipient.AP
    assert gdpr_recipient("be") == Recipient.GBA


def test_settings_are_overridable() -> None:
    nl = default_authorities(Country.NL)
    ibd = Authority(Recipient.CSIRT, "IBD", portal_url="https://example.invalid", phone="070")
    custom = dataclasses.replace(nl, nis2=(ibd, *nl.nis2[1:]))
    assert custom.authority("csirt") is ibd
    assert default_authorities(Country.NL).authority("csirt") is not ibd  # defaults untouched


def test_notes_are_translated() -> None:
    nl = default_authorities(Country.NL)
    note = nl.nis2[0].note
    assert note and t("nl", note) != note
