"""The ranker's sentence encoder: one BERT tower for conversations and replies (a dual encoder).

A conversation is its last turns joined by ``[SEP]``, cut from the left so the newest message
always fits; a reply is cut from the right. Vectors are L2-normalised, so a score is a cosine.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from tokenizers import Tokenizer

from ml.bert import BertEncoder, EncoderConfig
from ml.emotion.classifier import padded_buckets

TURN_SEPARATOR = " [SEP] "
MAX_CHARS = 1200


class RankerLoadError(Exception):
    """A ranker directory is missing, unreadable or not a ranker."""


class PairEncoder(Protocol):
    """A dual encoder: unit vectors for conversations and for replies, comparable by dot product."""

    def encode_contexts(self, contexts: Sequence[Sequence[str]]) -> np.ndarray: ...
    def encode_replies(self, replies: Sequence[str]) -> np.ndarray: ...


def load_encoder(directory: Path) -> PairEncoder:
    """The ranker exported to ``directory``: a BERT tower, or the character n-gram model."""
    try:
        kind = json.loads((directory / "config.json").read_text(encoding="utf-8")).get("kind", "bert")
    except (OSError, ValueError, AttributeError) as exc:
        raise RankerLoadError(f"cannot load the reply ranker from {directory}: {exc}") from exc
    if kind == "ngram":
        from ml.dialogue.ngram_encoder import NgramEncoder

        try:
            return NgramEncoder.load(directory)
        except (OSError, ValueError, KeyError, TypeError, RuntimeError, SafetensorError) as exc:
            raise RankerLoadError(f"cannot load the reply ranker from {directory}: {exc}") from exc
    return SentenceEncoder.load(directory)


@dataclass(frozen=True)
class EncoderLimits:
    """Token lengths of the two inputs."""

    context_tokens: int = 96
    reply_tokens: int = 48


def context_text(turns: Sequence[str]) -> str:
    """The conversation as one string, oldest turn first."""
    return TURN_SEPARATOR.join(t.strip() for t in turns if t.strip())[-MAX_CHARS:]


def _tokenizer(path: Path, max_len: int, left: bool) -> Tokenizer:
    tok = Tokenizer.from_file(str(path))
    tok.enable_truncation(max_len, direction="left" if left else "right")
    tok.no_padding()
    return tok


class SentenceEncoder:
    """A trained dual-encoder tower: ``encode_contexts`` and ``encode_replies`` give unit vectors."""

    def __init__(self, model: BertEncoder, tokenizer_path: Path, limits: EncoderLimits) -> None:
        self.model = model.eval()
        self.limits = limits
        self.context_tokenizer = _tokenizer(tokenizer_path, limits.context_tokens, left=True)
        self.reply_tokenizer = _tokenizer(tokenizer_path, limits.reply_tokens, left=False)

    @classmethod
    def load(cls, directory: Path, quantize: bool = True) -> SentenceEncoder:
        """Load an exported ranker (``config.json``, ``model.safetensors``, ``tokenizer.json``)."""
        try:
            meta = json.loads((directory / "config.json").read_text(encoding="utf-8"))
            model = BertEncoder(EncoderConfig.from_dict(meta["encoder"]))
            state = load_file(str(directory / "model.safetensors"))
            model.load_state_dict({k: v.float() for k, v in state.items()})
            limits = EncoderLimits(int(meta["context_tokens"]), int(meta["reply_tokens"]))
            tok = directory / "tokenizer.json"
            encoder = cls(model, tok, limits)
        except (OSError, ValueError, KeyError, TypeError, RuntimeError, SafetensorError) as exc:
            raise RankerLoadError(f"cannot load the reply ranker from {directory}: {exc}") from exc
        if quantize:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                encoder.model = cast(
                    BertEncoder,
                    torch.ao.quantization.quantize_dynamic(  # type: ignore[no-untyped-call]
                        model.eval(), {torch.nn.Linear}, dtype=torch.qint8
                    ),
                )
        return encoder

    def encode_contexts(self, contexts: Sequence[Sequence[str]]) -> np.ndarray:
        """Unit vectors (n, dim) for conversations (each a sequence of turns, oldest first)."""
        return self._encode(self.context_tokenizer, [context_text(c) for c in contexts])

    def encode_replies(self, replies: Sequence[str]) -> np.ndarray:
        """Unit vectors (n, dim) for candidate replies."""
        return self._encode(self.reply_tokenizer, [r[:MAX_CHARS] for r in replies])

    @torch.inference_mode()
    def _encode(self, tok: Tokenizer, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.model.cfg.hidden_size), dtype=np.float32)
        if not texts:
            return out
        enc = [e.ids for e in tok.encode_batch(texts)]
        for idx, ids, mask in padded_buckets(enc):
            vec = self.model.pool(ids, mask)
            out[idx] = torch.nn.functional.normalize(vec.float(), dim=-1).numpy()
        return out


def export(
    model: BertEncoder, tokenizer: Path, limits: EncoderLimits, out: Path, info: dict[str, Any]
) -> None:
    """Write a ranker directory (fp16 weights) that :meth:`SentenceEncoder.load` reads."""
    out.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().to(torch.float16).contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(out / "model.safetensors"))
    (out / "tokenizer.json").write_text(tokenizer.read_text(encoding="utf-8"), encoding="utf-8")
    meta = {
        "encoder": model.cfg.to_dict(),
        "context_tokens": limits.context_tokens,
        "reply_tokens": limits.reply_tokens,
        **info,
    }
    (out / "config.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
