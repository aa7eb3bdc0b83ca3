"""``/incident INC-… vastleggen WORD VALUE``: the ISMT records what the reports to the authorities
ask (start time, malicious cause, cross-border effect, severity, indicators, root cause, measures,
GDPR details); without a word it shows what is recorded. The drafts read these fields."""

from __future__ import annotations

from handlers.context import Context
from handlers.incidents import service
from handlers.incidents.facts import BY_WORD, FIELDS, MAX_FACT, FactField, FieldKind
from handlers.incidents.model import TriState
from handlers.incidents.support import NO, YES, changed
from handlers.incidents.when import ParseError, ParseErrorReason, parse_when
from handlers.reply import Reply, markup, plain
from handlers.text import one_line
from storage.incident_models import Incident

_UNKNOWN_WORDS = {"onbekend", "unknown", "?", "weet-niet"}


def _fact_value(ctx: Context, incident: Incident, fact: FactField) -> str:
    if fact.name.startswith("gdpr."):
        value = (incident.gdpr_details or {}).get(fact.name.split(".", 1)[1])
    else:
        value = getattr(incident, fact.name)
    if value is None or value == "":
        return ""
    if fact.kind == FieldKind.TIME:
        return service.when_local(ctx.org, value)
    if fact.kind == FieldKind.TRISTATE:
        return TriState(value).label(ctx.language)
    return str(value)


def _facts_overview(ctx: Context, incident: Incident) -> Reply:
    lines = [
        markup(
            "<b>{text}</b>",
            text=ctx.t(
                "What is recorded for the reports of {reference}:", reference=incident.reference
            ),
        )
    ]
    for fact in FIELDS:
        value = _fact_value(ctx, incident, fact) or ctx.t("(not known yet)")
        lines.append(
            markup(
                "• {label} — {word}: {value}",
                label=ctx.t(fact.label),
                word=fact.word,
                value=one_line(value, 120),
            )
        )
    lines.append("")
    lines.append(
        plain(
            ctx.t(
                "Record one with /incident {reference} vastleggen WORD VALUE, for example: "
                "/incident {reference} vastleggen kwaadwillig ja",
                reference=incident.reference,
            )
        )
    )
    return Reply("\n".join(lines))


def record_fact(ctx: Context, incident: Incident, args: list[str]) -> Reply:
    if not args:
        return _facts_overview(ctx, incident)
    fact = BY_WORD.get(args[0].lower())
    if fact is None:
        words = ", ".join(f.word for f in FIELDS)
        return Reply(plain(ctx.t("Which fact? One of: {words}.", words=words)))
    raw = " ".join(args[1:]).strip()
    if not raw:
        return Reply(
            plain(
                ctx.t(
                    "Give the value after the word, for example: /incident {reference} "
                    "vastleggen {word} …",
                    reference=incident.reference,
                    word=fact.word,
                )
            )
        )
    value: object
    if raw.lower() in _UNKNOWN_WORDS and fact.kind != FieldKind.TRISTATE:
        value = None
    elif fact.kind == FieldKind.TIME:
        parsed = parse_when(raw, now=ctx.now, timezone=ctx.org.timezone)
        if isinstance(parsed, ParseError) and parsed.reason == ParseErrorReason.FUTURE:
            return Reply(plain(ctx.t("That moment is in the future.")))
        if isinstance(parsed, ParseError):
            return Reply(plain(parsed.text(ctx.language)))
        if incident.aware_at is not None and parsed > incident.aware_at:
            return Reply(
                plain(
                    ctx.t(
                        "It cannot have started after the organisation became aware of it "
                        "({when}). Check the time, or correct the awareness time first.",
                        when=service.when_local(ctx.org, incident.aware_at),
                    )
                )
            )
        value = parsed
    elif fact.kind == FieldKind.TRISTATE:
        word = raw.lower()
        if word in YES:
            value = TriState.YES.value
        elif word in NO:
            value = TriState.NO.value
        elif word in _UNKNOWN_WORDS:
            value = TriState.UNKNOWN.value
        else:
            return Reply(plain(ctx.t("Answer ja, nee or onbekend.")))
    else:
        if len(raw) > MAX_FACT:
            return Reply(plain(ctx.t("Please keep it under {limit} characters.", limit=MAX_FACT)))
        value = raw
    if fact.name.startswith("gdpr."):
        details = dict(incident.gdpr_details or {})
        details[fact.name.split(".", 1)[1]] = value
        incident.gdpr_details = details
    else:
        setattr(incident, fact.name, value)
    shown = _fact_value(ctx, incident, fact) or ctx.t("(not known yet)")
    changed(ctx, incident, "recorded", text=f"{ctx.t(fact.label)}: {one_line(shown, 200)}")
    return Reply(
        markup(
            ctx.t("Recorded for {reference}: {label}: {value}."),
            reference=incident.reference,
            label=ctx.t(fact.label),
            value=one_line(shown, 300),
        )
    )
