"""Shared fixtures: one demo library built once per session, small catalogs of real audio."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from config.settings import MusicSettings
from music_index import MusicLibrary, ensure_demo_library
from music_index.demo_synth import SAMPLE_RATE, render

# librosa's numba functions take ~15 s CPU to compile; keep them between test sessions.
os.environ.setdefault("NUMBA_CACHE_DIR", str(Path(tempfile.gettempdir()) / "happytalk-test-numba"))

CatalogMaker = Callable[[Path, list[tuple[str, str, str]]], Path]


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("demo-data")
    ensure_demo_library(data_dir, MusicSettings(workers=2))
    return data_dir


@pytest.fixture(scope="session")
def demo_library(demo_dir: Path) -> MusicLibrary:
    return MusicLibrary.open(demo_dir, MusicSettings())


@pytest.fixture
def small_settings() -> MusicSettings:
    return MusicSettings(workers=1, n_trees=5)


def write_track(path: Path, emotion: str, seed: int, seconds: float = 3.0) -> None:
    """A real OGG file in ``emotion``'s demo style."""
    path.parent.mkdir(parents=True, exist_ok=True)
    audio = render(emotion, seconds, np.random.default_rng(seed))
    sf.write(str(path), audio, SAMPLE_RATE, format="OGG", subtype="VORBIS")


def write_catalog(root: Path, rows: list[dict[str, str]]) -> Path:
    """``root/catalog.csv`` with ``rows`` (columns path,title,artist,emotion)."""
    root.mkdir(parents=True, exist_ok=True)
    catalog = root / "catalog.csv"
    with catalog.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["path", "title", "artist", "emotion"])
        writer.writeheader()
        writer.writerows(rows)
    return catalog
