"""Test doubles and real test servers for the transport tests (never imported by the product).

- telegram_api.FakeTelegramAPI: a loopback fake of the Telegram Bot API for the real PTB client.
- synapse.SynapseServer: a real Synapse homeserver on loopback for the real matrix-nio client.
- fixtures: the pytest fixtures `telegram_api` and `synapse` (list it in `pytest_plugins`).
"""

from .telegram_api import Counters, FakeTelegramAPI
from .telegram_faults import Fault, RateLimits
from .telegram_model import SentMessage, SimChat, SimUser

__all__ = [
    "Counters",
    "FakeTelegramAPI",
    "Fault",
    "RateLimits",
    "SentMessage",
    "SimChat",
    "SimUser",
]
