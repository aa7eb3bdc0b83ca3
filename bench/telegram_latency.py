"""Reply latency through the Bot API fake: message in (update queued at "Telegram") to reply out
(the fake recorded the bot's sendMessage), for /help from many different people.

Two modes:
- one at a time: the next person writes when the previous reply arrived, at most 25 per second
  (below Telegram's 30/s, so this is the bot's own latency);
- all at once: every person writes at the same moment; the replies then queue behind Telegram's
  30 messages/s, so the tail is set by the rate limit, not by the bot.

    python bench/telegram_latency.py                  # 200 people, SQLite in a temp directory
    python bench/telegram_latency.py --people 200 --db postgresql://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from telegram_common import database, enrol_all, percentile, running_bot

from tests.fakes.telegram_api import FakeTelegramAPI


async def measure(tg: FakeTelegramAPI, engine, count: int, burst: bool) -> list[float]:  # type: ignore[no-untyped-def]
    users = [tg.add_user(f"Persoon {n}") for n in range(count)]
    enrol_all(engine, users)
    latencies: list[float] = []
    async with running_bot(tg, engine):
        if burst:
            started = {u.id: time.monotonic() for u in users}
            for user in users:
                tg.send_text(user, "/help")
            await tg.wait_until(lambda: len(tg.sent()) >= count, timeout=600)
            for message in tg.sent():
                latencies.append(message.sent_monotonic - started[message.chat_id])
        else:
            for user in users:
                before = time.monotonic()
                tg.send_text(user, "/help")
                [reply] = await tg.wait_for_sent(user, count=1, timeout=60)
                latencies.append(reply.sent_monotonic - before)
                # Stay under Telegram's 30 messages/s, or the pacing (correctly) makes
                # people wait and this measures the rate limit instead of the bot.
                await asyncio.sleep(max(0.0, before + 1 / 25 - time.monotonic()))
    assert tg.duplicates() == [], tg.duplicates()
    return latencies


def report(name: str, latencies: list[float]) -> None:
    ms = [x * 1000 for x in latencies]
    print(
        f"{name:<14} n={len(ms):4d}  p50={percentile(ms, 0.50):7.1f} ms  "
        f"p99={percentile(ms, 0.99):7.1f} ms  mean={statistics.mean(ms):7.1f} ms  "
        f"max={max(ms):7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--db", default=None, help="database URL (default: SQLite in a temp dir)")
    args = parser.parse_args()
    for bot_id, burst in ((111111111, False), (222222222, True)):
        # Two bots (two tokens): each keeps its own update offset in the shared database.
        token = f"{bot_id}:AAFakeTokenForBenchmarksOnly_nis2bot"
        with FakeTelegramAPI(token=token) as tg:  # Telegram's rate limits on, real time
            latencies = asyncio.run(measure(tg, database(args.db), args.people, burst))
        report("all at once" if burst else "one at a time", latencies)


if __name__ == "__main__":
    main()
