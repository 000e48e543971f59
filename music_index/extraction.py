"""Extract features for many files in worker processes, using and filling the cache."""

from __future__ import annotations

import contextlib
import multiprocessing
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from music_index.feature_cache import FeatureCache, file_key
from music_index.features import SAMPLE_RATE, FeatureError, FloatArray, extract, summarise


@dataclass
class ExtractionResult:
    """Vectors by path, failures by path, and timing figures."""

    vectors: dict[Path, FloatArray] = field(default_factory=dict)
    failures: dict[Path, str] = field(default_factory=dict)
    cached: int = 0
    extracted: int = 0
    decode_s: float = 0.0
    features_s: float = 0.0
    wall_s: float = 0.0


#: Fewer new files than this per worker are not worth starting worker processes for.
PER_WORKER_MIN = 32

_Outcome = tuple[str, FloatArray | None, str | None, float, float]


def _work(job: tuple[str, float]) -> _Outcome:
    path, clip = job
    try:
        got = extract(Path(path), clip)
    except FeatureError as exc:
        return path, None, str(exc), 0.0, 0.0
    except Exception as exc:  # a decoder bug on one file must not stop the build
        return path, None, f"unreadable: {type(exc).__name__}: {exc}", 0.0, 0.0
    return path, got.vector, None, got.decode_s, got.features_s


def _warm_up() -> None:
    """Compile (or load) librosa's numba functions once here, so the workers only load them
    from the on-disk cache instead of each compiling the same code in parallel."""
    noise = np.random.default_rng(0).standard_normal(2 * SAMPLE_RATE).astype(np.float32)
    summarise(0.1 * noise)


def _one_blas_thread() -> None:
    """Workers run one BLAS thread each: parallelism comes from processes, and competing
    BLAS threads made feature extraction 2.5x slower (see BENCHMARKS.md)."""
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    threadpool_limits(1)


@contextlib.contextmanager
def _outcomes(jobs: list[tuple[str, float]], n: int) -> Iterator[Iterator[_Outcome]]:
    """Run ``jobs`` in ``n`` spawned worker processes, or here when ``n`` is 1."""
    from threadpoolctl import threadpool_limits

    if n == 1:
        with threadpool_limits(1):
            yield map(_work, jobs)
        return
    chunk = max(1, min(16, len(jobs) // (n * 8)))
    with multiprocessing.get_context("spawn").Pool(n, initializer=_one_blas_thread) as pool:
        yield pool.imap_unordered(_work, jobs, chunksize=chunk)


def extract_all(
    paths: Sequence[Path],
    cache: FeatureCache,
    clip_seconds: float,
    workers: int,
    progress: bool = True,
) -> ExtractionResult:
    """Features for ``paths``; only files new or changed since the cache saw them are read."""
    from tqdm import tqdm

    result = ExtractionResult()
    start = time.perf_counter()
    todo: list[tuple[Path, tuple[int, int]]] = []
    for path in paths:
        key = file_key(path)
        if key is None:
            result.failures[path] = "missing: file not found or not readable"
            continue
        hit = cache.get(path, key)
        if hit is None:
            todo.append((path, key))
            continue
        result.cached += 1
        if isinstance(hit, str):
            result.failures[path] = hit
        else:
            result.vectors[path] = hit
    keys = dict(todo)
    jobs = [(str(p), clip_seconds) for p, _ in todo]
    if jobs:
        _warm_up()
        n = max(1, min(workers, len(jobs) // PER_WORKER_MIN))
        with (
            _outcomes(jobs, n) as outcomes,
            tqdm(total=len(jobs), desc="features", unit="track", disable=not progress) as bar,
        ):
            for done, (raw, vector, error, dec, feat) in enumerate(outcomes, start=1):
                path = Path(raw)
                outcome: FloatArray | str = vector if vector is not None else str(error)
                cache.put(path, keys[path], outcome)
                if isinstance(outcome, str):
                    result.failures[path] = outcome
                else:
                    result.vectors[path] = outcome
                result.extracted += 1
                result.decode_s += dec
                result.features_s += feat
                bar.update()
                if done % 500 == 0:
                    cache.commit()
        cache.commit()
    result.wall_s = time.perf_counter() - start
    return result
