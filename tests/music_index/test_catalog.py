from __future__ import annotations

import json
from pathlib import Path

import pytest

from music_index.catalog import CatalogError, read_catalog
from music_index.track import track_id


def test_csv_rows_resolve_relative_to_catalog_and_reject_bad_rows(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "catalog.csv").write_text(
        "path,title,artist,emotion\n"
        "a.ogg,A,X,joy\n"
        "sub/b.ogg,B,Y,\n"
        "../outside.ogg,C,Z,joy\n"
        "c.ogg,C,Z,bliss\n"
        "a.ogg,A again,X,joy\n"
        ",no path,Z,joy\n",
        encoding="utf-8",
    )
    cat = read_catalog(lib / "catalog.csv")
    assert [e.rel_path for e in cat.entries] == ["a.ogg", "sub/b.ogg"]
    assert cat.entries[0].path == (lib / "a.ogg").resolve()
    assert cat.entries[1].emotion is None
    reasons = " | ".join(p.reason for p in cat.problems)
    assert "escapes the library root" in reasons
    assert "unknown emotion 'bliss'" in reasons
    assert "duplicate path a.ogg" in reasons
    assert "no path" in reasons
    assert len(cat.problems) == 4


def test_jsonl_with_url_and_bad_line(tmp_path: Path) -> None:
    rows = [
        json.dumps(
            {
                "path": "x.flac",
                "title": "T",
                "artist": "A",
                "emotion": "Sadness",
                "url": "https://example.org/x",
            }
        ),
        "{not json",
        json.dumps({"path": "/etc/passwd", "emotion": "joy"}),
    ]
    (tmp_path / "c.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    cat = read_catalog(tmp_path / "c.jsonl")
    assert len(cat.entries) == 1
    entry = cat.entries[0]
    assert (entry.emotion, entry.url) == ("sadness", "https://example.org/x")
    assert [p.where for p in cat.problems] == ["line 2", "line 3"]


def test_unreadable_catalogs_raise_catalog_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="not found"):
        read_catalog(tmp_path / "missing.csv")
    (tmp_path / "c.txt").write_text("path\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"\.csv or \.jsonl"):
        read_catalog(tmp_path / "c.txt")
    (tmp_path / "nopath.csv").write_text("title,artist\nA,B\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="no 'path' column"):
        read_catalog(tmp_path / "nopath.csv")


def test_track_ids_are_short_stable_ascii() -> None:
    ids = {track_id(f"album/{n}.ogg") for n in range(5000)}
    assert len(ids) == 5000
    assert all(len(i) == 12 and i.isascii() and i.isalnum() for i in ids)
    assert track_id("a/b.ogg") == track_id("a/b.ogg") != track_id("a/c.ogg")
