"""``happytalk reply``, ``happytalk eval dialogue`` and ``happytalk train ranker`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("HAPPYTALK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HAPPYTALK_DIALOGUE_SOURCES", '["companion"]')
    monkeypatch.setenv("HAPPYTALK_GENERATOR_MAX_NEW_TOKENS", "12")
    return tmp_path


def _rows(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_reply_json_has_source_and_follows_the_language(env: Path) -> None:
    lines = (
        "I just got dumped\nWe were together for three years\n나 너무 힘들어\nI want to kill myself\n\n😀\n"
    )
    result = CliRunner().invoke(main, ["reply", "--json"], input=lines)
    assert result.exit_code == 0, result.output
    rows = _rows(result.stdout)
    assert len(rows) == 6
    for row in rows:
        assert set(row) == {"reply", "source", "emotion", "lang", "ms"} and str(row["reply"]).strip()
        assert row["source"] in ("retrieved", "generated", "safety")
    assert [r["lang"] for r in rows[:4]] == ["en", "en", "ko", "en"]
    assert rows[3]["source"] == "safety" and "988" in str(rows[3]["reply"])


def test_reply_with_a_fixed_language(env: Path) -> None:
    result = CliRunner().invoke(main, ["reply", "--json", "--lang", "ko", "--emotion", "joy", "I passed!"])
    assert result.exit_code == 0, result.output
    assert _rows(result.stdout)[0]["lang"] == "ko"


def test_reply_with_a_missing_ranker_says_so(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAPPYTALK_DIALOGUE_RANKER_PATH", str(env / "nowhere"))
    result = CliRunner().invoke(main, ["reply", "hello"])
    assert result.exit_code != 0 and "cannot load the reply ranker" in result.output


@pytest.mark.corpora
def test_eval_dialogue_json_rows(env: Path) -> None:
    result = CliRunner().invoke(main, ["eval", "dialogue", "--json", "--per-source", "12"])
    assert result.exit_code == 0, result.output
    rows = _rows(result.stdout)
    keys = {"lang", "source", "system", "n", "hits_at_1_of_20", "mrr"}
    assert rows and all(set(r) == keys for r in rows)
    assert {(r["lang"], r["system"]) for r in rows if r["source"] == "all"} == {
        (lang, s) for lang in ("en", "ko") for s in ("ranker", "tfidf", "random")
    }
    assert {r["source"] for r in rows if r["lang"] == "ko"} >= {"companion", "korean_chatbot", "all"}
    for r in rows:
        assert 0.0 <= float(r["hits_at_1_of_20"]) <= float(r["mrr"]) <= 1.0  # type: ignore[arg-type]


@pytest.mark.corpora
def test_train_ranker_is_resumable(tmp_path: Path) -> None:
    out = tmp_path / "ko"
    args = [
        "train",
        "ranker",
        "--lang",
        "ko",
        "--out",
        str(out),
        "--steps",
        "3",
        "--batch-size",
        "4",
        "--checkpoint-every",
        "1",
        "--threads",
        "1",
        "--warmup-steps",
        "1",
    ]
    first = CliRunner().invoke(main, [*args, "--max-minutes", "0.00001"])
    assert first.exit_code == 0, first.output
    second = CliRunner().invoke(main, args)
    assert second.exit_code == 0, second.output
    log = [json.loads(line) for line in (out / "checkpoints" / "dev_log.jsonl").read_text().splitlines()]
    assert [row["step"] for row in log] == [1, 2, 3]
    assert json.loads(second.stdout.splitlines()[-1])["steps"] == 3
    assert (out / "model.safetensors").exists() and (out / "vocab.json").exists()  # Korean: n-gram model
