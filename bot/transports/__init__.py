"""Transports: platform <-> neutral types, nothing else."""


class TransportStartError(Exception):
    """A transport cannot start (bad token or password, unreachable server): the message says what
    to fix, and ``nis2bot run`` shows it without a traceback. Never carries a secret."""
