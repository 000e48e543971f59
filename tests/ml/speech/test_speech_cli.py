"""``happytalk say`` end to end (gTTS answering 500 from the loopback fake)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import soundfile as sf
from click.testing import CliRunner

from bot.cli import main
from tests.ml.speech.fake_gtts import FakeGtts


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HAPPYTALK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HAPPYTALK_CONFIG_FILE", str(tmp_path / "none.toml"))
    return tmp_path


@pytest.mark.parametrize(("text", "lang"), [("오늘 하루도 수고했어요", "ko"), ("You did great today", "en")])
def test_say_writes_a_voice_note(fake_gtts: FakeGtts, env: Path, text: str, lang: str) -> None:
    fake_gtts.mode = "500"
    result = CliRunner().invoke(main, ["say", text, "-o", "note.ogg"])
    assert result.exit_code == 0, result.output
    info = sf.info(str(env / "note.ogg"))
    assert (info.subtype, info.samplerate, info.channels) == ("OPUS", 48000, 1)
    size = (env / "note.ogg").stat().st_size
    assert f"{info.duration:.2f} s, {size} bytes, engine espeak, language {lang}" in result.output
    assert "used the offline voice" in result.output


def test_say_with_gtts_engine_and_language(fake_gtts: FakeGtts, env: Path) -> None:
    result = CliRunner().invoke(main, ["say", "Hello", "--lang", "en", "--engine", "gtts", "-o", "hi.ogg"])
    assert result.exit_code == 0, result.output
    assert "engine gtts" in result.output
    assert fake_gtts.requests[0][:2] == ("Hello", "en")


def test_say_nothing_speakable_fails_clearly(env: Path) -> None:
    result = CliRunner().invoke(main, ["say", "🙂", "--engine", "espeak"])
    assert result.exit_code == 1
    assert "nothing to speak" in result.output
    assert not (env / "note.ogg").exists()


def test_bench_speech_prints_the_three_targets_and_the_encoder_baseline(env: Path) -> None:
    result = CliRunner().invoke(main, ["bench", "speech", "--runs", "1", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    rows = {row["name"]: row for row in report["speech"]}
    assert [row["target_ms"] for row in rows.values()][:3] == [150.0, 5.0, 50.0]
    assert "libsndfile encoder (baseline)" in list(rows)[3] and report["speech"][3]["target_ms"] is None
    cached = rows["cached note"]["p50_ms"]
    assert 0 < cached < rows["offline 100 chars: synth + encode"]["p50_ms"]
    assert set(report["mp3_to_opus_speedup"]) == {"wall", "cpu"}
    assert all(ratio > 0 for ratio in report["mp3_to_opus_speedup"].values())
