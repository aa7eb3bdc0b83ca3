"""Timed jobs. The scheduler is only an alarm clock that calls ``run_due(now)``; what is due and what
was done lives in tables, so a job missed while the bot was down is caught up exactly once."""
