from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main


@pytest.fixture
def runner(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("HAPPYTALK_DATA_DIR", str(demo_dir))
    return CliRunner()


def test_recommend_json_gives_five_sad_tracks(runner: CliRunner) -> None:
    result = runner.invoke(main, ["recommend", "--emotion", "sadness", "--json"])
    assert result.exit_code == 0, result.output
    tracks = json.loads(result.output)["tracks"]
    assert len(tracks) == 5
    assert all(set(t) == {"id", "title", "artist", "emotion", "reason"} for t in tracks)
    assert {t["emotion"] for t in tracks} == {"sadness"}


def test_similar_json_gives_five_others_and_unknown_id_fails(runner: CliRunner) -> None:
    seed = json.loads(runner.invoke(main, ["recommend", "-e", "joy", "-k", "1", "--json"]).output)
    track_id = seed["tracks"][0]["id"]
    result = runner.invoke(main, ["similar", track_id, "--json", "-k", "5"])
    assert result.exit_code == 0, result.output
    ids = [t["id"] for t in json.loads(result.output)["tracks"]]
    assert len(set(ids)) == 5 and track_id not in ids
    bad = runner.invoke(main, ["similar", "zzzzzzzzzzzz"])
    assert bad.exit_code == 1 and "no track with id" in bad.output


def test_stats_and_plain_output(runner: CliRunner) -> None:
    stats = json.loads(runner.invoke(main, ["index", "stats", "--json"]).output)
    assert stats["tracks"] == 140 and stats["dim"] > 40
    plain = runner.invoke(main, ["recommend", "-e", "fear", "-k", "2"])
    assert plain.exit_code == 0 and len(plain.output.strip().splitlines()) == 2
    assert "matches your fear" in plain.output


def test_no_index_exits_with_the_command_to_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAPPYTALK_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(main, ["recommend", "-e", "joy"])
    assert result.exit_code == 1 and "happytalk index demo" in result.output


def test_build_reports_the_bad_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from .conftest import write_catalog, write_track

    monkeypatch.setenv("HAPPYTALK_DATA_DIR", str(tmp_path / "data"))
    lib = tmp_path / "lib"
    write_track(lib / "a.ogg", "joy", 0)
    write_track(lib / "b.ogg", "sadness", 0)
    (lib / "broken.flac").write_bytes(b"fLaC" + b"\x00" * 500)
    rows = [
        {"path": p, "title": p, "artist": p, "emotion": e}
        for p, e in (("a.ogg", "joy"), ("b.ogg", "sadness"), ("broken.flac", "joy"))
    ]
    result = CliRunner().invoke(main, ["index", "build", str(write_catalog(lib, rows)), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["indexed"] == 2
    assert [s["where"] for s in report["skipped"]] == ["broken.flac"]


def test_bench_index_json_lines(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["bench", "index", "--sizes", "2000", "--queries", "20", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    keys = {"n", "n_trees", "search_k", "build_s", "index_mb", "p50_ms", "p99_ms", "recall_at_10", "default"}
    assert all(set(r) == keys for r in rows)
    assert sum(r["default"] for r in rows) == 1
    assert all(r["n"] == 2000 and 0.5 <= r["recall_at_10"] <= 1.0 for r in rows)
    assert max(r["recall_at_10"] for r in rows) == 1.0
    bad = CliRunner().invoke(main, ["bench", "index", "--sizes", "ten"])
    assert bad.exit_code == 2
