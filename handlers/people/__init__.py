"""People: enrolment, profile, language, help, and the coordinator's people tools."""

from handlers.people import basics, coordinator, enrol, profile  # noqa: F401 - registers commands
