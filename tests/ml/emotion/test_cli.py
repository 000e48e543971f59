"""``happytalk classify`` and ``happytalk eval emotion`` through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from ml.emotion.labels import LABELS

CHAT_SET = Path(__file__).parent / "everyday_chat.tsv"


def test_classify_json_from_stdin() -> None:
    stdin = "I miss my dad so much\n상사가 또 내 탓을 해서 화가 나\n"
    result = CliRunner().invoke(main, ["classify", "--json"], input=stdin)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["emotion"] for r in rows] == ["sadness", "anger"]
    assert rows[1]["text"] == "상사가 또 내 탓을 해서 화가 나"
    for r in rows:
        assert list(r["scores"]) == list(LABELS)
        assert abs(sum(r["scores"].values()) - 1.0) < 1e-6


def test_classify_text_argument_prints_label_and_confidence() -> None:
    result = CliRunner().invoke(main, ["classify", "I got the job, I'm thrilled!"])
    assert result.exit_code == 0, result.output
    label, confidence, text = result.output.rstrip("\n").split("\t")
    assert label == "joy" and 0.0 < float(confidence) <= 1.0 and text.startswith("I got")


def test_eval_file_prints_figures_and_confusion() -> None:
    result = CliRunner().invoke(main, ["eval", "emotion", str(CHAT_SET)])
    assert result.exit_code == 0, result.output
    assert "macro-F1=" in result.output and "confusion" in result.output
    for label in LABELS:
        assert label in result.output
    as_json = CliRunner().invoke(main, ["eval", "emotion", str(CHAT_SET), "--json"])
    figures = json.loads(as_json.output)
    assert figures["n"] == 49 and len(figures["confusion"]) == 7
    assert sum(map(sum, figures["confusion"])) == 49


def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["classify", "hi", "--model", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "emotion model directory not found" in result.output


def test_eval_needs_exactly_one_source() -> None:
    result = CliRunner().invoke(main, ["eval", "emotion"])
    assert result.exit_code == 2 and "exactly one" in result.output


def test_train_ngram_option_errors_are_clear(tmp_path: Path) -> None:
    for lang in ("en", "ko"):
        missing = CliRunner().invoke(
            main, ["train", "emotion", "--lang", lang, "--ngram", "--out", str(tmp_path / "none")]
        )
        assert missing.exit_code == 1 and f"no exported {lang} encoder" in missing.output
