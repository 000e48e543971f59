"""On-disk layout of the index and its atomic swap.

``<data_dir>/index/CURRENT`` names the generation folder in use
(``<data_dir>/index/gen-<ns>/`` with ``vectors.ann``, ``catalog.sqlite3``, ``labels.npz``
and ``meta.json``). A build fills a new generation folder, fsyncs it, then replaces
``CURRENT`` with ``os.replace``: a crash at any moment leaves the old generation serving.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

METRIC: Literal["euclidean"] = "euclidean"
"""Annoy's distance over the feature vectors, written into and checked against ``meta.json``."""
VECTORS = "vectors.ann"
CATALOG = "catalog.sqlite3"
LABELS = "labels.npz"
META = "meta.json"
_POINTER = "CURRENT"


def index_dir(data_dir: Path) -> Path:
    """``<data_dir>/index``."""
    return data_dir / "index"


def current_generation(data_dir: Path) -> Path | None:
    """The generation folder ``CURRENT`` names, if it exists and is complete."""
    try:
        name = (index_dir(data_dir) / _POINTER).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    gen = index_dir(data_dir) / name
    complete = all((gen / f).is_file() for f in (VECTORS, CATALOG, LABELS, META))
    return gen if name and complete else None


def new_generation(data_dir: Path) -> Path:
    """A fresh, empty generation folder to build into."""
    gen = index_dir(data_dir) / f"gen-{time.time_ns()}-{os.getpid()}"
    gen.mkdir(parents=True)
    return gen


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(data_dir: Path, gen: Path) -> None:
    """Make ``gen`` the current generation atomically, then drop all but the previous one."""
    for f in gen.iterdir():
        _fsync(f)
    _fsync(gen)
    root = index_dir(data_dir)
    previous = current_generation(data_dir)
    tmp = root / f"{_POINTER}.{os.getpid()}.tmp"
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(gen.name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(root / _POINTER)
    _fsync(root)
    keep = {gen.name} | ({previous.name} if previous else set())
    for old in root.glob("gen-*"):
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


def discard(gen: Path) -> None:
    """Remove an unpublished generation folder."""
    shutil.rmtree(gen, ignore_errors=True)


@contextlib.contextmanager
def build_lock(data_dir: Path) -> Iterator[None]:
    """Exclusive lock so two builds of the same data directory do not interleave."""
    root = index_dir(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".build.lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
