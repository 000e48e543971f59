"""A character n-gram dual encoder: the Korean ranker.

Nothing Korean-pretrained is installable here, and a transformer trained from scratch on ~20k
Korean pairs learned little (dev hits@1 of 20: 0.14 after 200 steps; model card). Syllable
n-grams (1-3 characters inside each word) carry Korean morphemes, so a bag of learned n-gram
vectors trained with in-batch negatives is a better fit for this much data. The message and the
earlier turns are embedded apart and mixed by a learned layer; replies have their own layer.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from torch import nn

MAX_NGRAM = 3
MAX_CHARS = 600


def ngrams(text: str) -> list[str]:
    """Character 1- to 3-grams inside each space-separated word, the word padded with spaces."""
    out = []
    for word in text.lower()[:MAX_CHARS].split():
        w = f" {word} "
        out += [
            w[i : i + n]
            for n in range(1, MAX_NGRAM + 1)
            for i in range(len(w) - n + 1)
            if w[i : i + n] != " "
        ]
    return out


def build_vocab(texts: Iterable[str], min_count: int = 2, max_size: int = 120_000) -> list[str]:
    counts = Counter(g for t in texts for g in ngrams(t))
    return [g for g, c in counts.most_common(max_size) if c >= min_count]


class NgramDualEncoder(nn.Module):
    """Shared n-gram vectors; a layer each for the message, the earlier turns and the reply."""

    def __init__(self, vocab_size: int, dim: int = 256) -> None:
        super().__init__()
        self.dim = dim
        self.emb = nn.EmbeddingBag(vocab_size + 1, dim, mode="mean", padding_idx=0)
        self.message = nn.Linear(dim, dim)
        self.earlier = nn.Linear(dim, dim, bias=False)
        self.reply = nn.Linear(dim, dim)
        nn.init.normal_(self.emb.weight, std=0.1)
        for layer in (self.message, self.reply):
            nn.init.eye_(layer.weight)
            nn.init.zeros_(layer.bias)
        nn.init.zeros_(self.earlier.weight)

    def _bag(self, ids: list[list[int]]) -> torch.Tensor:
        flat = torch.tensor([i for row in ids for i in row] or [0], dtype=torch.long)
        offsets = torch.tensor([0, *np.cumsum([len(r) for r in ids])[:-1]], dtype=torch.long)
        out: torch.Tensor = self.emb(flat, offsets)
        empty = torch.tensor([len(r) == 0 for r in ids])
        return out.masked_fill(empty[:, None], 0.0)

    def contexts(self, message_ids: list[list[int]], earlier_ids: list[list[int]]) -> torch.Tensor:
        return F.normalize(
            self.message(self._bag(message_ids)) + self.earlier(self._bag(earlier_ids)), dim=-1
        )

    def replies(self, reply_ids: list[list[int]]) -> torch.Tensor:
        return F.normalize(self.reply(self._bag(reply_ids)), dim=-1)


class NgramEncoder:
    """The trained n-gram model behind the same calls as :class:`SentenceEncoder`."""

    def __init__(self, model: NgramDualEncoder, vocab: Sequence[str]) -> None:
        self.model = model.eval()
        self.vocab = {g: i + 1 for i, g in enumerate(vocab)}
        self.vocab_list = list(vocab)

    def ids(self, text: str) -> list[int]:
        return [i for g in ngrams(text) if (i := self.vocab.get(g, 0))]

    def split(self, context: Sequence[str]) -> tuple[list[int], list[int]]:
        turns = [t for t in context if t.strip()] or [""]
        return self.ids(turns[-1]), self.ids(" ".join(turns[:-1]))

    @classmethod
    def load(cls, directory: Path) -> NgramEncoder:
        meta = json.loads((directory / "config.json").read_text(encoding="utf-8"))
        vocab = json.loads((directory / "vocab.json").read_text(encoding="utf-8"))
        model = NgramDualEncoder(len(vocab), int(meta["dim"]))
        model.load_state_dict(
            {k: v.float() for k, v in load_file(str(directory / "model.safetensors")).items()}
        )
        return cls(model, vocab)

    @torch.inference_mode()
    def encode_contexts(self, contexts: Sequence[Sequence[str]]) -> np.ndarray:
        if not contexts:
            return np.zeros((0, self.model.dim), dtype=np.float32)
        parts = [self.split(c) for c in contexts]
        return self.model.contexts([p[0] for p in parts], [p[1] for p in parts]).numpy()

    @torch.inference_mode()
    def encode_replies(self, replies: Sequence[str]) -> np.ndarray:
        if not replies:
            return np.zeros((0, self.model.dim), dtype=np.float32)
        return self.model.replies([self.ids(r) for r in replies]).numpy()

    def export(self, out: Path, info: dict[str, object]) -> None:
        out.mkdir(parents=True, exist_ok=True)
        state = {k: v.detach().to(torch.float16).contiguous() for k, v in self.model.state_dict().items()}
        save_file(state, str(out / "model.safetensors"))
        (out / "vocab.json").write_text(json.dumps(self.vocab_list, ensure_ascii=False), encoding="utf-8")
        meta = {"kind": "ngram", "dim": self.model.dim, **info}
        (out / "config.json").write_text(
            json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
