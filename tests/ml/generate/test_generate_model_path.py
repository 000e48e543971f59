"""``generator.model_path``: any local Hugging Face causal LM loads offline; bad paths fail clearly."""

from __future__ import annotations

from pathlib import Path

import pytest
from tokenizers import Tokenizer, models, pre_tokenizers, trainers
from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

from config.settings import GeneratorSettings
from ml.generate import ModelLoadError, ReplyRequest, load_generator
from ml.generate.prompt import training_text
from ml.generate.tokenizer_train import train_tokenizer
from ml.generate.transformer_generator import TransformerGenerator

TEXTS = ["hello there, how are you today?", "I am fine, thanks for asking.", "안녕하세요 반가워요"] * 5
REQUESTS = [
    ReplyRequest("hello there", "joy", "en", history=("hi", "hey")),
    ReplyRequest("안녕하세요", "sadness", "ko"),
    ReplyRequest("", "neutral", "en"),
]


def _save_tiny_model(path: Path, tokenizer: PreTrainedTokenizerFast) -> None:
    config = GPT2Config(vocab_size=len(tokenizer), n_positions=64, n_embd=16, n_layer=1, n_head=2)
    GPT2LMHeadModel(config).save_pretrained(str(path))
    tokenizer.save_pretrained(str(path))


def test_model_with_project_tokens_gets_the_conditioned_prompt(tmp_path: Path) -> None:
    tokenizer = train_tokenizer([training_text("en", "joy", [t], t) for t in TEXTS], 300)
    _save_tiny_model(tmp_path, tokenizer)
    generator = load_generator(GeneratorSettings(model_path=tmp_path, max_new_tokens=6, num_candidates=2))
    assert isinstance(generator, TransformerGenerator) and generator.conditioned
    prompt = generator.tokenizer.convert_ids_to_tokens(generator._prompt_ids(REQUESTS[1]))
    assert prompt[:2] == ["<ko>", "<sadness>"] and prompt[-1] == "<sep>"
    replies = generator.generate(REQUESTS)
    assert len(replies) == 3 and all(r.strip() for r in replies)


def test_plain_dialogpt_style_model_loads_and_answers(tmp_path: Path) -> None:
    core = Tokenizer(models.BPE())
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    core.train_from_iterator(
        TEXTS,
        trainers.BpeTrainer(
            vocab_size=300,
            special_tokens=["<|endoftext|>"],
            initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        ),
    )
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=core, eos_token="<|endoftext|>")
    _save_tiny_model(tmp_path, tokenizer)
    generator = load_generator(GeneratorSettings(model_path=tmp_path, max_new_tokens=6, num_candidates=2))
    assert isinstance(generator, TransformerGenerator) and not generator.conditioned
    eos = generator.tokenizer.eos_token_id
    prompt = generator._prompt_ids(REQUESTS[0])
    assert prompt.count(eos) == 3 and prompt[-1] == eos  # hi <eos> hey <eos> hello there <eos>
    replies = generator.generate(REQUESTS)
    assert len(replies) == 3 and all(r.strip() for r in replies)
    with pytest.raises(ValueError, match="conditioning"):
        generator.reply_nll([])


def test_missing_and_corrupt_models_raise_model_load_error(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="not found"):
        load_generator(GeneratorSettings(model_path=tmp_path / "nope"))
    (tmp_path / "config.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(ModelLoadError):
        load_generator(GeneratorSettings(model_path=tmp_path))
    bad = tmp_path / "broken.pt"
    bad.write_bytes(b"\x00garbage")
    with pytest.raises(ModelLoadError):
        load_generator(GeneratorSettings(backend="char_lstm", model_path=bad))
    with pytest.raises(ModelLoadError, match="not found"):
        load_generator(GeneratorSettings(backend="char_lstm", model_path=tmp_path / "missing.pt"))
