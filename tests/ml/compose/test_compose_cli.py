"""``happytalk compose`` / ``train composer`` / ``eval composer`` through click."""

from __future__ import annotations

import io
import json
from pathlib import Path

import soundfile as sf
from click.testing import CliRunner

from bot.cli import main


def test_compose_writes_wav_and_ogg(tmp_path: Path) -> None:
    runner = CliRunner()
    wav, ogg = tmp_path / "sad.wav", tmp_path / "joy.ogg"
    result = runner.invoke(
        main, ["compose", "--emotion", "sadness", "--bars", "2", "--seed", "1", "-o", str(wav)]
    )
    assert result.exit_code == 0, result.output
    assert "minor" in result.output and "66 bpm" in result.output
    assert sf.info(io.BytesIO(wav.read_bytes())).format == "WAV"
    result = runner.invoke(main, ["compose", "-e", "joy", "-b", "1", "-s", "2", "-t", "0.8", "-o", str(ogg)])
    assert result.exit_code == 0, result.output
    assert sf.info(io.BytesIO(ogg.read_bytes())).subtype == "OPUS"


def test_compose_bad_input_exits_with_the_range(tmp_path: Path) -> None:
    runner = CliRunner()
    out = str(tmp_path / "x.ogg")
    for args, message in (
        (["--emotion", "zen"], "use one of"),
        (["--bars", "0"], "from 1 to 16"),
        (["--temperature", "0"], "above 0"),
    ):
        result = runner.invoke(main, ["compose", *args, "-o", out])
        assert result.exit_code == 1 and message in result.output
    result = runner.invoke(main, ["compose", "-o", str(tmp_path / "x.mp3")])
    assert result.exit_code == 2 and ".ogg or .wav" in result.output
    assert not (tmp_path / "x.ogg").exists()


def test_train_then_eval_a_tiny_model(tmp_path: Path) -> None:
    runner = CliRunner()
    weights = tmp_path / "tiny.pt"
    result = runner.invoke(main, ["train", "composer", "-o", str(weights), "--epochs", "1", "--window", "8"])
    assert result.exit_code == 0, result.output
    assert weights.stat().st_size > 10_000
    result = runner.invoke(
        main, ["eval", "composer", "--weights", str(weights), "--samples", "2", "--bars", "2"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert 0.0 <= report["held_out_top1"] <= 1.0 and report["held_out_notes"] > 100
    assert 0.0 <= report["in_key_major"] <= 1.0 and 0.0 <= report["copies_4_bars"] <= 1.0
