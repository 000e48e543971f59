"""The KV-cache sampler and its decoders against Hugging Face: same distribution, same greedy
tokens, same logits (the lean GPT-2 decoder; close logits when it is quantised)."""

from __future__ import annotations

from collections.abc import Callable
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
from ml.generate.decoders import Decoder, GPT2Decoder, HFDecoder, decoder_for
from ml.generate.loader import SHIPPED_TRANSFORMER
from ml.generate.prompt import training_text
from ml.generate.row_budget import candidates_per_request
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


def _tiny_model(**config: Any) -> Any:
    torch.manual_seed(0)
    cfg = GPT2Config(vocab_size=VOCAB, n_positions=64, n_embd=32, n_layer=2, n_head=2, **config)
    model_cls: Any = GPT2LMHeadModel
    return model_cls(cfg).eval()


DECODERS: dict[str, Callable[[Any], Decoder]] = {"hf": lambda m: HFDecoder(m, 0), "gpt2": GPT2Decoder}


@pytest.mark.parametrize("decoder", list(DECODERS))
def test_cached_loop_matches_hf_generate_token_for_token(decoder: str) -> None:
    """Greedy (top_k=1) so both are deterministic: left padding, positions, cache and rows leaving."""
    model = _tiny_model()
    prompts = [[5, 6, 7, 8, 9, 10, 11], [12, 13], [14, 15, 16, 5]]
    greedy = SamplingParams(
        top_k=1, repetition_penalty=1.3, no_repeat_ngram_size=2, max_new_tokens=15, stop_ids=STOP
    )
    ours = sample(DECODERS[decoder](model), prompts, 2, greedy, pad_id=0)
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
    runs = [r for rows in sample(decoder_for(model, 0), [[5, 6], [8]], 16, p, pad_id=0) for r in rows]
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
    assert [candidates_per_request(settings, n) for n in (1, 2, 3, 8, 40)] == [4, 4, 2, 1, 1]
    replies = generator.generate([ReplyRequest(f"hello {i}", "joy", "en") for i in range(11)])
    assert len(replies) == 11 and all(r.strip() for r in replies)


def _hf_next_logits(model: Any, prompt: list[int]) -> torch.Tensor:
    with torch.inference_mode():
        logits: torch.Tensor = model(input_ids=torch.tensor([prompt])).logits[0, -1]
    return logits


def _decode(
    decoder: Decoder, prompts: list[list[int]], steps: int, fed: list[torch.Tensor] | None = None
) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """Logits after the prefill and after each step, and the tokens fed (greedy unless ``fed``);
    from step 1 on only rows 0 and 2 go on."""
    tokens: list[torch.Tensor] = []
    with torch.inference_mode():
        logits, decoding = decoder.start(prompts, torch.arange(len(prompts)), steps)
        seen = [logits]
        for step in range(steps):
            token = logits.argmax(1) if fed is None else fed[step]
            if step == 1:
                decoding.keep(torch.tensor([0, 2]))
                token = token if fed is not None else token[[0, 2]]
            tokens.append(token)
            logits = decoding.step(token)
            seen.append(logits)
    return seen, tokens


def test_gpt2_decoder_logits_equal_the_hf_model() -> None:
    """Packed prefill, left padding, cache columns and dropped rows: every step's logits are the
    model's own for that row's tokens so far."""
    model = _tiny_model()
    prompts = [[5, 6, 7, 8, 9, 10, 11], [12, 13], [14, 15, 16, 5], [9]]
    ours, _ = _decode(GPT2Decoder(model), prompts, 4)
    seqs = [list(p) for p in prompts]
    for step, logits in enumerate(ours):
        alive = [0, 1, 2, 3] if step < 2 else [0, 2]
        for row, seq in zip(logits, [seqs[i] for i in alive], strict=True):
            torch.testing.assert_close(row, _hf_next_logits(model, seq), atol=1e-4, rtol=1e-4)
            seq.append(int(row.argmax()))


def test_decoder_for_falls_back_to_hf_for_what_the_lean_decoder_does_not_compute() -> None:
    assert isinstance(decoder_for(_tiny_model(), 0), GPT2Decoder)
    assert isinstance(decoder_for(_tiny_model(scale_attn_by_inverse_layer_idx=True), 0), HFDecoder)
    assert isinstance(decoder_for(_tiny_model(activation_function="relu"), 0), HFDecoder)


def test_quantised_decoder_stays_close_to_the_shipped_model() -> None:
    """int8 matrix products move the shipped model's next-token distribution by little."""
    model_cls: Any = GPT2LMHeadModel
    model = model_cls.from_pretrained(str(SHIPPED_TRANSFORMER), local_files_only=True).eval()
    gen = torch.Generator().manual_seed(0)
    prompts = [torch.randint(20, 8000, (int(k),), generator=gen).tolist() for k in (12, 30, 5, 60)]
    exact, fed = _decode(GPT2Decoder(model), prompts, 3)
    quantised, _ = _decode(GPT2Decoder(model, int8=True), prompts, 3, fed)  # the same tokens
    for a, b in zip(exact, quantised, strict=True):
        distance = 0.5 * (a.softmax(1) - b.softmax(1)).abs().sum(1)  # total variation per row
        assert float(distance.max()) < 0.1
