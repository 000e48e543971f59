"""Shared fixtures: a real core over the shipped small models and the demo library.

Network guard: any socket connection to a non-loopback address fails the test run.
Hypothesis: random examples locally (to find new cases); ``HYPOTHESIS_PROFILE=ci`` (set by
``.ci/run``) makes them derandomized, so CI on a fresh clone runs the same examples every time.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import settings as hypothesis_settings

from config import Settings

if TYPE_CHECKING:
    from bot.core import DialogueCore

hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _check_address(address: Any) -> None:
    if isinstance(address, (str, bytes)):  # unix socket path
        return
    host = address[0]
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        if host in ("localhost",):
            return
        raise OSError(f"tests may not reach the network (connect to {host!r})") from None
    if not ip.is_loopback:
        raise OSError(f"tests may not reach the network (connect to {host})")


def _guarded_connect(self: socket.socket, address: Any) -> None:
    _check_address(address)
    _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    _check_address(address)
    return _real_connect_ex(self, address)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip ``@pytest.mark.corpora`` tests, saying where we looked, when the corpora are absent."""
    if item.get_closest_marker("corpora") is None:
        return
    from ml.corpora import CORPORA_ENV, corpora_dir

    where = corpora_dir()
    if not where.is_dir():
        pytest.skip(f"shared corpora not found at {where} (set {CORPORA_ENV})")


@pytest.fixture(scope="session")
def shared_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding the demo library and its index, built once per run."""
    return tmp_path_factory.mktemp("happytalk-data")


def make_settings(data_dir: Path, db_dir: Path, **overrides: Any) -> Settings:
    """Settings for tests: offline speech first, a private SQLite file, no files read from cwd."""
    base: dict[str, Any] = {
        "data_dir": data_dir,
        "database_url": f"sqlite:///{db_dir / 'test.sqlite3'}",
        "speech": {"engine": "espeak"},
        "limits": {"user_messages_per_minute": 1000, "max_wait_ms": 600_000},
        "dialogue": {"sources": ["companion"]},  # the written set only: the index builds in seconds
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    return Settings(_env_file=None, **base)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def _shared_core(shared_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DialogueCore]:
    """One fully loaded core (models, demo index) whose components the per-test cores reuse."""
    from bot.app import build_core

    settings = make_settings(shared_data_dir, tmp_path_factory.mktemp("db"))
    core = build_core(settings, progress=lambda _m: None)
    yield core
    core.store.close()


@pytest.fixture
def settings(shared_data_dir: Path, tmp_path: Path) -> Settings:
    return make_settings(shared_data_dir, tmp_path)


@pytest.fixture
async def core(_shared_core: DialogueCore, settings: Settings) -> AsyncIterator[DialogueCore]:
    """A real core with a fresh database; models and the index are shared across tests."""
    from bot.core import DialogueCore
    from bot.store import Store

    fresh = DialogueCore(settings, Store(settings.sqlalchemy_url), _shared_core.components)
    yield fresh
    fresh.stop_workers()
    fresh.store.close()


@pytest.fixture
def make_core(_shared_core: DialogueCore, tmp_path: Path, shared_data_dir: Path) -> Any:
    """Build a core with setting overrides (e.g. access lists) over the shared components."""
    from bot.core import DialogueCore
    from bot.store import Store

    made: list[DialogueCore] = []

    def factory(**overrides: Any) -> DialogueCore:
        s = make_settings(shared_data_dir, tmp_path, **overrides)
        c = DialogueCore(s, Store(s.sqlalchemy_url), _shared_core.components)
        made.append(c)
        return c

    yield factory
    for c in made:
        c.stop_workers()
        c.store.close()


@pytest.fixture(scope="session")
def speak(_shared_core: DialogueCore) -> Any:
    """``speak(text, lang="en") -> bytes``: an OGG/Opus voice note of ``text`` (offline espeak-ng)."""
    speaker = _shared_core.components.speaker
    assert speaker is not None
    spoken: dict[tuple[str, str], bytes] = {}

    def make(text: str, lang: str = "en") -> bytes:
        if (text, lang) not in spoken:
            spoken[text, lang] = speaker.synthesize(text, lang).ogg
        return spoken[text, lang]

    return make
