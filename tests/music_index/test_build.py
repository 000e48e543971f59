from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from config.settings import MusicSettings
from music_index import MusicLibrary
from music_index.build import BuildError, build_index
from music_index.catalog import CatalogError

from .conftest import write_catalog, write_track

EMOS = ("joy", "sadness", "anger", "neutral")


def _library_rows(root: Path, per_emotion: int = 3) -> list[dict[str, str]]:
    rows = []
    for e in EMOS:
        for n in range(per_emotion):
            rel = f"{e}/{n}.ogg"
            write_track(root / rel, e, n)
            rows.append({"path": rel, "title": f"{e} {n}", "artist": f"{e} artist {n}", "emotion": e})
    return rows


@pytest.mark.resilience
def test_corrupt_silent_missing_files_are_reported_and_the_rest_indexed(
    tmp_path: Path, small_settings: MusicSettings
) -> None:
    lib = tmp_path / "lib"
    rows = _library_rows(lib)
    (lib / "bad.ogg").write_bytes(b"this is not audio at all" * 100)
    (lib / "silent.ogg").write_bytes((lib / "joy/0.ogg").read_bytes()[:200])
    rows += [
        {"path": "bad.ogg", "title": "Bad", "artist": "B", "emotion": "joy"},
        {"path": "silent.ogg", "title": "Cut", "artist": "C", "emotion": "joy"},
        {"path": "gone.ogg", "title": "Gone", "artist": "G", "emotion": "joy"},
    ]
    data = tmp_path / "data"
    report = build_index(write_catalog(lib, rows), data, small_settings, progress=False)
    assert report.indexed == 12
    skipped = {p.where: p.reason for p in report.skipped}
    assert set(skipped) == {"bad.ogg", "silent.ogg", "gone.ogg"}
    assert skipped["gone.ogg"].startswith("missing")
    assert "corrupt" in skipped["bad.ogg"]
    library = MusicLibrary.open(data, small_settings)
    assert library.stats()["tracks"] == 12
    assert {s.track.emotion for s in library.recommend("sadness", 5)} == {"sadness"}

    # second build reads nothing new, a changed file is re-read, a failure stays cached
    again = build_index(lib / "catalog.csv", data, small_settings, progress=False)
    assert (again.extracted, again.cached) == (0, 14)
    write_track(lib / "joy/1.ogg", "joy", 99)
    changed = build_index(lib / "catalog.csv", data, small_settings, progress=False)
    assert (changed.extracted, changed.cached) == (1, 13)
    assert library.reload_if_changed() is True
    assert library.reload_if_changed() is False


def test_untagged_tracks_get_an_inferred_emotion(tmp_path: Path, small_settings: MusicSettings) -> None:
    lib = tmp_path / "lib"
    rows = _library_rows(lib, per_emotion=4)
    untagged = [r for r in rows if r["path"].endswith("3.ogg")]
    for r in untagged:
        r["emotion"] = ""
    report = build_index(write_catalog(lib, rows), tmp_path / "data", small_settings, progress=False)
    assert len(report.inferred) == len(EMOS)
    library = MusicLibrary.open(tmp_path / "data", small_settings)
    tracks = [library.get(i) for i in report.inferred]
    assert all(t is not None and t.emotion_inferred for t in tracks)
    right = sum(t.emotion == t.path.parent.name for t in tracks if t and t.path)
    assert right >= 3
    tagged = library.recommend("joy", 1)[0].track
    assert tagged.emotion_inferred is False or tagged.id in report.inferred


def test_exact_duplicates_are_never_similar(tmp_path: Path, small_settings: MusicSettings) -> None:
    lib = tmp_path / "lib"
    rows = _library_rows(lib)
    (lib / "copy.ogg").write_bytes((lib / "joy/0.ogg").read_bytes())
    rows.append({"path": "copy.ogg", "title": "joy 0 (copy)", "artist": "X", "emotion": "joy"})
    report = build_index(write_catalog(lib, rows), tmp_path / "data", small_settings, progress=False)
    library = MusicLibrary.open(tmp_path / "data", small_settings)
    ids = {library.get(i).title: i for i in [e for e in _ids(library)]}  # type: ignore[union-attr]
    original, copy = ids["joy 0"], ids["joy 0 (copy)"]
    got = {s.track.id for s in library.similar(original, 5)}
    assert report.indexed == 13 and original not in got and copy not in got and len(got) == 5


def _ids(library: MusicLibrary) -> list[str]:
    gen = library._current()
    return [t.id for t in gen.tracks(range(gen.size)).values()]


@pytest.mark.resilience
def test_bad_catalogs_and_nothing_indexable_keep_the_old_index(
    tmp_path: Path, small_settings: MusicSettings
) -> None:
    lib = tmp_path / "lib"
    data = tmp_path / "data"
    build_index(write_catalog(lib, _library_rows(lib, 2)), data, small_settings, progress=False)
    current = (data / "index" / "CURRENT").read_text(encoding="utf-8")
    (tmp_path / "lib2").mkdir()
    (tmp_path / "lib2" / "junk.ogg").write_bytes(b"junk")
    bad = write_catalog(tmp_path / "lib2", [{"path": "junk.ogg", "title": "J", "artist": "", "emotion": ""}])
    with pytest.raises(BuildError):
        build_index(bad, data, small_settings, progress=False)
    with pytest.raises(CatalogError):
        build_index(tmp_path / "nope.csv", data, small_settings, progress=False)
    assert (data / "index" / "CURRENT").read_text(encoding="utf-8") == current
    assert MusicLibrary.open(data, small_settings).stats()["tracks"] == 8


@pytest.mark.resilience
def test_killed_rebuild_leaves_the_old_index_serving(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    data = tmp_path / "data"
    settings = MusicSettings(workers=1, n_trees=5)
    catalog = write_catalog(lib, _library_rows(lib, 2))
    build_index(catalog, data, settings, progress=False)
    before = MusicLibrary.open(data, settings).stats()
    for n in range(8):
        write_track(lib / f"more/{n}.ogg", "fear", n)
    rows = _library_rows(lib, 2) + [
        {"path": f"more/{n}.ogg", "title": f"m{n}", "artist": "M", "emotion": "fear"} for n in range(8)
    ]
    write_catalog(lib, rows)
    env = {**os.environ, "HAPPYTALK_DATA_DIR": str(data), "HAPPYTALK_MUSIC_WORKERS": "1"}
    code = "from bot.cli import main; main()"
    for delay in (1.5,):
        proc = subprocess.Popen(
            [sys.executable, "-c", code, "index", "build", str(catalog), "--json"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        after = MusicLibrary.open(data, settings).stats()
        assert after["tracks"] in (before["tracks"], before["tracks"] + 8)
        if after["tracks"] == before["tracks"]:
            assert after["generation"] == before["generation"]
    done = subprocess.run(
        [sys.executable, "-c", code, "index", "build", str(catalog), "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout)["indexed"] == 16
    assert MusicLibrary.open(data, settings).stats()["tracks"] == 16
    assert len(list((data / "index").glob("gen-*"))) <= 2
