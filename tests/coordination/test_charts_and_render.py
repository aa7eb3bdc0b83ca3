"""Charts are real PNGs of a phone-readable size; both summaries render in both languages."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from handlers.coordination import charts
from handlers.coordination.figures import compute
from handlers.coordination.periods import Period
from handlers.coordination.summary import Audience, render_summary
from handlers.reply import to_plain_text
from tests.coordination.seed import AS_OF, org_facts

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
Q3 = Period(2026, 3)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_charts_are_valid_pngs_of_sensible_size(language: str) -> None:
    figures = compute(org_facts(), Q3, AS_OF)
    made = charts.all_charts(figures, language)
    assert [name for name, _png in made] == [
        "incidents-2026Q3.png",
        "training-2026Q3.png",
        "deadlines-2026Q3.png",
    ]
    for _name, data in made:
        assert data.startswith(PNG_SIGNATURE)
        assert 10_000 < len(data) < 500_000
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            assert image.size == (1000, 700)
            assert image.format == "PNG"


def test_charts_with_no_data_still_render() -> None:
    empty = compute(org_facts(incidents=(), training=(), college=None, audits=()), Q3, AS_OF)
    for _name, data in charts.all_charts(empty, "nl"):
        with Image.open(io.BytesIO(data)) as image:
            assert image.size == (1000, 700)


def test_council_summary_in_dutch_and_english() -> None:
    figures = compute(org_facts(), Q3, AS_OF)
    nl = render_summary(figures, Audience.COUNCIL, "nl")
    en = render_summary(figures, Audience.COUNCIL, "en")
    nl_text, en_text = to_plain_text(nl.text), to_plain_text(en.text)
    assert "Kwartaalrapportage NIS2 · Gemeente Demo · K3 2026" in nl_text
    assert "NIS2 quarterly report · Gemeente Demo · Q3 2026" in en_text
    assert "4 gemeld (vorige periode 2), waarvan 2 significant (vorige periode 1)" in nl_text
    assert "4 reported (previous period 2), of which 2 significant (previous period 1)" in en_text
    assert "3 op tijd, 2 te laat of gemist, 2 lopen nog (60% op tijd)" in nl_text
    assert "3 on time, 2 late or missed, 2 still running (60% on time)" in en_text
    assert "Datalekken gemeld bij de AP: 1" in nl_text
    # Up to date means trained: P3 (new, never trained) is not counted as up to date.
    assert "40% (2 van 5; nooit getraind: 1;" in nl_text and "eigen beleid, geen wet" in nl_text
    assert "40% (2 of 5; never trained: 1;" in en_text
    # A past quarter is judged on its last day, and the header says so (not "as of" today).
    assert "Stand op 30 sep 2026 (einde van de periode); meldtermijnen bijgewerkt tot" in nl_text
    assert "As of 30 Sep 2026 (end of the period); reporting deadlines updated to" in en_text
    assert "1 van 4 leden gecertificeerd, 1 over de termijn, 1 binnenkort" in nl_text
    assert "1 uitgevoerd, 1 gepland, 1 achter op planning; 2 open bevindingen" in nl_text
    assert "• Melding voor incident INC-G: 71 dagen over de termijn\n" in nl_text
    assert "Er zijn 2 wettelijke meldtermijnen gemist." in nl_text
    assert "2 legal reporting deadlines were missed." in en_text
    assert nl_text.count("\n1. ") == 1 and "\n3. " in nl_text and "\n4. " not in nl_text
    # One screen: the council summary stays short.
    assert len(nl_text) < 2500 and len(en_text) < 2500
    assert len(nl.reply().attachments) == 3
    assert all(a.kind == "image" and a.content_type == "image/png" for a in nl.reply().attachments)


def test_ismt_summary_lists_every_incident_with_deadline_states() -> None:
    figures = compute(org_facts(), Q3, AS_OF)
    nl = to_plain_text(render_summary(figures, Audience.ISMT, "nl", with_charts=False).text)
    en = to_plain_text(render_summary(figures, Audience.ISMT, "en", with_charts=False).text)
    for reference in ("INC-A", "INC-B", "INC-C", "INC-G"):
        assert reference in nl and reference in en
    assert "INC-D" not in nl  # Q4
    assert (
        "Incidentmelding: uiterlijk 13 jul 2026 12:00, verstuurd 14 jul 2026 11:00 → gemist" in nl
    )
    assert "Early warning: due 1 Oct 2026 23:30 → running" in en
    assert "✓ Wachtwoorden gereset" in nl
    assert "• Burgerzaken: 1 van 2 over de termijn (50% actueel)" in nl
    # ICT: P4 trained, P6 overdue, P3 never trained (new): one of three is up to date.
    assert "• ICT: 1 of 3 overdue (33.3% up to date)" in en
    assert "• ICT: 1 van 3 over de termijn (33,3% actueel)" in nl
    assert "Totaal 40% actueel (2 van 5; nooit getraind: 1; over de termijn: 2)" in nl
    assert "Wat is BIO2? (5×)" in nl
    assert "Wat valt er in K4 2026" in nl and "2 medewerkers moeten hun training herhalen" in nl


def test_ismt_chat_message_is_capped_but_the_report_lists_all() -> None:
    figures = compute(org_facts(), Q3, AS_OF)
    capped = to_plain_text(
        render_summary(figures, Audience.ISMT, "en", limit=2, with_charts=False).text
    )
    assert "INC-A" in capped and "INC-G" in capped and "INC-C" not in capped
    assert "… and 2 more (full list: nis2bot report)." in capped


def test_without_feature_data_the_summary_says_so_instead_of_zero() -> None:
    facts = org_facts(incidents=None, training=None, college=None, unanswered=None)
    figures = compute(facts, Q3, AS_OF)
    nl = to_plain_text(render_summary(figures, Audience.COUNCIL, "nl", with_charts=False).text)
    assert nl.count("Nog niet bijgehouden in de bot.") == 2
    assert "Medewerkers: nog niet bijgehouden in de bot." in nl
    assert "0 gemeld" not in nl


def test_what_people_typed_is_escaped() -> None:
    from dataclasses import replace

    from tests.coordination.seed import AUDITS, F1

    evil = replace(F1, title="<script>x</script> & co")
    audits = (replace(AUDITS[0], findings=(evil,)), *AUDITS[1:])
    figures = compute(org_facts(audits=audits), Q3, AS_OF)
    text = render_summary(figures, Audience.ISMT, "nl", with_charts=False).text
    assert "<script>" not in text and "&lt;script&gt;x&lt;/script&gt; &amp; co" in text


MANY_CATEGORIES = {
    "phishing": (1, 2, 0, 1, 0, 0, 3, 1, 0, 2, 1, 0),
    "malware_ransomware": (0, 1, 0, 0, 1, 0, 0, 2, 0, 0, 0, 1),
    "lost_stolen_device": (1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0),
    "data_leak": (0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0),
    "account_takeover": (0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0),
    "outage": (0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1),
    "suspicious_contact": (0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0),
    "other": (2, 1, 1, 0, 0, 1, 1, 0, 2, 0, 1, 1),
    "retired_category": (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_incident_chart_legend_names_each_category_once_and_covers_no_bar(language: str) -> None:
    import dataclasses

    from handlers.incidents.model import Category

    figures = dataclasses.replace(compute(org_facts(), Q3, AS_OF), monthly=MANY_CATEGORIES)
    series = charts.incident_series(figures, language)
    labels = [label for label, _values in series]
    other = Category.OTHER.label(language)
    # "Something else" once, last: the category itself, the overflow and an unknown key together.
    assert len(labels) == len(set(labels)) == 6 and labels[-1] == other
    assert "retired_category" not in labels
    assert sum(map(sum, (v for _l, v in series))) == sum(map(sum, MANY_CATEGORIES.values()))
    figure = charts.incidents_figure(figures, language)
    figure.canvas.draw()
    legend = figure.legends[0]
    shown = [text.get_text().replace("\n", " ") for text in legend.get_texts()]
    assert shown == labels
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    box, plot = legend.get_window_extent(renderer), figure.axes[0].get_window_extent(renderer)
    assert not box.overlaps(plot)  # the legend sits outside the plot: it hides no bar


def test_an_empty_training_chart_still_names_the_quarters() -> None:
    empty = compute(org_facts(training=()), Q3, AS_OF)
    figure = charts.training_figure(empty, "nl")
    ticks = [label.get_text() for label in figure.axes[0].get_xticklabels()]
    assert ticks[0] == "K4 2024" and ticks[-1] == "K3 2026" and len(ticks) == 8
