"""Storage floor: SQLModel tables, per-aggregate queries, Alembic migrations.

Imports nothing of ours. Query functions take a keyword-only ``session`` and flush; they never commit:
the unit of work is opened and committed at the edge (the pipeline, a job run, a CLI command).
"""
