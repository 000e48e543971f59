"""Fixtures: a loopback fake of gTTS's endpoint wired into gTTS, and speech settings for tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from config.settings import SpeechSettings
from tests.ml.speech.fake_gtts import FakeGtts


@pytest.fixture
def fake_gtts(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGtts]:
    """A running fake; ``gtts.tts._translate_url`` points at it and proxies are off."""
    import gtts.tts

    for var in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    fake = FakeGtts().start()
    monkeypatch.setattr(gtts.tts, "_translate_url", fake.url)
    yield fake
    fake.stop()


@pytest.fixture
def speech_settings() -> SpeechSettings:
    """gTTS primary with short timeouts and no throttle."""
    return SpeechSettings(engine="gtts", gtts_timeout_s=0.5, gtts_min_interval_s=0.0, cache_mb=8)
