"""The exercise scenarios are data files: each loads, in Dutch and English, for both countries."""

from __future__ import annotations

import pytest

from handlers.control.scenarios import CLOCKS, find_scenario, scenarios


def test_the_four_scenarios_of_the_issue_exist() -> None:
    assert set(scenarios()) == {"ransomware", "phishing", "supplier", "ddos"}
    for alias, key in (
        ("leverancier", "supplier"),
        ("e-loket", "ddos"),
        ("RANSOMWARE", "ransomware"),
    ):
        found = find_scenario(alias)
        assert found is not None and found.key == key
    assert find_scenario("onbekend") is None


@pytest.mark.parametrize("key", ["ransomware", "phishing", "supplier", "ddos"])
def test_every_inject_reads_in_both_languages_and_countries(key: str) -> None:
    scenario = scenarios()[key]
    assert scenario.title("nl") != scenario.title("en")
    assert set(scenario.clocks) <= set(CLOCKS) and "early_warning" in scenario.clocks
    assert scenario.injects[0].at == 0 and any(i.kind == "question" for i in scenario.injects)
    assert any(i.to in ("college", "all") for i in scenario.injects)  # the college plays too
    for inject in scenario.injects:
        for country in ("nl", "be"):
            dutch, english = inject.text(country, "nl"), inject.text(country, "en")
            assert dutch != english and "{" not in dutch + english
            if country == "be":
                assert "wethouders" not in dutch and "gemeentesecretaris" not in dutch
                assert "bijzondere bijstand" not in dutch
