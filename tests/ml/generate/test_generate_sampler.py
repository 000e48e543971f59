"""The KV-cache sampler against Hugging Face ``generate``: same distribution, same greedy tokens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch
from transformers import GPT2Config, GPT2LMHeadModel
from transformers.generation.logits_process import (
    LogitsProcessorList,
    MinNewTokensLengthLogitsProcessor,
    NoRepeatNGramLogitsProcessor,
    RepetitionPenaltyLogitsProcessor,
    SuppressTokensLogitsProcessor,
    TemperatureLogitsWarper,
    TopKLogitsWarper,
    TopPLogitsWarper,
)

from config.settings import GeneratorSettings
from ml.generate import ReplyRequest, load_generator
from ml.generate.prompt import training_text
from ml.generate.sampler import SamplingParams, next_token_distribution, sample
from ml.generate.tokenizer_train import train_tokenizer
from ml.generate.transformer_generator import TransformerGenerator

VOCAB = 50
STOP = (1, 2)
PARAMS = SamplingParams(
    temperature=0.8,
    top_k=10,
    top_p=0.9,
    repetition_penalty=1.3,
    no_repeat_ngram_size=3,
    max_new_tokens=12,
    min_new_tokens=2,
    stop_ids=STOP,
    suppress_ids=(3, 4),
)


def _hf_processors(prompt_len: int, p: SamplingParams) -> Any:
    return LogitsProcessorList(
        [
            RepetitionPenaltyLogitsProcessor(p.repetition_penalty),
            NoRepeatNGramLogitsProcessor(p.no_repeat_ngram_size),
            MinNewTokensLengthLogitsProcessor(prompt_len, p.min_new_tokens, list(p.stop_ids)),
            SuppressTokensLogitsProcessor(list(p.suppress_ids)),
            TemperatureLogitsWarper(p.temperature),
            TopKLogitsWarper(p.top_k),
            TopPLogitsWarper(p.top_p),
        ]
    )


@pytest.mark.parametrize("n_new", [0, 1, 5])
def test_next_token_distribution_equals_hf_processors(n_new: int) -> None:
    gen = torch.Generator().manual_seed(n_new)
    prompt = torch.randint(5, 12, (6, 8), generator=gen)  # few distinct ids: n-grams repeat
    seqs = torch.cat([prompt, torch.randint(5, 12, (6, n_new), generator=gen)], dim=1)
    scores = 3 * torch.randn(6, VOCAB, generator=gen)
    probs, ids = next_token_distribution(scores.clone(), seqs, n_new, PARAMS)
    ours = torch.zeros(6, VOCAB).scatter(1, ids, probs)
    theirs = torch.softmax(_hf_processors(prompt.shape[1], PARAMS)(seqs, scores.clone()), dim=1)
    torch.testing.assert_close(ours, theirs)
    assert ours[:, [3, 4]].sum() == 0 and (n_new >= 2 or ours[:, list(STOP)].sum() == 0)


def _tiny_model() -> Any:
    torch.manual_seed(0)
    config = GPT2Config(vocab_size=VOCAB, n_positions=64, n_embd=32, n_layer=2, n_head=2)
    model_cls: Any = GPT2LMHeadModel
    return model_cls(config).eval()


def test_cached_loop_matches_hf_generate_token_for_token() -> None:
    """Greedy (top_k=1) so both are deterministic: left padding, positions, cache and rows leaving."""
    model = _tiny_model()
    prompts = [[5, 6, 7, 8, 9, 10, 11], [12, 13], [14, 15, 16, 5]]
    greedy = SamplingParams(
        top_k=1, repetition_penalty=1.3, no_repeat_ngram_size=2, max_new_tokens=15, stop_ids=STOP
    )
    ours = sample(model, prompts, 2, greedy, pad_id=0)
    width = max(map(len, prompts))
    ids = torch.tensor([[0] * (width - len(x)) + x for x in prompts])
    mask = (torch.arange(width) >= torch.tensor([width - len(x) for x in prompts])[:, None]).long()
    with torch.inference_mode():
        out = model.generate(
            input_ids=ids,
            attention_mask=mask,
            do_sample=False,
            repetition_penalty=1.3,
            no_repeat_ngram_size=2,
            max_new_tokens=15,
            eos_token_id=list(STOP),
            pad_token_id=0,
        )
    for row, runs in enumerate(ours):
        theirs = out[row, width:].tolist()
        cut = next((i for i, t in enumerate(theirs) if t in STOP), len(theirs))
        assert runs == [theirs[:cut], theirs[:cut]]


def test_sampler_stops_at_stop_ids_and_respects_bans() -> None:
    model = _tiny_model()
    torch.manual_seed(3)
    p = SamplingParams(max_new_tokens=20, min_new_tokens=3, stop_ids=STOP, suppress_ids=(7,))
    runs = [r for rows in sample(model, [[5, 6], [8]], 16, p, pad_id=0) for r in rows]
    assert all(1 <= len(r) <= 20 for r in runs)
    assert all(7 not in r and not set(STOP) & set(r) for r in runs)
    assert any(len(r) < 20 for r in runs)  # some rows stopped early and left the batch


def test_large_batches_get_fewer_candidates_within_the_row_budget(tmp_path: Path) -> None:
    texts = [training_text("en", "joy", [t], t) for t in ("hello there", "fine, thanks", "안녕하세요")]
    tokenizer = train_tokenizer(texts * 5, 300)
    config = GPT2Config(vocab_size=len(tokenizer), n_positions=64, n_embd=16, n_layer=1, n_head=2)
    model_cls: Any = GPT2LMHeadModel
    model_cls(config).save_pretrained(str(tmp_path))
    tokenizer.save_pretrained(str(tmp_path))
    settings = GeneratorSettings(model_path=tmp_path, max_new_tokens=4, num_candidates=4, max_batch_rows=8)
    generator = load_generator(settings)
    assert isinstance(generator, TransformerGenerator)
    assert [generator.candidates_per_request(n) for n in (1, 2, 3, 8, 40)] == [4, 4, 2, 1, 1]
    replies = generator.generate([ReplyRequest(f"hello {i}", "joy", "en") for i in range(11)])
    assert len(replies) == 11 and all(r.strip() for r in replies)
