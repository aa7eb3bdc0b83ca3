"""Imports every table module so that ``SQLModel.metadata`` knows them all (for Alembic and tests)."""

from storage import (  # noqa: F401 - feature tables, one module per feature
    control_models,
    coordination_models,
    incident_models,
    matrix_crypto,
    question_models,
    training_models,
)
from storage.models import (  # noqa: F401
    AuditLog,
    DialogState,
    Identity,
    InboxEvent,
    Invite,
    KeyValue,
    Organisation,
    OutboxAttachment,
    OutboxMessage,
    Person,
    Room,
    ScheduledRun,
)
