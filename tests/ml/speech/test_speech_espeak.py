"""The libespeak-ng ctypes wrapper: voices, audio, thread safety."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from ml.speech.engine import EngineError
from ml.speech.espeak_engine import ESpeakEngine


def test_korean_and_english_voices_exist() -> None:
    engine = ESpeakEngine()
    assert engine.supports("ko") and engine.supports("en")
    assert not engine.supports("xx")


def test_korean_speech_is_real_audio() -> None:
    out = ESpeakEngine().synthesize("오늘 하루도 수고했어요", "ko")
    assert out.rate == 22050
    assert out.samples.dtype == np.float32
    assert 1.0 < len(out.samples) / out.rate < 4.0
    assert float(np.abs(out.samples).max()) > 0.1


def test_unknown_voice_is_an_engine_error() -> None:
    with pytest.raises(EngineError):
        ESpeakEngine().synthesize("hello", "xx")


def test_parallel_synthesis_is_serialised_correctly() -> None:
    engine = ESpeakEngine()
    texts = ["one", "two two", "three three three", "four four four four"] * 2
    alone = [len(engine.synthesize(t, "en").samples) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = [len(s.samples) for s in pool.map(lambda t: engine.synthesize(t, "en"), texts)]
    # espeak-ng's output varies by a few samples between runs; interleaved calls would not
    assert together == pytest.approx(alone, rel=0.02)
