"""Forward passes with a KV cache for the sampler: prefill prompts, then one token per step.

:func:`decoder_for` picks the decoder for a model. :class:`GPT2Decoder` is a lean forward pass
for GPT-2 models (the shipped generator) written with plain torch ops on the model's own
weights: the prefill's dense layers run on the prompts packed without padding (attention on the
padded batch), only
each prompt's last position goes through the LM head, the KV cache is one preallocated tensor,
and a step costs a few dozen torch calls instead of Hugging Face's module machinery (measured in
``benchmarks/bench_generate.py``). Its logits equal the Hugging Face model's (tested).
It also makes int8 possible: Hugging Face's GPT-2 keeps its weights in ``Conv1D`` modules, which
``torch.ao.quantization.quantize_dynamic`` does not convert (it converts ``nn.Linear``).
:class:`HFDecoder` runs any other causal LM through its own ``forward`` with left padding.
"""

from __future__ import annotations

import inspect
import math
import warnings
from collections.abc import Callable
from typing import Any, Protocol

import torch
from torch.nn import functional as F

GELU_APPROXIMATION = {"gelu_new": "tanh", "gelu_pytorch_tanh": "tanh", "gelu": "none"}
Dense = Callable[[torch.Tensor], torch.Tensor]
NEG_INF = float("-inf")


def dense(weight: torch.Tensor, bias: torch.Tensor | None, int8: bool) -> Dense:
    """``x @ weight + bias`` (``weight``: in x out); with ``int8``, dynamically quantised
    (int8 weights, activations quantised per call; 3-5x faster matrix products with VNNI)."""
    w = weight.detach()
    if int8:
        linear = torch.nn.Linear(w.shape[0], w.shape[1], bias=bias is not None)
        linear.weight.data = w.T.contiguous()
        if bias is not None:
            linear.bias.data = bias.detach().clone()
        with warnings.catch_warnings():  # torch marks eager quantisation deprecated; it is what we use
            warnings.simplefilter("ignore")
            quantized: Dense = torch.ao.quantization.quantize_dynamic(  # type: ignore[no-untyped-call]
                torch.nn.Sequential(linear), {torch.nn.Linear}, dtype=torch.qint8
            )[0]
        return quantized
    if bias is None:
        return lambda x: x @ w
    b = bias.detach()
    return lambda x: torch.addmm(b, x, w)


class Decoding(Protocol):
    """One running decode over a batch of rows."""

    def step(self, tokens: torch.Tensor) -> torch.Tensor:
        """Feed one token per row ``(rows,)``; the next-token logits ``(rows, vocab)``."""
        ...

    def keep(self, rows: torch.Tensor) -> None:
        """Keep only ``rows`` (indices into the current batch) from now on."""
        ...


class Decoder(Protocol):
    """Starts decodes; safe to use from several threads at once (state lives in the decoding)."""

    def start(
        self, prompts: list[list[int]], expand: torch.Tensor, max_new: int
    ) -> tuple[torch.Tensor, Decoding]:
        """Prefill ``prompts``; rows ``expand`` (prompt index per row) decode on.

        Returns the logits of each row's next token ``(len(expand), vocab)`` and the decoding,
        which accepts up to ``max_new`` steps.
        """
        ...


def decoder_for(model: Any, pad_id: int, int8: bool = False) -> Decoder:
    """:class:`GPT2Decoder` (``int8``: quantised) for a GPT-2 model it supports, else :class:`HFDecoder`."""
    if GPT2Decoder.supports(model):
        return GPT2Decoder(model, int8)
    return HFDecoder(model, pad_id)


class _GPT2Decoding:
    def __init__(
        self, dec: GPT2Decoder, cache: torch.Tensor, mask: torch.Tensor, pos: torch.Tensor, col: int
    ) -> None:
        self.d, self.cache, self.mask, self.pos, self.col = dec, cache, mask, pos, col

    def step(self, tokens: torch.Tensor) -> torch.Tensor:
        d, col = self.d, self.col
        rows = tokens.shape[0]
        x = d.wte[tokens] + d.wpe[self.pos]
        self.mask[:, col] = 0.0
        attend = self.mask[:, None, None, : col + 1]
        for layer, (ln1, attn, proj, ln2, fc, out) in enumerate(d.blocks):
            h = F.layer_norm(x, (d.embd,), ln1[0], ln1[1], d.eps)
            q, k, v = attn(h).view(rows, 3, d.heads, d.head_dim).unbind(1)
            self.cache[layer, 0, :, :, col] = k
            self.cache[layer, 1, :, :, col] = v
            keys = self.cache[layer, 0, :, :, : col + 1]
            values = self.cache[layer, 1, :, :, : col + 1]
            a = F.scaled_dot_product_attention(
                q.unsqueeze(2), keys, values, attn_mask=attend, scale=d.scale
            ).view(rows, d.embd)
            x = proj(a).add_(x)
            h = F.layer_norm(x, (d.embd,), ln2[0], ln2[1], d.eps)
            h = F.gelu(fc(h), approximate=d.approximate)
            x = out(h).add_(x)
        self.col += 1
        self.pos = self.pos + 1
        return d.logits(x)

    def keep(self, rows: torch.Tensor) -> None:
        self.cache = self.cache[:, :, rows]
        self.mask, self.pos = self.mask[rows], self.pos[rows]


class GPT2Decoder:
    """A lean KV-cache forward pass over a Hugging Face ``GPT2LMHeadModel``'s weights."""

    def __init__(self, model: Any, int8: bool = False) -> None:
        cfg = model.config
        t = model.transformer
        self.embd: int = cfg.n_embd
        self.heads: int = cfg.n_head
        self.head_dim = self.embd // self.heads
        self.eps: float = cfg.layer_norm_epsilon
        self.scale = 1.0 / math.sqrt(self.head_dim) if cfg.scale_attn_weights else 1.0
        self.approximate = GELU_APPROXIMATION[cfg.activation_function]
        self.wte: torch.Tensor = t.wte.weight.detach()
        self.wpe: torch.Tensor = t.wpe.weight.detach()
        self.head = dense(model.lm_head.weight.T, None, int8)
        self.ln_f = (t.ln_f.weight.detach(), t.ln_f.bias.detach())
        self.blocks = [
            (
                (b.ln_1.weight.detach(), b.ln_1.bias.detach()),
                dense(b.attn.c_attn.weight, b.attn.c_attn.bias, int8),
                dense(b.attn.c_proj.weight, b.attn.c_proj.bias, int8),
                (b.ln_2.weight.detach(), b.ln_2.bias.detach()),
                dense(b.mlp.c_fc.weight, b.mlp.c_fc.bias, int8),
                dense(b.mlp.c_proj.weight, b.mlp.c_proj.bias, int8),
            )
            for b in t.h
        ]

    @staticmethod
    def supports(model: Any) -> bool:
        """Whether ``model`` is a plain GPT-2 LM this decoder computes exactly."""
        cfg: Any = getattr(model, "config", None)
        return (
            getattr(cfg, "model_type", None) == "gpt2"
            and hasattr(model, "transformer")
            and hasattr(model, "lm_head")
            and getattr(model.lm_head, "bias", None) is None
            and cfg.activation_function in GELU_APPROXIMATION
            and not cfg.scale_attn_by_inverse_layer_idx
            and not cfg.add_cross_attention
            and not getattr(model, "training", False)
            and model.transformer.wte.weight.dtype == torch.float32
        )

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """Next-token logits for hidden states ``x`` (rows, embd)."""
        return self.head(F.layer_norm(x, (self.embd,), self.ln_f[0], self.ln_f[1], self.eps))

    def start(
        self, prompts: list[list[int]], expand: torch.Tensor, max_new: int
    ) -> tuple[torch.Tensor, _GPT2Decoding]:
        lengths = torch.tensor([len(p) for p in prompts])
        n, width = len(prompts), int(lengths.max())
        ids = torch.tensor([t for p in prompts for t in p], dtype=torch.long)
        valid = torch.arange(width)[None, :] >= (width - lengths)[:, None]  # (n, width): left padding
        slots = torch.nonzero(valid.flatten())[:, 0]  # each packed token's place in the padded batch
        x = self.wte[ids] + self.wpe[torch.cat([torch.arange(int(k)) for k in lengths])]
        ends = lengths.cumsum(0) - 1
        causal = torch.ones(width, width, dtype=torch.bool).tril()
        attend = (causal & valid[:, None, :]) | torch.eye(width, dtype=torch.bool)  # (n, q, k)
        bias = torch.zeros(n, 1, width, width).masked_fill_(~attend[:, None], NEG_INF)
        # columns past the prompt are written before any step reads them
        cache = torch.empty(len(self.blocks), 2, n, self.heads, width + max_new, self.head_dim)
        padded = torch.zeros(n * width, 3 * self.embd)
        for layer, (ln1, attn, proj, ln2, fc, out) in enumerate(self.blocks):
            # dense layers on the packed tokens; attention on the padded batch
            padded[slots] = attn(F.layer_norm(x, (self.embd,), ln1[0], ln1[1], self.eps))
            q, k, v = padded.view(n, width, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
            cache[layer, 0, :, :, :width] = k
            cache[layer, 1, :, :, :width] = v
            a = F.scaled_dot_product_attention(q, k, v, attn_mask=bias, scale=self.scale)
            x = proj(a.transpose(1, 2).reshape(n * width, self.embd)[slots]).add_(x)
            h = F.layer_norm(x, (self.embd,), ln2[0], ln2[1], self.eps)
            x = out(F.gelu(fc(h), approximate=self.approximate)).add_(x)
        logits = self.logits(x[ends])[expand]  # the LM head on each prompt's last position only
        mask = torch.full((n, width + max_new), NEG_INF)
        mask[:, :width].masked_fill_(valid, 0.0)
        return logits, _GPT2Decoding(self, cache[:, :, expand], mask[expand], lengths[expand], width)


def _select(cache: Any, rows: torch.Tensor) -> Any:
    """The cache restricted (or expanded) to ``rows`` of the batch."""
    if hasattr(cache, "batch_select_indices"):
        cache.batch_select_indices(rows)
        return cache
    return tuple(tuple(t[rows] for t in layer) for layer in cache)  # legacy tuple caches


class _HFDecoding:
    def __init__(
        self, model: Any, cache: Any, mask: torch.Tensor, pos: torch.Tensor, positions: bool
    ) -> None:
        self.model, self.cache, self.mask, self.pos, self.positions = model, cache, mask, pos, positions

    def step(self, tokens: torch.Tensor) -> torch.Tensor:
        token = tokens[:, None]
        self.mask = torch.cat([self.mask, torch.ones_like(token)], dim=1)
        self.pos = self.pos + 1
        extra = {"position_ids": self.pos} if self.positions else {}
        result = self.model(
            input_ids=token, attention_mask=self.mask, past_key_values=self.cache, use_cache=True, **extra
        )
        self.cache = result.past_key_values
        logits: torch.Tensor = result.logits[:, -1, :]
        return logits

    def keep(self, rows: torch.Tensor) -> None:
        self.cache = _select(self.cache, rows)
        self.mask, self.pos = self.mask[rows], self.pos[rows]


class HFDecoder:
    """Any Hugging Face causal LM through its ``forward``: left-padded prefill, HF's cache.

    Position ids follow the left padding when the model takes them, as in ``generate``.
    """

    def __init__(self, model: Any, pad_id: int) -> None:
        self.model, self.pad_id = model, pad_id
        accepted = inspect.signature(model.forward).parameters
        self.positions = "position_ids" in accepted
        self.first = {"logits_to_keep": 1} if "logits_to_keep" in accepted else {}

    def start(
        self, prompts: list[list[int]], expand: torch.Tensor, max_new: int
    ) -> tuple[torch.Tensor, _HFDecoding]:
        width = max(len(x) for x in prompts)
        ids = torch.full((len(prompts), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(prompts), width), dtype=torch.long)
        for row, prompt in enumerate(prompts):
            ids[row, width - len(prompt) :] = torch.tensor(prompt, dtype=torch.long)
            mask[row, width - len(prompt) :] = 1
        pos = (mask.cumsum(1) - 1).clamp(min=0)
        extra = {"position_ids": pos} if self.positions else {}
        result = self.model(input_ids=ids, attention_mask=mask, use_cache=True, **self.first, **extra)
        cache = _select(result.past_key_values, expand)
        logits: torch.Tensor = result.logits[:, -1, :][expand]
        return logits, _HFDecoding(self.model, cache, mask[expand], pos[expand, -1:], self.positions)
