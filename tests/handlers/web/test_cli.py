"""``happytalk web`` and ``happytalk run``'s choice of the web adapter."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.core import DialogueCore
from config import Settings, load_settings
from handlers.registry import configured_adapters
from handlers.web import WebAdapter


def test_web_command_is_registered() -> None:
    result = CliRunner().invoke(main, ["web", "--help"])
    assert result.exit_code == 0, result.output
    assert "--port" in result.output and "--host" in result.output
    bad = CliRunner().invoke(main, ["web", "--port", "70000"])
    assert bad.exit_code == 2 and "70000" in bad.output


@pytest.mark.parametrize(
    ("env", "enabled"),
    [
        ({}, False),
        ({"HAPPYTALK_WEB_ENABLED": "true"}, True),
        ({"HAPPYTALK_WEB_PORT": "8099"}, True),
        ({"HAPPYTALK_WEB_PORT": "8099", "HAPPYTALK_WEB_ENABLED": "false"}, False),
    ],
)
def test_port_or_switch_enables_the_web_adapter(
    env: dict[str, str], enabled: bool, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env or happytalk.toml from the working tree
    for key in ("HAPPYTALK_WEB_ENABLED", "HAPPYTALK_WEB_PORT"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert load_settings().web.enabled is enabled


async def test_run_starts_the_web_adapter_when_enabled(core: DialogueCore, settings: Settings) -> None:
    web = settings.web.model_copy(update={"enabled": True, "port": 0})
    adapters = configured_adapters(settings.model_copy(update={"web": web}), core)
    assert [type(a) for a in adapters if isinstance(a, WebAdapter)] == [WebAdapter]
    assert not any(isinstance(a, WebAdapter) for a in configured_adapters(settings, core))
