"""The on-disk note cache: hits, LRU eviction under the cap, damage, and disabling."""

from __future__ import annotations

import time
from pathlib import Path

from config.settings import SpeechSettings
from ml.speech import Speaker, SpokenNote
from ml.speech.cache import NoteCache
from tests.ml.speech.fake_gtts import FakeGtts


def _note(size: int, engine: str = "espeak") -> SpokenNote:
    return SpokenNote(ogg=b"O" * size, duration_s=1.0, waveform=(0, 128, 255), engine=engine, lang="en")


def test_repeated_reply_is_served_from_cache(
    fake_gtts: FakeGtts, speech_settings: SpeechSettings, tmp_path: Path
) -> None:
    speaker = Speaker(speech_settings, tmp_path)
    first = speaker.synthesize("See you tomorrow.")
    start = time.perf_counter()
    second = speaker.synthesize("See you tomorrow.")
    assert time.perf_counter() - start < 0.05
    assert len(fake_gtts.requests) == 1
    assert second == first
    # a new Speaker (e.g. after a restart) finds it on disk too
    assert Speaker(speech_settings, tmp_path).synthesize("See you tomorrow.") == first
    assert len(fake_gtts.requests) == 1


def test_cached_note_keeps_per_call_notices(tmp_path: Path) -> None:
    speaker = Speaker(SpeechSettings(engine="espeak", max_chars=20), tmp_path)
    text = "Short one. And then a much longer second sentence."
    first = speaker.synthesize(text)
    second = speaker.synthesize(text)
    assert first.notice == second.notice == "spoken reply cut to 10 characters"
    assert second.ogg == first.ogg


def test_least_recently_used_note_is_evicted(tmp_path: Path) -> None:
    cache = NoteCache(tmp_path, max_bytes=2_500)
    cache.put("a", _note(1_000))
    cache.put("b", _note(1_000))
    assert cache.get("espeak", "en", "a") is not None  # a is now the most recent
    cache.put("c", _note(1_000))
    assert cache.get("espeak", "en", "b") is None
    assert cache.get("espeak", "en", "a") is not None
    assert cache.get("espeak", "en", "c") is not None
    assert cache.size_bytes() <= 2_500


def test_key_includes_engine_and_language(tmp_path: Path) -> None:
    cache = NoteCache(tmp_path, max_bytes=100_000)
    cache.put("hello", _note(10, engine="gtts"))
    assert cache.get("gtts", "en", "hello") is not None
    assert cache.get("espeak", "en", "hello") is None
    assert cache.get("gtts", "ko", "hello") is None


def test_damaged_entry_is_a_miss_and_is_removed(tmp_path: Path) -> None:
    cache = NoteCache(tmp_path, max_bytes=100_000)
    cache.put("hello", _note(10))
    (entry,) = tmp_path.glob("*.note")
    entry.write_bytes(b"HTVN1\xff\xff")
    assert cache.get("espeak", "en", "hello") is None
    assert not entry.exists()


def test_zero_megabytes_disables_the_cache(tmp_path: Path) -> None:
    speaker = Speaker(SpeechSettings(engine="espeak", cache_mb=0), tmp_path / "cache")
    speaker.synthesize("Nothing is kept.")
    assert not (tmp_path / "cache").exists()
