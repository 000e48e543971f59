"""Build the index from a catalog: features, emotion inference, Annoy, SQLite, atomic swap."""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from config import EMOTIONS
from config.settings import MusicSettings
from music_index import index_files
from music_index.catalog import Entry, Problem, read_catalog
from music_index.emotion_inference import infer_emotions
from music_index.index_files import METRIC
from music_index.numba_cache import use_numba_cache

_SCHEMA = """
CREATE TABLE tracks (
    item INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    rel_path TEXT NOT NULL,
    path TEXT NOT NULL,
    title TEXT NOT NULL,
    artist TEXT NOT NULL,
    emotion TEXT NOT NULL,
    emotion_inferred INTEGER NOT NULL,
    url TEXT
)
"""


class BuildError(Exception):
    """Nothing could be indexed; the previous index (if any) keeps serving."""


@dataclass
class BuildReport:
    """What a build did: counts, skipped files with reasons, timings."""

    catalog: Path
    indexed: int = 0
    inferred: list[str] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    cached: int = 0
    extracted: int = 0
    decode_s: float = 0.0
    features_s: float = 0.0
    extract_wall_s: float = 0.0
    total_s: float = 0.0
    generation: str = ""

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "catalog": str(self.catalog),
            "indexed": self.indexed,
            "inferred": self.inferred,
            "skipped": [{"where": p.where, "reason": p.reason} for p in self.skipped],
            "cached": self.cached,
            "extracted": self.extracted,
            "decode_s": round(self.decode_s, 3),
            "features_s": round(self.features_s, 3),
            "extract_wall_s": round(self.extract_wall_s, 3),
            "total_s": round(self.total_s, 3),
            "generation": self.generation,
        }


def build_index(
    catalog_path: Path, data_dir: Path, settings: MusicSettings, *, progress: bool = True
) -> BuildReport:
    """Index every readable track of ``catalog_path`` into ``<data_dir>/index``.

    Unreadable, corrupt, silent or too-short files are skipped and listed in the report.
    Raises :class:`music_index.catalog.CatalogError` for an unreadable catalog and
    :class:`BuildError` when no track at all could be indexed.
    """
    use_numba_cache(data_dir)
    from music_index.extraction import extract_all
    from music_index.feature_cache import FeatureCache

    start = time.perf_counter()
    catalog = read_catalog(catalog_path)
    report = BuildReport(catalog=catalog_path.resolve(), skipped=list(catalog.problems))
    cache = FeatureCache(data_dir / "feature_cache.sqlite3", settings.clip_seconds)
    try:
        got = extract_all(
            [e.path for e in catalog.entries],
            cache,
            settings.clip_seconds,
            settings.workers,
            progress=progress,
        )
    finally:
        cache.close()
    report.cached, report.extracted = got.cached, got.extracted
    report.decode_s, report.features_s, report.extract_wall_s = (got.decode_s, got.features_s, got.wall_s)
    kept: list[Entry] = []
    for entry in catalog.entries:
        if entry.path in got.vectors:
            kept.append(entry)
        else:
            reason = got.failures.get(entry.path, "not processed")
            report.skipped.append(Problem(entry.rel_path, reason))
    if not kept:
        raise BuildError(f"no track of {catalog_path} could be indexed; the old index is kept")
    raw = np.stack([got.vectors[e.path] for e in kept]).astype(np.float64)
    mean, std = raw.mean(axis=0), raw.std(axis=0)
    vectors = ((raw - mean) / np.where(std > 1e-9, std, 1.0)).astype(np.float32)
    emotions = [e.emotion for e in kept]
    tagged = [i for i, em in enumerate(emotions) if em is not None]
    untagged = [i for i, em in enumerate(emotions) if em is None]
    guesses = infer_emotions(vectors[tagged], [str(emotions[i]) for i in tagged], vectors[untagged])
    for i, guess in zip(untagged, guesses, strict=True):
        emotions[i] = guess
        report.inferred.append(kept[i].id)
    with index_files.build_lock(data_dir):
        gen = index_files.new_generation(data_dir)
        try:
            _write_generation(
                gen, kept, [str(e) for e in emotions], set(untagged), vectors, settings, catalog_path
            )
            index_files.publish(data_dir, gen)
        except BaseException:
            index_files.discard(gen)
            raise
    report.indexed = len(kept)
    report.generation = gen.name
    report.total_s = time.perf_counter() - start
    return report


def _write_generation(
    gen: Path,
    entries: list[Entry],
    emotions: list[str],
    inferred: set[int],
    vectors: np.ndarray,
    settings: MusicSettings,
    catalog_path: Path,
) -> None:
    from annoy import AnnoyIndex

    dim = int(vectors.shape[1])
    ann = AnnoyIndex(dim, METRIC)
    ann.on_disk_build(str(gen / index_files.VECTORS))
    for i, v in enumerate(vectors):
        ann.add_item(i, v.tolist())
    ann.build(settings.n_trees, n_jobs=settings.workers)
    ann.unload()
    db = sqlite3.connect(str(gen / index_files.CATALOG))
    with db:
        db.execute(_SCHEMA)
        db.executemany(
            "INSERT INTO tracks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (i, e.id, e.rel_path, str(e.path), e.title, e.artist, emotions[i], int(i in inferred), e.url)
                for i, e in enumerate(entries)
            ),
        )
    db.close()
    artists = sorted({e.artist.casefold() for e in entries})
    artist_code = {a: n for n, a in enumerate(artists)}
    np.savez(
        gen / index_files.LABELS,
        emotion=np.array([EMOTIONS.index(em) for em in emotions], dtype=np.int8),
        artist=np.array([artist_code[e.artist.casefold()] for e in entries], dtype=np.int32),
    )
    meta = {
        "catalog": str(catalog_path.resolve()),
        "tracks": len(entries),
        "dim": dim,
        "metric": METRIC,
        "n_trees": settings.n_trees,
        "clip_seconds": settings.clip_seconds,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "inferred": len(inferred),
    }
    (gen / index_files.META).write_text(json.dumps(meta, indent=1), encoding="utf-8")
