"""Training (issue 6): the pure rules and content of the awareness training and the college's duty.

Everything here takes plain data (dataclasses, aware datetimes) and returns plain data. The lead's
tables, dialogs and the scheduler sit around it; nothing in this package touches a database or a
chat.

Modules, one concern each:

- ``policy``      the organisation's own training policy (interval, nudges, office hours, snoozes)
- ``workdays``    office hours in local time, weekends and national holidays (NL, BE), DST-correct
- ``schedule``    due dates, nudge slots and their stable keys, the sweep ``due_nudges``, snooze
- ``college``     the college's personal certificate duty of Cbw art. 24 (NL only)
- ``bank``/``quiz`` the question bank (TOML files in ``questions/``), drawing and scoring
- ``certificate`` certificate numbers and validity; ``pdf`` the certificate as a PDF
- ``attendance``  parsing a CSV attendance list (all rows valid, or per-line errors)
- ``compliance``  compliance per department and the overdue list
- ``texts``       user-visible messages (templates in ``templates/``, catalog in ``locale/nl.po``)

Law versus own policy (shared/nis2/facts.md §3, §9d, §11): the staff training cadence ("at least
twice a year") is the municipality's *own policy*; NIS2 sets no frequency (Art. 20(2), 21(2)(g)).
What the law does require is the college's personal certificate (Cbw art. 24): see ``college``.
"""
