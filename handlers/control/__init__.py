"""In control (#16): action points, exercises, the BOB cycle, evidence for auditors, the yearly
security review. Everything ends in action points that the bot follows up until done."""

from handlers.control import actions, bob, exercises  # noqa: F401 - registers commands
