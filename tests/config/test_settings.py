"""Settings: environment, TOML, validation messages, secrets and .env.example coverage."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import BaseModel

from config import Settings, SettingsError, load_settings
from config.settings import _env_name


@pytest.fixture(autouse=True)
def _no_outside_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests set exactly the variables they mean (CI exports HAPPYTALK_DATA_DIR)."""
    for name in list(os.environ):
        if name.startswith("HAPPYTALK_"):
            monkeypatch.delenv(name)


def _env_names() -> list[str]:
    names = []
    for name, field in Settings.model_fields.items():
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            names += [_env_name((name, sub)) for sub in ann.model_fields]
        else:
            names.append(_env_name((name,)))
    return names


def test_env_example_lists_every_setting() -> None:
    example = (Path(__file__).parents[2] / ".env.example").read_text()
    missing = [n for n in _env_names() if n not in example]
    assert not missing, f".env.example lacks {missing}"


def test_environment_names_match_the_documented_ones(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HAPPYTALK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HAPPYTALK_DATABASE_URL", "postgresql+psycopg://u@db/happytalk")
    monkeypatch.setenv("HAPPYTALK_TELEGRAM_TOKEN", "123:tok-XYZZY")
    monkeypatch.setenv("HAPPYTALK_TELEGRAM_BASE_URL", "http://127.0.0.1:9/bot")
    monkeypatch.setenv("HAPPYTALK_DISCORD_TOKEN", "tok-PLUGH")
    monkeypatch.setenv("HAPPYTALK_GENERATOR_TOP_K", "7")
    monkeypatch.setenv("HAPPYTALK_ACCESS_ADMIN_IDS", '["telegram:1"]')
    s = load_settings(_env_file=None)
    assert s.data_dir == tmp_path and s.sqlalchemy_url.startswith("postgresql")
    assert s.telegram.token is not None and s.telegram.token.get_secret_value() == "123:tok-XYZZY"
    assert s.telegram.base_url == "http://127.0.0.1:9/bot"
    assert s.generator.top_k == 7 and s.access.admin_ids == ["telegram:1"]
    for leaked in ("XYZZY", "PLUGH"):
        assert leaked not in repr(s) and leaked not in str(s.model_dump())


def test_invalid_setting_names_it_without_echoing_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAPPYTALK_GENERATOR_TEMPERATURE", "-1")
    monkeypatch.setenv("HAPPYTALK_LIMITS_MODEL_WORKERS", "lots")
    with pytest.raises(SettingsError) as err:
        load_settings(_env_file=None)
    text = str(err.value)
    assert "HAPPYTALK_GENERATOR_TEMPERATURE" in text and "greater than 0" in text
    assert "HAPPYTALK_LIMITS_MODEL_WORKERS" in text and "lots" not in text


def test_timezone_is_an_iana_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAPPYTALK_TIMEZONE", "Asia/Seoul")
    assert load_settings(_env_file=None).timezone == "Asia/Seoul"
    for bad in ("Mars/Olympus_Mons", "../../etc/passwd", "America"):
        monkeypatch.setenv("HAPPYTALK_TIMEZONE", bad)
        with pytest.raises(SettingsError, match=r"HAPPYTALK_TIMEZONE.*IANA name"):
            load_settings(_env_file=None)


def test_toml_file_and_default_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    toml = tmp_path / "happytalk.toml"
    toml.write_text(f'data_dir = "{tmp_path}"\n[speech]\nengine = "espeak"\n[music]\nn_trees = 7\n')
    monkeypatch.chdir(tmp_path)
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.speech.engine == "espeak" and s.music.n_trees == 7
    assert s.sqlalchemy_url == f"sqlite:///{tmp_path / 'happytalk.sqlite3'}"


def test_broken_toml_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "happytalk.toml").write_text("[speech\nengine = ")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SettingsError, match="could not read configuration"):
        load_settings(_env_file=None)


@pytest.mark.parametrize("blank", ["", "   ", "\t"])
def test_blank_secrets_and_urls_are_not_set(monkeypatch: pytest.MonkeyPatch, blank: str) -> None:
    """``VAR=`` (compose leaving ``${DISCORD_TOKEN}`` undefined, a blank .env line) means unset."""
    for name in (
        "HAPPYTALK_TELEGRAM_TOKEN",
        "HAPPYTALK_TELEGRAM_WEBHOOK_SECRET",
        "HAPPYTALK_DISCORD_TOKEN",
        "HAPPYTALK_WEB_SECRET",
        "HAPPYTALK_DATABASE_URL",
        "HAPPYTALK_OPS_PORT",
    ):
        monkeypatch.setenv(name, blank)
    s = load_settings(_env_file=None)
    assert s.telegram.token is None and s.telegram.webhook_secret is None
    assert s.discord.token is None and s.web.secret is None
    assert s.database_url is None and s.sqlalchemy_url.startswith("sqlite:///")
    assert s.ops.port is None and s.ops.host == "127.0.0.1"


@pytest.mark.parametrize(
    "token", ["SECRETVALUE", "123456", ":abcdef", "123:abc def", "123:abc:def", "abc:123456789"]
)
def test_malformed_telegram_token_is_refused_naming_the_setting_never_the_value(
    monkeypatch: pytest.MonkeyPatch, token: str
) -> None:
    monkeypatch.setenv("HAPPYTALK_TELEGRAM_TOKEN", token)
    with pytest.raises(SettingsError) as err:
        load_settings(_env_file=None)
    message = str(err.value)
    assert "HAPPYTALK_TELEGRAM_TOKEN" in message and "BotFather" in message
    assert token not in message


def test_telegram_token_is_trimmed_and_ops_port_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAPPYTALK_TELEGRAM_TOKEN", " 7000000001:AAH-fake_token \n")
    monkeypatch.setenv("HAPPYTALK_OPS_PORT", "9100")
    monkeypatch.setenv("HAPPYTALK_OPS_HOST", "0.0.0.0")
    s = load_settings(_env_file=None)
    assert s.telegram.token is not None and s.telegram.token.get_secret_value() == "7000000001:AAH-fake_token"
    assert (s.ops.host, s.ops.port) == ("0.0.0.0", 9100)
