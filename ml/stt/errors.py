"""What can go wrong with a voice message, each with the short answer the user gets."""

from __future__ import annotations


class TranscriptionError(Exception):
    """A voice message could not be transcribed; ``str(exc)`` is the one-line answer for the user."""


class Unreadable(TranscriptionError):
    """Empty, corrupt or not audio at all."""

    def __init__(self) -> None:
        super().__init__(
            "I couldn't play that recording — please send a voice note or an audio file "
            "(OGG, MP3, M4A, WAV, WebM)."
        )


class TooLong(TranscriptionError):
    def __init__(self, max_seconds: float) -> None:
        super().__init__(f"Voice notes up to {_minutes(max_seconds)}, please.")


class TooLarge(TranscriptionError):
    def __init__(self, max_mb: float) -> None:
        super().__init__(f"That file is too big for me; voice notes up to {max_mb:g} MB, please.")


class NoSpeech(TranscriptionError):
    def __init__(self) -> None:
        super().__init__("I couldn't hear any words in that. Could you try again a little closer?")


class OtherLanguage(TranscriptionError):
    def __init__(self, lang: str) -> None:
        self.lang = lang
        super().__init__("I can listen in English and Korean only — could you say it in one of those?")


class ModelMissing(TranscriptionError):
    """The weights are not installed or do not match their checksums."""


def _minutes(seconds: float) -> str:
    if seconds % 60 == 0:
        n = int(seconds // 60)
        return f"{n} minute" + ("s" if n != 1 else "")
    return f"{seconds:g} seconds"
