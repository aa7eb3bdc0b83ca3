"""``python -m bot`` is ``nis2bot``."""

from bot.cli import main

main()
