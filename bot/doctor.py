"""``happytalk doctor``: what a deployment needs, checked one row at a time (it changes nothing but
creating the data directory).

Each check is ``ok``, ``warn`` (works, but something is missing or will happen at start) or
``fail`` (the bot cannot serve like this); the command exits non-zero on any ``fail``.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from config import Settings, SettingsError, load_settings

Status = Literal["ok", "warn", "fail"]
MIN_FREE_MB = 200  # below this the data directory fails; below WARN_FREE_MB it warns
WARN_FREE_MB = 1024


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def check_settings() -> tuple[Check, Settings | None]:
    try:
        return Check("settings", "ok", "valid"), load_settings()
    except SettingsError as exc:
        return Check("settings", "fail", " ".join(str(exc).split())), None


def check_adapters(settings: Settings) -> Check:
    on = [
        name
        for name, enabled in (
            ("telegram", settings.telegram.token is not None),
            ("discord", settings.discord.token is not None),
            ("web", settings.web.enabled),
        )
        if enabled
    ]
    if not on:
        return Check(
            "adapters", "ok", "console only (set HAPPYTALK_TELEGRAM_TOKEN or HAPPYTALK_DISCORD_TOKEN)"
        )
    port = settings.ops.port
    ops = f"; ops listener on {settings.ops.host}:{port}" if port is not None else ""
    return Check("adapters", "ok", ", ".join(on) + ops)


def check_data_dir(settings: Settings) -> Check:
    from bot.app import StartupError
    from bot.app import check_data_dir as writable

    try:
        writable(settings.data_dir)
    except StartupError as exc:
        return Check("data directory", "fail", str(exc).removeprefix("happytalk cannot start: "))
    free_mb = shutil.disk_usage(settings.data_dir).free // 2**20
    where = f"{settings.data_dir}: writable, {free_mb:,} MB free"
    if free_mb < MIN_FREE_MB:
        return Check("data directory", "fail", f"{where} (needs {MIN_FREE_MB} MB)")
    return Check("data directory", "warn" if free_mb < WARN_FREE_MB else "ok", where)


def check_database(settings: Settings) -> Check:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.store import create_store_engine, schema_revisions

    engine = create_store_engine(settings.sqlalchemy_url)
    shown = engine.url.render_as_string(hide_password=True)
    try:
        current, head = schema_revisions(engine)
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        return Check("database", "fail", f"cannot reach {shown}: {first} (HAPPYTALK_DATABASE_URL)")
    finally:
        engine.dispose()
    if current == head:
        return Check("database", "ok", f"{shown}: reachable, migrated (revision {head})")
    found = f"revision {current}" if current else "not created yet"
    return Check("database", "warn", f"{shown}: reachable, {found}; the next start migrates it to {head}")


def check_index(settings: Settings) -> Check:
    from music_index import LibraryNotReady, MusicLibrary

    try:
        library = MusicLibrary.open(settings.data_dir, settings.music)
    except LibraryNotReady as exc:
        if settings.music.catalog is None:
            return Check("music index", "warn", "none yet: the first start builds the demo library")
        return Check("music index", "fail", str(exc))
    return Check("music index", "ok" if library.size else "fail", f"{library.size:,} tracks")


def _timed(name: str, load: Callable[[], object]) -> Check:
    start = time.perf_counter()
    try:
        load()
    except Exception as exc:  # any load error is this check's answer
        return Check(f"model: {name}", "fail", " ".join(str(exc).split())[:300] or type(exc).__name__)
    return Check(f"model: {name}", "ok", f"loaded in {time.perf_counter() - start:.1f} s")


def check_models(settings: Settings) -> list[Check]:
    from bot.app import load_reply_generator
    from ml.compose import load_composer
    from ml.dialogue.engine import DialogueEngine
    from ml.emotion import EmotionClassifier

    def generator() -> None:
        loaded = load_reply_generator(settings)
        close = getattr(loaded, "close", None)
        if callable(close):
            close()

    return [
        _timed("emotion", lambda: EmotionClassifier.load(settings.emotion.model_path)),
        _timed("replies", lambda: DialogueEngine.load(settings.dialogue, settings.data_dir / "dialogue")),
        _timed("generator", generator),
        _timed("composer", load_composer),
    ]


def check_libopus() -> Check:
    """Voice notes and melodies are encoded by the libopus that PyAV's wheel bundles."""
    try:
        import av

        av.codec.Codec("libopus", "w")
    except (ImportError, ValueError) as exc:  # av.codec.codec.UnknownCodecError is a ValueError
        return Check("libopus", "fail", f"PyAV has no libopus encoder: voice notes can't be made ({exc})")
    return Check("libopus", "ok", f"PyAV {av.__version__}'s libopus (voice notes)")


def check_espeak() -> Check:
    try:
        import espeakng_loader

        library, data = Path(espeakng_loader.get_library_path()), Path(espeakng_loader.get_data_path())
    except (ImportError, OSError) as exc:
        return Check("espeak-ng", "warn", f"the offline voice is unavailable ({exc})")
    if library.is_file() and data.is_dir():
        return Check("espeak-ng", "ok", f"offline voice at {library.name}")
    return Check("espeak-ng", "warn", "espeakng-loader has no library: the offline voice is unavailable")


def run_checks(progress: Callable[[str], None] = lambda _m: None) -> list[Check]:
    """Every check, in the order of the table."""
    first, settings = check_settings()
    if settings is None:
        return [first]
    checks = [first, check_adapters(settings), check_data_dir(settings)]
    progress("checking the database…")
    checks.append(check_database(settings))
    checks.append(check_index(settings))
    progress("loading the models…")
    checks += check_models(settings)
    checks += [check_libopus(), check_espeak()]
    return checks
