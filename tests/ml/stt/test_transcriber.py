"""Speech to text on real audio with the packaged tiny.en model (loaded once, with the shared core)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from click.testing import CliRunner

from bot.core import DialogueCore
from ml.stt import NoSpeech, TooLarge, TooLong, Transcriber, TranscriptionError, Unreadable, weights
from ml.stt.audio import RATE, decode
from ml.stt.bench import wer, wer_standard

Speak = Callable[..., bytes]
SENTENCE = "I feel exhausted after a long week at work"


@pytest.fixture(scope="module")
def stt(_shared_core: DialogueCore) -> Transcriber:
    transcriber = _shared_core.components.transcriber
    assert transcriber is not None
    return transcriber


def _wav(samples: np.ndarray, rate: int = RATE) -> bytes:
    buf = io.BytesIO()
    sf.write(buf, samples, rate, format="WAV", subtype="PCM_16")
    return buf.getvalue()


def test_an_english_voice_note_is_transcribed(stt: Transcriber, speak: Speak) -> None:
    heard = stt.transcribe(speak(SENTENCE), None)
    assert heard.lang == "en" and heard.model == "tiny.en"
    assert wer([SENTENCE], [heard.text]) <= 0.15, heard.text
    assert 0.5 < heard.confidence <= 1.0
    assert 2.0 < heard.seconds < 6.0


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda: b"", Unreadable),
        (lambda: b"OggS\x00\x02" + bytes(range(256)) * 40, Unreadable),  # a corrupt OGG
        (lambda: b"\x89PNG\r\n\x1a\n" + bytes(4000), Unreadable),  # not audio
        (lambda: b"just some text, not a recording\n" * 50, Unreadable),
        (lambda: _wav(np.zeros(3 * RATE, np.float32)), NoSpeech),  # silence
        (
            lambda: _wav((np.random.default_rng(1).standard_normal(4 * RATE) * 0.1).astype(np.float32)),
            NoSpeech,
        ),  # noise
    ],
    ids=["empty", "corrupt-ogg", "png", "text", "silence", "noise"],
)
def test_bad_input_gets_a_short_clear_answer(
    stt: Transcriber, make: Callable[[], bytes], error: type[TranscriptionError]
) -> None:
    with pytest.raises(error) as caught:
        stt.transcribe(make(), "en")  # tiny.en only: CI never loads base
    assert "\n" not in str(caught.value) and len(str(caught.value)) < 120


def test_a_corrupt_voice_note_is_refused_and_a_truncated_one_keeps_what_decodes(
    stt: Transcriber, speak: Speak
) -> None:
    note = speak(SENTENCE)
    with pytest.raises(Unreadable):
        stt.transcribe(note[:60] + bytes(len(note) - 60))
    heard = stt.transcribe(note[: len(note) * 2 // 3])
    assert heard.text.lower().startswith("i feel")


def test_ten_minutes_are_refused_from_the_header_and_a_large_file_unread(tmp_path: Path) -> None:
    long_wav = tmp_path / "ten-minutes.wav"
    sf.write(long_wav, np.zeros(600 * 8000, np.int16), 8000, subtype="PCM_16")
    with pytest.raises(TooLong, match="2 minutes"):
        decode(long_wav, max_seconds=120, max_mb=20)
    big = tmp_path / "big.ogg"
    with big.open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # 50 MB, sparse: never read
    with pytest.raises(TooLarge):
        decode(big, max_seconds=120, max_mb=20)
    with pytest.raises(TooLong):  # a stream that doesn't declare its length is cut while decoding
        decode(_wav(np.zeros(130 * RATE, np.float32))[:-10], max_seconds=120, max_mb=20)


def test_weights_are_checked(tmp_path: Path) -> None:
    tiny = weights.tiny_en()
    assert weights.sha256(tiny.path / "config.json") == weights._TINY_FILES["config.json"]
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "config.json").write_bytes((tiny.path / "config.json").read_bytes() + b" ")
    assert weights._check(copy, weights._TINY_FILES) == [
        "model.bin",
        "config.json",
        "tokenizer.json",
        "vocabulary.txt",
    ]
    with pytest.raises(TranscriptionError, match="not a CTranslate2 Whisper directory"):
        weights.custom(tmp_path)


def test_standard_wer_forgives_spelling_and_contractions_raw_wer_does_not() -> None:
    refs = ["The new neighbours won't stop", "I started a new painting"]
    hyps = ["the new neighbors will not stop.", "I started a new painting!"]
    assert wer_standard(refs, hyps) == 0.0
    assert wer(refs, hyps) == pytest.approx(3 / 10)
    assert wer_standard(refs, ["", "I started a painting"]) == pytest.approx(7 / 11)


def test_cli_transcribe_prints_json(speak: Speak, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.cli import main

    note = tmp_path / "a.ogg"
    note.write_bytes(speak(SENTENCE))
    monkeypatch.setenv("HAPPYTALK_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(main, ["transcribe", str(note), "--json", "--lang", "en"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert set(out) == {"text", "lang", "confidence", "ms"}
    assert out["lang"] == "en" and wer([SENTENCE], [out["text"]]) <= 0.15
    bad = tmp_path / "bad.ogg"
    bad.write_bytes(b"")
    result = CliRunner().invoke(main, ["transcribe", str(bad)])
    assert result.exit_code == 1 and "couldn't play that recording" in result.output
    assert "Traceback" not in result.output
