"""The offer to report never promises what will not happen (#13 item 1): "the ISMT hears of it at
once" only where an alert would reach someone; and a lost stick is not a found one (#12 item 3)."""

from __future__ import annotations

from storage.enums import Role
from tests.harness import Harness
from tests.incidents.chat_helpers import town

LOST_STICK = "ik ben een usb-stick kwijt met klantgegevens erop"


def test_a_new_organisation_is_not_promised_an_alerted_ismt(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    nobody_set_up = bot.org("nieuwdorp")
    employee = bot.person(Role.EMPLOYEE, org_id=nobody_set_up, name="Piet Jansen")
    for text in (LOST_STICK, "ik wil iets melden"):
        said = bot.say(employee, text)
        assert "/melden" in [value for value, _label in said.choices], text
        assert "ISMT hoort het" not in said.text, text
        assert "nog niet waarschuwen" in said.text and "servicedesk" in said.text, text


def test_where_the_ismt_can_be_alerted_the_offer_says_so(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    t = town(Harness(engine, features, clock))
    for text in (LOST_STICK, "ik wil iets melden"):
        said = t.bot.say(t.employee, text)
        assert "Het ISMT hoort het dan meteen" in said.text, text


def test_a_lost_stick_gets_the_lost_data_advice_not_the_found_stick_advice(
    engine, features, clock
) -> None:  # type: ignore[no-untyped-def]
    t = town(Harness(engine, features, clock))
    lost = t.bot.say(t.employee, LOST_STICK).text
    assert "datalek" in lost and "72 uur" in lost
    assert "Steek hem niet in je computer" not in lost
    found = t.bot.say(t.employee, "ik heb een usb-stick gevonden bij de ingang").text
    assert "Steek hem niet in je computer" in found
