"""Spoken replies: gTTS (throttled) with an offline espeak-ng fallback, as cached voice notes.

``Speaker(settings.speech, cache_dir).synthesize(text, lang)`` returns a :class:`SpokenNote`
(OGG/Opus 48 kHz mono under 1 MB, duration, waveform) or raises :class:`SpeechError`, in
which case the caller sends the text alone.
"""

from ml.speech.note import SpeechError, SpokenNote
from ml.speech.speaker import Speaker

__all__ = ["Speaker", "SpeechError", "SpokenNote"]
