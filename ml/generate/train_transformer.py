"""Train the GPT-2 style reply model from scratch: tokenizer, data, resumable training loop."""

from __future__ import annotations

import json
import logging
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from ml.generate.pair import Pair
from ml.generate.prompt import example_ids, training_text

log = logging.getLogger(__name__)
CHECKPOINT = "checkpoint.pt"


@dataclass(frozen=True)
class TransformerConfig:
    """Model size and training schedule."""

    vocab_size: int = 8000
    n_layer: int = 4
    n_embd: int = 256
    n_head: int = 4
    context: int = 128
    epochs: float = 1.0
    batch_size: int = 32
    lr: float = 1e-3
    warmup_steps: int = 100
    korean_repeat: int = 2
    emotion_repeat: int = 1
    max_history: int = 2
    seed: int = 0


def repeats(pair: Pair, cfg: TransformerConfig) -> int:
    """Copies of ``pair`` per epoch: Korean ``korean_repeat``, Topical-Chat English with an emotional
    message (non-neutral label) ``emotion_repeat``, other pairs (and GoEmotions pseudo-pairs) once."""
    if pair.source == "goemotions":
        return 1
    if pair.lang == "ko":
        return cfg.korean_repeat
    return cfg.emotion_repeat if pair.emotion != "neutral" else 1


def build_examples(tokenizer: Any, pairs: Sequence[Pair], cfg: TransformerConfig) -> list[list[int]]:
    """Every pair ``repeats`` times, each copy with 0..max_history history turns."""
    rng = random.Random(cfg.seed)
    out: list[list[int]] = []
    for pair in pairs:
        for _ in range(repeats(pair, cfg)):
            n_hist = rng.randint(0, min(cfg.max_history, len(pair.history)))
            out.append(example_ids(tokenizer, pair, n_hist, cfg.context))
    return out


def _batches(examples: list[list[int]], batch_size: int, rng: random.Random) -> list[list[list[int]]]:
    """Length-bucketed shuffled batches (little padding)."""
    order = sorted(range(len(examples)), key=lambda i: (len(examples[i]), rng.random()))
    batches = [[examples[i] for i in order[j : j + batch_size]] for j in range(0, len(order), batch_size)]
    rng.shuffle(batches)
    return batches


def build_tokenizer(pairs: Sequence[Pair], cfg: TransformerConfig) -> Any:
    """Train the byte-level BPE tokenizer on the training pairs (Korean weighted up)."""
    from ml.generate.tokenizer_train import train_tokenizer

    texts = [
        training_text(p.lang, p.emotion, [p.message], p.reply)
        for p in pairs
        for _ in range(3 if p.lang == "ko" else 1)
    ]
    return train_tokenizer(texts, cfg.vocab_size)


def train_transformer(
    pairs: Sequence[Pair],
    out_dir: Path,
    cfg: TransformerConfig,
    resume: bool = True,
    max_minutes: float | None = None,
    threads: int = 2,
    checkpoint_every: int = 200,
    progress: bool = True,
    on_step: Callable[[int, float], None] | None = None,
    init_dir: Path | None = None,
) -> Path:
    """Train (or resume) into ``out_dir``; returns it once a loadable model is saved there.

    ``init_dir``: start from that saved model and its tokenizer (continued training; the size
    fields of ``cfg`` are then taken from the model). A checkpoint in ``out_dir`` still wins on resume.
    """
    import torch
    from tqdm import tqdm
    from transformers import AutoTokenizer, GPT2Config, GPT2LMHeadModel

    torch.set_num_threads(threads)
    torch.manual_seed(cfg.seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    ckpt_dir = out_dir / "checkpoints"
    ckpt_path = ckpt_dir / CHECKPOINT
    model_cls: Any = GPT2LMHeadModel
    if resume and (out_dir / "tokenizer.json").exists():
        tokenizer = AutoTokenizer.from_pretrained(str(out_dir), local_files_only=True)
    elif init_dir is not None:
        tokenizer = AutoTokenizer.from_pretrained(str(init_dir), local_files_only=True)
        tokenizer.save_pretrained(str(out_dir))
    else:
        tokenizer = build_tokenizer(pairs, cfg)
        tokenizer.save_pretrained(str(out_dir))
    if init_dir is not None:
        model = model_cls.from_pretrained(str(init_dir), local_files_only=True)
        mc = model.config
        cfg = replace(cfg, vocab_size=mc.vocab_size, n_layer=mc.n_layer, n_embd=mc.n_embd, n_head=mc.n_head)
        cfg = replace(cfg, context=mc.n_positions)
    else:
        model_cfg = GPT2Config(
            vocab_size=len(tokenizer),
            n_positions=cfg.context,
            n_embd=cfg.n_embd,
            n_layer=cfg.n_layer,
            n_head=cfg.n_head,
            bos_token_id=tokenizer.eos_token_id,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id,
        )
        model = model_cls(model_cfg)
    examples = build_examples(tokenizer, pairs, cfg)
    rng = random.Random(cfg.seed)
    steps_per_epoch = math.ceil(len(examples) / cfg.batch_size)
    total_steps = max(1, int(steps_per_epoch * cfg.epochs))
    optim = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)

    def lr_at(step: int) -> float:
        """Warm-up, then cosine to 10% by the last step or the end of ``max_minutes``, whichever is first."""
        if step < cfg.warmup_steps:
            return cfg.lr * (step + 1) / cfg.warmup_steps
        frac = (step - cfg.warmup_steps) / max(1, total_steps - cfg.warmup_steps)
        if max_minutes is not None:
            frac = max(frac, (time.monotonic() - started) / (max_minutes * 60))
        return cfg.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, frac))))

    started = time.monotonic()
    step = 0
    if resume and ckpt_path.exists():
        state = torch.load(ckpt_path, map_location="cpu", weights_only=False)
        model.load_state_dict(state["model"])
        optim.load_state_dict(state["optim"])
        step = int(state["step"])
        log.info("resumed from step %d", step)

    def save_checkpoint() -> None:
        ckpt_dir.mkdir(exist_ok=True)
        tmp = ckpt_path.with_suffix(".tmp")
        torch.save({"model": model.state_dict(), "optim": optim.state_dict(), "step": step}, tmp)
        tmp.replace(ckpt_path)

    pad = tokenizer.pad_token_id
    model.train()
    bar = tqdm(total=total_steps, initial=step, disable=not progress, desc="train generator")
    epoch_batches: list[list[list[int]]] = []
    ema = float("nan")
    while step < total_steps:
        epoch, index = divmod(step, steps_per_epoch)
        if index == 0 or not epoch_batches:
            epoch_batches = _batches(examples, cfg.batch_size, random.Random(cfg.seed + epoch))
        batch = epoch_batches[index % len(epoch_batches)]
        width = max(len(x) for x in batch)
        ids = torch.full((len(batch), width), pad, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, seq in enumerate(batch):
            ids[row, : len(seq)] = torch.tensor(seq)
            mask[row, : len(seq)] = 1
        labels = ids.masked_fill(mask == 0, -100)
        for group in optim.param_groups:
            group["lr"] = lr_at(step)
        loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
        optim.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optim.step()
        step += 1
        value = float(loss.item())
        ema = value if math.isnan(ema) else 0.98 * ema + 0.02 * value
        bar.update(1)
        bar.set_postfix(loss=f"{ema:.3f}")
        if on_step is not None:
            on_step(step, value)
        if step % checkpoint_every == 0:
            save_checkpoint()
            model.save_pretrained(str(out_dir))
        if max_minutes is not None and time.monotonic() - started > max_minutes * 60:
            log.info("time budget reached at step %d of %d", step, total_steps)
            break
    bar.close()
    save_checkpoint()
    model.save_pretrained(str(out_dir))
    meta: dict[str, Any] = {
        "config": asdict(cfg),
        "step": step,
        "total_steps": total_steps,
        "examples": len(examples),
    }
    if init_dir is not None:
        meta["init"] = str(init_dir)
    (out_dir / "training.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    _ = rng
    return out_dir
