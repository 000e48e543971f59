"""Load the shipped emotion models once and classify batches of messages (English and Korean)."""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from zipfile import BadZipFile

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file
from tokenizers import Tokenizer

from ml.emotion.encoder import EmotionEncoder, EncoderConfig
from ml.emotion.ensemble import ENSEMBLE_FILE, Ensemble
from ml.emotion.labels import LABELS
from ml.emotion.tokenization import MAX_CHARS, load_tokenizer
from ml.lang import Lang, detect_lang

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
LANGS: tuple[Lang, ...] = ("en", "ko")
BATCH = 64  # most texts in one forward pass
BUCKET_OVERHEAD = 16  # fixed cost of one forward pass, in padded tokens (measured, see MODEL_CARD)

# Emoji the English vocabulary lacks, spelled as words so they still carry their feeling.
_EMOJI_WORDS = {
    "😢": "crying",
    "😭": "sobbing",
    "😞": "sad",
    "💔": "heartbroken",
    "😡": "angry",
    "😠": "angry",
    "🤬": "furious",
    "😱": "terrified",
    "😨": "scared",
    "😰": "anxious",
    "🤢": "disgusting",
    "🤮": "disgusting",
    "😂": "laughing",
    "🤣": "laughing",
    "😊": "happy",
    "😀": "happy",
    "😄": "happy",
    "🥰": "love",
    "❤": "love",
    "😍": "love",
    "🎉": "celebrate",
    "😮": "wow",
    "😲": "wow",
    "🤯": "shocked",
}
_EMOJI_TABLE = str.maketrans({k: f" {v} " for k, v in _EMOJI_WORDS.items()})


class ModelLoadError(Exception):
    """The model directory is missing, incomplete or corrupt."""


@dataclass(frozen=True)
class EmotionResult:
    """One message's emotion: the top label, calibrated scores for all seven labels, language."""

    label: str
    scores: dict[str, float]
    lang: str

    @property
    def confidence(self) -> float:
        """Probability of the top label."""
        return max(self.scores.values())


def length_buckets(lengths: Sequence[int], overhead: float | None = None) -> list[list[int]]:
    """Positions grouped into forward passes of similar token length (each ≤ ``BATCH`` long).

    Padding costs compute, every extra pass costs a fixed ``overhead`` (in padded tokens,
    default ``BUCKET_OVERHEAD``): over the positions sorted by length, a dynamic programme picks
    the cuts that minimise ``Σ (overhead + size × longest)``. A huge overhead (e.g. 1e9) gives
    the fewest passes, ⌈n / BATCH⌉, as without bucketing.
    """
    overhead = BUCKET_OVERHEAD if overhead is None else overhead
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    sorted_len = [lengths[i] for i in order]
    cost = [0] + [math.inf] * len(order)
    cut = [0] * (len(order) + 1)
    for j in range(1, len(order) + 1):
        longest = sorted_len[j - 1]
        for i in range(max(0, j - BATCH), j):
            c = cost[i] + overhead + (j - i) * longest
            if c < cost[j]:
                cost[j], cut[j] = c, i
    groups: list[list[int]] = []
    j = len(order)
    while j > 0:
        groups.append(order[cut[j] : j])
        j = cut[j]
    return groups[::-1]


def padded_buckets(rows: Sequence[Sequence[int]]) -> Iterator[tuple[list[int], torch.Tensor, torch.Tensor]]:
    """(positions, token ids, 0/1 mask) per forward pass, each pass padded to its own longest row."""
    for idx in length_buckets([len(r) for r in rows]):
        width = max(len(rows[i]) for i in idx)
        ids = np.zeros((len(idx), width), dtype=np.int64)
        mask = np.zeros((len(idx), width), dtype=np.int64)
        for row, i in enumerate(idx):
            ids[row, : len(rows[i])] = rows[i]
            mask[row, : len(rows[i])] = 1
        yield idx, torch.from_numpy(ids), torch.from_numpy(mask)


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(z)
    return np.asarray(p / p.sum(axis=1, keepdims=True))


class LanguageModel:
    """One language's encoder (int8 linear layers), tokenizer, temperature and optional ensemble."""

    def __init__(self, directory: Path) -> None:
        try:
            meta = json.loads((directory / "config.json").read_text(encoding="utf-8"))
            if tuple(meta["labels"]) != LABELS:
                raise ModelLoadError(f"{directory}: labels {meta['labels']} are not {list(LABELS)}")
            self.temperature = float(meta["temperature"])
            self.tokenizer: Tokenizer = load_tokenizer(directory / "tokenizer.json", int(meta["max_len"]))
            self.tokenizer.no_padding()  # buckets are padded here, to their own longest text
            model = EmotionEncoder(EncoderConfig.from_dict(meta["encoder"]))
            state = load_file(str(directory / "model.safetensors"))
            model.load_state_dict({k: v.float() for k, v in state.items()})
            self.ensemble = Ensemble.load(directory) if (directory / ENSEMBLE_FILE).exists() else None
        except ModelLoadError:
            raise
        except (OSError, ValueError, KeyError, TypeError, RuntimeError, SafetensorError, BadZipFile) as exc:
            raise ModelLoadError(f"cannot load emotion model from {directory}: {exc}") from exc
        if not (math.isfinite(self.temperature) and self.temperature > 0):
            raise ModelLoadError(f"{directory}: temperature must be a positive number")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.model = torch.ao.quantization.quantize_dynamic(  # type: ignore[no-untyped-call]
                model.eval(), {torch.nn.Linear}, dtype=torch.qint8
            )

    @torch.inference_mode()
    def encoder_probabilities(self, texts: list[str]) -> np.ndarray:
        """The encoder's calibrated probabilities (n, 7) in input order."""
        out = np.empty((len(texts), len(LABELS)), dtype=np.float64)
        if not texts:
            return out
        enc = [e.ids for e in self.tokenizer.encode_batch(texts)]
        for idx, ids, mask in padded_buckets(enc):
            logits = self.model(ids, mask).double().numpy()
            out[idx] = _softmax(logits / self.temperature)
        return out

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """Calibrated probabilities (n, 7) in input order: the encoder's, or the ensemble's."""
        p = self.encoder_probabilities(texts)
        return p if self.ensemble is None else self.ensemble.combine(p, texts)


def clean(text: object, lang: Lang) -> str:
    """What a language's model reads of ``text``: cut to length; English emoji become words."""
    if not isinstance(text, str):
        return ""
    text = text[:MAX_CHARS]
    return text.translate(_EMOJI_TABLE) if lang == "en" else text


class EmotionClassifier:
    """Seven-way emotion classifier: an English and a Korean model behind a language router."""

    def __init__(self, models: dict[Lang, LanguageModel]) -> None:
        self._models = models

    @classmethod
    def load(cls, path: Path | None = None) -> EmotionClassifier:
        """Load ``path`` (a directory with ``en/`` and ``ko/`` models; None: the shipped weights).

        Raises :class:`ModelLoadError` when the directory or a model in it is missing or corrupt.
        """
        root = WEIGHTS_DIR if path is None else Path(path)
        if not root.is_dir():
            raise ModelLoadError(f"emotion model directory not found: {root}")
        return cls({lang: LanguageModel(root / lang) for lang in LANGS})

    def classify(self, texts: Sequence[str]) -> list[EmotionResult]:
        """Classify each text; any string (empty, huge, emoji, mixed language) gets a result."""
        langs: list[Lang] = [detect_lang(t) if isinstance(t, str) else "en" for t in texts]
        probs = np.empty((len(langs), len(LABELS)), dtype=np.float64)
        for lang, model in self._models.items():
            idx = [i for i, lg in enumerate(langs) if lg == lang]
            if idx:
                probs[idx] = model.probabilities([clean(texts[i], lang) for i in idx])
        results = []
        for p, lang in zip(probs, langs, strict=True):
            scores = {label: float(v) for label, v in zip(LABELS, p, strict=True)}
            results.append(EmotionResult(LABELS[int(p.argmax())], scores, lang))
        return results
