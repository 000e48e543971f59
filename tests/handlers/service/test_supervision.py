"""Discord outages while Telegram chats run: no Telegram message lost, Discord comes back.

Both adapters run under one :class:`Supervisor` over one real core, against the loopback fakes
of the Telegram Bot API and Discord's HTTP API and gateway; the ops listener reports each state.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.core import DialogueCore
from config.settings import OpsSettings
from handlers.base import AdapterConfigError
from handlers.registry import configured_adapters
from handlers.service.ops_server import OpsServer, bind
from handlers.service.supervisor import Supervisor
from handlers.telegram_parts.updates import SORRY
from tests.handlers.discord.conftest import TOKEN as DISCORD_TOKEN
from tests.handlers.discord.fake_api import FakeDiscord
from tests.handlers.discord.interactions import answered, command
from tests.handlers.telegram.conftest import TOKEN as TELEGRAM_TOKEN
from tests.handlers.telegram.conftest import message
from tests.handlers.telegram.fake_bot_api import FakeBotAPI

pytestmark = pytest.mark.resilience


@pytest.fixture
async def telegram() -> AsyncIterator[FakeBotAPI]:
    server = await FakeBotAPI(TELEGRAM_TOKEN).start()
    yield server
    await server.stop()


@pytest.fixture
def discord_fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeDiscord]:
    server = FakeDiscord(DISCORD_TOKEN).start()
    monkeypatch.setattr(Route, "BASE", server.api_base)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(server.gateway_url))
    yield server
    server.stop()


async def until(done: Callable[[], bool], what: str, within_s: float = 60.0) -> None:
    """Poll ``done`` (a guard against hanging forever, not a timing assertion)."""
    deadline = time.monotonic() + within_s
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


class Chats:
    """Telegram chats, each from its own user, and whether each got its answer."""

    def __init__(self, fake: FakeBotAPI) -> None:
        self.fake = fake
        self.pushed: list[int] = []

    async def send(self, n: int) -> None:
        for _ in range(n):
            chat = 5200000000 + len(self.pushed)
            text = "/help" if len(self.pushed) % 2 else "I finally finished my thesis!"
            update = message("private_start", text)
            update["message"]["from"]["id"] = update["message"]["chat"]["id"] = chat
            self.pushed.append(chat)
            await self.fake.push(update)

    def answered(self) -> bool:
        return all(self._texts(chat) for chat in self.pushed)

    def _texts(self, chat: int) -> list[str]:
        return [c.params.get("text", "") for c in self.fake.sent(chat)]

    def failures(self) -> list[int]:
        return [chat for chat in self.pushed if any(SORRY in t or "busy" in t for t in self._texts(chat))]


async def test_discord_outages_lose_no_telegram_message_and_discord_comes_back(
    telegram: FakeBotAPI, discord_fake: FakeDiscord, make_core: Callable[..., DialogueCore]
) -> None:
    core = make_core(
        telegram={"token": TELEGRAM_TOKEN, "base_url": telegram.base_url},
        discord={"token": DISCORD_TOKEN},
    )
    adapters = configured_adapters(core.settings, core)
    assert [a.name for a in adapters] == ["telegram", "discord"]
    supervisor = Supervisor(adapters, first_delay_s=0.2, max_delay_s=1.0)
    ops = OpsServer(bind(OpsSettings(port=0)))
    ops.attach(core)
    ops.supervisor = supervisor
    await ops.start()
    stop = asyncio.Event()
    discord_fake.login_status = 503  # Discord's HTTP fails every login from the start
    running = asyncio.create_task(supervisor.run(stop))
    chats = Chats(telegram)
    discord = supervisor.units[1]
    try:
        async with httpx.AsyncClient(base_url=ops.url) as http:
            await until(lambda: supervisor.states()["telegram"] == "up", "Telegram to start")
            await chats.send(4)
            await until(lambda: discord.restarts >= 2, "two Discord restarts")
            await until(chats.answered, "every Telegram chat answered")
            ready = await http.get("/readyz")
            assert ready.status_code == 200  # serving Telegram: ready, Discord reported apart
            assert ready.json()["adapters"] == {"telegram": "up", "discord": "retrying"}
            metrics = (await http.get("/metrics")).text
            assert 'happytalk_adapter_up{adapter="discord"} 0.0' in metrics
            assert 'happytalk_adapter_up{adapter="telegram"} 1.0' in metrics

            discord_fake.login_status = None  # Discord is back: the next restart logs in
            await until(lambda: supervisor.states()["discord"] == "up", "Discord to come back")
            assert discord.last_error is not None and "DiscordServerError" in discord.last_error

            discord_fake.gateway_down = True  # now the gateway drops and refuses reconnects
            discord_fake.identified.clear()
            discord_fake.drop_gateway()
            await until(lambda: supervisor.states()["discord"] != "up", "Discord to notice the outage")
            await chats.send(4)
            await until(chats.answered, "every Telegram chat answered during the gateway outage")
            discord_fake.gateway_down = False
            await until(lambda: supervisor.states()["discord"] == "up", "Discord to reconnect")
            assert (await http.get("/readyz")).json()["adapters"]["discord"] == "up"

        await asyncio.sleep(0.2)  # let RESUMED settle before the first event
        inter = command("help")
        discord_fake.dispatch("INTERACTION_CREATE", inter)
        await answered(discord_fake, inter["id"])
        assert chats.failures() == []
        assert len(chats.pushed) == 8
    finally:
        stop.set()
        served = await asyncio.wait_for(running, 30)
        await ops.stop()
    assert served is True


class Refused:
    """An adapter whose settings can't work (as a refused token ends up)."""

    name = "refused"

    def is_up(self) -> bool:
        return False

    async def serve(self, stop: asyncio.Event) -> None:
        raise AdapterConfigError("Example refused the token (HAPPYTALK_EXAMPLE_TOKEN)")


async def test_a_refused_adapter_is_down_and_alone_it_ends_the_run(caplog: pytest.LogCaptureFixture) -> None:
    supervisor = Supervisor([Refused()], first_delay_s=0.01)
    assert await asyncio.wait_for(supervisor.run(asyncio.Event()), 10) is False
    assert supervisor.states() == {"refused": "down"}
    (line,) = [r.getMessage() for r in caplog.records if "refused adapter" in r.getMessage()]
    assert line == (
        "refused adapter cannot run: Example refused the token (HAPPYTALK_EXAMPLE_TOKEN); not retrying"
    )


async def test_the_real_discord_adapter_with_a_refused_token_is_down_while_telegram_serves(
    telegram: FakeBotAPI, discord_fake: FakeDiscord, make_core: Callable[..., DialogueCore]
) -> None:
    core = make_core(
        telegram={"token": TELEGRAM_TOKEN, "base_url": telegram.base_url},
        discord={"token": "MTEwMDAwMDAwMDAwMDAwMDAwMQ.wrong.token-value"},
    )
    supervisor = Supervisor(configured_adapters(core.settings, core), first_delay_s=0.05)
    stop = asyncio.Event()
    running = asyncio.create_task(supervisor.run(stop))
    try:
        await until(lambda: supervisor.states() == {"telegram": "up", "discord": "down"}, "states")
        chats = Chats(telegram)
        await chats.send(2)
        await until(chats.answered, "Telegram chats answered")
        last_error: Any = supervisor.units[1].last_error
        assert "HAPPYTALK_DISCORD_TOKEN" in last_error and "wrong" not in last_error
    finally:
        stop.set()
        assert await asyncio.wait_for(running, 30) is True
