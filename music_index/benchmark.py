"""Annoy at library scale: build time, size, query latency and recall@10 vs exact search.

Vectors are synthetic but shaped like the real ones: :data:`FEATURE_DIM` standardised
dimensions drawn from a mixture of 7 x 8 Gaussian clusters whose within-cluster covariance
has a decaying spectrum (variance of component i proportional to 1/i), like correlated
MFCC/spectral statistics. Queries are by item, as ``similar`` asks, excluding the item itself.
"""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from config.settings import MusicSettings
from music_index.features import FEATURE_DIM
from music_index.index_files import METRIC
from music_index.search_k import effective_search_k

N_TREES = (10, 20, 40)
SEARCH_K = (-1, 1000, 3000, 5000, 10000)
K = 10


@dataclass(frozen=True)
class Row:
    """One measured setting."""

    n: int
    n_trees: int
    search_k: int
    build_s: float
    index_mb: float
    p50_ms: float
    p99_ms: float
    recall_at_10: float
    default: bool


def synthetic_vectors(n: int, dim: int = FEATURE_DIM, seed: int = 0) -> npt.NDArray[np.float32]:
    """``n`` standardised feature-like vectors (see the module docstring)."""
    rng = np.random.default_rng(seed)
    n_clusters = 56
    centres = rng.standard_normal((n_clusters, dim)) * 1.2
    spectrum = 1.0 / np.sqrt(np.arange(1, dim + 1))
    bases = [np.linalg.qr(rng.standard_normal((dim, dim)))[0] for _ in range(8)]
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        which = rng.integers(0, n_clusters, m)
        z = rng.standard_normal((m, dim)) * spectrum
        for b, basis in enumerate(bases):
            rows = which % 8 == b
            z[rows] = z[rows] @ basis.T
        out[start : start + m] = centres[which] + z
    out -= out.mean(axis=0)
    out /= out.std(axis=0)
    return out


def exact_neighbours(x: npt.NDArray[np.float32], queries: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    """Exact top-:data:`K` euclidean neighbours of each query item, excluding itself."""
    sq = (x.astype(np.float32) ** 2).sum(axis=1)
    out = np.empty((len(queries), K), dtype=np.intp)
    step = max(1, 20_000_000 // len(x))
    for s in range(0, len(queries), step):
        q = queries[s : s + step]
        d = sq[None, :] - 2.0 * (x[q] @ x.T)
        d[np.arange(len(q)), q] = np.inf
        top = np.argpartition(d, K, axis=1)[:, :K]
        order = np.take_along_axis(d, top, axis=1).argsort(axis=1)
        out[s : s + step] = np.take_along_axis(top, order, axis=1)
    return out


def measure(n: int, n_queries: int, defaults: MusicSettings, workdir: Path) -> list[Row]:
    """All settings of :data:`N_TREES` x :data:`SEARCH_K` for ``n`` vectors."""
    from annoy import AnnoyIndex

    x = synthetic_vectors(n)
    rng = np.random.default_rng(1)
    queries = rng.choice(n, min(n_queries, n), replace=False)
    truth = exact_neighbours(x, queries)
    rows: list[Row] = []
    for n_trees in N_TREES:
        path = workdir / f"bench-{n}-{n_trees}.ann"
        t0 = time.perf_counter()
        ann = AnnoyIndex(x.shape[1], METRIC)
        ann.on_disk_build(str(path))
        for i, v in enumerate(x):
            ann.add_item(i, v.tolist())
        ann.build(n_trees, n_jobs=1)
        build_s = time.perf_counter() - t0
        ann.unload()
        ann = AnnoyIndex(x.shape[1], METRIC)
        ann.load(str(path))
        auto = effective_search_k(defaults.search_k, n)
        for search_k in sorted(set(SEARCH_K) | {auto}):
            times = np.empty(len(queries))
            hits = 0
            for j, q in enumerate(queries):
                t = time.perf_counter()
                got = ann.get_nns_by_item(int(q), K + 1, search_k)
                times[j] = time.perf_counter() - t
                hits += len(set(got) & set(truth[j].tolist()))
            rows.append(
                Row(
                    n=n,
                    n_trees=n_trees,
                    search_k=search_k,
                    build_s=round(build_s, 2),
                    index_mb=round(path.stat().st_size / 2**20, 1),
                    p50_ms=round(float(np.percentile(times, 50)) * 1e3, 3),
                    p99_ms=round(float(np.percentile(times, 99)) * 1e3, 3),
                    recall_at_10=round(hits / (K * len(queries)), 4),
                    default=(n_trees, search_k) == (defaults.n_trees, auto),
                )
            )
        ann.unload()
        path.unlink()
    return rows


def main(sizes: list[int], n_queries: int, as_json: bool) -> list[Row]:
    """Run and print the benchmark (one table, or JSON lines)."""
    defaults = MusicSettings()
    all_rows: list[Row] = []
    if not as_json:
        print(
            f"{'n':>9} {'n_trees':>7} {'search_k':>8} {'build_s':>8} {'index_mb':>8} "
            f"{'p50_ms':>7} {'p99_ms':>7} {'recall@10':>9}  default",
            flush=True,
        )
    with tempfile.TemporaryDirectory(prefix="happytalk-bench-") as tmp:
        for n in sizes:
            for row in measure(n, n_queries, defaults, Path(tmp)):
                all_rows.append(row)
                if as_json:
                    print(json.dumps(asdict(row)), flush=True)
                else:
                    print(
                        f"{row.n:>9} {row.n_trees:>7} {row.search_k:>8} {row.build_s:>8.2f} "
                        f"{row.index_mb:>8.1f} {row.p50_ms:>7.3f} {row.p99_ms:>7.3f} "
                        f"{row.recall_at_10:>9.4f}  {'*' if row.default else ''}",
                        flush=True,
                    )
    return all_rows
