"""Smoke training of both backends on a few rows, resuming, and loading the results."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from config.settings import GeneratorSettings
from ml.generate import ReplyRequest, load_generator
from ml.generate.char_lstm import CharLSTMConfig, train_char_lstm
from ml.generate.corpus import load_pairs
from ml.generate.evaluate import perplexity
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
    generator = load_generator(settings)
    replies = generator.generate(ODD_INPUTS)
    assert len(replies) == len(ODD_INPUTS)
    assert all(isinstance(r, str) and r.strip() for r in replies)
    ppl = perplexity(generator, pairs[:4] + pairs[-4:])
    assert {"perplexity_token", "perplexity_token_en", "perplexity_token_ko"} <= set(ppl)
    low, high = sorted([ppl["perplexity_token_en"], ppl["perplexity_token_ko"]])
    assert 1.0 < low <= ppl["perplexity_token"] <= high


def test_continued_training_from_a_model_dir_with_reweighted_data(tiny_data: Path, tmp_path: Path) -> None:
    pairs = load_pairs(tiny_data)
    cfg = TransformerConfig(vocab_size=400, n_layer=1, n_embd=32, n_head=2, context=64, batch_size=16)
    first = train_transformer(pairs, tmp_path / "a", cfg, progress=False, threads=1)
    weighted = replace(cfg, korean_repeat=3, emotion_repeat=2, n_layer=9, lr=1e-4)  # size comes from --init
    out = train_transformer(pairs, tmp_path / "b", weighted, progress=False, threads=1, init_dir=first)
    meta = json.loads((out / "training.json").read_text())
    counts = Counter((p.lang, p.emotion != "neutral") for p in pairs)
    expected = 3 * (counts["ko", False] + counts["ko", True]) + counts["en", False] + 2 * counts["en", True]
    assert meta["examples"] == expected and meta["init"] == str(first)
    assert meta["config"]["n_layer"] == 1 and meta["config"]["korean_repeat"] == 3
    assert (out / "tokenizer.json").read_bytes() == (first / "tokenizer.json").read_bytes()
    reply = load_generator(GeneratorSettings(model_path=out, max_new_tokens=4)).generate(ODD_INPUTS[:1])
    assert reply[0].strip()


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


def test_train_command_continues_from_init_and_rejects_bad_repeats(tiny_data: Path, tmp_path: Path) -> None:
    cfg = TransformerConfig(vocab_size=400, n_layer=1, n_embd=32, n_head=2, context=64, batch_size=16)
    first = train_transformer(load_pairs(tiny_data), tmp_path / "a", cfg, progress=False, threads=1)
    base = [
        "train",
        "generator",
        "--data-dir",
        str(tiny_data),
        "--out",
        str(tmp_path / "b"),
        "--threads",
        "1",
    ]
    bad = CliRunner().invoke(main, [*base, "--korean-repeat", "0"])
    assert bad.exit_code == 2 and "at least 1" in bad.output
    bad = CliRunner().invoke(main, [*base, "--backend", "char_lstm", "--init", str(first)])
    assert bad.exit_code == 2 and "--init" in bad.output
    args = [*base, "--init", str(first), "--emotion-repeat", "2", "--lr", "1e-4", "--epochs", "0.5"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    meta = json.loads((tmp_path / "b" / "training.json").read_text())
    assert meta["init"] == str(first) and meta["config"]["emotion_repeat"] == 2
