"""Speech to text with faster-whisper: ``transcribe(audio, lang_hint) -> Transcript(text, lang, confidence)``.

Models load lazily, once per process (a lock per model), and are used from worker threads only.
Routing, chosen by measurement (``MODEL_CARD.md``): English (the hint, or no hint) goes to tiny.en,
4-5x faster than base and as accurate on English; Korean and anything tiny.en is unsure of go to the
multilingual base model, which also says which language it heard.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ml.stt import weights
from ml.stt.audio import RATE, decode
from ml.stt.decoding import DEPLOYED, Decoding
from ml.stt.errors import ModelMissing, NoSpeech, OtherLanguage

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

    from config.settings import SpeechSettings

LANGS = ("en", "ko")
UNSURE = 0.5  # below this tiny.en confidence (no hint), base listens again and names the language
OTHER_LANGUAGE = 0.8  # base this sure of a language other than English and Korean: say so
NO_SPEECH = 0.6  # Whisper's own no-speech threshold
LOOPING = 2.4  # Whisper's compression-ratio threshold: a segment this repetitive is a decoding loop


@dataclass(frozen=True, slots=True)
class Transcript:
    """What was said: the text, its language (``en``/``ko``), a confidence in [0, 1] (the mean token
    probability), the audio's length and the model that heard it."""

    text: str
    lang: str
    confidence: float
    seconds: float
    model: str


@dataclass(frozen=True, slots=True)
class _Heard:
    text: str
    lang: str
    confidence: float
    no_speech: bool
    lang_probs: dict[str, float]


class Transcriber:
    """Thread-safe; construction is free, each model loads on first use."""

    def __init__(self, settings: SpeechSettings, cache_dir: Path, decoding: Decoding | None = None) -> None:
        self.settings = settings
        self.cache_dir = cache_dir
        self.decoding = decoding
        self._models: dict[str, WhisperModel] = {}
        self._locks = {"english": threading.Lock(), "multilingual": threading.Lock()}

    def decoding_as(self, decoding: Decoding) -> Transcriber:
        """The same loaded models, both decoding as ``decoding`` (benchmarks compare settings)."""
        other = Transcriber(self.settings, self.cache_dir, decoding)
        other._models, other._locks = self._models, self._locks
        return other

    # ------------------------------------------------------------------ public
    def transcribe(
        self, audio: bytes | Path | npt.NDArray[np.float32], lang_hint: str | None = None
    ) -> Transcript:
        """Raises a :class:`~ml.stt.errors.TranscriptionError` whose text is the answer for the user."""
        samples = audio if isinstance(audio, np.ndarray) else self.decode(audio)
        seconds = samples.size / RATE
        if seconds < 0.1 or float(np.abs(samples).max(initial=0.0)) < 1e-4:
            raise NoSpeech()
        hint = lang_hint if lang_hint in LANGS else None
        heard, model = self._listen(samples, hint)
        if heard.no_speech or not heard.text:
            raise NoSpeech()
        return Transcript(heard.text, heard.lang, round(heard.confidence, 3), round(seconds, 2), model)

    def decode(self, data: bytes | Path) -> npt.NDArray[np.float32]:
        """16 kHz mono samples within the size and length limits (raises otherwise)."""
        s = self.settings
        return decode(data, max_seconds=s.stt_max_seconds, max_mb=s.stt_max_mb)

    def hear(self, samples: npt.NDArray[np.float32], lang: str | None, which: str) -> str:
        """One pass of one model (``english`` or ``multilingual``), no routing: the text, "" when
        nothing was heard (benchmarks compare the models with it)."""
        heard = _run(self._model(which), samples, lang, self._decoding(which))
        return "" if heard.no_speech else heard.text

    def load(self, which: str = "english") -> float:
        """Load a model now (``english`` or ``multilingual``); returns the seconds it took (0 if loaded)."""
        start = time.perf_counter()
        loaded = which in self._models
        self._model(which)
        return 0.0 if loaded else time.perf_counter() - start

    # ------------------------------------------------------------------ routing
    def _listen(self, samples: npt.NDArray[np.float32], hint: str | None) -> tuple[_Heard, str]:
        english = self._model("english")
        if hint == "ko" or (not _english_only(english) and hint is None):
            return self._multilingual(samples, hint), self._name("multilingual")
        first = _run(english, samples, "en", self._decoding("english"))
        if hint == "en" or (first.confidence >= UNSURE and first.text):
            return first, self._name("english")
        second = self._multilingual(samples, None)
        if second.lang == "en" and first.confidence >= second.confidence:
            return first, self._name("english")
        return second, self._name("multilingual")

    def _multilingual(self, samples: npt.NDArray[np.float32], hint: str | None) -> _Heard:
        model = self._model("multilingual")
        heard = _run(model, samples, hint, self._decoding("multilingual"))
        if heard.lang in LANGS or heard.no_speech:
            return heard
        probs = heard.lang_probs
        if probs.get(heard.lang, 0.0) >= OTHER_LANGUAGE:
            raise OtherLanguage(heard.lang)
        closest = max(LANGS, key=lambda lang: probs.get(lang, 0.0))
        return _run(model, samples, closest, self._decoding("multilingual"))

    # ------------------------------------------------------------------ models
    def _decoding(self, which: str) -> Decoding:
        return self.decoding or DEPLOYED[which]

    def _name(self, which: str) -> str:
        return self._weights(which).name

    def _weights(self, which: str) -> weights.Weights:
        if self.settings.stt_model_path is not None:
            return weights.custom(self.settings.stt_model_path)
        if which == "english":
            return weights.tiny_en()
        return weights.base(self.cache_dir)

    def _model(self, which: str) -> WhisperModel:
        model = self._models.get(which)
        if model is not None:
            return model
        with self._locks[which]:
            model = self._models.get(which)
            if model is None:
                if which == "multilingual" and self.settings.stt_model_path is not None:
                    model = self._model("english")  # one user model does everything it can
                    if _english_only(model):
                        raise ModelMissing(f"{self.settings.stt_model_path} only knows English")
                else:
                    model = _load(self._weights(which), self.settings.stt_threads)
                self._models[which] = model
        return model


def _load(found: weights.Weights, threads: int) -> WhisperModel:
    from faster_whisper import WhisperModel

    try:
        return WhisperModel(
            str(found.path), device="cpu", compute_type="int8", cpu_threads=threads, num_workers=1
        )
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelMissing(f"could not load the Whisper model in {found.path}: {exc}") from None


def _english_only(model: WhisperModel) -> bool:
    return not model.model.is_multilingual


def _run(
    model: WhisperModel, samples: npt.NDArray[np.float32], lang: str | None, decoding: Decoding
) -> _Heard:
    """One pass decoding as ``decoding`` says (the bot's: :data:`~ml.stt.decoding.DEPLOYED`)."""
    if decoding.pad_s > 0:
        pad = np.zeros(int(decoding.pad_s * RATE), dtype=np.float32)
        samples = np.concatenate([pad, samples, pad])
    segments, info = model.transcribe(
        samples, language=lang, no_speech_threshold=NO_SPEECH, **decoding.kwargs()
    )
    texts: list[str] = []
    logprob, tokens, silent = 0.0, 0, True
    for segment in segments:
        if segment.compression_ratio > LOOPING:  # "네 네 네 네 …": hallucinated, not heard
            continue
        n = max(1, len(segment.tokens))
        logprob += segment.avg_logprob * n
        tokens += n
        silent = silent and segment.no_speech_prob > NO_SPEECH and segment.avg_logprob < -1.0
        texts.append(segment.text.strip())
    probs: dict[str, Any] = dict(info.all_language_probs or [])
    confidence = math.exp(logprob / tokens) if tokens else 0.0
    text = " ".join(t for t in texts if t)
    return _Heard(
        text, info.language, confidence, silent and bool(texts), {k: float(v) for k, v in probs.items()}
    )
