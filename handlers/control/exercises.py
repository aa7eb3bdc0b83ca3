"""/oefening: exercises of the incident response plan, played in the chat.

    /oefening                               where the exercise stands (or the scenarios)
    /oefening start ransomware [echt|snel|N]  start (coordinator, ISMT); N simulated minutes per minute
    /oefening volgende                      play the next inject now (coordinator, ISMT)
    /oefening significant ja|nee            the simulated significance decision
    /oefening verzonden vroegtijdig|melding|eindverslag|avg   a report "sent" (to nobody: an exercise)
    /oefening antwoord TEXT | notitie TEXT  an answer to a question, something done
    /oefening stop                          end the play; everyone is asked for lessons learned
    /oefening les TEXT[; OWNER[; DATE]]     a lesson learned; it becomes an action point
    /oefening afsluiten                     close: the exercise report as a document

Everything is marked OEFENING / EXERCISE and stored in the exercise tables only: an exercise never
creates an incident, a deadline, a report or a draft, and nothing is sent to an authority. The
simulated clocks (24 h early warning, 72 h notification, one month final report, 72 h GDPR) run
from the exercise's own start, on the simulated clock: ``speed`` simulated minutes per real minute.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers.command import command
from handlers.context import Context
from handlers.control.actions import created_line, make_action
from handlers.control.common import (
    EXERCISE_LEADS,
    EXERCISE_PLAYERS,
    name_of,
    person_named,
    split_fields,
)
from handlers.control.scenarios import Inject, Scenario, find_scenario, scenarios
from handlers.coordination.export import to_markdown
from handlers.coordination.periods import local_date
from handlers.coordination.service import room_language
from handlers.coordination.summary import fmt_date
from handlers.i18n import N_, t
from handlers.incidents.contacts import organisation_in_scope
from handlers.incidents.timeutil import add_months, zone
from handlers.render import render
from handlers.reply import Attachment, Reply, markup, plain
from handlers.text import one_line
from storage import control, people, rooms, runs
from storage.control_models import ControlExercise, ControlExerciseEvent
from storage.enums import OutboxPriority, Role, RoomPurpose

SPEEDS = {"echt": 1, "real": 1, "snel": 24, "fast": 24}
MAX_SPEED = 1440
HOUR = 60

CLOCK_LABELS = {
    "early_warning": N_("early warning (24 h)"),
    "notification": N_("incident notification (72 h)"),
    "final": N_("final report (one month after the notification)"),
    "gdpr": N_("personal data breach notification (72 h)"),
}
SENT_WORDS = {
    "vroegtijdig": "early_warning",
    "vroegtijdige": "early_warning",
    "vroegtijdige-waarschuwing": "early_warning",  # as /verzonden says it for a real incident
    "early": "early_warning",
    "early-warning": "early_warning",
    "melding": "notification",
    "notification": "notification",
    "eindverslag": "final",
    "eindrapport": "final",
    "final": "final",
    "avg": "gdpr",
    "gdpr": "gdpr",
}
#: An organisation outside its country's NIS2 law (Belgian local governments in principle, facts
#: §10.8): the exercise still practises the clocks, and says what they would mean.
OUT_OF_SCOPE = N_(
    "This organisation is set as outside the NIS2 law (Belgian local governments in principle are): a report to the CSIRT would be voluntary (Art. 30 NIS2). The exercise practises the clocks as if it were in scope; the GDPR's 72 hours for a personal data breach apply either way."
)
#: The events the pacing and the clocks depend on (not the answers and notes people add).
CLOCK_EVENTS = ("inject", "question", "clock", "decision", "report")
COLLEGE_PEOPLE = (Role.MAYOR.value, Role.SECRETARY.value, Role.ALDERMAN.value)
ISMT_PEOPLE = (Role.ISMT.value, Role.IT.value, Role.COORDINATOR.value)

USAGE = N_(
    "Usage:\n/oefening start SCENARIO [echt|snel|N] — start an exercise (scenarios: {names})\n"
    "/oefening volgende — the next inject now\n/oefening significant ja|nee\n"
    "/oefening verzonden vroegtijdig|melding|eindverslag|avg\n"
    "/oefening antwoord TEXT — /oefening notitie TEXT\n/oefening stop — end the play\n"
    "/oefening les TEXT; OWNER; DATE — a lesson learned, which becomes an action point\n"
    "/oefening afsluiten — close it and get the report"
)


# -- the simulated clock ------------------------------------------------------------------------


def sim_minutes(exercise: ControlExercise, now: datetime) -> int:
    end = exercise.ended_at or now
    real = max((end - exercise.started_at).total_seconds() / 60, 0)
    return int(real * exercise.speed) + exercise.skipped_minutes


def sim_label(minutes: int) -> str:
    """T+26:30 (simulated hours and minutes since the start); from four days on T+34d 2:00."""
    if minutes >= 96 * HOUR:
        days, rest = divmod(minutes, 24 * HOUR)
        return f"T+{days}d {rest // HOUR}:{rest % HOUR:02d}"
    return f"T+{minutes // HOUR}:{minutes % HOUR:02d}"


@dataclass(frozen=True)
class Clock:
    kind: str
    due: int  # simulated minutes
    sent: int | None  # simulated minute it was "sent"
    state: str  # met | missed | open | passed


def _sent_at(events: list, kind: str) -> int | None:  # type: ignore[type-arg]
    for event in events:
        if event.kind == "report" and event.detail.get("sent") == kind:
            return event.sim_minutes
    return None


def clocks_of(
    timezone: str, exercise: ControlExercise, scenario: Scenario, events: list, now_sim: int
) -> list[Clock]:  # type: ignore[type-arg]
    significant = next(
        (e.detail["significant"] for e in reversed(events) if "significant" in e.detail), None
    )
    result = []
    start = exercise.started_at
    for kind in scenario.clocks:
        if kind != "gdpr" and significant is False:
            continue  # decided not significant: the NIS2 clocks do not apply (in this exercise)
        if kind == "early_warning":
            due = 24 * HOUR
        elif kind in ("notification", "gdpr"):
            due = 72 * HOUR
        else:  # one calendar month after the notification was (or is due to be) sent
            base = _sent_at(events, "notification") or 72 * HOUR
            base_moment = start + timedelta(minutes=base)
            final = add_months(base_moment, 1, zone(timezone))
            due = int((final - start).total_seconds() // 60)
        sent = _sent_at(events, kind)
        if sent is not None:
            state = "met" if sent <= due else "missed"
        else:
            state = "passed" if now_sim > due else "open"
        result.append(Clock(kind, due, sent, state))
    return result


# -- where the exercise is played -----------------------------------------------------------------


def _banner(language: str, scenario: Scenario) -> str:
    return markup(
        "🧪 <b>{word}</b> · {title}",
        word=t(language, N_("EXERCISE — not a real incident")),
        title=scenario.title(language),
    )


def broadcast(
    ctx: Context,
    exercise: ControlExercise,
    audience: str,
    body: dict[str, str],
    key: str,
    missed: set[str] | None = None,
) -> int:
    """Queue ``body`` (language -> neutral markup, without banner) to the ISMT and/or the college:
    their rooms, or privately to the people of those roles when no room is linked. Returns how many
    chats it was queued for; an audience that no chat reaches is added to ``missed``."""
    scenario = find_scenario(exercise.scenario)
    assert scenario is not None
    sent = 0
    targets = [
        ("ismt", RoomPurpose.ISMT.value, ISMT_PEOPLE),
        ("college", RoomPurpose.COLLEGE.value, COLLEGE_PEOPLE),
    ]
    for name, purpose, roles in targets:
        if audience not in (name, "all"):
            continue
        linked = rooms.rooms_for(session=ctx.session, organisation_id=ctx.org.id, purpose=purpose)
        reached = 0
        if linked:
            lang = room_language(ctx.org)
            reply = Reply(_banner(lang, scenario) + "\n" + body[lang])
            reached = ctx.send_to_rooms(purpose, reply, key=f"{key}:{name}")
        else:
            for person in people.list_people(session=ctx.session, organisation_id=ctx.org.id):
                if person.role not in roles:
                    continue
                lang = person.language if person.language in body else "nl"
                reply = Reply(_banner(lang, scenario) + "\n" + body[lang])
                reached += int(ctx.send_to_person(person.id, reply, key=f"{key}:{name}"))  # type: ignore[arg-type]
        if not reached and missed is not None:
            missed.add(name)
        sent += reached
    return sent


MISSED = {
    "ismt": N_(
        "Nobody of the ISMT could be reached: link the ISMT room (/koppel ismt) or enrol ISMT members."
    ),
    "college": N_(
        "Nobody of the college could be reached: link the college room (/koppel college) or enrol the mayor and the secretary."
    ),
}


def missed_lines(ctx: Context, missed: set[str]) -> str:
    return "".join("\n⚠ " + plain(ctx.t(MISSED[name])) for name in sorted(missed))


def _inject_body(ctx: Context, inject: Inject, minutes: int) -> dict[str, str]:
    out = {}
    for lang in ("nl", "en"):
        head = t(lang, N_("Question")) if inject.kind == "question" else t(lang, N_("Situation"))
        hint = (
            "\n" + plain(t(lang, N_("Answer with /oefening antwoord TEXT.")))
            if inject.kind == "question"
            else ""
        )
        out[lang] = (
            markup(
                "<b>{head}</b> ({at})\n{text}",
                head=head,
                at=sim_label(minutes),
                text=inject.text(ctx.org.country, lang),
            )
            + hint
        )
    return out


def play_due(ctx: Context, exercise: ControlExercise, missed: set[str] | None = None) -> int:
    """Send every inject and clock message that is due on the simulated clock and not yet sent."""
    scenario = find_scenario(exercise.scenario)
    if scenario is None or exercise.status != "running":
        return 0
    now_sim = sim_minutes(exercise, ctx.now)
    sent = 0
    # What was played already is in the events: read them once, claim only what is new (the
    # claim stays, so a second instance never plays an inject twice).
    events = control.exercise_events(
        session=ctx.session,
        organisation_id=ctx.org.id,
        exercise_id=exercise.id,  # type: ignore[arg-type]
        kinds=CLOCK_EVENTS,
    )
    played = {e.detail["inject"] for e in events if "inject" in e.detail}
    clocked = {e.detail["clock"] for e in events if "clock" in e.detail}
    for inject in scenario.injects:
        if inject.at > now_sim:
            break
        if inject.index in played:
            continue
        if not runs.claim_run(
            session=ctx.session,
            kind="exercise-inject",
            period=f"exercise:{exercise.id}",
            target=f"inject:{inject.index}",
            now=ctx.now,
            organisation_id=ctx.org.id,
        ):
            continue
        key = f"exercise:{exercise.id}:inject:{inject.index}"
        count = broadcast(
            ctx, exercise, inject.to, _inject_body(ctx, inject, inject.at), key, missed
        )
        events.append(
            control.add_exercise_event(
                session=ctx.session,
                exercise=exercise,
                kind=inject.kind,
                text=inject.text(ctx.org.country, "nl"),
                now=ctx.now,
                sim_minutes=inject.at,
                detail={"inject": inject.index, "to": inject.to, "chats": count},
            )
        )
        sent += count
    for clock in clocks_of(ctx.org.timezone, exercise, scenario, events, now_sim):
        if clock.state != "passed" or clock.kind in clocked:
            continue
        if not runs.claim_run(
            session=ctx.session,
            kind="exercise-clock",
            period=f"exercise:{exercise.id}",
            target=clock.kind,
            now=ctx.now,
            organisation_id=ctx.org.id,
        ):
            continue
        body = {
            lang: markup(
                t(
                    lang,
                    N_(
                        "⏱ The simulated clock for the {clock} ran out at {at} and nothing was recorded as sent."
                    ),
                ),
                clock=t(lang, CLOCK_LABELS[clock.kind]),
                at=sim_label(clock.due),
            )
            for lang in ("nl", "en")
        }
        count = broadcast(ctx, exercise, "ismt", body, f"exercise:{exercise.id}:clock:{clock.kind}")
        control.add_exercise_event(
            session=ctx.session,
            exercise=exercise,
            kind="clock",
            text=clock.kind,
            now=ctx.now,
            sim_minutes=clock.due,
            detail={"clock": clock.kind, "state": "missed"},
        )
        sent += count
    return sent


#: An exercise still open this many days after its start reminds the one who started it (own policy).
LEFT_OPEN_DAYS = 7
LEFT_OPEN = N_(
    "Exercise #{id} ({title}) started on {day} is still open. End the play with /oefening stop, collect the lessons learned and close it with /oefening afsluiten: until then no new exercise can start."
)


def remind_if_left_open(ctx: Context, exercise: ControlExercise) -> int:
    """Once, a week after the start: the exercise is still open (it blocks the next one)."""
    if ctx.now < exercise.started_at + timedelta(days=LEFT_OPEN_DAYS):
        return 0
    if exercise.started_by_person_id is None or not runs.claim_run(
        session=ctx.session,
        kind="exercise-left-open",
        period=f"exercise:{exercise.id}",
        target=f"{LEFT_OPEN_DAYS}d",
        now=ctx.now,
        organisation_id=ctx.org.id,
    ):
        return 0
    person = people.person_by_id(
        session=ctx.session, organisation_id=ctx.org.id, person_id=exercise.started_by_person_id
    )
    scenario = find_scenario(exercise.scenario)
    if person is None or scenario is None:
        return 0
    lang = person.language
    reply = Reply(
        "⏰ "
        + markup(
            t(lang, LEFT_OPEN),
            id=exercise.id,
            title=scenario.title(lang),
            day=fmt_date(local_date(exercise.started_at, ctx.org.timezone), lang),
        )
    )
    return int(
        ctx.send_to_person(
            person.id,  # type: ignore[arg-type]
            reply,
            key=f"exercise-left-open:{exercise.id}",
            priority=OutboxPriority.REMINDER,
        )
    )


# -- the command ------------------------------------------------------------------------------


def _usage(ctx: Context) -> Reply:
    names = ", ".join(sorted(scenarios()))
    return Reply(plain(ctx.t(USAGE, names=names)))


@command(
    "oefening",
    roles=EXERCISE_PLAYERS,
    summary=N_("exercises of the incident response plan: start, play, lessons learned"),
    usage=N_("[start SCENARIO|volgende|significant|verzonden|antwoord|notitie|stop|les|afsluiten]"),
    aliases=("exercise",),
    in_groups=True,
)
def exercise_command(ctx: Context, args: list[str]) -> Reply | list[Reply]:
    sub = args[0].lower() if args else ""
    current = control.current_exercise(session=ctx.session, organisation_id=ctx.org.id)
    if sub in {"start", "begin"}:
        if ctx.role not in EXERCISE_LEADS:
            return _lead_only(ctx)
        return _start(ctx, current, args[1:])
    if current is None:
        if not sub:
            return _usage(ctx)
        return Reply(
            plain(
                ctx.t(
                    "No exercise is running. The coordinator or the ISMT starts one with /oefening start SCENARIO."
                )
            ),
        )
    if not sub:
        return _status(ctx, current)
    rest = args[1:]
    if sub in {"volgende", "next"} and ctx.role not in EXERCISE_LEADS:
        return _lead_only(ctx)
    if sub in {"stop", "einde", "end"}:
        return _stop(ctx, current) if ctx.role in EXERCISE_LEADS else _lead_only(ctx)
    if sub in {"afsluiten", "close"}:
        return _close(ctx, current) if ctx.role in EXERCISE_LEADS else _lead_only(ctx)
    if sub in {"les", "lesson"}:
        return _lesson(ctx, current, rest)
    if current.status != "running":
        return Reply(
            plain(ctx.t("The play has ended; add lessons learned with /oefening les TEXT."))
        )
    if sub in {"volgende", "next"}:
        return _next(ctx, current)
    if sub in {"significant", "significantie"}:
        return _significant(ctx, current, rest)
    if sub in {"verzonden", "sent"}:
        return _sent(ctx, current, rest)
    if sub in {"antwoord", "answer", "notitie", "note"}:
        return _note(ctx, current, "answer" if sub in {"antwoord", "answer"} else "note", rest)
    return _usage(ctx)


def _lead_only(ctx: Context) -> Reply:
    return Reply(plain(ctx.t("Only the coordinator or the ISMT leads an exercise.")), refused=True)


def _start(ctx: Context, current: ControlExercise | None, args: list[str]) -> Reply:
    if current is not None:
        return Reply(
            markup(
                ctx.t("Exercise #{id} is still open; close it first with /oefening afsluiten."),
                id=current.id,
            )
        )
    scenario = find_scenario(args[0]) if args else None
    if scenario is None:
        return _usage(ctx)
    speed = 1
    if len(args) > 1:
        pace = args[1].lower()
        speed = SPEEDS.get(pace) or (int(pace) if pace.isdigit() else 0)
        if not 1 <= speed <= MAX_SPEED:
            return _usage(ctx)
    exercise = control.create_exercise(
        session=ctx.session,
        organisation_id=ctx.org.id,
        scenario=scenario.key,
        speed=speed,
        now=ctx.now,
        started_by_person_id=ctx.me.id,
    )
    ctx.audit("exercise.started", exercise_id=exercise.id, scenario=scenario.key, speed=speed)
    body = {
        lang: markup(
            t(
                lang,
                N_(
                    "Exercise #{id} starts now, started by {name}. Pace: {speed}× real time. Nothing in it is real: no incident is recorded and nothing goes to an authority. The simulated 24 h / 72 h / one month clocks run from now. Record what you do with /oefening (see /oefening for the commands)."
                ),
            ),
            id=exercise.id,
            name=ctx.me.name,
            speed=speed,
        )
        for lang in ("nl", "en")
    }
    if not organisation_in_scope(ctx.org):
        for lang in body:
            body[lang] += "\n" + plain(t(lang, OUT_OF_SCOPE))
    missed: set[str] = set()
    reached = broadcast(ctx, exercise, "all", body, f"exercise:{exercise.id}:start", missed)
    reached += play_due(ctx, exercise, missed)
    banner = _banner(ctx.language, scenario)
    return Reply(
        banner
        + "\n"
        + markup(
            ctx.t("Exercise #{id} started: {title}. Messages queued for {count} chat(s)."),
            id=exercise.id,
            title=scenario.title(ctx.language),
            count=reached,
        )
        + missed_lines(ctx, missed)
    )


def _next(ctx: Context, exercise: ControlExercise) -> Reply:
    scenario = find_scenario(exercise.scenario)
    assert scenario is not None
    now_sim = sim_minutes(exercise, ctx.now)
    upcoming = [i for i in scenario.injects if i.at > now_sim]
    if not upcoming:
        return Reply(
            plain(ctx.t("All injects have been played. End the play with /oefening stop."))
        )
    exercise.skipped_minutes += upcoming[0].at - now_sim
    control.save_exercise(session=ctx.session, exercise=exercise)
    ctx.audit("exercise.next", exercise_id=exercise.id, to_minute=upcoming[0].at)
    missed: set[str] = set()
    count = play_due(ctx, exercise, missed)
    return Reply(
        markup(
            ctx.t("Simulated time is now {at}; messages queued for {count} chat(s)."),
            at=sim_label(upcoming[0].at),
            count=count,
        )
        + missed_lines(ctx, missed)
    )


def _marked(ctx: Context, text: str) -> Reply:
    """A reply about the exercise, marked as one wherever it is read (a room, a private chat)."""
    return Reply(markup("🧪 <b>{word}</b> · ", word=ctx.t("EXERCISE")) + text)


def _record(
    ctx: Context, exercise: ControlExercise, text: str, kind: str = "action", **detail: object
) -> int:
    minute = sim_minutes(exercise, ctx.now)
    control.add_exercise_event(
        session=ctx.session,
        exercise=exercise,
        kind=kind,
        text=text,
        now=ctx.now,
        sim_minutes=minute,
        actor_person_id=ctx.me.id,
        detail=dict(detail),
    )
    return minute


def _significant(ctx: Context, exercise: ControlExercise, args: list[str]) -> Reply:
    answer = args[0].lower() if args else ""
    if answer not in {"ja", "nee", "yes", "no"}:
        return _usage(ctx)
    value = answer in {"ja", "yes"}
    minute = _record(ctx, exercise, f"significant={value}", "decision", significant=value)
    body = {
        lang: markup(
            t(lang, N_("{name} decided at {at}: significant: {value}.")),
            name=ctx.me.name,
            at=sim_label(minute),
            value=t(lang, N_("yes")) if value else t(lang, N_("no")),
        )
        for lang in ("nl", "en")
    }
    broadcast(
        ctx, exercise, "all", body, f"exercise:{exercise.id}:significant:{minute}:{ctx.me.id}"
    )
    return _marked(ctx, plain(ctx.t("Recorded in the exercise (at {at}).", at=sim_label(minute))))


def _sent(ctx: Context, exercise: ControlExercise, args: list[str]) -> Reply:
    kind = SENT_WORDS.get(args[0].lower()) if args else None
    scenario = find_scenario(exercise.scenario)
    if kind is None or scenario is None or kind not in scenario.clocks:
        return _usage(ctx)
    minute = _record(ctx, exercise, f"sent={kind}", "report", sent=kind)
    events = control.exercise_events(
        session=ctx.session,
        organisation_id=ctx.org.id,
        exercise_id=exercise.id,  # type: ignore[arg-type]
    )
    clock = next(
        (
            c
            for c in clocks_of(ctx.org.timezone, exercise, scenario, events, minute)
            if c.kind == kind
        ),
        None,
    )
    verdict = (
        ctx.t("within the simulated deadline ({due})", due=sim_label(clock.due))
        if clock and clock.state == "met"
        else ctx.t("after the simulated deadline ({due})", due=sim_label(clock.due))
        if clock
        else ""
    )
    return _marked(
        ctx,
        plain(
            ctx.t(
                "Recorded in the exercise: {clock} at {at}, {verdict}. Nothing was sent to anyone: this is an exercise.",
                clock=ctx.t(CLOCK_LABELS[kind]),
                at=sim_label(minute),
                verdict=verdict,
            )
        ),
    )


def _note(ctx: Context, exercise: ControlExercise, kind: str, args: list[str]) -> Reply:
    text = one_line(" ".join(args), 1000)
    if len(text) < 2:
        return _usage(ctx)
    minute = _record(ctx, exercise, text, note=kind)
    return _marked(ctx, plain(ctx.t("Recorded in the exercise (at {at}).", at=sim_label(minute))))


def _stop(ctx: Context, exercise: ControlExercise) -> Reply:
    if exercise.status != "running":
        return Reply(
            plain(ctx.t("The play has ended; add lessons learned with /oefening les TEXT."))
        )
    exercise.status, exercise.ended_at = "lessons", ctx.now
    control.save_exercise(session=ctx.session, exercise=exercise)
    ctx.audit("exercise.stopped", exercise_id=exercise.id)
    body = {
        lang: plain(
            t(
                lang,
                N_(
                    "The play has ended. What went well, and what must be better next time? Send each lesson learned with /oefening les TEXT; OWNER; DATE (owner and date are optional): each becomes an action point."
                ),
            )
        )
        for lang in ("nl", "en")
    }
    count = broadcast(ctx, exercise, "all", body, f"exercise:{exercise.id}:lessons")
    return Reply(
        markup(
            ctx.t(
                "The play of exercise #{id} has ended; lessons learned were asked in {count} chat(s). Close it with /oefening afsluiten."
            ),
            id=exercise.id,
            count=count,
        )
    )


def _lesson(ctx: Context, exercise: ControlExercise, args: list[str]) -> Reply:
    parts = split_fields(args)
    text = one_line(parts[0] if parts else "", 300)
    if len(text) < 3:
        return _usage(ctx)
    owner = None
    if len(parts) > 1 and parts[1]:
        found = person_named(ctx, parts[1])
        if found.person is None:
            return Reply(plain(found.problem or ""))
        owner = found.person
    elif exercise.started_by_person_id is not None:
        owner = people.person_by_id(
            session=ctx.session, organisation_id=ctx.org.id, person_id=exercise.started_by_person_id
        )
    action, problem = make_action(
        ctx,
        title=text,
        source="exercise",
        source_id=exercise.id,
        owner=owner,
        due_day_text=parts[2] if len(parts) > 2 else "",
    )
    if action is None:
        return Reply(plain(problem or ""))
    control.add_exercise_event(
        session=ctx.session,
        exercise=exercise,
        kind="lesson",
        text=text,
        now=ctx.now,
        sim_minutes=sim_minutes(exercise, ctx.now),
        actor_person_id=ctx.me.id,
        detail={"action_id": action.id},
    )
    return _marked(ctx, plain(ctx.t("Lesson learned recorded.")) + "\n" + created_line(ctx, action))


def _close(ctx: Context, exercise: ControlExercise) -> Reply:
    if exercise.status == "running":
        exercise.ended_at = ctx.now
    exercise.status, exercise.closed_at = "done", ctx.now
    control.save_exercise(session=ctx.session, exercise=exercise)
    ctx.audit("exercise.closed", exercise_id=exercise.id)
    report = exercise_report(ctx, exercise, ctx.language)
    document = to_markdown(report, [])
    name = f"oefening-{exercise.id}-{exercise.scenario}.md"
    shared = {lang: exercise_report(ctx, exercise, lang) for lang in ("nl", "en")}
    count = broadcast(ctx, exercise, "ismt", shared, f"exercise:{exercise.id}:report")
    return Reply(
        report + "\n\n" + plain(ctx.t("Shared with {count} chat(s) of the ISMT.", count=count)),
        attachments=(Attachment("document", name, "text/markdown", document.encode("utf-8")),),
    )


def _status(ctx: Context, exercise: ControlExercise) -> Reply:
    return Reply(exercise_report(ctx, exercise, ctx.language))


def exercise_report(ctx: Context, exercise: ControlExercise, language: str) -> str:
    """Who did what when on the simulated clock, the clocks met or missed, the lessons learned."""
    scenario = find_scenario(exercise.scenario)
    assert scenario is not None
    events = control.exercise_events(
        session=ctx.session,
        organisation_id=ctx.org.id,
        exercise_id=exercise.id,  # type: ignore[arg-type]
    )
    now_sim = sim_minutes(exercise, ctx.now)
    clocks = clocks_of(ctx.org.timezone, exercise, scenario, events, now_sim)
    lang = language
    actions = control.list_actions(
        session=ctx.session, organisation_id=ctx.org.id, source="exercise", source_id=exercise.id
    )
    return render(
        lang,
        "control/exercise_report.j2",
        id=exercise.id,
        title=scenario.title(lang),
        status=exercise.status,
        speed=exercise.speed,
        now=sim_label(now_sim),
        clocks=[
            {
                "label": t(lang, CLOCK_LABELS[c.kind]),
                "due": sim_label(c.due),
                "sent": sim_label(c.sent) if c.sent is not None else None,
                "state": c.state,
            }
            for c in clocks
        ],
        timeline=[
            {
                "at": sim_label(e.sim_minutes),
                "kind": e.kind,
                "who": name_of(ctx, e.actor_person_id) if e.actor_person_id else "",
                "text": _event_text(ctx, scenario, e, lang),
            }
            for e in events
        ][-40:],
        actions=[
            {
                "label": f"A{a.id}",
                "title": a.title,
                "owner": name_of(ctx, a.owner_person_id),
                "due": fmt_date(local_date(a.due_at, ctx.org.timezone), lang),
                "done": a.status == "done",
            }
            for a in actions
        ],
    )


def _event_text(ctx: Context, scenario: Scenario, event: ControlExerciseEvent, lang: str) -> str:
    detail = event.detail
    if "inject" in detail and detail["inject"] < len(scenario.injects):
        return scenario.injects[detail["inject"]].text(ctx.org.country, lang)
    if event.kind == "clock":
        return t(lang, N_("clock ran out: {clock}"), clock=t(lang, CLOCK_LABELS[event.text]))
    if "significant" in detail:
        answer = t(lang, N_("yes")) if detail["significant"] else t(lang, N_("no"))
        return t(lang, N_("decided: significant: {answer}"), answer=answer)
    if "sent" in detail:
        return t(lang, N_("recorded as sent: {clock}"), clock=t(lang, CLOCK_LABELS[detail["sent"]]))
    if event.kind == "lesson":
        return t(lang, N_("lesson learned: {text}"), text=event.text)
    if detail.get("note") == "answer":
        return t(lang, N_("answer: {text}"), text=event.text)
    return event.text
