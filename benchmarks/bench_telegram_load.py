"""The Telegram adapter under load: N simulated users talk to the real adapter and core through
the fake Bot API server on 127.0.0.1 (``tests/handlers/telegram/fake_bot_api.py``).

Usage: ``python benchmarks/bench_telegram_load.py [--users 1,10,100] [--messages 5]
[--think-ms 1000] [--json]`` (the data directory and other settings come from the environment,
as for ``happytalk run``; the bot's database is ``bench-telegram.sqlite3`` in the data dir).

Each user sends ``--messages`` updates, pausing a random exponential time (mean ``--think-ms``;
0 = closed loop; at least 2 s after a "busy" answer) before each: text messages, and once it has
been offered tracks, every 4th a press of the first track button and every 5th a 👍 press. The
updates reach the bot by ``getUpdates`` long polling, as from Telegram. Per row: throughput of
answered updates, update → first ``sendMessage`` (the reply) and update → complete answer (the
track keyboard, or the toast of a 👍) latency percentiles, the core's own time per chat message
(``core_stages``), errors (an update with no answer within
``--timeout-s``, or an error message), "busy" answers, process RSS. The fake server runs in the
same process and event loop as the bot, so its CPU cost is included.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the fake server lives with the tests

from pydantic import SecretStr  # noqa: E402

from bot.core import DialogueCore  # noqa: E402
from bot.loadtest import BUSY_PAUSE_S, MESSAGES, rss_mb  # noqa: E402
from bot.texts import BUSY  # noqa: E402
from tests.handlers.telegram.fake_bot_api import FakeBotAPI, payload  # noqa: E402

TOKEN = "7000000001:AAHbench-telegram-token"
FIRST_USER = 5200000000
ERROR_PREFIXES = ("Sorry", "You're sending")


@dataclass
class Answer:
    """One thing the bot sent to a chat: a message (``text``, ``keyboard``) or a toast."""

    at: float
    text: str
    keyboard: list[list[dict[str, str]]] | None = None
    toast_for: str | None = None


class TimedFakeBotAPI(FakeBotAPI):
    """The fake server, also handing each chat's messages and toasts to that chat's queue."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.inbox: dict[int, asyncio.Queue[Answer]] = {}

    def _api_sendMessage(self, params: dict[str, str], files: Any) -> dict[str, Any]:
        keyboard = json.loads(params["reply_markup"])["inline_keyboard"] if "reply_markup" in params else None
        self._deliver(int(params["chat_id"]), Answer(time.perf_counter(), params["text"], keyboard))
        return super()._api_sendMessage(params, files)

    def _api_answerCallbackQuery(self, params: dict[str, str], files: Any) -> bool:
        query_id = params["callback_query_id"]
        self._deliver(
            int(query_id.split("-")[0]), Answer(time.perf_counter(), params.get("text", ""), None, query_id)
        )
        return True

    def _deliver(self, chat_id: int, answer: Answer) -> None:
        if chat_id in self.inbox:
            self.inbox[chat_id].put_nowait(answer)


@dataclass
class Tally:
    first: list[float] = field(default_factory=list)
    done: list[float] = field(default_factory=list)
    answered: int = 0
    busy: int = 0
    errors: int = 0


def _text_update(user_id: int, text: str, n: int) -> dict[str, Any]:
    update = copy.deepcopy(payload("private_text"))
    message = update["message"]
    message["message_id"] = n
    message["from"]["id"] = message["chat"]["id"] = user_id
    message["text"] = text
    return update


def _press_update(
    user_id: int, data: str, query_id: str, keyboard: list[list[dict[str, str]]]
) -> dict[str, Any]:
    update = copy.deepcopy(payload("callback_press"))
    query = update["callback_query"]
    query["id"], query["data"] = query_id, data
    query["from"]["id"] = query["message"]["chat"]["id"] = user_id
    query["message"]["reply_markup"] = {"inline_keyboard": keyboard}
    return update


async def _user(
    fake: TimedFakeBotAPI,
    user_id: int,
    messages: int,
    think_s: float,
    timeout_s: float,
    seed: float,
    tally: Tally,
) -> None:
    rng = random.Random(seed)
    inbox = fake.inbox.setdefault(user_id, asyncio.Queue())
    keyboard: list[list[dict[str, str]]] | None = None
    pause_s = think_s
    for i in range(messages):
        if pause_s > 0:
            await asyncio.sleep(rng.expovariate(1.0 / pause_s))
        pause_s = think_s
        query_id = f"{user_id}-{i}"
        if keyboard and i % 5 == 4:
            kind, update = (
                "like",
                _press_update(user_id, keyboard[1][-2]["callback_data"], query_id, keyboard),
            )
        elif keyboard and i % 4 == 3:
            kind, update = "pick", _press_update(user_id, keyboard[0][0]["callback_data"], query_id, keyboard)
        else:
            kind, update = "text", _text_update(user_id, MESSAGES[(user_id + i) % len(MESSAGES)], i + 1)
        start = time.perf_counter()
        await fake.push(update)
        first: float | None = None
        try:
            while True:
                answer = await asyncio.wait_for(inbox.get(), timeout_s)
                if answer.toast_for is not None and answer.toast_for != query_id:
                    continue
                if kind != "like" and answer.toast_for is None and first is None:
                    first = answer.at
                if answer.text == BUSY or answer.text.startswith(ERROR_PREFIXES):
                    tally.busy += answer.text == BUSY
                    tally.errors += answer.text != BUSY
                    pause_s = max(think_s, BUSY_PAUSE_S) if answer.text == BUSY else think_s
                    break
                if kind == "like" and answer.toast_for == query_id:
                    break
                if kind != "like" and answer.keyboard:
                    keyboard = answer.keyboard
                    break
        except TimeoutError:
            tally.errors += 1
            continue
        tally.answered += 1
        tally.done.append((answer.at - start) * 1000.0)
        if first is not None:
            tally.first.append((first - start) * 1000.0)


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))], 1)


async def run_row(
    fake: TimedFakeBotAPI,
    core: DialogueCore,
    users: int,
    messages: int,
    think_ms: float,
    timeout_s: float,
    first_id: int,
) -> dict[str, Any]:
    """One row: ``users`` concurrent users of the adapter, ``messages`` updates each."""
    core.metrics.reset()
    tally = Tally()
    rng = random.Random(users)
    start = time.perf_counter()
    await asyncio.gather(
        *(
            _user(fake, first_id + k, messages, think_ms / 1000.0, timeout_s, rng.random(), tally)
            for k in range(users)
        )
    )
    elapsed = time.perf_counter() - start
    return {
        "users": users,
        "messages": messages,
        "think_ms": think_ms,
        "msgs_per_s": round(tally.answered / elapsed, 1),
        "p50_ms": _pct(tally.done, 50),
        "p95_ms": _pct(tally.done, 95),
        "p99_ms": _pct(tally.done, 99),
        "first_send_p50_ms": _pct(tally.first, 50),
        "first_send_p95_ms": _pct(tally.first, 95),
        "first_send_p99_ms": _pct(tally.first, 99),
        "errors": tally.errors,
        "busy": tally.busy,
        "rss_mb": round(rss_mb(), 1),
        "duration_s": round(elapsed, 2),
        "core_stages": core.metrics.summary(),
    }


async def main_async(args: argparse.Namespace) -> None:
    from bot.app import build_core
    from config import load_settings
    from handlers.telegram_adapter import TelegramAdapter

    fake = TimedFakeBotAPI(TOKEN)
    await fake.start()
    base = load_settings()
    telegram = {"token": SecretStr(TOKEN), "base_url": fake.base_url}
    settings = base.model_copy(
        update={
            "limits": base.limits.model_copy(update={"user_messages_per_minute": 10**9}),
            "database_url": f"sqlite:///{base.data_dir / 'bench-telegram.sqlite3'}",
            "telegram": base.telegram.model_copy(update=telegram),
        }
    )
    core: DialogueCore = build_core(settings, progress=lambda m: print(m, file=sys.stderr))
    stop = asyncio.Event()
    serving = asyncio.create_task(TelegramAdapter(core, settings).serve(stop))
    try:
        await fake.wait_for(lambda: bool(fake.called("setMyCommands")) or serving.done(), 60)
        if serving.done():
            serving.result()
        print(f"concurrent_updates={settings.telegram.concurrent_updates}", file=sys.stderr)
        first_id = FIRST_USER
        for users in args.users:
            row = await run_row(fake, core, users, args.messages, args.think_ms, args.timeout_s, first_id)
            first_id += users
            print(json.dumps(row) if args.json else _format(row), flush=True)
    finally:
        stop.set()
        await asyncio.wait_for(serving, 60)
        await core.close()
        await fake.stop()


def _format(row: dict[str, Any]) -> str:
    total = row["core_stages"].get("total", {})
    return (
        f"users {row['users']:4d}  think {row['think_ms']:6.0f} ms  {row['msgs_per_s']:6.1f} msg/s  "
        f"done p50/p95/p99 {row['p50_ms']:.0f}/{row['p95_ms']:.0f}/{row['p99_ms']:.0f} ms  "
        f"first send p50/p99 {row['first_send_p50_ms']:.0f}/{row['first_send_p99_ms']:.0f} ms  "
        f"errors {row['errors']}  busy {row['busy']}  rss {row['rss_mb']:.0f} MB  "
        f"(core: chat p50/p99 {total.get('p50_ms', 0):.0f}/{total.get('p99_ms', 0):.0f} ms)"
    )


def _lift_flood_limit() -> None:
    import handlers.telegram_adapter as adapter
    from handlers.telegram_parts.network import RetryingRateLimiter

    class Unlimited(RetryingRateLimiter):
        def __init__(self) -> None:
            super().__init__()
            self._base_limiter = None

    vars(adapter)["RetryingRateLimiter"] = Unlimited  # build_application looks it up at call time


def _counts(text: str) -> list[int]:
    try:
        counts = [int(u) for u in text.split(",") if u.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("use comma-separated whole numbers, e.g. 1,10,100") from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("user counts must be at least 1")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=_counts, default=[1, 10, 100], help="comma-separated user counts")
    parser.add_argument("--messages", type=int, default=5, help="updates per user")
    parser.add_argument("--think-ms", type=float, default=1000.0, help="mean pause before an update")
    parser.add_argument(
        "--timeout-s", type=float, default=120.0, help="an update unanswered this long is an error"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per row")
    parser.add_argument(
        "--no-flood-limit",
        action="store_true",
        help="diagnosis only: lift the adapter's 30 requests/s overall limit (Telegram's flood limit)",
    )
    args = parser.parse_args()
    if args.messages < 1 or args.think_ms < 0 or args.timeout_s <= 0:
        parser.error("--messages must be at least 1, --think-ms at least 0, --timeout-s positive")
    import logging

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    if args.no_flood_limit:
        _lift_flood_limit()
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
