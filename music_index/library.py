"""``MusicLibrary``: recommendations by emotion and by similarity over the current index."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from config import EMOTIONS
from config.settings import MusicSettings
from music_index import index_files
from music_index.generation import Generation
from music_index.ranking import (
    ADJECTIVE,
    DUPLICATE_DISTANCE,
    MOOD,
    PULL,
    PUSH,
    affinity,
    closeness,
    nearest,
    pick_diverse,
)
from music_index.search_k import effective_search_k
from music_index.track import LibraryNotReady, Suggestion, Track

POOL = 256
LIKED_NEIGHBOURS = 40
MAX_ANCHORS = 50
CLOSE = 0.75  # a candidate this much closer than the median to a liked track says so


def _not_ready(data_dir: Path) -> LibraryNotReady:
    return LibraryNotReady(
        f"no music index in {index_files.index_dir(data_dir)}: run `happytalk index demo` "
        "for the demo library or `happytalk index build CATALOG` for your own music"
    )


class MusicLibrary:
    """The indexed library; all methods are synchronous and thread-safe."""

    def __init__(self, data_dir: Path, settings: MusicSettings, generation: Generation) -> None:
        self._data_dir = data_dir
        self._settings = settings
        self._gen = generation
        self._lock = threading.Lock()

    @classmethod
    def open(cls, data_dir: Path, settings: MusicSettings) -> MusicLibrary:
        """Open ``<data_dir>/index``; raises :class:`LibraryNotReady` when there is none."""
        folder = index_files.current_generation(data_dir)
        if folder is None:
            raise _not_ready(data_dir)
        try:
            gen = Generation(folder)
        except (OSError, ValueError, KeyError) as exc:
            raise LibraryNotReady(f"{_not_ready(data_dir)} (the index is unreadable: {exc})") from None
        return cls(data_dir, settings, gen)

    def reload_if_changed(self) -> bool:
        """Switch to a newer published generation; ``True`` if one was picked up."""
        folder = index_files.current_generation(self._data_dir)
        with self._lock:
            if folder is None or folder == self._gen.folder:
                return False
            try:
                self._gen = Generation(folder)
            except (OSError, ValueError, KeyError):
                return False
            return True

    def _search_k(self, gen: Generation) -> int:
        return effective_search_k(self._settings.search_k, gen.size)

    def _current(self) -> Generation:
        with self._lock:
            return self._gen

    @property
    def size(self) -> int:
        """Tracks in the index being served."""
        return self._current().size

    def get(self, track_id: str) -> Track | None:
        """The track with ``track_id``, or ``None``."""
        gen = self._current()
        item = gen.items_of([track_id]).get(track_id)
        return None if item is None else gen.tracks([item]).get(item)

    def recommend(
        self,
        emotion: str,
        k: int = 5,
        *,
        liked: Sequence[str] = (),
        disliked: Sequence[str] = (),
        exclude: Sequence[str] = (),
        seed: int | None = None,
    ) -> list[Suggestion]:
        """Up to ``k`` varied tracks tagged ``emotion``, nudged by the user's likes/dislikes.

        Raises ``ValueError`` for an emotion outside the seven labels.
        """
        if emotion not in EMOTIONS:
            raise ValueError(f"unknown emotion {emotion!r}; use one of {', '.join(EMOTIONS)}")
        gen = self._current()
        if k <= 0:
            return []
        rng = np.random.default_rng(seed)
        liked_items = list(gen.items_of(liked[-MAX_ANCHORS:]).values())
        disliked_items = list(gen.items_of(disliked[-MAX_ANCHORS:]).values())
        banned = set(gen.items_of(exclude).values()) | set(liked_items) | set(disliked_items)
        pool = gen.items_with_emotion(emotion)
        if len(pool) > POOL:
            pool = rng.choice(pool, POOL, replace=False)
        candidates = set(int(i) for i in pool)
        code = EMOTIONS.index(emotion)
        for item in liked_items:
            near = gen.ann.get_nns_by_item(item, LIKED_NEIGHBOURS, self._search_k(gen))
            candidates.update(int(n) for n in near if gen.emotion[n] == code)
        items = np.array(sorted(candidates - banned), dtype=np.intp)
        if items.size == 0:
            return []
        score = rng.random(items.size)
        pulled_by: dict[int, int] = {}
        if liked_items or disliked_items:
            vecs = gen.vectors(items)
            d_like, which = nearest(vecs, gen.vectors(liked_items))
            d_dis, _ = nearest(vecs, gen.vectors(disliked_items))
            score = score + PULL * closeness(d_like) - PUSH * closeness(d_dis)
            if liked_items:
                for near_pos in np.flatnonzero(d_like <= CLOSE * np.median(d_like)):
                    pulled_by[int(near_pos)] = liked_items[int(which[near_pos])]
        order = [int(p) for p in np.argsort(-score)]
        chosen = pick_diverse(order, [int(a) for a in gen.artist[items]], k)
        tracks = gen.tracks([int(items[p]) for p in chosen] + list(pulled_by.values()))
        out = []
        for pos in chosen:
            track = tracks[int(items[pos])]
            if pos in pulled_by:
                reason = f"{ADJECTIVE[emotion]} like {tracks[pulled_by[pos]].title}, which you liked"
            else:
                reason = f"matches your {MOOD[emotion]}"
            out.append(Suggestion(track, reason))
        return out

    def similar(
        self,
        track_id: str,
        k: int = 5,
        *,
        liked: Sequence[str] = (),
        disliked: Sequence[str] = (),
        exclude: Sequence[str] = (),
    ) -> list[Suggestion]:
        """The ``k`` nearest neighbours of ``track_id`` (never itself or exact duplicates).

        Raises ``KeyError`` for an unknown id.
        """
        gen = self._current()
        item = gen.items_of([track_id]).get(track_id)
        if item is None:
            raise KeyError(track_id)
        if k <= 0:
            return []
        liked_items = list(gen.items_of(liked[-MAX_ANCHORS:]).values())
        disliked_items = list(gen.items_of(disliked[-MAX_ANCHORS:]).values())
        banned = set(gen.items_of(exclude).values()) | set(disliked_items) | {item}
        want = 3 * k + 10 + len(banned)
        while True:
            near, dist = gen.ann.get_nns_by_item(item, want, self._search_k(gen), include_distances=True)
            if len(near) < want or len(near) >= gen.size:
                break
            kept = [n for n, d in zip(near, dist, strict=True) if n not in banned and d > DUPLICATE_DISTANCE]
            if len(kept) >= 2 * k:
                break
            want *= 4
        seed_track = gen.tracks([item])[item]
        cand = [
            (int(n), float(d))
            for n, d in zip(near, dist, strict=True)
            if n not in banned and d > DUPLICATE_DISTANCE
        ]
        cand_tracks = gen.tracks(n for n, _ in cand)
        seen_names = {(seed_track.title.casefold(), seed_track.artist.casefold())}
        unique: list[tuple[int, float]] = []
        for n, d in cand:
            name = (cand_tracks[n].title.casefold(), cand_tracks[n].artist.casefold())
            if name not in seen_names:
                seen_names.add(name)
                unique.append((n, d))
        if not unique:
            return []
        items = np.array([n for n, _ in unique], dtype=np.intp)
        dist_arr = np.array([d for _, d in unique])
        scale = max(float(np.median(dist_arr)), 1e-6)
        score = dist_arr / scale
        pulled_by: dict[int, int] = {}
        if liked_items or disliked_items:
            vecs = gen.vectors(items)
            d_like, which = nearest(vecs, gen.vectors(liked_items))
            d_dis, _ = nearest(vecs, gen.vectors(disliked_items))
            pull, push = affinity(d_like, d_dis, scale / 2.0)
            score = score - PULL * pull + PUSH * push
            if liked_items:
                for near_pos in np.flatnonzero(d_like <= CLOSE * np.median(d_like)):
                    pulled_by[int(near_pos)] = liked_items[int(which[near_pos])]
        order = [int(p) for p in np.argsort(score, kind="stable")][:k]
        liked_tracks = gen.tracks(pulled_by.values())
        out = []
        for pos in order:
            track = cand_tracks[int(items[pos])]
            reason = f"{ADJECTIVE.get(track.emotion, 'close')} like {seed_track.title}"
            if pos in pulled_by:
                reason += f" and {liked_tracks[pulled_by[pos]].title}, which you liked"
            out.append(Suggestion(track, reason))
        return out

    def stats(self) -> dict[str, object]:
        """Counts by emotion, inferred tags, artists, index parameters and size."""
        gen = self._current()
        counts = np.bincount(gen.emotion.astype(np.intp), minlength=len(EMOTIONS))
        return {
            "tracks": gen.size,
            "by_emotion": {e: int(c) for e, c in zip(EMOTIONS, counts, strict=True)},
            "inferred": gen.inferred_count(),
            "artists": int(np.unique(gen.artist).size),
            "dim": gen.meta["dim"],
            "n_trees": gen.meta["n_trees"],
            "search_k": self._search_k(gen),
            "clip_seconds": gen.meta["clip_seconds"],
            "catalog": gen.meta["catalog"],
            "built_at": gen.meta["built_at"],
            "generation": gen.folder.name,
            "index_mb": round(gen.disk_bytes() / 2**20, 3),
        }
