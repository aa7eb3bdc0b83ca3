"""Every advice and draft template renders in both languages, as valid neutral markup."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from handlers.i18n import LANGUAGES
from handlers.incidents.advice import render_advice
from handlers.incidents.drafts import Contact, GdprDetails, IncidentDraftData, render_draft
from handlers.incidents.model import Category, Impact, ReportKind, TriState
from handlers.reply import to_plain_text
from storage.enums import Country

from .helpers import AMS, BRU, local

ALLOWED_TAGS = {"b", "i", "u", "s", "code", "pre", "a"}
HOSTILE = "<script>alert('x')</script> & <b>bold</b>"


def assert_neutral_markup(text: str) -> None:
    for tag in re.findall(r"</?([a-zA-Z0-9]+)[^>]*>", text):
        assert tag in ALLOWED_TAGS, tag
    assert not re.search(r"&(?!(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);)", text), "bare &"
    assert "{{" not in text and "{%" not in text
    assert "<script" not in text
    # Balanced tags (Telegram rejects a whole message otherwise).
    for tag in ALLOWED_TAGS:
        opened = len(re.findall(rf"<{tag}(?:\s[^>]*)?>", text))
        assert opened == text.count(f"</{tag}>"), tag


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("category", list(Category))
def test_advice_renders(language: str, category: Category) -> None:
    text = render_advice(language, category, reference="INC-2026-0042")
    assert_neutral_markup(text)
    assert text.count("•") >= 3
    assert "INC-2026-0042" in text
    other = "en" if language == "nl" else "nl"
    assert to_plain_text(text) != to_plain_text(render_advice(other, category))


def test_advice_content_that_matters() -> None:
    ransomware = to_plain_text(render_advice("nl", Category.MALWARE_RANSOMWARE))
    assert "netwerk" in ransomware and "niet uit" in ransomware
    ransomware_en = to_plain_text(render_advice("en", Category.MALWARE_RANSOMWARE))
    assert "Disconnect" in ransomware_en and "not switch the device off" in ransomware_en
    phishing = to_plain_text(render_advice("en", Category.PHISHING))
    assert "password" in phishing and "Keep the e-mail" in phishing
    lost = to_plain_text(render_advice("en", Category.LOST_STOLEN_DEVICE))
    assert "wipe" in lost
    leak_nl = to_plain_text(render_advice("nl", Category.DATA_LEAK, country=Country.NL))
    assert "verwijderen" in leak_nl and "Autoriteit Persoonsgegevens" in leak_nl
    leak_be = to_plain_text(render_advice("nl", Category.DATA_LEAK, country=Country.BE))
    assert "Gegevensbeschermingsautoriteit" in leak_be
    assert "melding:" not in to_plain_text(render_advice("nl", Category.OTHER))  # no reference


def sample(country: Country, *, full: bool = True) -> IncidentDraftData:
    tz = AMS if country == Country.NL else BRU
    aware = local(tz, 2026, 3, 28, 23, 30)
    if not full:
        return IncidentDraftData(
            reference="INC-2026-0001",
            organisation="Gemeente Leeg",
            country=country,
            timezone=tz,
            category=Category.OTHER,
            aware_at=aware,
        )
    return IncidentDraftData(
        reference="INC-2026-0042",
        organisation="Gemeente Voorbeeld & Co",
        country=country,
        timezone=tz,
        category=Category.MALWARE_RANSOMWARE,
        aware_at=aware,
        summary=HOSTILE,
        occurred_at=aware - timedelta(hours=3),
        impact=Impact.SEVERE,
        affected_services="Burgerzaken, parkeervergunningen",
        suspected_malicious=TriState.YES,
        cross_border=TriState.NO,
        severity_assessment="Hoog",
        indicators_of_compromise="185.0.2.1; evil.example",
        threat_or_root_cause="Ransomware via phishing",
        mitigation_applied="Netwerk gesegmenteerd",
        mitigation_ongoing="Herstel uit back-up",
        status_update="Herstel loopt",
        intermediate_request="Stand van het herstel",
        expected_handled="Eind april",
        handled_at=aware + timedelta(days=20),
        contact=Contact("Jan Jansen", "CISO", "06-12345678", "jan@example.nl"),
        sent={
            ReportKind.EARLY_WARNING: aware + timedelta(hours=3),
            ReportKind.NOTIFICATION: aware + timedelta(hours=40),
        },
        personal_data=TriState.YES,
        gdpr=GdprDetails(
            nature="Bestanden versleuteld en mogelijk gekopieerd",
            data_categories="NAW, BSN",
            subjects_approx="ongeveer 1200",
            records_approx="ongeveer 5000",
            consequences="Identiteitsfraude mogelijk",
            measures="Wachtwoorden gereset",
            subjects_informed=TriState.NO,
            dpo=Contact("Piet Privacy", phone="06-87654321", email="fg@example.nl"),
        ),
    )


@pytest.mark.parametrize("full", [True, False])
@pytest.mark.parametrize("country", list(Country))
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", list(ReportKind))
def test_every_draft_renders(kind: ReportKind, language: str, country: Country, full: bool) -> None:
    text = render_draft(kind, sample(country, full=full), language)
    assert_neutral_markup(text)
    plain = to_plain_text(text)
    marker = "CONCEPT – NIET VERZONDEN" if language == "nl" else "DRAFT – NOT SENT"
    assert plain.startswith(marker)
    if full:
        assert HOSTILE not in text and "&lt;script&gt;" in text  # escaped, shown as typed
        assert "INC-2026-0042" in plain
    else:
        assert ("[nog invullen]" if language == "nl" else "[to be completed]") in plain
    portal = "Safeonweb@work" if country == Country.BE else "MijnNCSC"
    if kind != ReportKind.GDPR:
        assert portal in plain
    else:
        dpa = "Autoriteit Persoonsgegevens" if country == Country.NL else "Gegevensbeschermings"
        assert dpa in plain


def test_early_warning_content_nl() -> None:
    plain = to_plain_text(render_draft(ReportKind.EARLY_WARNING, sample(Country.NL), "nl"))
    assert "Art. 26 Cbw" in plain
    assert "CSIRT én de bevoegde autoriteit" in plain
    assert "onrechtmatig of kwaadwillig handelen: Ja" in plain
    assert "grensoverschrijdend effect: Nee" in plain
    assert "Jan Jansen" in plain and "06-12345678" in plain and "jan@example.nl" in plain
    assert "28-03-2026 23:30" in plain and "(UTC+" not in plain


def test_notification_content_en() -> None:
    plain = to_plain_text(render_draft(ReportKind.NOTIFICATION, sample(Country.BE), "en"))
    assert "Art. 23(4)(b) NIS2" in plain
    assert "updates the early warning (sent at 29-03-2026 03:30)" in plain
    assert "Indicators of compromise, where available: 185.0.2.1; evil.example" in plain
    assert "Severity and impact: Hoog" in plain
    assert "Cbw" not in plain


def test_final_and_progress_content() -> None:
    final = to_plain_text(render_draft(ReportKind.FINAL, sample(Country.NL), "en"))
    for needle in ("root cause: Ransomware via phishing", "applied: Netwerk", "ongoing: Herstel"):
        assert needle in final
    assert "Cross-border impact: No" in final
    progress = to_plain_text(render_draft(ReportKind.PROGRESS, sample(Country.NL), "nl"))
    assert "voortgangsverslag" in progress and "Eind april" in progress


def test_gdpr_outline_content() -> None:
    plain = to_plain_text(render_draft(ReportKind.GDPR, sample(Country.NL), "nl"))
    assert "Art. 33 AVG" in plain
    assert "uiterlijk 01-04-2026 00:30" in plain  # 72 elapsed hours, across DST
    assert "ongeveer 1200" in plain and "NAW, BSN" in plain and "Piet Privacy" in plain
    unknown = to_plain_text(render_draft(ReportKind.GDPR, sample(Country.BE, full=False), "en"))
    assert "Not yet known" in unknown  # not the reporter's "Don't know yet"
