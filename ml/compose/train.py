"""Training the melody LSTM on the corpus windows (``happytalk train composer``)."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn

from ml.compose.corpus import load_corpus, split
from ml.compose.dataset import IGNORE, Window, to_sequence, windows
from ml.compose.evaluate import next_note_accuracy
from ml.compose.model import MelodyLSTM, ModelConfig, save

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainConfig:
    """Schedule and data."""

    window: int = 24
    epochs: int = 40
    batch_size: int = 32
    lr: float = 3e-3
    weight_decay: float = 1e-4
    seed: int = 0
    threads: int = 1


def _batch(ws: list[Window]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    return (
        torch.tensor([w.tokens for w in ws]),
        torch.tensor([w.positions for w in ws]),
        torch.tensor([w.cond for w in ws]),
        torch.tensor([w.targets for w in ws]),
    )


def train(
    out: Path,
    config: TrainConfig | None = None,
    model_config: ModelConfig | None = None,
    progress: Callable[[str], None] = log.info,
) -> dict[str, float]:
    """Train on the corpus minus the held-out melodies, save to ``out``, return held-out figures."""
    config = config or TrainConfig()
    torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)
    rng = random.Random(config.seed)
    train_set, held = split(load_corpus())
    pairs = [w for m in train_set for w in windows(to_sequence(m), config.window)]
    model = MelodyLSTM(model_config or ModelConfig())
    opt = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=config.epochs)
    loss_fn = nn.CrossEntropyLoss(ignore_index=IGNORE)
    started = time.perf_counter()
    progress(f"{len(train_set)} melodies, {len(pairs)} windows of {config.window}; {len(held)} held out")
    for epoch in range(1, config.epochs + 1):
        model.train()
        rng.shuffle(pairs)
        total = 0.0
        for i in range(0, len(pairs), config.batch_size):
            tokens, positions, cond, targets = _batch(pairs[i : i + config.batch_size])
            logits, _ = model(tokens, positions, cond)
            loss = loss_fn(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            total += loss.item() * len(tokens)
        sched.step()
        if epoch % 10 == 0 or epoch == config.epochs:
            model.eval()
            acc = next_note_accuracy(model, held)
            progress(
                f"epoch {epoch}: train loss {total / len(pairs):.3f}, "
                f"held-out top1 {acc['top1']:.3f} top3 {acc['top3']:.3f}"
            )
    model.eval()
    figures = next_note_accuracy(model, held)
    figures["train_seconds"] = time.perf_counter() - started
    save(model, out, {"train": asdict(config), "held_out": figures})
    return figures
