"""The council's report under review (#16 item 3): drafted for the coordinator days before it is
due, approved or annotated, published once saying whether it was reviewed, and fetched with
/rapport by the council and the college. All on the test's clock.

Q4 2026 is due on Monday 4 January 2027 at 09:00 in Amsterdam (1 January is a holiday), 08:00 UTC;
its draft goes out five days earlier: Wednesday 30 December, 09:00 local, 08:00 UTC.
"""

from __future__ import annotations

from sqlmodel import select

import schedules.council_report as council_job
from bot.org_settings import check_org_settings
from handlers.reply import to_plain_text
from schedules.jobs import run_job
from storage import council_reports, organisations, rooms
from storage.db import make_engine, unit_of_work
from storage.enums import Role
from storage.models import AuditLog, OutboxAttachment, OutboxMessage
from tests.conftest import Clock
from tests.coordination.seed import utc
from tests.harness import Harness

DRAFTS, SUMMARIES = "council-report-drafts", "quarterly-summaries"
BEFORE_DRAFT, DRAFT = utc(2026, 12, 30, 7, 59), utc(2026, 12, 30, 8, 0)
BEFORE_DUE, DUE = utc(2027, 1, 4, 7, 59), utc(2027, 1, 4, 8, 0)


def _town(engine, features, *, coordinator: bool = True, country: str = "nl", room: bool = True):  # type: ignore[no-untyped-def]
    clock = Clock(utc(2026, 12, 14, 9))
    bot = Harness(engine, features, clock)
    org = bot.org("demo", country=country)
    people = {
        "council": bot.person(Role.COUNCIL_MEMBER, org_id=org, name="Rik Raadslid"),
        "council_en": bot.person(Role.COUNCIL_MEMBER, org_id=org, name="Cora", language="en"),
        "mayor": bot.person(Role.MAYOR, org_id=org, name="Bea Burgemeester"),
        "alderman": bot.person(Role.ALDERMAN, org_id=org, name="Wim Wethouder"),
    }
    if coordinator:
        people["coordinator"] = bot.person(Role.COORDINATOR, org_id=org, name="Carla Coördinator")
    for sender in people.values():
        bot.say(sender, "/help")  # everyone has a private chat with the bot
    with unit_of_work(engine) as session:
        if not room:
            return clock, bot, org, people
        rooms.link_room(
            session=session,
            organisation_id=org,
            purpose="council",
            platform="telegram",
            chat_id="g-raad",
            now=clock(),
        )
    return clock, bot, org, people


def _messages(engine, chat_id: str) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        return list(
            session.exec(
                select(OutboxMessage)
                .where(OutboxMessage.chat_id == chat_id)
                .order_by(OutboxMessage.id)  # type: ignore[arg-type]
            )
        )


def _pictures(engine, message_ids: list[int]) -> list[OutboxAttachment]:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        return list(
            session.exec(
                select(OutboxAttachment).where(OutboxAttachment.outbox_id.in_(message_ids))  # type: ignore[attr-defined]
            )
        )


def _audit(engine, action: str) -> list[AuditLog]:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        return list(session.exec(select(AuditLog).where(AuditLog.action == action)))


def _report(engine, org: int, period: str = "2026Q4"):  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        return council_reports.report_for(session=session, organisation_id=org, period=period)


def test_a_draft_reviewed_with_a_note_then_fetched_by_a_council_member(engine, features) -> None:  # type: ignore[no-untyped-def]
    clock, bot, org, p = _town(engine, features)
    coordinator = p["coordinator"]

    # Before any publication: said plainly, with when the next report comes.
    said = bot.say(p["council"], "/rapport")
    assert (
        "Er is nog geen raadsrapport gepubliceerd. Het volgende, over K4 2026, komt op 4 jan 2027 09:00."
        in said.text
    )
    mayor = bot.say(p["mayor"], "/rapport")  # the mayor still gets today's figures, said as such
    assert "Er is nog geen raadsrapport gepubliceerd" in mayor.texts[0]
    assert "Hieronder de actuele cijfers, geen beoordeeld rapport." in mayor.texts[0]
    assert "Kwartaalrapportage NIS2 · Gemeente Demo · K3 2026" in mayor.texts[1]
    assert "Er is nu geen concept" in bot.say(coordinator, "/rapport concept").text

    clock.now = BEFORE_DRAFT
    assert run_job(DRAFTS, engine, clock(), features) == 0
    clock.now = DRAFT
    assert run_job(DRAFTS, engine, clock(), features) == 1
    assert run_job(DRAFTS, engine, clock(), features) == 0  # drafted once
    (draft,) = _messages(engine, coordinator)[-1:]
    text = to_plain_text(draft.payload["text"])
    assert text.startswith("CONCEPT: het raadsrapport over K4 2026, ter beoordeling")
    assert "Het gaat op 4 jan 2027 09:00 naar de gemeenteraad" in text
    assert "/rapport goedkeuren" in text and "/rapport notitie TEKST" in text
    assert "Nog niet beoordeeld." in text and "Stand op 30 dec 2026 09:00" in text
    assert text.index("In één oogopslag") < text.index("Nog niet beoordeeld.")
    assert _pictures(engine, [draft.id])  # the charts come with it

    # Only the coordinator reviews.
    for other in (p["mayor"], p["council"], p["alderman"]):
        said = bot.say(other, "/rapport goedkeuren")
        assert "Alleen de NIS2-coördinator beoordeelt het concept" in said.text
    assert _report(engine, org).state == "draft"

    clock.now = utc(2026, 12, 31, 10, 15)
    assert "CONCEPT: het raadsrapport over K4 2026" in bot.say(coordinator, "/rapport concept").text
    said = bot.say(coordinator, "/rapport notitie Twee meldingen <b>na</b> de stand volgen in K1.")
    assert (
        "Toelichting vastgelegd. Het rapport over K4 2026 geldt als door jou beoordeeld en gaat op 4 jan 2027 09:00"
        in said.text
    )
    (noted,) = _audit(engine, "council_report.note")
    assert noted.detail["note"] == "Twee meldingen <b>na</b> de stand volgen in K1."
    assert noted.detail["period"] == "2026Q4" and noted.actor_person_id is not None
    assert "Er is nog geen raadsrapport gepubliceerd" in bot.say(p["council"], "/rapport").text

    clock.now = BEFORE_DUE
    assert run_job(SUMMARIES, engine, clock(), features) == 0
    clock.now = DUE
    # the council room's quarterly and annual report, the coordinator's annual-review reminder
    assert run_job(SUMMARIES, engine, clock(), features) == 3
    quarterly = next(
        m for m in _messages(engine, "g-raad") if "Kwartaalrapportage" in m.payload["text"]
    )
    room = to_plain_text(quarterly.payload["text"])
    assert room.startswith("In één oogopslag · Gemeente Demo · K4 2026")
    assert "✓ Beoordeeld door de coördinator op 31 dec 2026 11:15 (Carla Coördinator)." in room
    assert "Toelichting van de coördinator\nTwee meldingen <b>na</b> de stand volgen in K1." in room
    assert "&lt;b&gt;na&lt;/b&gt;" in quarterly.payload["text"]  # what was typed stays text
    assert "Stand op 30 dec 2026 09:00" in room  # the figures the coordinator reviewed

    said = bot.say(p["council"], "/rapport")
    assert to_plain_text(said.replies[0].text) == room  # what the council room got
    assert _pictures(engine, said.result.outbox_ids)
    english = bot.say(p["council_en"], "/rapport").text
    assert "Reviewed by the coordinator on 31 Dec 2026 11:15 (Carla Coördinator)." in english
    assert "Explanation from the coordinator" in english
    assert "NIS2 quarterly report · Gemeente Demo · Q4 2026" in english
    assert "✓ Beoordeeld door de coördinator" in bot.say(p["mayor"], "/rapport").text
    assert "✓ Beoordeeld door de coördinator" in bot.say(p["alderman"], "/rapport 2026Q4").text
    assert "Over K3 2026 is geen raadsrapport gepubliceerd." in (
        bot.say(p["alderman"], "/rapport 2026Q3").text
    )
    # After publication the note cannot change what went out.
    said = bot.say(coordinator, "/rapport notitie later")
    assert "Er is nu geen concept. Het concept van het rapport over K1 2027" in said.text
    assert _report(engine, org).note == "Twee meldingen <b>na</b> de stand volgen in K1."


def test_the_deadline_passes_without_review_and_it_goes_out_saying_so_once(
    engine, features
) -> None:  # type: ignore[no-untyped-def]
    clock, bot, org, p = _town(engine, features)
    clock.now = DRAFT
    assert run_job(DRAFTS, engine, clock(), features) == 1
    clock.now = utc(2027, 1, 4, 8, 30)  # after the due moment, before the job ran
    said = bot.say(p["coordinator"], "/rapport goedkeuren")
    assert "De termijn van het rapport over K4 2026 is verstreken (4 jan 2027 09:00)" in said.text
    assert _report(engine, org).state == "draft"
    assert run_job(SUMMARIES, engine, clock(), features) == 3
    for _restart in range(3):
        clock.advance(minutes=1)
        assert run_job(SUMMARIES, engine, clock(), features) == 0
    council = [m for m in _messages(engine, "g-raad") if "Kwartaalrapportage" in m.payload["text"]]
    assert len(council) == 1
    text = to_plain_text(council[0].payload["text"])
    assert "⚠ Niet beoordeeld: de termijn verstreek zonder beoordeling door de coördinator." in text
    assert "Toelichting van de coördinator" not in text
    report = _report(engine, org)
    assert report.state == "published" and report.outcome == "deadline"
    assert report.published_at == utc(2027, 1, 4, 8, 30)
    (published,) = _audit(engine, "council_report.published")
    assert published.detail == {"report_id": report.id, "period": "2026Q4", "outcome": "deadline"}
    assert "⚠ Niet beoordeeld" in bot.say(p["council"], "/rapport").text


def test_without_a_coordinator_it_goes_out_as_before_saying_it_was_not_reviewed(
    engine, features
) -> None:  # type: ignore[no-untyped-def]
    clock, bot, org, p = _town(engine, features, coordinator=False)
    clock.now = DRAFT
    assert run_job(DRAFTS, engine, clock(), features) == 0  # nobody to send the draft to
    assert _report(engine, org).state == "draft"
    clock.now = DUE
    assert run_job(SUMMARIES, engine, clock(), features) == 2
    text = bot.say(p["council"], "/rapport").text
    assert "Niet beoordeeld: deze organisatie heeft geen NIS2-coördinator in de bot." in text
    assert "In één oogopslag · Gemeente Demo · K4 2026" in text


def test_no_draft_window_the_report_is_drafted_at_publication(engine, features) -> None:  # type: ignore[no-untyped-def]
    """The bot was down through the review window: drafted and published at once, unreviewed."""
    clock, _bot, org, p = _town(engine, features)
    clock.now = utc(2027, 1, 5, 12)
    assert run_job(DRAFTS, engine, clock(), features) == 0  # too late for a draft
    assert run_job(SUMMARIES, engine, clock(), features) == 3
    report = _report(engine, org)
    # The coordinator was never asked: the council must not read that they let the deadline pass
    assert report.outcome == "not_offered" and report.drafted_at == utc(2027, 1, 5, 12)
    assert not [m for m in _messages(engine, p["coordinator"]) if "CONCEPT" in m.payload["text"]]
    (council,) = [
        m.payload["text"]
        for m in _messages(engine, "g-raad")
        if "Kwartaalrapportage" in m.payload["text"]
    ]
    assert "het concept kon niet op tijd aan de coördinator worden voorgelegd" in council
    assert "de termijn verstreek" not in council


def test_publication_survives_a_restart_exactly_once(engine, features, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    clock, bot, org, p = _town(engine, features)
    clock.now = DRAFT
    run_job(DRAFTS, engine, clock(), features)
    bot.say(p["coordinator"], "/rapport goedkeuren")
    assert len(_audit(engine, "council_report.approved")) == 1

    # The process dies after the report was published, before the council room got it.
    real = council_job.published_reply

    def crash(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("killed")

    monkeypatch.setattr("schedules.coordination.published_reply", crash)
    clock.now = DUE
    run_job(SUMMARIES, engine, clock(), features)  # the org's failure is logged, not raised
    assert not [m for m in _messages(engine, "g-raad") if "Kwartaalrapportage" in m.payload["text"]]
    assert _report(engine, org).state == "published"
    monkeypatch.setattr("schedules.coordination.published_reply", real)

    # A restart: a new engine on the same database, a minute later, then again.
    restarted = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        for _tick in range(2):
            clock.advance(minutes=1)
            run_job(SUMMARIES, restarted, clock(), features)
            run_job(DRAFTS, restarted, clock(), features)
    finally:
        restarted.dispose()
    council = [m for m in _messages(engine, "g-raad") if "Kwartaalrapportage" in m.payload["text"]]
    assert len(council) == 1
    assert "✓ Beoordeeld door de coördinator op 30 dec 2026 09:00" in to_plain_text(
        council[0].payload["text"]
    )
    report = _report(engine, org)
    assert report.published_at == DUE and report.outcome == "reviewed"
    assert len(_audit(engine, "council_report.published")) == 1


def test_refreshed_figures_need_a_new_review_and_the_setting_is_checked(engine, features) -> None:  # type: ignore[no-untyped-def]
    clock, bot, org, p = _town(engine, features, country="be")
    clock.now = DRAFT
    run_job(DRAFTS, engine, clock(), features)
    bot.say(p["coordinator"], "/rapport goedkeuren")
    assert _report(engine, org).state == "approved"
    clock.now = utc(2027, 1, 2, 9)
    said = bot.say(p["coordinator"], "/rapport vernieuwen")
    assert said.text.startswith("Nieuwe cijfers genomen. Beoordeel het concept opnieuw")
    assert "bijgewerkt tot 2 jan 2027 10:00" in said.text and "Nog niet beoordeeld." in said.text
    assert "college van burgemeester en schepenen" in said.text  # Flemish words
    assert _report(engine, org).state == "draft"
    assert len(_audit(engine, "council_report.redrafted")) == 1

    assert check_org_settings("nl", {"council_report_review_days": 31})
    assert check_org_settings("nl", {"council_report_review_days": "5"})
    assert not check_org_settings("nl", {"council_report_review_days": 0})
    with unit_of_work(engine) as session:
        found = organisations.organisation_by_slug(session=session, slug="demo")
        found.settings = {**(found.settings or {}), "council_report_review_days": 0}
        session.add(found)
    clock.now = DUE
    run_job(SUMMARIES, engine, clock(), features)
    clock.now = utc(2027, 3, 30, 8)  # Q1's window would be open with the default
    assert run_job(DRAFTS, engine, clock(), features) == 0
    assert "de beoordeling staat uit" in bot.say(p["coordinator"], "/rapport concept").text


def test_without_a_council_room_the_draft_says_who_fetches_it_in_flemish_words(
    engine, features
) -> None:  # type: ignore[no-untyped-def]
    clock, bot, _org, p = _town(engine, features, country="be", room=False)
    clock.now = DRAFT
    assert run_job(DRAFTS, engine, clock(), features) == 1
    text = to_plain_text(_messages(engine, p["coordinator"])[-1].payload["text"])
    assert (
        "Er is geen raadsruimte gekoppeld (/koppel raad in de groep van de raad): raadsleden, de burgemeester, de schepenen en de algemeen directeur halen het op met /rapport."
        in text
    )
    assert "wethouder" not in text and "gemeentesecretaris" not in text
    clock.now = DUE
    run_job(SUMMARIES, engine, clock(), features)
    said = bot.say(p["alderman"], "/rapport").text  # published without a room, fetched by a schepen
    assert "Niet beoordeeld: de termijn verstreek" in said
    assert "college van burgemeester en schepenen" in said


def test_two_instances_at_once_draft_and_publish_once(engine, features) -> None:  # type: ignore[no-untyped-def]
    import threading

    _clock, _bot, org, p = _town(engine, features)

    def both(job: str, moment) -> list[int]:  # type: ignore[no-untyped-def]
        barrier, results, errors = threading.Barrier(2), [], []

        def instance() -> None:
            try:
                barrier.wait(timeout=30)
                results.append(run_job(job, engine, moment, features))
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        threads = [threading.Thread(target=instance) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not errors, errors
        return sorted(results)

    assert both(DRAFTS, DRAFT) == [0, 1]
    assert (
        len([m for m in _messages(engine, p["coordinator"]) if "CONCEPT" in m.payload["text"]]) == 1
    )
    both(SUMMARIES, DUE)
    assert len([m for m in _messages(engine, "g-raad") if "Kwartaal" in m.payload["text"]]) == 1
    assert len(_audit(engine, "council_report.published")) == 1
    assert _report(engine, org).published_at == DUE


def test_with_the_review_switched_off_the_council_reads_so(engine, features) -> None:  # type: ignore[no-untyped-def]
    clock, _bot, org, _p = _town(engine, features)
    with unit_of_work(engine) as session:
        found = organisations.organisation_by_slug(session=session, slug="demo")
        found.settings = {**(found.settings or {}), "council_report_review_days": 0}
        session.add(found)
    clock.now = DRAFT
    assert run_job(DRAFTS, engine, clock(), features) == 0
    clock.now = DUE
    run_job(SUMMARIES, engine, clock(), features)
    assert _report(engine, org).outcome == "review_off"
    (council,) = [
        m.payload["text"]
        for m in _messages(engine, "g-raad")
        if "Kwartaalrapportage" in m.payload["text"]
    ]
    assert "in deze organisatie beoordeelt de coördinator het raadsrapport niet vooraf" in council


def test_a_review_and_the_publication_take_turns(engine, features) -> None:  # type: ignore[no-untyped-def]
    """The coordinator's review has read the open draft when the quarterly job publishes: the
    publication waits for the review and publishes it as reviewed; it never lands first only to
    have the review turn the published report back into an approved draft (PostgreSQL; SQLite
    runs one unit of work at a time anyway)."""
    import threading

    from sqlalchemy import text

    from handlers.coordination.council.review import coordinators
    from handlers.coordination.periods import parse_period

    clock, _bot, org, _p = _town(engine, features)
    clock.now = DRAFT
    run_job(DRAFTS, engine, clock(), features)
    with unit_of_work(engine) as session:
        found = organisations.organisation_by_slug(session=session, slug="demo")
        (coordinator_id,) = coordinators(session, found)
        session.expunge(found)
    published: list[object] = []
    publisher = threading.Thread(
        target=lambda: published.append(
            council_job.publish_council_report(
                engine, found, parse_period("2026Q4"), DUE, DUE, features
            )
        )
    )
    with unit_of_work(engine) as session:
        draft = council_reports.open_draft(session=session, organisation_id=org)
        assert draft is not None and draft.state == "draft"
        if engine.dialect.name == "postgresql":
            publisher.start()
            with engine.connect() as probe:  # wait until the publication waits for this review
                for _ in range(1500):  # up to 30 s on a loaded machine
                    waiting = probe.execute(
                        text("SELECT count(*) FROM pg_locks WHERE NOT granted")
                    ).scalar_one()
                    if waiting:
                        break
                    threading.Event().wait(0.02)
                assert waiting, "the publication did not wait for the review"
        council_reports.review(session=session, report=draft, person_id=coordinator_id, now=DRAFT)
    if not publisher.is_alive() and not published:
        publisher.start()
    publisher.join(timeout=60)
    assert published and published[0] is not None
    report = _report(engine, org)
    assert report.state == "published" and report.outcome == "reviewed"
