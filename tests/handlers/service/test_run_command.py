"""``happytalk run`` as an operator starts it: an empty Discord token is "not configured", Telegram
serves against its fake, the ops listener answers, SIGTERM stops it cleanly; bad input is one line."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from bot.cli import main
from tests.handlers.telegram.conftest import TOKEN, USER, message
from tests.handlers.telegram.fake_bot_api import FakeBotAPI

pytestmark = pytest.mark.slow


def _env(data_dir: Path, db_dir: Path, **extra: str) -> dict[str, str]:
    """The test settings (tests/conftest.py's make_settings) as the environment an operator sets."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAPPYTALK_")}
    env.update(
        HAPPYTALK_DATA_DIR=str(data_dir),
        HAPPYTALK_DATABASE_URL=f"sqlite:///{db_dir / 'run.sqlite3'}",
        HAPPYTALK_SPEECH_ENGINE="espeak",
        HAPPYTALK_DIALOGUE_SOURCES='["companion"]',
        HAPPYTALK_LIMITS_MAX_WAIT_MS="600000",
        HAPPYTALK_CONFIG_FILE=str(db_dir / "none.toml"),
    )
    return {**env, **extra}


async def test_run_with_an_empty_discord_token_serves_telegram_and_stops_on_sigterm(
    _shared_core: Any, shared_data_dir: Path, tmp_path: Path
) -> None:
    fake = await FakeBotAPI(TOKEN).start()
    env = _env(
        shared_data_dir,
        tmp_path,
        HAPPYTALK_DISCORD_TOKEN="",
        HAPPYTALK_TELEGRAM_TOKEN=TOKEN,
        HAPPYTALK_TELEGRAM_BASE_URL=fake.base_url,
        HAPPYTALK_OPS_PORT="0",
    )
    happytalk = Path(sys.executable).with_name("happytalk")
    proc = await asyncio.create_subprocess_exec(
        str(happytalk), "run", env=env, cwd=tmp_path, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    lines: list[str] = []

    async def read() -> None:
        assert proc.stderr is not None
        async for raw in proc.stderr:
            lines.append(raw.decode("utf-8", "replace").rstrip())

    reader = asyncio.create_task(read())

    async def seen(pattern: str) -> re.Match[str]:
        for _ in range(3000):  # a guard against hanging, not a timing assertion
            found = next((m for line in lines if (m := re.search(pattern, line))), None)
            if found is not None:
                return found
            assert proc.returncode is None, "\n".join(lines)
            await asyncio.sleep(0.05)
        raise AssertionError("\n".join(lines))

    try:
        ops = (await seen(r"health and metrics at (http://\S+)/healthz"))[1]
        await fake.wait_for(lambda: bool(fake.called("setMyCommands")), 120)
        await fake.push(message("private_text", "I finally finished my thesis!"))
        await fake.push(message("private_start", "/help"))
        await fake.wait_for(lambda: len(fake.sent(USER)) >= 3, 120)
        async with httpx.AsyncClient(base_url=ops) as http:
            ready = await http.get("/readyz")
        assert ready.status_code == 200 and ready.json()["adapters"] == {"telegram": "up"}
        await seen(r"discord adapter not configured \(HAPPYTALK_DISCORD_TOKEN is not set\)")
        proc.send_signal(signal.SIGTERM)
        # the runner bounds shutdown at 10 s (handlers/service/runner.py); this is a hang guard
        code = await asyncio.wait_for(proc.wait(), 60)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await reader
        await fake.stop()
    assert code == 0, "\n".join(lines)
    assert not [line for line in lines if TOKEN in line]
    assert not [line for line in lines if "Traceback" in line], "\n".join(lines)


def _run(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Any:
    for name in [n for n in os.environ if n.startswith("HAPPYTALK_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        if name.startswith("HAPPYTALK_"):
            monkeypatch.setenv(name, value)
    return CliRunner().invoke(main, ["run"])


def _one_error_line(result: Any) -> str:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    line: str = lines[0]
    return line


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(lambda tmp, port: {"HAPPYTALK_OPS_PORT": str(port)}, id="ops port in use"),
        pytest.param(
            lambda tmp, port: {"HAPPYTALK_DATA_DIR": str(tmp / "a-file" / "data")}, id="data dir unwritable"
        ),
    ],
)
def test_bad_start_up_input_is_one_line_naming_the_setting(
    bad: Callable[[Path, int], dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        env = _env(tmp_path / "data", tmp_path, **bad(tmp_path, taken.getsockname()[1]))
        line = _one_error_line(_run(env, monkeypatch))
    assert line.startswith("happytalk cannot start: ")
    assert re.search(r"HAPPYTALK_(OPS_PORT|DATA_DIR)", line), line


def test_an_unreachable_database_is_one_line_without_the_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # nothing listens here once the socket closes
    url = f"postgresql+psycopg://happytalk:pa55word-XYZZY@127.0.0.1:{port}/happytalk"
    line = _one_error_line(_run(_env(tmp_path / "data", tmp_path, HAPPYTALK_DATABASE_URL=url), monkeypatch))
    assert line.startswith("happytalk cannot start: cannot open the database ")
    assert "HAPPYTALK_DATABASE_URL" in line and "pa55word-XYZZY" not in line  # opened before any model
