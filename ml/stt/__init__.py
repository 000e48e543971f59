"""Speech to text, offline: voice messages in any common format to (text, language, confidence).

``Transcriber(settings.speech, cache_dir).transcribe(audio, lang_hint)`` returns a
:class:`Transcript` or raises a :class:`TranscriptionError` whose message is the short answer for
the user. Run it in a worker thread: it takes about a tenth of the audio's length.
"""

from ml.stt.errors import NoSpeech, OtherLanguage, TooLarge, TooLong, TranscriptionError, Unreadable
from ml.stt.transcriber import Transcriber, Transcript

__all__ = [
    "NoSpeech",
    "OtherLanguage",
    "TooLarge",
    "TooLong",
    "Transcriber",
    "Transcript",
    "TranscriptionError",
    "Unreadable",
]
