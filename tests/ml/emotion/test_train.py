"""A tiny real training run: export format, loading, and resuming an interrupted run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

import ml.emotion.train as train_mod
from ml.emotion.classifier import EmotionClassifier
from ml.emotion.labels import LABELS
from ml.emotion.train import TrainConfig, train

TINY = {"layers": 1, "subsample": 48, "batch_size": 16, "max_len": 16, "checkpoint_every": 1}


def _run(lang: str, root: Path, resume: bool = False) -> dict[str, object]:
    cfg = TrainConfig(lang=lang, **TINY)  # type: ignore[arg-type]
    return train(cfg, root / "work" / lang, root / "out" / lang, resume=resume)


@pytest.mark.corpora
def test_tiny_runs_export_models_the_classifier_loads(tmp_path: Path) -> None:
    summary = _run("ko", tmp_path)
    _run("en", tmp_path)
    assert summary["steps"] == 3 and float(summary["temperature"]) > 0  # type: ignore[arg-type]
    state = load_file(str(tmp_path / "out" / "ko" / "model.safetensors"))
    assert all(t.dtype == torch.float16 for t in state.values())
    assert state["embeddings.word_embeddings.weight"].shape[0] <= 8000  # Korean WordPiece vocab
    again = TrainConfig(lang="ko", init=str(tmp_path / "out" / "ko"), **TINY)
    train(again, tmp_path / "work2", tmp_path / "out2")
    assert (tmp_path / "out2" / "tokenizer.json").read_bytes() == (
        tmp_path / "out" / "ko" / "tokenizer.json"
    ).read_bytes()  # continuing keeps the vocabulary it was trained with
    clf = EmotionClassifier.load(tmp_path / "out")
    results = clf.classify(["I am happy", "행복해"])
    assert [r.lang for r in results] == ["en", "ko"]
    assert all(r.label in LABELS and abs(sum(r.scores.values()) - 1) < 1e-6 for r in results)


@pytest.mark.corpora
def test_resume_after_interruption_matches_an_uninterrupted_run_and_checks_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run("ko", tmp_path / "whole")
    (tmp_path / "cut" / "work" / "ko").mkdir(parents=True)
    shutil.copy(tmp_path / "whole" / "work" / "ko" / "tokenizer.json", tmp_path / "cut" / "work" / "ko")
    real_validate = train_mod.validation_macro_f1
    calls = {"n": 0}

    def interrupt_while_checkpointing_step_two(*args: object) -> float:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real_validate(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(train_mod, "validation_macro_f1", interrupt_while_checkpointing_step_two)
    with pytest.raises(KeyboardInterrupt):
        _run("ko", tmp_path / "cut")
    monkeypatch.setattr(train_mod, "validation_macro_f1", real_validate)
    assert torch.load(tmp_path / "cut" / "work" / "ko" / "checkpoint.pt", weights_only=False)["step"] == 1
    summary = _run("ko", tmp_path / "cut", resume=True)
    assert summary["steps"] == 3
    a = load_file(str(tmp_path / "whole" / "out" / "ko" / "model.safetensors"))
    b = load_file(str(tmp_path / "cut" / "out" / "ko" / "model.safetensors"))
    assert all(torch.equal(a[k], b[k]) for k in a)
    other = TrainConfig(lang="ko", **{**TINY, "seed": 99})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="different settings"):
        train(other, tmp_path / "cut" / "work" / "ko", tmp_path / "other", resume=True)


@pytest.mark.corpora
def test_max_minutes_stops_early_and_exports_the_best_validation_checkpoint(tmp_path: Path) -> None:
    cfg = TrainConfig(lang="ko", **TINY)  # type: ignore[arg-type]
    work = tmp_path / "work"
    summary = train(cfg, work, tmp_path / "out" / "ko", max_minutes=1e-9)
    assert summary["steps"] == 1  # the limit is checked after every step
    log = [json.loads(line) for line in (work / "val_log.jsonl").read_text().splitlines()]
    assert [row["step"] for row in log] == [1]
    assert summary["best_val_macro_f1"] == log[0]["val_macro_f1"]
    assert (work / "best.pt").exists() and (tmp_path / "out" / "ko" / "model.safetensors").exists()
    assert torch.load(work / "checkpoint.pt", weights_only=False)["step"] == 1


@pytest.mark.corpora
def test_chat_rows_join_training_repeated_and_held_out_rows_never_do() -> None:
    from ml.emotion import chat
    from ml.emotion.train import training_data

    base, base_calib = training_data(TrainConfig(lang="ko", subsample=500))
    mixed, mixed_calib = training_data(TrainConfig(lang="ko", subsample=500, chat_repeat=3))
    written = {m.text for m in chat.load("train", "ko")}
    added = mixed.texts[len(base) :]
    assert mixed.texts[: len(base)] == base.texts and set(added) <= written
    assert len(added) == 3 * len(set(added))  # each chat row three times
    calib_chat = mixed_calib.texts[len(base_calib) :]
    assert calib_chat and not set(calib_chat) & set(added)  # its own calibration slice
    held = {m.text for m in chat.load("heldout")}
    assert not held & (set(mixed.texts) | set(mixed_calib.texts))
