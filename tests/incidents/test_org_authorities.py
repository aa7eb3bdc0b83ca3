"""The CSIRT of a municipality is not settled in law yet: each organisation can name its own."""

from __future__ import annotations

import pytest

from handlers.incidents.authorities import authorities_from_settings, default_authorities
from storage import organisations
from storage.db import unit_of_work
from storage.enums import Country
from tests.harness import Harness
from tests.incidents.chat_helpers import link_ismt_room, report_phishing, town

OWN = {
    "authorities": {
        "csirt": {
            "name": "CSIRT-DSP Gemeenten",
            "portal_name": "Meldportaal VNG",
            "portal_url": "https://meld.example.nl",
            "phone": "+31 70 000 00 00",
        }
    }
}


def test_an_organisation_names_its_own_csirt_in_the_drafts(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    with unit_of_work(engine) as s:
        org = organisations.organisation_by_id(session=s, organisation_id=t.org)
        organisations.update_organisation(session=s, organisation=org, settings=OWN)  # type: ignore[arg-type]
    report_phishing(bot, t.employee)
    draft = bot.say(t.ismt, "/incident INC-2026-0001 concept vroegtijdige-waarschuwing").text
    assert "Meldportaal VNG" in draft and "MijnNCSC" not in draft
    # Another municipality keeps the default.
    other = town(bot, slug="ander", ismt_room=False)
    link_ismt_room(bot, other.org, chat_id="ismt-room-ander")  # a room belongs to one organisation
    report_phishing(bot, other.employee)
    assert "MijnNCSC" in bot.say(other.ismt, "/incident INC-2026-0001 concept melding").text


def test_overrides_replace_fields_and_typos_are_refused() -> None:
    own = authorities_from_settings(Country.NL, OWN)
    csirt = own.authority("csirt")
    assert csirt is not None and csirt.phone == "+31 70 000 00 00" and csirt.note is None
    assert own.authority("ap") == default_authorities(Country.NL).authority("ap")
    assert authorities_from_settings(Country.BE, {}) == default_authorities(Country.BE)
    with pytest.raises(ValueError, match="csirt"):
        authorities_from_settings(Country.BE, OWN)  # Belgium reports to the CCB, not a CSIRT key
    with pytest.raises(ValueError, match="fields"):
        authorities_from_settings(Country.NL, {"authorities": {"csirt": {"telefoon": "1"}}})


def test_a_broken_setting_never_blocks_a_report(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    t = town(bot)
    with unit_of_work(engine) as s:
        org = organisations.organisation_by_id(session=s, organisation_id=t.org)
        organisations.update_organisation(
            session=s,
            organisation=org,  # type: ignore[arg-type]
            settings={"authorities": {"csirt": {"telefoon": "x"}}},
        )
    said = report_phishing(bot, t.employee)
    assert "INC-2026-0001" in said[-1].text
    assert "MijnNCSC" in bot.say(t.ismt, "/incident INC-2026-0001 concept melding").text
