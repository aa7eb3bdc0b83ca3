"""Training (issue 6): the pure rules and content of the awareness training and the college's duty.

The rule modules take plain data (dataclasses, aware datetimes) and return plain data; they touch
no database and no chat. The chat modules around them read and write through ``storage.training``.

Rule modules, one concern each:

- ``policy``      the organisation's own training policy (interval, nudges, office hours, snoozes)
- ``workdays``    office hours in local time, weekends and national holidays (NL, BE), DST-correct
- ``schedule``    due dates, nudge slots and their stable keys, the sweep ``due_nudges``, snooze
- ``college``     the college's personal certificate duty of Cbw art. 24 (NL only)
- ``bank``/``quiz`` the question bank (TOML files in ``questions/``), drawing and scoring
- ``modules``     the learning modules read before the quiz (TOML files in ``modules/``), per role
                  and country
- ``certificate`` certificate numbers and validity; ``pdf`` the certificate as a PDF
- ``attendance``  parsing a CSV attendance list (all rows valid, or per-line errors)
- ``compliance``  compliance per department and the overdue list
- ``texts``       user-visible messages (templates in ``templates/``, catalog in ``locale/nl.po``)

Chat modules (registered by ``chat``, imported once from ``handlers.registry``):

- ``service``     policy per organisation, per-person views, registering a completion + certificate
- ``quiz_dialog`` ``/toets`` (``/quiz``): the quiz dialog, the record and the PDF on passing
- ``module_dialog`` ``/leren`` (``/learn``, ``/module``): a module paged through, then ``/toets ID``
- ``nudges``      the sweep's plan and per-nudge claim + outbox row; ``/later``, ``/gevolgd``
- ``coordinator`` ``/training``, ``/getraind``, ``/bevestig``, ``/benoemd``; the digest's text
- ``mine``        ``/mijntraining``
- ``college_reminders`` the Cbw art. 24 reminders; ``importing`` the attendance CSV import
The jobs are in ``schedules.training``; the CLI import in ``bot.cli_training``.

Law versus own policy (shared/nis2/facts.md §3, §9d, §11): the staff training cadence ("at least
twice a year") is the municipality's *own policy*; NIS2 sets no frequency (Art. 20(2), 21(2)(g)).
What the law does require is the college's personal certificate (Cbw art. 24): see ``college``.
"""
