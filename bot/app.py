"""App assembly: settings → store, models, music library → one :class:`DialogueCore`."""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import ParamSpec, TypeVar

from bot.components import Components
from bot.core import DialogueCore
from bot.store import Store, StoreError
from bot.telemetry import MODEL_LOAD
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
P = ParamSpec("P")
T = TypeVar("T")


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


def check_data_dir(data_dir: Path) -> None:
    """Create the data directory and make sure files can be written in it, else :class:`StartupError`."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=data_dir, prefix=".write-check-"):
            pass
    except OSError as exc:
        raise StartupError(
            f"happytalk cannot start: cannot write in the data directory {data_dir} "
            f"({exc.strerror or type(exc).__name__}); set HAPPYTALK_DATA_DIR to a folder you can write to"
        ) from None


def timed_load(name: str, load: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``load(*args, **kwargs)``, its duration recorded as ``happytalk_model_load_seconds{model=name}``."""
    start = time.perf_counter()
    loaded = load(*args, **kwargs)
    MODEL_LOAD.labels(name).set(time.perf_counter() - start)
    return loaded


def build_core(settings: Settings, progress: Callable[[str], None] = log.info) -> DialogueCore:
    """Load everything (in parallel where it helps) and return the core."""
    check_data_dir(settings.data_dir)
    try:  # first: an unreachable database is reported at once, not after loading every model
        store = Store(settings.sqlalchemy_url)
    except StoreError as exc:
        raise StartupError(f"happytalk cannot start: {exc}") from None
    progress("loading models and the music library…")
    pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="load")
    generator = pool.submit(timed_load, "generator", load_reply_generator, settings)
    try:
        classifier = pool.submit(timed_load, "emotion", EmotionClassifier.load, settings.emotion.model_path)
        dialogue = pool.submit(
            timed_load, "dialogue", DialogueEngine.load, settings.dialogue, settings.data_dir / "dialogue"
        )
        library = pool.submit(timed_load, "music_index", open_library, settings)
        composer = pool.submit(timed_load, "composer", load_composer)
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
        EmotionLoadError,
        RankerLoadError,
        GeneratorLoadError,
        ComposerLoadError,
        LibraryNotReady,
    ) as exc:
        pool.shutdown(wait=True)
        _stop_started_processes(generator)
        store.close()
        raise StartupError(f"happytalk cannot start: {exc}") from None
    finally:
        pool.shutdown(wait=True)
    core = DialogueCore(settings, store, components)
    progress("warming up the models…")
    core.warm_up()
    release_free_memory()  # what loading and building the library freed
    return core
