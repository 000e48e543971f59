"""Batched top-k/top-p sampling with the KV cache, over a decoder (``ml.generate.decoders``).

One forward pass per new token over the rows still running; rows that emitted a stop id leave
the batch (their cache rows are dropped, in bulk once they are a quarter of the batch, because
each drop copies the cache), so long replies do not keep short ones computing. Prompts are
encoded once per request and the cache is then copied for each candidate.

The next-token distribution is the one ``model.generate(do_sample=True, ...)`` draws from with
the same settings, with HF's processors in HF's order: repetition penalty over the whole
sequence (prompt and reply, as HF does for decoder-only models), no-repeat n-grams over the whole
sequence, stop ids banned before ``min_new_tokens``, suppressed tokens, then temperature, top-k and
top-p. The one difference: top-k keeps exactly ``top_k`` tokens, where HF also keeps tokens tied
with the k-th logit (exact float ties; tested against HF's processors).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ml.generate.decoders import Decoder

NEG_INF = float("-inf")


@dataclass(frozen=True)
class SamplingParams:
    """What to sample; the fields mean what the ``generate`` arguments of the same name mean."""

    temperature: float = 1.0
    top_k: int = 0
    top_p: float = 1.0
    repetition_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    max_new_tokens: int = 40
    min_new_tokens: int = 0
    stop_ids: tuple[int, ...] = ()
    suppress_ids: tuple[int, ...] = ()


def _penalise_repeats(scores: torch.Tensor, seqs: torch.Tensor, penalty: float) -> torch.Tensor:
    seen = torch.gather(scores, 1, seqs)
    seen = torch.where(seen < 0, seen * penalty, seen / penalty)
    return scores.scatter(1, seqs, seen)


def _ban_repeated_ngrams(scores: torch.Tensor, seqs: torch.Tensor, n: int) -> torch.Tensor:
    """Forbid every token that would complete an ``n``-gram already in ``seqs``."""
    length = seqs.shape[1]
    if length < n:
        return scores
    suffix = seqs[:, length + 1 - n :]
    windows = seqs.unfold(1, n, 1)  # (rows, length - n + 1, n)
    match = (windows[..., :-1] == suffix.unsqueeze(1)).all(-1)
    banned = torch.zeros_like(scores).scatter_add_(1, windows[..., -1], match.to(scores.dtype))
    return scores.masked_fill(banned > 0, NEG_INF)


def next_token_distribution(
    scores: torch.Tensor, seqs: torch.Tensor, n_new: int, p: SamplingParams
) -> tuple[torch.Tensor, torch.Tensor]:
    """Probabilities and token ids of the candidates for the next token of each row.

    ``scores``: raw logits (rows, vocab); ``seqs``: each row's tokens so far (prompt and reply);
    ``n_new``: tokens generated so far. Returns ``(probs, ids)``, both (rows, k), k = ``top_k``
    (or the vocabulary when top-k is off), ids sorted by falling logit.
    """
    scores = scores.float()
    if p.repetition_penalty != 1.0:
        scores = _penalise_repeats(scores, seqs, p.repetition_penalty)
    if p.no_repeat_ngram_size > 0:
        scores = _ban_repeated_ngrams(scores, seqs, p.no_repeat_ngram_size)
    if n_new < p.min_new_tokens and p.stop_ids:
        scores[:, list(p.stop_ids)] = NEG_INF
    if p.suppress_ids:
        scores[:, list(p.suppress_ids)] = NEG_INF
    k = p.top_k if 0 < p.top_k < scores.shape[1] else scores.shape[1]
    values, ids = torch.topk(scores, k, dim=1)  # sorted, falling
    probs = torch.softmax(values / p.temperature, dim=1)
    if p.top_p < 1.0:  # HF drops a token when the mass of the less likely ones is <= 1 - top_p
        above = torch.cumsum(probs, dim=1) - probs
        probs = probs.masked_fill(above >= p.top_p, 0.0)
        probs = probs / probs.sum(dim=1, keepdim=True)
    return probs, ids


def sample(
    decoder: Decoder, prompts: list[list[int]], n: int, p: SamplingParams, pad_id: int
) -> list[list[list[int]]]:
    """``n`` sampled continuations of each prompt (token ids, stop id excluded).

    The penalties see each prompt left-padded with ``pad_id`` to the longest, as ``generate``
    does. Safe to call from several threads at once (each call has its own decoding state).
    """
    if not prompts:
        return []
    width = max(len(x) for x in prompts)
    out: list[list[int]] = [[] for _ in range(len(prompts) * n)]
    stop = torch.tensor(p.stop_ids or (-1,), dtype=torch.long)
    with torch.inference_mode():
        expand = torch.arange(len(prompts)).repeat_interleave(n)
        logits, decoding = decoder.start(prompts, expand, p.max_new_tokens)
        seqs = torch.tensor([[pad_id] * (width - len(x)) + x for x in prompts])[expand]
        rows = torch.arange(len(prompts) * n)  # original row of each row in the batch
        finished = torch.zeros(len(rows), dtype=torch.bool)  # rows still in the batch but done
        for step in range(p.max_new_tokens):
            probs, cand = next_token_distribution(logits, seqs, step, p)
            token = cand.gather(1, torch.multinomial(probs, 1))
            seqs = torch.cat([seqs, token], dim=1)
            done = torch.isin(token[:, 0], stop) & ~finished
            if step + 1 == p.max_new_tokens:
                done = ~finished
            for r in torch.nonzero(done)[:, 0].tolist():
                tail = seqs[r, width:].tolist()
                out[int(rows[r])] = tail[:-1] if tail[-1] in p.stop_ids else tail
            finished |= done
            if bool(finished.all()):
                break
            if 4 * int(finished.sum()) >= len(rows):  # drop finished rows in bulk: each drop copies the cache
                keep = torch.nonzero(~finished)[:, 0]
                decoding.keep(keep)
                seqs, rows, token, finished = seqs[keep], rows[keep], token[keep], finished[keep]
            logits = decoding.step(token[:, 0])
    return [out[i * n : (i + 1) * n] for i in range(len(prompts))]
