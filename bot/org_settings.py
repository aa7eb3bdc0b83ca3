"""The settings of one organisation (``nis2bot org set SLUG --setting KEY=VALUE``), typed.

Each key a feature reads from ``Organisation.settings`` is listed here with its check, so a
misspelled key (``csirt_phone``, ``trainng``) or a value of the wrong type is refused before it is
stored instead of being kept and silently ignored. The structured ones (``authorities``,
``contacts``, ``nis2_in_scope``, ``training``) are checked by their own feature's parser.
docs/SETTINGS.md lists exactly these keys (``tests/test_docs.py`` keeps the two in step).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from typing import Any


def _whole_days(value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 36_500:
        raise ValueError("must be a whole number of days, 0 (never) or more")


def _review_days(value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 30:
        raise ValueError("must be a whole number of days from 0 (no review) to 30")


def _flag(value: Any) -> None:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")


def _wall_time(value: Any) -> None:
    if not isinstance(value, str) or not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", value.strip()):
        raise ValueError("must be a time of day like 09:00")


def _language(value: Any) -> None:
    if value not in ("nl", "en"):
        raise ValueError("must be nl or en")


def _authorities(country: str, value: Any) -> None:
    from handlers.incidents.authorities import authorities_from_settings

    authorities_from_settings(country, {"authorities": value})


def _incident_settings(key: str) -> Callable[[str, Any], None]:
    def check(country: str, value: Any) -> None:
        from handlers.incidents.contacts import check_settings

        check_settings(country, {key: value})

    return check


def _training(country: str, value: Any) -> None:
    from handlers.training.policy import policy_from_settings

    if not isinstance(value, dict):
        raise ValueError('must be a JSON object, e.g. {"interval_months": 12}')
    policy_from_settings(value)


def _plain(check: Callable[[Any], None]) -> Callable[[str, Any], None]:
    return lambda _country, value: check(value)


#: key -> check(country, value), raising ValueError (or TypeError) for a value it cannot take.
ORG_SETTINGS: dict[str, Callable[[str, Any], None]] = {
    "authorities": _authorities,
    "contacts": _incident_settings("contacts"),
    "nis2_in_scope": _incident_settings("nis2_in_scope"),
    "training": _training,
    "summary_time": _plain(_wall_time),
    "council_report_review_days": _plain(_review_days),
    "language": _plain(_language),
    "retention_incident_days": _plain(_whole_days),
    "retention_question_days": _plain(_whole_days),
    "matrix_encrypted_direct_chats": _plain(_flag),
    "incident_notice_council": _plain(_flag),
}


def check_org_settings(country: str, updates: Mapping[str, Any]) -> list[str]:
    """One line per key that is unknown or has a value it cannot take (empty: all good)."""
    problems = []
    for key, value in updates.items():
        check = ORG_SETTINGS.get(key)
        if check is None:
            close = difflib.get_close_matches(key, sorted(ORG_SETTINGS), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}? " if close else ""
            problems.append(
                f"unknown setting '{key}': {hint}known: {', '.join(sorted(ORG_SETTINGS))} "
                "(docs/SETTINGS.md)"
            )
            continue
        try:
            check(country, value)
        except (ValueError, TypeError, AttributeError) as error:
            problems.append(f"{key}: {error}")
    return problems
