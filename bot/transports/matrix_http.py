"""Client-server API calls matrix-nio has no method for (account data, cross-signing uploads).

The access token goes in a header, never in the URL, so no log line of an HTTP library shows it.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from nio import AsyncClient

from bot.transports.matrix_outbound import SyncFailed

PREFIX = "/_matrix/client/v3"


def user_path(user_id: str, *rest: str) -> str:
    return "/".join(
        [f"{PREFIX}/user/{quote(user_id, safe='')}", *(quote(r, safe="") for r in rest)]
    )


async def call(
    client: AsyncClient,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    *,
    missing_ok: bool = False,
) -> dict[str, Any] | None:
    """One JSON call; None for a 404 when ``missing_ok``; SyncFailed for any other error."""
    headers = {"Authorization": f"Bearer {client.access_token}"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    data = None if body is None else json.dumps(body)
    response = await client.send(method, path, data, headers=headers)
    async with response:
        if response.status == 404 and missing_ok:
            return None
        try:
            answer = await response.json(content_type=None)
        except ValueError:
            answer = {}
        if response.status >= 400:
            code = answer.get("errcode", "") if isinstance(answer, dict) else ""
            raise SyncFailed(f"{method} {path.split('?')[0]}: {response.status} {code}".strip())
        return answer if isinstance(answer, dict) else {}


async def get_account_data(client: AsyncClient, kind: str) -> dict[str, Any]:
    answer = await call(
        client, "GET", user_path(client.user_id, "account_data", kind), missing_ok=True
    )
    return answer or {}


async def put_account_data(client: AsyncClient, kind: str, content: dict[str, Any]) -> None:
    await call(client, "PUT", user_path(client.user_id, "account_data", kind), content)
