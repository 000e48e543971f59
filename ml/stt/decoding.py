"""How Whisper decodes: the settings the bot uses and the alternatives ``happytalk bench stt-decoding``
measures against them (``MODEL_CARD.md`` has the figures the choice rests on)."""

from __future__ import annotations

from dataclasses import dataclass

FALLBACK = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)  # Whisper's temperature fallback schedule
PADS_S = (0.2, 0.4, 0.6, 1.0)  # silence added at both ends, tried (0.4 s: what faster-whisper's VAD
# keeps around speech)


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


def padded(beam_size: int, pad_s: float) -> Decoding:
    name = "greedy" if beam_size == 1 else f"beam {beam_size}"
    return Decoding(f"{name}, padded {pad_s:g} s", beam_size=beam_size, pad_s=pad_s)


GREEDY = Decoding("greedy")
CANDIDATES = (
    GREEDY,
    Decoding("beam 5", beam_size=5),
    padded(1, 0.4),
    padded(5, 0.4),
    *(padded(5, pad) for pad in PADS_S if pad != 0.4),
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
DEPLOYED = {"english": padded(5, 0.4), "multilingual": GREEDY}
"""What the bot uses per model. tiny.en's was chosen on the dev half of the English sentences
(``happytalk bench stt-decoding``, ``MODEL_CARD.md``); base keeps greedy decoding, the setting its
Korean figures and speed were measured with."""
