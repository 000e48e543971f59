"""Smoke training of both backends on a few rows, resuming, and loading the results."""

from __future__ import annotations

import json
from pathlib import Path

from config.settings import GeneratorSettings
from ml.generate import ReplyRequest, load_generator
from ml.generate.char_lstm import CharLSTMConfig, train_char_lstm
from ml.generate.corpus import load_pairs
from ml.generate.train_transformer import TransformerConfig, train_transformer

ODD_INPUTS = [
    ReplyRequest("", "neutral", "en"),
    ReplyRequest("x" * 10_000, "joy", "en"),
    ReplyRequest("😀😀🎉", "joy", "en"),
    ReplyRequest("I feel 너무 행복해 today", "joy", "ko"),
    ReplyRequest("\x00\x1b[31m\x07 hi \u202e", "anger", "en"),
    ReplyRequest("hello", "not-an-emotion", "fr", history=("a", "", "b" * 3000)),
]


def test_tiny_transformer_trains_resumes_and_answers(tiny_data: Path, tmp_path: Path) -> None:
    pairs = load_pairs(tiny_data)
    cfg = TransformerConfig(
        vocab_size=400, n_layer=1, n_embd=32, n_head=2, context=64, epochs=1.0, batch_size=16
    )
    out = tmp_path / "tf"
    train_transformer(pairs, out, cfg, progress=False, threads=1)
    first = json.loads((out / "training.json").read_text())
    assert first["step"] == first["total_steps"] > 0
    more = TransformerConfig(**{**first["config"], "epochs": 2.0})
    train_transformer(pairs, out, more, progress=False, threads=1)
    second = json.loads((out / "training.json").read_text())
    assert second["step"] == 2 * first["step"]  # resumed, not restarted

    settings = GeneratorSettings(model_path=out, max_new_tokens=8, num_candidates=2)
    replies = load_generator(settings).generate(ODD_INPUTS)
    assert len(replies) == len(ODD_INPUTS)
    assert all(isinstance(r, str) and r.strip() for r in replies)


def test_tiny_char_lstm_trains_and_answers(tiny_data: Path, tmp_path: Path) -> None:
    pairs = load_pairs(tiny_data)
    cfg = CharLSTMConfig(embed=16, hidden=32, context=64, epochs=2.0, batch_size=16)
    path = train_char_lstm(pairs, tmp_path / "lstm", cfg, progress=False)
    meta = json.loads((tmp_path / "lstm" / "char_lstm_training.json").read_text())
    assert meta["step"] == meta["total_steps"] > 0
    settings = GeneratorSettings(backend="char_lstm", model_path=path, max_new_tokens=8, num_candidates=2)
    generator = load_generator(settings)
    replies = generator.generate(ODD_INPUTS)
    assert all(r.strip() for r in replies)
    nll, tokens, chars = generator.reply_nll(pairs[:5])  # type: ignore[attr-defined]
    assert nll > 0 and tokens == chars > 0
