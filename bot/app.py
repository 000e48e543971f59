"""App assembly: settings → store, models, music library → one :class:`DialogueCore`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from bot.components import Components
from bot.core import DialogueCore
from bot.store import Store, StoreError
from config import Settings
from ml.compose import ModelLoadError as ComposerLoadError
from ml.compose import load_composer
from ml.dialogue.encoder import RankerLoadError
from ml.dialogue.engine import DialogueEngine
from ml.emotion import EmotionClassifier
from ml.emotion import ModelLoadError as EmotionLoadError
from ml.generate import ModelLoadError as GeneratorLoadError
from ml.generate import ReplyGenerator, load_generator
from ml.generate.processes import GeneratorProcesses, release_free_memory
from ml.speech import Speaker
from ml.stt import Transcriber
from music_index import LibraryNotReady, MusicLibrary, ensure_demo_library

log = logging.getLogger(__name__)


class StartupError(Exception):
    """The bot cannot start; the message says what is wrong and what to do."""


def open_library(settings: Settings) -> MusicLibrary:
    """The music index in the data directory, building the demo library on first use."""
    if settings.music.catalog is None:
        ensure_demo_library(settings.data_dir, settings.music)
    return MusicLibrary.open(settings.data_dir, settings.music)


def _stop_started_processes(generator: Future[ReplyGenerator]) -> None:
    """Start-up failed elsewhere: stop the generator's worker processes if they started."""
    if generator.done() and generator.exception() is None:
        started = generator.result()
        if isinstance(started, GeneratorProcesses):
            started.close()


def load_reply_generator(settings: Settings) -> ReplyGenerator:
    """The generator in this process (``limits.generator_processes`` 0, the default: it only answers
    when no retrieved reply fits), or in that many worker processes."""
    processes = settings.limits.generator_processes
    return (
        load_generator(settings.generator)
        if processes == 0
        else GeneratorProcesses(settings.generator, processes)
    )


def build_core(settings: Settings, progress: Callable[[str], None] = log.info) -> DialogueCore:
    """Load everything (in parallel where it helps) and return the core."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    progress("loading models and the music library…")
    pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="load")
    generator = pool.submit(load_reply_generator, settings)
    try:
        classifier = pool.submit(EmotionClassifier.load, settings.emotion.model_path)
        dialogue = pool.submit(DialogueEngine.load, settings.dialogue, settings.data_dir / "dialogue")
        library = pool.submit(open_library, settings)
        composer = pool.submit(load_composer)
        store = Store(settings.sqlalchemy_url)
        components = Components(
            classifier=classifier.result(),
            dialogue=dialogue.result(),
            generator=generator.result(),
            library=library.result(),
            speaker=Speaker(settings.speech, settings.data_dir / "tts_cache"),
            composer=composer.result(),
            transcriber=Transcriber(settings.speech, settings.data_dir / "stt"),
        )
    except (
        StoreError,
        EmotionLoadError,
        RankerLoadError,
        GeneratorLoadError,
        ComposerLoadError,
        LibraryNotReady,
    ) as exc:
        pool.shutdown(wait=True)
        _stop_started_processes(generator)
        raise StartupError(f"happytalk cannot start: {exc}") from None
    finally:
        pool.shutdown(wait=True)
    core = DialogueCore(settings, store, components)
    progress("warming up the models…")
    core.warm_up()
    release_free_memory()  # what loading and building the library freed
    return core
