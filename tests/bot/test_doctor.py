"""``happytalk doctor``: every check green on a data directory a first start prepared; failures
are named, exit 1, and never show a secret."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.doctor import check_database
from bot.store import Store
from tests.conftest import make_settings


def _invoke(monkeypatch: pytest.MonkeyPatch, *args: str, **env: str) -> Any:
    for name in [n for n in os.environ if n.startswith("HAPPYTALK_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return CliRunner().invoke(main, ["doctor", *args])


def test_doctor_is_green_after_a_first_start(
    _shared_core: Any, shared_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'doctor.sqlite3'}"
    Store(url).close()  # what the first start leaves: a migrated database (the index is shared)
    env = {
        "HAPPYTALK_DATA_DIR": str(shared_data_dir),
        "HAPPYTALK_DATABASE_URL": url,
        "HAPPYTALK_DIALOGUE_SOURCES": '["companion"]',
        "HAPPYTALK_TELEGRAM_TOKEN": "7000000001:AAHdoctor-token-never-shown",
        "HAPPYTALK_CONFIG_FILE": str(tmp_path / "none.toml"),
    }
    result = _invoke(monkeypatch, "--json", **env)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    status = {c["name"]: c["status"] for c in report["checks"]}
    assert report["ok"] is True
    expected = ["settings", "adapters", "data directory", "database", "music index"]
    expected += ["model: emotion", "model: replies", "model: generator", "model: composer"]
    assert {name: status[name] for name in expected} == dict.fromkeys(expected, "ok")
    assert {"libopus", "espeak-ng"} <= set(status)
    details = {c["name"]: c["detail"] for c in report["checks"]}
    assert details["adapters"] == "telegram" and "tracks" in details["music index"]
    assert "doctor-token-never-shown" not in result.output

    table = _invoke(monkeypatch, **env)  # the rich table, same checks
    assert table.exit_code == 0 and "happytalk doctor" in table.output and "model: replies" in table.output


def test_invalid_settings_fail_the_doctor_without_the_value(monkeypatch: pytest.MonkeyPatch) -> None:
    result = _invoke(monkeypatch, "--json", HAPPYTALK_TELEGRAM_TOKEN="not-a-token-SECRET")
    assert result.exit_code == 1
    (check,) = json.loads(result.output)["checks"]
    assert check["name"] == "settings" and check["status"] == "fail"
    assert "HAPPYTALK_TELEGRAM_TOKEN" in check["detail"] and "SECRET" not in result.output


def test_an_unreachable_database_fails_its_check_with_the_password_masked(tmp_path: Path) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    url = f"postgresql+psycopg://happytalk:pa55word-XYZZY@127.0.0.1:{port}/happytalk"
    check = check_database(make_settings(tmp_path, tmp_path, database_url=url))
    assert check.status == "fail" and "HAPPYTALK_DATABASE_URL" in check.detail
    assert "pa55word" not in check.detail and "\n" not in check.detail
