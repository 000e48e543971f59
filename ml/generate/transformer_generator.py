"""Replies from a local Hugging Face causal LM (the shipped model or any user checkpoint)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from config.settings import GeneratorSettings
from ml.generate.decoders import decoder_for
from ml.generate.pair import Pair
from ml.generate.prompt import (
    EMOTION_TOKENS,
    LANG_TOKENS,
    SEP,
    context_turns,
    example_ids,
    prompt_text,
)
from ml.generate.request import ModelLoadError, ReplyRequest
from ml.generate.row_budget import candidates_per_request
from ml.generate.sampler import SamplingParams, sample
from ml.generate.scoring import pick_best


class TransformerGenerator:
    """Samples several replies per request in one batch (``ml.generate.sampler``), keeps the best.

    A tokenizer that knows the project's special tokens gets the conditioned prompt
    (``<lang><emotion> turn<sep> ... message<sep>``); any other causal LM gets the turns joined by
    its end-of-sequence token, as DialoGPT-style models expect.
    """

    def __init__(self, path: Path, settings: GeneratorSettings, threads: int | None = None) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        quiet: Any = hf_logging.disable_progress_bar
        quiet()
        if not path.is_dir():
            raise ModelLoadError(f"generator model directory not found: {path}")
        try:
            self.tokenizer: Any = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
            model: Any = AutoModelForCausalLM.from_pretrained(str(path), local_files_only=True)
        except Exception as exc:  # transformers raises OSError, ValueError, KeyError, json errors ...
            raise ModelLoadError(f"cannot load a causal LM from {path}: {exc}") from exc
        if threads is not None:
            torch.set_num_threads(threads)
        self.model: Any = model.eval()
        self.settings = settings
        self._lock = threading.Lock()
        tok = self.tokenizer
        vocab = tok.get_vocab()
        needed = [SEP, *LANG_TOKENS.values(), *EMOTION_TOKENS.values()]
        self.conditioned = all(t in vocab for t in needed)
        self.eos_id: int | None = tok.eos_token_id
        if tok.pad_token_id is None:
            tok.pad_token = tok.eos_token if tok.eos_token is not None else tok.unk_token
        tok.padding_side = "left"
        self.pad_id: int = tok.pad_token_id if tok.pad_token_id is not None else 0
        self.decoder = decoder_for(self.model, self.pad_id, int8=settings.quantize)
        cfg = self.model.config
        self.context: int = int(
            getattr(cfg, "n_positions", None) or getattr(cfg, "max_position_embeddings", None) or 1024
        )
        self.stop_ids = [
            i for i in (self.eos_id, vocab.get(SEP) if self.conditioned else None) if i is not None
        ]
        self.suppress = (
            [vocab[t] for t in (*LANG_TOKENS.values(), *EMOTION_TOKENS.values())]
            + [i for i in (tok.pad_token_id, tok.unk_token_id) if i is not None and i not in self.stop_ids]
            if self.conditioned
            else []
        )

    def _prompt_ids(self, request: ReplyRequest) -> list[int]:
        turns = context_turns(request.history, request.text)
        budget = max(8, min(self.context - self.settings.max_new_tokens, self.settings.max_prompt_tokens))
        if self.conditioned:
            head_text = prompt_text(request.lang, request.emotion, [])
            ids: list[int] = self.tokenizer(prompt_text(request.lang, request.emotion, turns))["input_ids"]
            head: list[int] = self.tokenizer(head_text)["input_ids"]
            return ids if len(ids) <= budget else head + ids[-(budget - len(head)) :]
        joiner: str = self.tokenizer.eos_token or "\n"
        text = joiner.join(turns) + joiner
        ids = self.tokenizer(text)["input_ids"]
        return ids[-budget:] or [self.pad_id]

    def _decode(self, ids: Sequence[int]) -> str:
        text: str = self.tokenizer.decode(list(ids), skip_special_tokens=True)
        return " ".join(text.replace("\ufffd", "").split())

    def params(self) -> SamplingParams:
        """The sampling settings as the sampler takes them."""
        s = self.settings
        return SamplingParams(
            temperature=s.temperature,
            top_k=s.top_k,
            top_p=s.top_p,
            repetition_penalty=s.repetition_penalty,
            no_repeat_ngram_size=s.no_repeat_ngram_size,
            max_new_tokens=s.max_new_tokens,
            min_new_tokens=min(2, s.max_new_tokens),
            stop_ids=tuple(self.stop_ids),
            suppress_ids=tuple(self.suppress),
        )

    def prompts(self, requests: Sequence[ReplyRequest]) -> list[list[int]]:
        """The token ids of each request's prompt."""
        with self._lock:  # fast tokenizers are not safe to call from several threads at once
            return [self._prompt_ids(r) for r in requests]

    def sample(self, requests: Sequence[ReplyRequest], n: int) -> list[list[str]]:
        """``n`` raw sampled replies for each request."""
        new = sample(self.decoder, self.prompts(requests), n, self.params(), self.pad_id)
        with self._lock:
            return [[self._decode(ids) for ids in row] for row in new]

    def reply_nll(self, pairs: Sequence[Pair], batch_size: int = 16) -> tuple[float, int, int]:
        """Summed negative log-likelihood of each pair's reply given its message.

        Returns (nll, reply tokens, reply characters); the reply's closing token counts.
        Only for models that know the project's conditioning tokens.
        """
        import torch

        if not self.conditioned:
            raise ValueError("perplexity needs a model trained with the project's conditioning tokens")
        total, n_tokens, n_chars = 0.0, 0, 0
        sep = self.tokenizer.convert_tokens_to_ids(SEP)
        for start in range(0, len(pairs), batch_size):
            chunk = pairs[start : start + batch_size]
            with self._lock:
                seqs = [example_ids(self.tokenizer, p, 0, self.context) for p in chunk]
            width = max(len(x) for x in seqs)
            ids = torch.full((len(seqs), width), self.pad_id, dtype=torch.long)
            labels = torch.full((len(seqs), width), -100, dtype=torch.long)
            mask = torch.zeros((len(seqs), width), dtype=torch.long)
            for row, seq in enumerate(seqs):
                ids[row, : len(seq)] = torch.tensor(seq)
                mask[row, : len(seq)] = 1
                reply_start = len(seq) - seq[::-1].index(sep) if sep in seq else 2
                labels[row, reply_start : len(seq)] = torch.tensor(seq[reply_start:])
            with torch.inference_mode():
                logits = self.model(input_ids=ids, attention_mask=mask).logits[:, :-1]
            target = labels[:, 1:]
            nll = torch.nn.functional.cross_entropy(
                logits.reshape(-1, logits.shape[-1]), target.reshape(-1), ignore_index=-100, reduction="sum"
            )
            total += float(nll)
            n_tokens += int((target != -100).sum())
            n_chars += sum(len(p.reply) + 1 for p in chunk)
        return total, n_tokens, n_chars

    def generate(self, requests: Sequence[ReplyRequest]) -> list[str]:
        """One reply per request: the best-scoring of its sampled candidates.

        A request gets ``num_candidates`` candidates, or fewer when the batch is large
        (:func:`~ml.generate.row_budget.candidates_per_request`); at least one, and the batch then
        runs in chunks of at most ``max_batch_rows`` rows.
        """
        if not requests:
            return []
        n = candidates_per_request(self.settings, len(requests))
        chunk = max(1, self.settings.max_batch_rows // n)
        drawn = [c for i in range(0, len(requests), chunk) for c in self.sample(requests[i : i + chunk], n)]
        replies = [pick_best(r, c) for r, c in zip(requests, drawn, strict=True)]
        for i, reply in enumerate(replies):
            if not reply:  # every candidate was empty: one more, larger draw
                replies[i] = pick_best(requests[i], self.sample([requests[i]], 2 * n + 2)[0])
        return [r or "..." for r in replies]
