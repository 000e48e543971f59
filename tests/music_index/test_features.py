from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from music_index.demo_synth import SAMPLE_RATE, render
from music_index.features import BLOCKS, FEATURE_DIM, FeatureError, extract, summarise

from .conftest import write_track


def _block(vector: np.ndarray, name: str) -> np.ndarray:
    start = 0
    for block, width in BLOCKS:
        if block == name:
            return vector[start : start + width]
        start += width
    raise AssertionError(name)


def test_extract_reads_real_audio_and_respects_the_clip(tmp_path: Path) -> None:
    write_track(tmp_path / "joy.ogg", "joy", 1, seconds=4.0)
    full = extract(tmp_path / "joy.ogg", 30.0)
    clipped = extract(tmp_path / "joy.ogg", 2.0)
    assert full.vector.shape == (FEATURE_DIM,) and full.vector.dtype == np.float32
    assert np.all(np.isfinite(full.vector))
    assert full.decode_s > 0 and full.features_s > 0
    assert not np.allclose(full.vector, clipped.vector)


def test_features_separate_tempo_and_register_of_emotions() -> None:
    joy = [summarise(render("joy", 4.0, np.random.default_rng(s))) for s in range(3)]
    sad = [summarise(render("sadness", 4.0, np.random.default_rng(s))) for s in range(3)]
    # rhythm block: log2(tempo+1), onsets per second, onset strength; joy plays far more notes
    assert min(_block(v, "rhythm")[1] for v in joy) > 2 * max(_block(v, "rhythm")[1] for v in sad)
    # spectral block holds log centroid first; joy sits higher and brighter
    assert min(_block(v, "spectral")[0] for v in joy) > max(_block(v, "spectral")[0] for v in sad)


def test_bad_audio_is_a_typed_error(tmp_path: Path) -> None:
    sf.write(str(tmp_path / "silent.flac"), np.zeros(3 * SAMPLE_RATE, np.float32), SAMPLE_RATE)
    sf.write(str(tmp_path / "short.flac"), render("joy", 0.5, np.random.default_rng(0)), SAMPLE_RATE)
    (tmp_path / "corrupt.ogg").write_bytes(b"OggS" + bytes(range(256)) * 20)
    cases = {
        "silent.flac": "silent",
        "short.flac": "too short",
        "corrupt.ogg": "corrupt",
        "missing.ogg": "missing",
    }
    for name, reason in cases.items():
        with pytest.raises(FeatureError, match=reason):
            extract(tmp_path / name, 30.0)
