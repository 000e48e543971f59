"""How Whisper decodes: the settings the bot uses and the alternatives ``happytalk bench stt-decoding``
measures against them (``MODEL_CARD.md`` has the figures the choice rests on)."""

from __future__ import annotations

from dataclasses import dataclass

FALLBACK = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)  # Whisper's temperature fallback schedule
PAD_S = 0.4  # silence added at both ends: faster-whisper's VAD keeps this much around speech too


@dataclass(frozen=True, slots=True)
class Decoding:
    """Arguments of ``WhisperModel.transcribe`` that change what is heard and how long it takes."""

    name: str
    beam_size: int = 1
    temperatures: tuple[float, ...] = (0.0,)  # more than one: re-decode hotter when a pass looks bad
    vad_filter: bool = True
    condition_on_previous_text: bool = False
    without_timestamps: bool = True
    pad_s: float = 0.0  # silence added before and after the audio (speech that starts at once loses
    # its first word: "I had" -> "I have")

    def kwargs(self) -> dict[str, object]:
        temperature: float | list[float] = (
            self.temperatures[0] if len(self.temperatures) == 1 else list(self.temperatures)
        )
        return {
            "beam_size": self.beam_size,
            "temperature": temperature,
            "vad_filter": self.vad_filter,
            "condition_on_previous_text": self.condition_on_previous_text,
            "without_timestamps": self.without_timestamps,
        }


GREEDY = Decoding("greedy")
BEAM5_PADDED = Decoding("beam 5, padded", beam_size=5, pad_s=PAD_S)
CANDIDATES = (
    GREEDY,
    Decoding("beam 5", beam_size=5),
    Decoding("greedy, padded", pad_s=PAD_S),
    BEAM5_PADDED,
    Decoding("beam 5 + fallback", beam_size=5, temperatures=FALLBACK),
    Decoding("greedy, no VAD", vad_filter=False),
    Decoding("greedy, timestamps", without_timestamps=False),
    Decoding(  # faster-whisper's own defaults
        "library defaults",
        beam_size=5,
        temperatures=FALLBACK,
        vad_filter=False,
        condition_on_previous_text=True,
        without_timestamps=False,
    ),
)
DEPLOYED = {"english": BEAM5_PADDED, "multilingual": GREEDY}
"""What the bot uses per model. tiny.en's was chosen on the dev half of the English sentences
(``happytalk bench stt-decoding``, ``MODEL_CARD.md``); base keeps greedy decoding, the setting its
Korean figures and speed were measured with."""
