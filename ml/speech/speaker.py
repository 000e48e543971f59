"""The speech front door: text in, a cached voice note from the first engine that can speak out."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

from config.settings import SpeechSettings
from ml.audio import encode_voice_note
from ml.lang import detect_lang
from ml.speech.cache import NoteCache
from ml.speech.engine import Engine, EngineCoolingDown
from ml.speech.espeak_engine import ESpeakEngine
from ml.speech.gtts_engine import GttsEngine
from ml.speech.note import SpeechError, SpokenNote
from ml.speech.text import cap_text, is_speakable

log = logging.getLogger(__name__)

_NAMES = {"gtts": "Google TTS", "espeak": "the offline voice"}
_FAILED = {"gtts": "Google TTS unreachable", "espeak": "the offline voice failed"}


def _voice_for(engine: Engine, lang: str) -> str | None:
    """The code under which ``engine`` speaks ``lang`` (lower-case, as given, or its base)."""
    for candidate in dict.fromkeys((lang.lower(), lang, lang.split("-")[0].lower())):
        if candidate and engine.supports(candidate):
            return candidate
    return None


class Speaker:
    """Speaks replies with the primary engine from settings, falling back to the other.

    Thread-safe. Notes are cached under ``cache_dir`` by (engine, language, text).
    """

    def __init__(self, settings: SpeechSettings, cache_dir: Path) -> None:
        self.settings = settings
        gtts = GttsEngine(
            timeout_s=settings.gtts_timeout_s,
            min_interval_s=settings.gtts_min_interval_s,
            tld=settings.gtts_tld,
            cooldown_s=settings.gtts_cooldown_s,
        )
        espeak = ESpeakEngine()
        self.engines: tuple[Engine, ...] = (gtts, espeak) if settings.engine == "gtts" else (espeak, gtts)
        self.cache = NoteCache(cache_dir, settings.cache_mb * 1024 * 1024)

    def _plan(self, requested: str) -> tuple[list[tuple[Engine, str]], list[str]]:
        """(engine, voice) pairs to try, and the names of engines that could not be asked.

        Engines with a voice for ``requested`` come first (in priority order), then the
        others in English.
        """
        native, english, broken = [], [], []
        for engine in self.engines:
            try:
                voice = _voice_for(engine, requested)
            except Exception as exc:
                log.warning("speech engine %s is unavailable: %s", engine.name, exc)
                broken.append(engine.name)
                continue
            if voice is not None:
                native.append((engine, voice))
            else:
                english.append((engine, "en"))
        return native + english, broken

    def synthesize(self, text: str, lang: str = "auto") -> SpokenNote:
        """A voice note of ``text`` in ``lang`` (``"auto"`` detects English or Korean).

        Raises :class:`SpeechError` when there is nothing to speak or every engine failed.
        """
        prepared = cap_text(text, self.settings.max_chars)
        if not is_speakable(prepared.text):
            raise SpeechError("nothing to speak: the text has no letters or digits")
        wanted = lang.strip()
        requested = detect_lang(prepared.text) if wanted.lower() in ("", "auto") else wanted
        notices = []
        if prepared.cut:
            notices.append(f"spoken reply cut to {len(prepared.text)} characters")
        plan, failures = self._plan(requested)
        for engine, voice in plan:
            note = self.cache.get(engine.name, voice, prepared.text)
            if note is None:
                try:
                    synthesis = engine.synthesize(prepared.text, voice)
                    audio = encode_voice_note(synthesis.samples, synthesis.rate)
                except Exception as exc:
                    level = logging.DEBUG if isinstance(exc, EngineCoolingDown) else logging.WARNING
                    log.log(level, "speech engine %s failed: %s", engine.name, exc)
                    failures.append(engine.name)
                    continue
                note = SpokenNote(audio.ogg, audio.duration_s, audio.waveform, engine.name, voice)
                self.cache.put(prepared.text, note)
            if voice.split("-")[0].lower() != requested.split("-")[0].lower():
                notices.append(f"no voice for {requested}; used English")
            primary = self.engines[0].name
            if engine.name != primary:
                cause = (
                    _FAILED[primary]
                    if primary in failures
                    else f"{_NAMES[primary]} has no voice for {requested}"
                )
                notices.append(f"{cause}; used {_NAMES[engine.name]}")
            return dataclasses.replace(note, notice="; ".join(notices) or None)
        raise SpeechError(f"no speech engine could speak ({', '.join(failures) or 'none'} failed)")
