"""In control (#16): action points, exercises, the BOB cycle, evidence for auditors, the yearly
security review. Everything ends in action points that the bot follows up until done."""

from handlers.control import (  # noqa: F401 - registers commands
    actions,
    bob,
    evidence,
    exercises,
    review,
)
