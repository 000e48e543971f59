"""Every typed command of the registry reaches a core operation, and every web command a web operation."""

from __future__ import annotations

import pytest

from bot.commands import BY_NAME, REGISTRY, TYPED_COMMANDS, available, help_text, parse_command
from bot.core import DialogueCore
from handlers.testing import TestAdapter
from handlers.web.operations import OPERATIONS, WEB_OPERATION


def test_registry_names_are_unique_and_lower_case() -> None:
    assert len(BY_NAME) == len(REGISTRY)
    assert all(s.name.islower() and 1 <= len(s.help_en) <= 100 and s.help_ko for s in REGISTRY)


def test_the_web_has_an_operation_for_every_web_command() -> None:
    for spec in available("web", admin=True):
        assert WEB_OPERATION[spec.operation] in OPERATIONS, spec.name


async def test_the_core_dispatches_every_typed_command(make_core: object) -> None:
    core: DialogueCore = make_core(  # type: ignore[operator]
        access={"admin_ids": ["test:root"]}, limits={"user_messages_per_minute": 100}
    )
    assert {s.operation for s in TYPED_COMMANDS.values()} <= set(core.commands.operations)
    adapter = TestAdapter(core, "root")
    for name in TYPED_COMMANDS:
        events = await adapter.push(f"/{name}")
        assert events and "I don't know" not in events[0].as_text(), name


@pytest.mark.parametrize("platform", ["telegram", "discord", "web", "console"])
def test_help_lists_each_platform_its_own_commands(platform: str) -> None:
    text = help_text(platform)
    commands = [parse_command(line) for line in text.splitlines()]
    shown = {c.name for c in commands if c is not None}
    expected = {s.name for s in available(platform) if s.typed or platform == "discord"}
    assert shown == expected
    assert ("/pick" in text) == (platform != "discord") and ("/similar" in text) == (platform == "discord")


def test_help_in_korean() -> None:
    assert "다섯 곡" in help_text("telegram", lang="ko")
