"""The models and the music library the core works with, loaded once per process."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from bot.chart_worker import ChartWorker
from ml.dialogue.engine import DialogueEngine
from ml.emotion import EmotionClassifier
from ml.generate import ReplyGenerator
from ml.generate.processes import GeneratorProcesses
from ml.speech import Speaker
from ml.stt import Transcriber
from music_index import MusicLibrary


class Piece(Protocol):
    """A composed melody, rendered."""

    @property
    def ogg(self) -> bytes: ...
    @property
    def duration_s(self) -> float: ...
    @property
    def title(self) -> str: ...
    @property
    def notes_text(self) -> str: ...
    @property
    def emotion(self) -> str: ...


class Composer(Protocol):
    def compose(self, emotion: str) -> Piece: ...


@dataclass
class Components:
    classifier: EmotionClassifier
    dialogue: DialogueEngine
    generator: ReplyGenerator
    library: MusicLibrary
    speaker: Speaker | None = None
    composer: Composer | None = None
    transcriber: Transcriber | None = None  # loads its models on the first voice message
    charts: ChartWorker = field(default_factory=ChartWorker)

    def close(self) -> None:
        """Stop the worker processes: the generator's, if it has any, and the chart drawer's."""
        if isinstance(self.generator, GeneratorProcesses):
            self.generator.close()
        self.charts.close()

    def rebuild_library(self) -> bool:
        """Pick up a rebuilt index (``happytalk index build`` swaps it in atomically)."""
        return self.library.reload_if_changed()
