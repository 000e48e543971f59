"""Google Translate's text-to-speech through gTTS: one throttled request per chunk of sentences."""

from __future__ import annotations

import binascii
import threading
import time

import numpy as np
import numpy.typing as npt
import requests

from ml.audio import AudioError, decode_audio, resample
from ml.speech.engine import EngineCoolingDown, EngineError, Synthesis
from ml.speech.text import chunk_text
from ml.speech.throttle import Throttle

GTTS_MAX_CHARS = 100
"""gTTS sends at most this many characters per request."""


def _retry_after_s(response: requests.Response | None) -> float:
    """Seconds from a numeric ``Retry-After`` header, else 0."""
    if response is None:
        return 0.0
    try:
        return max(0.0, float(response.headers.get("Retry-After", "0")))
    except ValueError:
        return 0.0


class GttsEngine:
    """gTTS, throttled; after a failure it is skipped for a cool-down (or ``Retry-After``)."""

    name = "gtts"

    def __init__(
        self, timeout_s: float, min_interval_s: float, tld: str = "com", cooldown_s: float = 30.0
    ) -> None:
        self._timeout_s = timeout_s
        self._tld = tld
        self._cooldown_s = cooldown_s
        self._throttle = Throttle(min_interval_s)
        self._lock = threading.Lock()
        self._down_until = 0.0

    def supports(self, lang: str) -> bool:
        """True when gTTS lists ``lang`` (a local table; no request)."""
        from gtts.lang import tts_langs

        return lang in tts_langs()

    def _fail(self, message: str, wait_s: float = 0.0) -> EngineError:
        with self._lock:
            self._down_until = time.monotonic() + max(self._cooldown_s, wait_s)
        return EngineError(message)

    def synthesize(self, text: str, lang: str) -> Synthesis:
        """Speak ``text`` in ``lang``; chunks of whole sentences are joined into one signal."""
        from gtts.tts import gTTS, gTTSError

        with self._lock:
            if time.monotonic() < self._down_until:
                raise EngineCoolingDown("gTTS is cooling down after a failure")
        parts: list[npt.NDArray[np.float32]] = []
        rate = 0
        for chunk in chunk_text(text, GTTS_MAX_CHARS):
            self._throttle.wait()
            tts = gTTS(chunk, tld=self._tld, lang=lang, lang_check=False, timeout=self._timeout_s)
            before = len(parts)
            try:
                for mp3 in tts.stream():
                    samples, part_rate = decode_audio(mp3)
                    if rate and part_rate != rate:
                        samples = resample(samples, part_rate, rate)
                    rate = rate or part_rate
                    parts.append(samples)
            except gTTSError as exc:
                raise self._fail(f"gTTS failed: {exc}", _retry_after_s(exc.rsp)) from None
            except (AudioError, binascii.Error, UnicodeDecodeError, requests.RequestException) as exc:
                raise self._fail(f"gTTS response unusable: {exc}") from None
            except AssertionError:
                continue  # gTTS found nothing to speak in this chunk (punctuation only)
            if len(parts) == before:
                raise self._fail("gTTS answered without audio")
        if not parts:
            raise EngineError("gTTS had nothing to speak")
        return Synthesis(np.concatenate(parts).astype(np.float32, copy=False), rate)
