"""The adapter end to end over the fake gateway, command sync, sharding and secret hygiene."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.commands import available
from bot.core import DialogueCore
from bot.types import Event
from handlers.discord_adapter import DiscordAdapter
from handlers.discord_parts.client import HappyClient, ShardedHappyClient
from handlers.discord_parts.render import split_events
from handlers.registry import configured_adapters
from tests.handlers.discord.conftest import TOKEN
from tests.handlers.discord.fake_api import FakeDiscord
from tests.handlers.discord.interactions import GUILD, answered, command

APP = "1100000000000000002"
ALL = sorted(s.name for s in available("discord", admin=True))  # the registry's Discord commands


@pytest.mark.parametrize("sharded", [False, True])
async def test_serve_answers_over_the_gateway_syncs_the_dev_guild_and_never_logs_the_token(
    fake: FakeDiscord,
    discord_core: Callable[..., DialogueCore],
    caplog: pytest.LogCaptureFixture,
    sharded: bool,
) -> None:
    caplog.set_level(logging.DEBUG)
    core = discord_core(discord={"dev_guild_id": int(GUILD), "sharded": sharded})
    (adapter,) = configured_adapters(core.settings, core)
    assert isinstance(adapter, DiscordAdapter)
    assert isinstance(adapter.client, ShardedHappyClient if sharded else HappyClient)
    stop = asyncio.Event()
    task = asyncio.create_task(adapter.serve(stop))
    await asyncio.wait_for(asyncio.to_thread(fake.identified.wait, 30), 40)

    (put,) = await fake.wait_for(lambda rs: any(r.method == "PUT" for r in rs)) and fake.recorded("PUT")
    assert put.path == f"/applications/{APP}/guilds/{GUILD}/commands"  # dev guild only, never global
    assert sorted(c["name"] for c in put.json) == ALL

    await asyncio.sleep(0.2)  # let READY settle before the first event
    inter = command("help")
    fake.dispatch("INTERACTION_CREATE", inter)
    await answered(fake, inter["id"])

    stop.set()
    await asyncio.wait_for(task, 30)
    assert adapter.client.is_closed()
    for text in (caplog.text, repr(adapter), repr(adapter.client), repr(core.settings), str(core.settings)):
        assert TOKEN not in text


def _cli(fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch, *args: str, token: str = TOKEN) -> Any:
    monkeypatch.setenv("HAPPYTALK_DISCORD_TOKEN", token)
    monkeypatch.setenv("HAPPYTALK_DATA_DIR", str(fake.port))  # never read: sync loads no models
    return CliRunner().invoke(main, ["discord", "sync", *args])


def test_cli_sync_publishes_globally_with_contexts_and_choices(
    fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _cli(fake, monkeypatch)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"synced {len(ALL)} commands globally: ")
    (put,) = fake.recorded("PUT")
    assert put.path == f"/applications/{APP}/commands"
    by_name = {c["name"]: c for c in put.json}
    assert sorted(by_name) == ALL
    assert all(c["contexts"] == [0, 1, 2] and c["integration_types"] == [0, 1] for c in put.json)
    (mode,) = by_name["voice"]["options"]
    assert [c["value"] for c in mode["choices"]] == ["auto", "text", "voice", "both"]
    assert str(by_name["sync"]["default_member_permissions"]) == "8"
    assert TOKEN not in result.output


def test_cli_sync_to_a_guild_and_clear(fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _cli(fake, monkeypatch, "--guild", GUILD).exit_code == 0
    assert _cli(fake, monkeypatch, "--guild", GUILD, "--clear").exit_code == 0
    first, second = fake.recorded("PUT")
    assert first.path == second.path == f"/applications/{APP}/guilds/{GUILD}/commands"
    assert len(first.json) == len(ALL) and second.json == []
    assert _cli(fake, monkeypatch, "--clear").exit_code == 2


def test_cli_sync_with_a_wrong_token_fails_clearly(
    fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _cli(fake, monkeypatch, token="wrong-token-value-123456")
    assert result.exit_code == 1
    assert "refused the token" in result.output and "wrong-token-value" not in result.output


def test_events_without_a_discord_form_fall_back_to_text() -> None:
    class Nudge(Event):
        def as_text(self) -> str:
            return "a nudge"

    assert split_events([Nudge()]).content == "a nudge"
