from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from config import EMOTIONS
from config.settings import MusicSettings
from music_index import LibraryNotReady, MusicLibrary, ensure_demo_library
from music_index.demo import TRACKS_PER_EMOTION


def test_no_index_is_library_not_ready_naming_the_command(tmp_path: Path) -> None:
    with pytest.raises(LibraryNotReady, match="happytalk index demo"):
        MusicLibrary.open(tmp_path, MusicSettings())


def test_demo_library_covers_every_emotion_with_several_artists(demo_library: MusicLibrary) -> None:
    stats = demo_library.stats()
    assert stats["by_emotion"] == {e: TRACKS_PER_EMOTION for e in EMOTIONS}
    assert stats["tracks"] == 7 * TRACKS_PER_EMOTION
    assert stats["inferred"] == 0
    assert isinstance(stats["artists"], int) and stats["artists"] >= 7 * 4


def test_ensure_demo_library_is_idempotent(demo_dir: Path) -> None:
    before = demo_library_generation(demo_dir)
    ensure_demo_library(demo_dir, MusicSettings())
    assert demo_library_generation(demo_dir) == before


def demo_library_generation(data_dir: Path) -> str:
    return (data_dir / "index" / "CURRENT").read_text(encoding="utf-8")


def test_recommend_gives_five_varied_tracks_of_the_emotion(demo_library: MusicLibrary) -> None:
    picks = [demo_library.recommend("sadness", 5, seed=s) for s in range(6)]
    for got in picks:
        assert len(got) == 5
        assert {s.track.emotion for s in got} == {"sadness"}
        assert len({s.track.artist for s in got}) == 5
        assert all(s.reason == "matches your sadness" for s in got)
        assert all(s.track.path is not None and s.track.path.is_file() for s in got)
    assert len({tuple(s.track.id for s in got) for got in picks}) > 1
    same = [s.track.id for s in demo_library.recommend("joy", seed=7)]
    assert same == [s.track.id for s in demo_library.recommend("joy", seed=7)]


@pytest.mark.resilience
def test_recommend_honours_exclude_and_bad_input(demo_library: MusicLibrary) -> None:
    first = [s.track.id for s in demo_library.recommend("fear", 5, seed=1)]
    again = demo_library.recommend("fear", 5, seed=1, exclude=first)
    assert not set(first) & {s.track.id for s in again}
    assert demo_library.recommend("fear", 0) == []
    assert demo_library.recommend("fear", 50)  # fewer than k exist: returns what there is
    assert len(demo_library.recommend("fear", 50)) == TRACKS_PER_EMOTION
    with pytest.raises(ValueError, match="unknown emotion"):
        demo_library.recommend("bliss")


def _distance(lib: MusicLibrary, a: str, b: str) -> float:
    gen = lib._current()
    ia, ib = gen.items_of([a, b]).values()
    return float(gen.ann.get_distance(ia, ib))


def test_likes_pull_and_dislikes_push(demo_library: MusicLibrary) -> None:
    anchor = demo_library.recommend("joy", 1, seed=0)[0].track.id
    plain, pulled, pushed = [], [], []
    for s in range(12):
        plain += [
            _distance(demo_library, anchor, x.track.id)
            for x in demo_library.recommend("joy", seed=s, exclude=[anchor])
        ]
        got = demo_library.recommend("joy", seed=s, liked=[anchor])
        pulled += [_distance(demo_library, anchor, x.track.id) for x in got]
        pushed += [
            _distance(demo_library, anchor, x.track.id)
            for x in demo_library.recommend("joy", seed=s, disliked=[anchor])
        ]
        assert anchor not in {x.track.id for x in got}
    assert np.mean(pulled) < np.mean(plain) < np.mean(pushed)
    liked_title = demo_library.get(anchor).title  # type: ignore[union-attr]
    reasons = {x.reason for s in range(4) for x in demo_library.recommend("joy", seed=s, liked=[anchor])}
    assert f"upbeat like {liked_title}, which you liked" in reasons


def test_similar_excludes_itself_and_prefers_the_same_mood(demo_library: MusicLibrary) -> None:
    agree = 0
    for emotion in EMOTIONS:
        seed = demo_library.recommend(emotion, 1, seed=0)[0].track
        got = demo_library.similar(seed.id, 5)
        assert len(got) == 5
        assert seed.id not in {s.track.id for s in got}
        assert len({s.track.id for s in got}) == 5
        assert all(s.reason.endswith(f"like {seed.title}") for s in got)
        agree += sum(s.track.emotion == emotion for s in got)
    assert agree >= 0.8 * 5 * len(EMOTIONS)


@pytest.mark.resilience
def test_similar_unknown_id_is_key_error_and_disliked_is_dropped(demo_library: MusicLibrary) -> None:
    with pytest.raises(KeyError):
        demo_library.similar("nope", 5)
    seed = demo_library.recommend("anger", 1, seed=0)[0].track.id
    first = demo_library.similar(seed, 5)
    worst = first[0].track.id
    again = demo_library.similar(seed, 5, disliked=[worst], exclude=[first[1].track.id])
    ids = {s.track.id for s in again}
    assert worst not in ids and first[1].track.id not in ids and len(ids) == 5


def test_concurrent_queries_from_threads(demo_library: MusicLibrary) -> None:
    errors: list[BaseException] = []
    ids = [s.track.id for s in demo_library.recommend("neutral", 5, seed=0)]

    def work(n: int) -> None:
        try:
            for i in range(30):
                assert len(demo_library.recommend(EMOTIONS[(n + i) % 7], 5, seed=i)) == 5
                assert len(demo_library.similar(ids[i % 5], 5)) == 5
                assert demo_library.get(ids[i % 5]) is not None
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
