"""Incident feature (issue 4): the pure rules.

Everything in this package takes plain data (dataclasses, aware datetimes) and returns plain data:
no database, no I/O, no chat platform. The tables, the intake dialog and the scheduler are built
around it.

- ``model``: the enumerations (category, impact, status, report kinds, recipients) and their labels.
- ``clocks``: the Art. 23 NIS2 / Cbw art. 26-29 / GDPR art. 33 deadlines, recomputed from data.
- ``reminders``: reminder moments per deadline, idempotent keys, catch-up after downtime.
- ``when``: "when did you notice it?" in Dutch or English free text.
- ``triage``: the Art. 23(3) "potentially significant" hint (a hint; the ISMT decides).
- ``advice``: immediate advice per category for the reporter.
- ``drafts``: drafts of the reports for the CSIRT portal / Safeonweb@work and the GDPR outline.
- ``reference``: INC-2026-0042.
- ``authorities``: per-organisation authority settings with per-country defaults.
- ``timeutil``: elapsed hours in UTC, calendar months on the local wall clock, DST-safe.

The chat side (registered by importing ``chat``) is built on those rules and on
``storage.incidents``: ``intake`` (the dialog), ``entry`` (/melden and the free-text offer),
``finish``, ``alerts`` (the ISMT alert), ``commands``/``actions``/``support`` (/incident),
``listing`` (/verzonden, /incidenten), ``visibility`` (who sees what), ``service`` (deadline rows
recomputed from the facts), ``views``, ``reminder_text``, ``drafts_data``, ``recognise`` and
``export``.
"""
