"""What a speech engine is: text and a language in, mono samples and their rate out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt


class EngineError(Exception):
    """One engine could not speak this text now (unreachable, rate-limited, broken)."""


class EngineCoolingDown(EngineError):
    """The engine failed recently and is skipped until its cool-down ends."""


@dataclass(frozen=True)
class Synthesis:
    """Raw speech: mono float32 samples in [-1, 1] at ``rate`` Hz."""

    samples: npt.NDArray[np.float32]
    rate: int


class Engine(Protocol):
    """A text-to-speech engine; implementations are thread-safe."""

    name: str

    def supports(self, lang: str) -> bool:
        """True when the engine has a voice for ``lang``."""
        ...

    def synthesize(self, text: str, lang: str) -> Synthesis:
        """Speak ``text`` in ``lang``; raises :class:`EngineError` on failure."""
        ...
