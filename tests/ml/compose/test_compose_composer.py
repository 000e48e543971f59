"""The public composer: joy and sadness sound apart, audio is valid, bad arguments are refused."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import soundfile as sf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config import EMOTIONS
from ml.compose import Piece, load_composer
from ml.compose.composer import MAX_BARS, Composer
from ml.compose.model import ModelLoadError
from ml.compose.moods import STYLES
from ml.compose.notation import key_pitch_class, parse_note


def _check_audio(piece: Piece) -> None:
    info = sf.info(io.BytesIO(piece.ogg))
    assert (info.format, info.subtype, info.samplerate, info.channels) == ("OGG", "OPUS", 48000, 1)
    assert len(piece.ogg) < 1_000_000
    assert info.duration == pytest.approx(piece.duration_s, abs=0.05)
    wav = sf.info(io.BytesIO(piece.wav))
    assert wav.format == "WAV" and wav.duration == pytest.approx(piece.duration_s, abs=0.05)
    assert 1 <= len(piece.waveform) <= 256 and max(piece.waveform) == 255 and min(piece.waveform) >= 0


def test_joy_is_brisk_major_and_sadness_slow_minor(composer: Composer) -> None:
    joy = composer.compose("joy", bars=4, seed=11)
    sad = composer.compose("Sadness ", bars=4, seed=11)
    for piece in (joy, sad):
        _check_audio(piece)
        assert piece.notes_text.startswith(" ".join(piece.notes))
        notes = [parse_note(n) for n in piece.notes]
        assert sum(n.duration for n in notes) == 4 * 16
        key = piece.title.split(" in ")[1].split()[0]
        assert notes[-1].pitch is not None and notes[-1].pitch % 12 == key_pitch_class(key)
    assert joy.emotion == "joy" and sad.emotion == "sadness"
    assert joy.title.startswith("A brisk tune in ") and joy.title.endswith(" major")
    assert sad.title.endswith(" minor") and "66 bpm" in sad.notes_text and "132 bpm" in joy.notes_text
    # same four bars at half the tempo: about twice as long
    assert sad.duration_s == pytest.approx(2 * joy.duration_s, rel=0.15)


def test_every_emotion_has_a_style() -> None:
    assert set(STYLES) == set(EMOTIONS)
    assert {STYLES[e].mode for e in ("joy", "surprise", "neutral")} == {"major"}
    assert {STYLES[e].mode for e in ("sadness", "fear", "anger", "disgust")} == {"minor"}


def test_same_seed_same_piece_and_threads_agree(composer: Composer) -> None:
    sequential = [composer.compose("surprise", bars=2, seed=s).notes for s in range(3)]
    with ThreadPoolExecutor(3) as pool:
        parallel = list(pool.map(lambda s: composer.compose("surprise", bars=2, seed=s).notes, range(3)))
    assert parallel == sequential
    assert len(set(sequential)) > 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"emotion": "bliss"}, "use one of: anger, disgust, fear, joy, sadness, surprise, neutral"),
        ({"emotion": "joy", "bars": 0}, f"from 1 to {MAX_BARS}"),
        ({"emotion": "joy", "bars": 10_000}, f"from 1 to {MAX_BARS}"),
        ({"emotion": "joy", "bars": 2.5}, "whole number"),
        ({"emotion": "joy", "temperature": 0}, "above 0 and at most 3"),
        ({"emotion": "joy", "temperature": -1.0}, "above 0 and at most 3"),
        ({"emotion": "joy", "temperature": float("nan")}, "above 0 and at most 3"),
        ({"emotion": "joy", "seed": "x"}, "seed must be a whole number"),
    ],
)
def test_bad_arguments_say_the_accepted_range(
    composer: Composer, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        composer.compose(**kwargs)  # type: ignore[arg-type]


def test_missing_or_broken_weights_raise_a_typed_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pt"
    broken.write_bytes(b"not a checkpoint")
    for path in (broken, tmp_path / "missing.pt"):
        with pytest.raises(ModelLoadError, match="cannot load the composer"):
            load_composer(path)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    emotion=st.one_of(st.sampled_from(["joy", "FEAR", " neutral", "anger\n"]), st.text(max_size=12)),
    bars=st.integers(-3, 20),
    temperature=st.floats(allow_nan=True, allow_infinity=True, width=32),
)
def test_any_arguments_give_a_piece_or_a_value_error(
    composer: Composer, emotion: str, bars: int, temperature: float
) -> None:
    try:
        piece = composer.compose(emotion, bars=bars, seed=1, temperature=temperature)
    except ValueError as exc:
        assert "use one of" in str(exc) or "from 1 to" in str(exc) or "temperature" in str(exc)
    else:
        assert piece.emotion == emotion.strip().lower() and len(piece.notes) >= bars
