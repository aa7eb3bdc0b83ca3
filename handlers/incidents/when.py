"""Parse "when did you notice it?" from Dutch or English free text.

dateparser does the heavy lifting (languages nl and en, past preferred, relative to ``now`` on the
organisation's wall clock, day-month order). A small pre-processor adds what it misses or gets
wrong:

- "nu", "net", "zojuist", "zonet", "just now": now.
- "... geleden" / "... ago": elapsed time back from now, computed in UTC by us so that "an hour ago"
  is one real hour even across a DST change (dateparser does it on the naive wall clock).
- Dutch day parts: "vanochtend", "vanmiddag", "vanavond", "vannacht", "gisteravond",
  "maandagochtend", "'s avonds"; English "this morning", "yesterday evening", "last night".
- Time notations: Flemish "14u30", "14u", "14.30 uur", "9 uur", "half tien" (= 9:30).
- A weekday naming today ("woensdag 10:00" on a Wednesday afternoon) means today, not a week ago;
  "vorige week dinsdag" / "last week tuesday" is the Tuesday of the previous calendar week.
- A bare time later than now ("23:30" said at 01:00) is yesterday's.

Vague answers become the *earliest* plausible moment: a day without a time is 00:00, a day part
without a time is its start (morning 06:00, afternoon 12:00, evening 18:00, night 00:00). The 24 h
clock runs from awareness, so an early guess never shows a deadline later than the law's; the dialog
shows the interpretation and lets the person correct it. Results are floored to the minute.

Never raises: anything odd (too long, control characters, exotic Unicode, nonsense) is a ParseError.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from handlers.i18n import N_, t
from handlers.incidents.timeutil import add_months, localize, zone

MAX_RAW_LENGTH = 200  # checked before any normalisation (NFKC can expand a string)
MAX_LENGTH = 80  # an answer to "when?" is short; longer is a description pasted in the wrong place
CLOCK_SKEW = timedelta(minutes=5)


class ParseErrorReason(StrEnum):
    UNPARSABLE = "unparsable"
    FUTURE = "future"
    TOO_OLD = "too_old"


_MESSAGES = {
    ParseErrorReason.UNPARSABLE: N_(
        "I could not read a time in that. Try for example “this morning 9:15” or “yesterday 14:00”."
    ),
    ParseErrorReason.FUTURE: N_("That moment is in the future. When did you notice it?"),
    ParseErrorReason.TOO_OLD: N_(
        "That is more than a year ago. Please check the date, or report it to the ISMT directly."
    ),
}


@dataclass(frozen=True)
class ParseError:
    reason: ParseErrorReason
    message: str  # msgid

    def text(self, language: str) -> str:
        return t(language, self.message)


def _error(reason: ParseErrorReason) -> ParseError:
    return ParseError(reason, _MESSAGES[reason])


class DayPart(StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"
    NIGHT = "night"


_DAY_PART_START = {
    DayPart.MORNING: time(6),
    DayPart.AFTERNOON: time(12),
    DayPart.EVENING: time(18),
    DayPart.NIGHT: time(0),
}

_NOW_WORDS = frozenset(
    {
        "nu", "net", "zojuist", "zonet", "zo net", "daarnet", "net nu", "nu net", "nu meteen",
        "op dit moment", "juist", "zo juist", "zopas", "daarjuist", "net nog", "een moment geleden",
        "just now", "now", "right now", "just", "a moment ago",
    }
)  # fmt: skip

_NUMBER_WORDS = {
    "een": 1, "één": 1, "a": 1, "an": 1, "one": 1, "twee": 2, "two": 2, "drie": 3, "three": 3,
    "vier": 4, "four": 4, "vijf": 5, "five": 5, "zes": 6, "six": 6, "zeven": 7, "seven": 7,
    "acht": 8, "eight": 8, "negen": 9, "nine": 9, "tien": 10, "ten": 10, "elf": 11, "eleven": 11,
    "twaalf": 12, "twelve": 12, "vijftien": 15, "fifteen": 15, "twintig": 20, "twenty": 20,
    "dertig": 30, "thirty": 30, "veertig": 40, "forty": 40, "vijftig": 50, "fifty": 50,
}  # fmt: skip
_MINUTE, _HOUR = timedelta(minutes=1), timedelta(hours=1)
_UNITS = {
    **dict.fromkeys(("sec", "seconde", "seconden", "second", "seconds"), timedelta(seconds=1)),
    **dict.fromkeys(("min", "mins", "minuut", "minuten", "minute", "minutes"), _MINUTE),
    "kwartier": 15 * _MINUTE,
    **dict.fromkeys(("uur", "uren", "u", "h", "hour", "hours", "hr", "hrs"), _HOUR),
}
_CALENDAR_UNITS = {"dag": 1, "dagen": 1, "day": 1, "days": 1, "week": 7, "weken": 7, "weeks": 7}
_NL_DAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
_EN_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_PART_WORDS = {
    "ochtend": DayPart.MORNING, "morgen": DayPart.MORNING, "middag": DayPart.AFTERNOON,
    "avond": DayPart.EVENING, "nacht": DayPart.NIGHT, "morning": DayPart.MORNING,
    "afternoon": DayPart.AFTERNOON, "evening": DayPart.EVENING, "night": DayPart.NIGHT,
    "ochtends": DayPart.MORNING, "morgens": DayPart.MORNING, "middags": DayPart.AFTERNOON,
    "avonds": DayPart.EVENING, "nachts": DayPart.NIGHT,
}  # fmt: skip
_NL_PART = "ochtend|morgen|middag|avond|nacht"
_EN_PART = "morning|afternoon|evening|night"
# Day expressions -> (what dateparser understands, day part). A pattern with a group "part" takes
# the part from the text; a group "day" supplies the replacement itself (a weekday).
_DAY_WORDS: list[tuple[re.Pattern[str], str, DayPart | None]] = [
    (re.compile(r"\bvan(?:ochtend|morgen)\b"), "vandaag", DayPart.MORNING),
    (re.compile(r"\bvanmiddag\b"), "vandaag", DayPart.AFTERNOON),
    (re.compile(r"\bvanavond\b"), "vandaag", DayPart.EVENING),
    (re.compile(r"\bvannacht\b"), "vandaag", DayPart.NIGHT),
    (re.compile(rf"\bgister(?:en)?\s*(?P<part>{_NL_PART})\b"), "gisteren", None),
    (re.compile(r"\bthis morning\b"), "today", DayPart.MORNING),
    (re.compile(r"\bthis afternoon\b"), "today", DayPart.AFTERNOON),
    (re.compile(r"\b(?:this evening|tonight)\b"), "today", DayPart.EVENING),
    (re.compile(r"\blast night\b"), "yesterday", DayPart.EVENING),
    (re.compile(rf"\byesterday (?:in the )?(?P<part>{_EN_PART})\b"), "yesterday", None),
    (re.compile(rf"\b(?P<day>{'|'.join(_NL_DAYS)})\s*(?P<part>{_NL_PART})\b"), "", None),
    (re.compile(rf"\b(?P<day>{'|'.join(_EN_DAYS)}) (?:in the )?(?P<part>{_EN_PART})\b"), "", None),
    (re.compile(r"(?<!\w)'s\s*(?P<part>ochtends|morgens|middags|avonds|nachts)\b"), "", None),
    (re.compile(r"\bin the (?P<part>morning|afternoon|evening)\b"), "", None),
    (re.compile(r"\bat (?P<part>night)\b"), "", None),
]  # fmt: skip
_HALF_HOUR = re.compile(rf"\bhalf\s+({'|'.join(k for k, v in _NUMBER_WORDS.items() if v <= 12)})\b")
_TIME_TOKEN = re.compile(r"\b\d{1,2}:\d{2}\b|\b\d{1,2}\s*(?:am|pm|a\.m\.|p\.m\.)")
_AMPM = re.compile(r"\b\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)")
_ONLY_TIME = re.compile(
    r"^(?:(?:om|at|rond|around|about|omstreeks|ongeveer) )?(?:\d{1,2}:\d{2}|\d{1,2}\s*(?:am|pm))$"
)
_WEEKDAY = re.compile(rf"\b({'|'.join(_NL_DAYS + _EN_DAYS)})\b")
_HAS_DATE = re.compile(
    r"\d{1,2}\s*[-/]\s*\d{1,2}|\b\d{1,2}\s+[a-z]{3,}|\b(?:vorige|last|previous)\b"
)

_DATEPARSER_LANGUAGES = ["nl", "en"]


def _clean(text: object) -> str | None:
    if not isinstance(text, str) or len(text) > MAX_RAW_LENGTH:
        return None
    text = unicodedata.normalize("NFKC", text)
    # Control, format, private-use and unassigned characters become spaces (never reach dateparser).
    text = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)
    text = text.casefold().replace("’", "'").replace("‘", "'")
    text = re.sub(r"\s+", " ", text).strip(' .,;:!?()[]"')
    if not text or len(text) > MAX_LENGTH:
        return None
    return text


_HALF_DIGIT = re.compile(r"\bhalf\s+(\d{1,2})\b(?!\s*[:.u]\d)")
_FILLERS = re.compile(r"\b(?:rond|omstreeks|ongeveer|tegen|around|about|approximately)\s+")
_ANY_PART = re.compile(r"nacht|ochtend|morgen|middag|avond|night|morning|evening|afternoon")


def _half(hour: int, text: str) -> str:
    """ "half drie" is 2:30 on a 12-hour clock; said without a day part it means the afternoon
    (14:30) for 1 to 6, the working day's reading ("gisteren om half drie" is not 02:30)."""
    hour = (hour - 1) or 12
    if not _ANY_PART.search(text) and 1 <= hour <= 6:
        hour += 12
    return f"{hour}:30"


def _normalise_times(text: str) -> str:
    text = re.sub(r"\bgister\b", "gisteren", text)
    text = re.sub(r"\b(?:afgelopen|jongstleden|jl)\s+(?=\w)", "", text)
    text = _FILLERS.sub("", text)
    text = _HALF_HOUR.sub(lambda m: _half(_NUMBER_WORDS[m.group(1)], text), text)
    text = _HALF_DIGIT.sub(
        lambda m: _half(int(m.group(1)), text) if 1 <= int(m.group(1)) <= 12 else m.group(0), text
    )
    text = re.sub(r"\b(\d{1,2})\s*[uh]\s*(\d{2})\b", r"\1:\2", text)  # 14u30, 14h30
    text = re.sub(r"\b(\d{1,2})\s*u\b", r"\1:00", text)  # 14u (Flemish)
    text = re.sub(r"\b(\d{1,2}:\d{2})\s*uur\b", r"\1", text)  # 14:00 uur

    def dotted(m: re.Match[str]) -> str:
        # "14.30" is a time; "21.11" is a date unless marked as a time ("om 21.11", "21.11 uur").
        prefix, hh, mm, suffix = m.group(1) or "", m.group(2), m.group(3), m.group(4) or ""
        if prefix or suffix or int(mm) > 12:
            return f"{prefix}{hh}:{mm}"
        return f"{hh}-{mm}"

    text = re.sub(r"(\b(?:om|at) )?\b(\d{1,2})\.(\d{2})\b(\s*uur\b)?", dotted, text)
    text = re.sub(r"\b(\d{1,2})\s*uur\b", r"\1:00", text)  # 9 uur
    return re.sub(r"\s+", " ", text).strip()


def _number(word: str | None) -> float | None:
    if word is None:
        return 1.0
    if word[0].isdigit():
        return float(word.replace(",", "."))
    if word in ("half", "anderhalf"):
        return 0.5 if word == "half" else 1.5
    return float(_NUMBER_WORDS[word]) if word in _NUMBER_WORDS else None


_AGO = re.compile(
    r"^(?:(?P<num>\d{1,4}(?:[.,]\d)?)\s*|(?P<word>[a-zé]+)\s+)?(?P<unit>[a-z]+)\.?"
    r"(?P<half>\s+(?:and a half|en een half))?\s+(?:geleden|ago|terug)$"
)


def _parse_ago(text: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    """'10 minuten geleden', 'een uur geleden', 'een half uur geleden', 'an hour and a half ago'.

    Minutes and hours are elapsed time (UTC); days and weeks are calendar days on the wall clock.
    """
    text = re.sub(r"^een (half|kwartier)\b", r"\1", text)
    text = re.sub(r"^half an? ", "half ", text)
    match = _AGO.match(text)
    if match is None:
        return None
    amount = _number(match.group("num") or match.group("word"))
    unit = match.group("unit")
    if amount is None or amount > 10_000:
        return None
    if match.group("half"):
        amount += 0.5
    if unit in _UNITS:
        return now.astimezone(UTC) - _UNITS[unit] * amount
    if unit in _CALENDAR_UNITS:
        days = timedelta(days=_CALENDAR_UNITS[unit] * amount)
        return localize(now.replace(tzinfo=None) - days, tz)
    return None


def _day_expression(text: str) -> tuple[str, DayPart | None]:
    """Replace a Dutch/English day(-part) expression by what dateparser knows; return the part."""
    for pattern, canonical, part in _DAY_WORDS:
        match = pattern.search(text)
        if match is None:
            continue
        groups = match.groupdict()
        if groups.get("part"):
            part = _PART_WORDS[groups["part"]]
        replacement = groups.get("day") or canonical
        text = f"{text[: match.start()]} {replacement} {text[match.end() :]}"
        return re.sub(r"\s+", " ", text).strip(), part
    return text, None


_LAST_WEEK = re.compile(
    rf"\b(?:vorige week|last week)\s+(?P<a>{'|'.join(_NL_DAYS + _EN_DAYS)})\b"
    rf"|\b(?P<b>{'|'.join(_NL_DAYS + _EN_DAYS)})\s+(?:vorige week|last week)\b"
)


def _last_week(text: str) -> tuple[str, int | None]:
    """'vorige week dinsdag' (dateparser can't): the weekday of the previous calendar week."""
    match = _LAST_WEEK.search(text)
    if match is None:
        return text, None
    day = match.group("a") or match.group("b")
    index = _NL_DAYS.index(day) if day in _NL_DAYS else _EN_DAYS.index(day)
    today = "vandaag" if day in _NL_DAYS else "today"
    text = f"{text[: match.start()]} {today} {text[match.end() :]}"
    return re.sub(r"\s+", " ", text).strip(), index


def _dateparser(text: str, now_local: datetime, timezone: str) -> datetime | None:
    import dateparser

    settings = {
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": now_local.replace(tzinfo=None),
        "TIMEZONE": timezone,  # input without a zone is on the organisation's wall clock
        "RETURN_AS_TIMEZONE_AWARE": False,  # we localise ourselves (DST-correct, see timeutil)
        "DATE_ORDER": "DMY",  # NL and BE write day-month
        # No unix timestamps, no "0915"-style digit runs: too many false readings of free text.
        "PARSERS": ["relative-time", "custom-formats", "absolute-time"],
    }
    return dateparser.parse(text, languages=_DATEPARSER_LANGUAGES, settings=settings)


def _adjust(result: datetime, text: str, part: DayPart | None, now_local: datetime) -> datetime:
    """Apply the day part and the 'no time means start' rule to dateparser's naive result."""
    if not _TIME_TOKEN.search(text):
        start = _DAY_PART_START[part] if part else time(0)
        return datetime.combine(result.date(), start)
    if part is not None and not _AMPM.search(text):
        if part in (DayPart.AFTERNOON, DayPart.EVENING) and 1 <= result.hour < 12:
            result += timedelta(hours=12)  # "vanavond 9 uur" is 21:00
        elif part == DayPart.NIGHT and result.hour >= 18:
            result -= timedelta(days=1)  # "vannacht 23:30" is yesterday evening
    weekday = _WEEKDAY.search(text)
    if weekday and not _HAS_DATE.search(text):
        # dateparser reads "woensdag 10:00" on a Wednesday afternoon as last week; people mean
        # today.
        names = _NL_DAYS if weekday.group(1) in _NL_DAYS else _EN_DAYS
        same_day = names.index(weekday.group(1)) == now_local.weekday()
        candidate = result + timedelta(days=7)
        naive_now = now_local.replace(tzinfo=None)
        is_today = candidate.date() == naive_now.date()
        if same_day and is_today and candidate <= naive_now + CLOCK_SKEW:
            result = candidate
    return result


def _check(moment: datetime, now_local: datetime, tz: ZoneInfo) -> datetime | ParseError:
    moment = moment.replace(second=0, microsecond=0)
    # Compare in UTC: Python compares two datetimes of the *same* zone by wall time, fold ignored.
    at, now = moment.astimezone(UTC), now_local.astimezone(UTC)
    if at > now + CLOCK_SKEW:
        return _error(ParseErrorReason.FUTURE)
    if at < add_months(now, -12, tz):
        return _error(ParseErrorReason.TOO_OLD)
    return moment


_BARE_TIME = re.compile(r"^(?:(?:om|at) )?(\d{1,2}):(\d{2})$")


def _bare_time(hour: int, minute: int, now_local: datetime, tz: ZoneInfo) -> datetime | ParseError:
    """ "02:45": today at that wall time (the earliest reading, see ``localize``), or yesterday's
    when that is still to come. Read here rather than by dateparser, which refuses a time in the
    autumn hour that occurs twice."""
    if hour > 23 or minute > 59:
        return _error(ParseErrorReason.UNPARSABLE)
    naive = datetime.combine(now_local.date(), time(hour, minute))
    moment = localize(naive, tz)
    if moment.astimezone(UTC) > now_local.astimezone(UTC) + CLOCK_SKEW:
        moment = localize(naive - timedelta(days=1), tz)
    return _check(moment, now_local, tz)


def parse_when(text: str, *, now: datetime, timezone: str) -> datetime | ParseError:
    """When the incident was noticed, as an aware datetime in ``timezone``, or a ParseError.

    ``now`` must be aware and ``timezone`` a valid IANA name (programming errors raise); whatever
    the person typed never raises.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    tz = zone(timezone)
    now_local = now.astimezone(tz)
    try:
        return _parse(text, now_local, tz, timezone)
    except Exception:
        return _error(ParseErrorReason.UNPARSABLE)


def _parse(text: str, now_local: datetime, tz: ZoneInfo, timezone: str) -> datetime | ParseError:
    cleaned = _clean(text)
    if cleaned is None:
        return _error(ParseErrorReason.UNPARSABLE)
    if cleaned in _NOW_WORDS:
        return _check(now_local, now_local, tz)
    ago = _parse_ago(cleaned, now_local, tz)
    if ago is not None:
        return _check(ago.astimezone(tz), now_local, tz)
    if re.fullmatch(r"[\d\s]+", cleaned):
        return _error(ParseErrorReason.UNPARSABLE)  # bare numbers ("12") are too ambiguous
    normalised = _normalise_times(cleaned)
    bare = _BARE_TIME.match(normalised)
    if bare is not None:
        return _bare_time(int(bare.group(1)), int(bare.group(2)), now_local, tz)
    normalised, part = _day_expression(normalised)
    normalised, last_week_day = _last_week(normalised)
    parsed = _dateparser(normalised, now_local, timezone)
    if parsed is None:
        return _error(ParseErrorReason.UNPARSABLE)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(tz).replace(tzinfo=None)
    # "in 2 hours", "morgen": caught before the day rules below move the time back to 00:00. Not for
    # a bare time (rolled back a day below) or the night ("vannacht 23:30" is yesterday evening).
    in_future = localize(parsed, tz) > now_local.astimezone(UTC) + CLOCK_SKEW
    if in_future and not _ONLY_TIME.match(normalised) and part != DayPart.NIGHT:
        return _error(ParseErrorReason.FUTURE)
    if last_week_day is not None:
        monday = now_local.date() - timedelta(days=now_local.weekday() + 7)
        parsed = datetime.combine(monday + timedelta(days=last_week_day), parsed.time())
    naive = _adjust(parsed, normalised, part, now_local)
    moment = localize(naive, tz)
    if _ONLY_TIME.match(normalised) and moment > now_local.astimezone(UTC) + CLOCK_SKEW:
        moment = localize(naive - timedelta(days=1), tz)  # "23:30" said at 01:00
    return _check(moment, now_local, tz)
