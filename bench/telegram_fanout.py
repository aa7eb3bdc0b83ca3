"""Fan-out: 1,000 outbox messages to 1,000 private chats against the fake enforcing Telegram's
30 messages/s. The floor is 1,000 / 30 = 33.3 s; the ratio is the completion time over that.
Checks zero lost (every chat got its message, every row is "sent") and zero duplicates.

    python bench/telegram_fanout.py                  # 1,000 chats, SQLite in a temp directory
    python bench/telegram_fanout.py --chats 1000 --db postgresql://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid

from sqlmodel import select
from telegram_common import database, running_bot

from storage import outbox
from storage.clock import utc_now
from storage.db import unit_of_work
from storage.models import OutboxMessage
from tests.fakes.telegram_api import FakeTelegramAPI


def queue_all(engine, chat_ids: list[int]) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        for chat_id in chat_ids:
            outbox.enqueue(
                session=session,
                platform="telegram",
                chat_id=str(chat_id),
                payload={"text": "Herinnering: de NIS2-training sluit vrijdag.", "choices": []},
                idempotency_key=f"bench:{uuid.uuid4().hex}",
                now=utc_now(),
            )


def statuses(engine) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        rows = session.exec(select(OutboxMessage.status)).all()
    counts: dict[str, int] = {}
    for status in rows:
        counts[status] = counts.get(status, 0) + 1
    return counts


async def fan_out(tg: FakeTelegramAPI, engine, chats: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    users = [tg.add_user(f"Persoon {n}", started=True) for n in range(chats)]
    queue_all(engine, [u.id for u in users])
    async with running_bot(tg, engine, receive=False) as bot:
        started = time.monotonic()
        bot.runtime.worker.wake()
        await tg.wait_until(lambda: tg.counters.delivered >= chats, timeout=1200)
        last_sent = max(m.sent_monotonic for m in tg.sent())
        await bot.runtime.worker.drain()
    elapsed = last_sent - started
    floor = chats / 30
    counts = statuses(engine)
    per_chat = [len(tg.sent(u)) for u in users]
    return {
        "elapsed_s": elapsed,
        "floor_s": floor,
        "ratio": elapsed / floor,
        "lost": sum(1 for n in per_chat if n == 0),
        "duplicates": len(tg.duplicates()),
        "rows_sent": counts.get("sent", 0),
        "rate_limited": sum(tg.counters.rate_limited.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--db", default=None, help="database URL (default: SQLite in a temp dir)")
    args = parser.parse_args()
    with FakeTelegramAPI() as tg:  # rate limits on, time_scale 1
        result = asyncio.run(fan_out(tg, database(args.db), args.chats))
    print(
        f"{args.chats} chats: {result['elapsed_s']:.2f} s for a floor of {result['floor_s']:.2f} s"
        f" -> ratio {result['ratio']:.3f}; lost {result['lost']}, duplicates "
        f"{result['duplicates']}, rows sent {result['rows_sent']}, 429s {result['rate_limited']}"
    )


if __name__ == "__main__":
    main()
