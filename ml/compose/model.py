"""The melody LSTM: next-note logits from the previous note, the onset in the bar and the style.

Every step sees the previous note token, where the next note starts in its bar (sixteenths),
and three condition ids: mode (major/minor), tempo class and meter. Generation carries the
LSTM state note by note (:meth:`MelodyLSTM.step`).
"""

from __future__ import annotations

import pickle
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn

from ml.compose import vocab
from ml.compose.corpus import METERS, MODES, TEMPOS

State = tuple[torch.Tensor, torch.Tensor]
POSITIONS = 16
"""Onsets within a bar, in sixteenths (the longest bar, 4/4, has 16)."""


class ModelLoadError(RuntimeError):
    """A composer checkpoint that is missing or unreadable."""


@dataclass(frozen=True)
class ModelConfig:
    """Layer sizes."""

    note_dim: int = 48
    cond_dim: int = 8
    hidden: int = 128
    layers: int = 2
    dropout: float = 0.3


class MelodyLSTM(nn.Module):
    """Embeddings → LSTM → logits over :data:`ml.compose.vocab.TOKENS`."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        c = config
        self.note = nn.Embedding(vocab.SIZE, c.note_dim)
        self.position = nn.Embedding(POSITIONS, c.cond_dim)
        self.mode = nn.Embedding(len(MODES), c.cond_dim)
        self.tempo = nn.Embedding(len(TEMPOS), c.cond_dim)
        self.meter = nn.Embedding(len(METERS), c.cond_dim)
        self.lstm = nn.LSTM(
            c.note_dim + 4 * c.cond_dim,
            c.hidden,
            num_layers=c.layers,
            batch_first=True,
            dropout=c.dropout if c.layers > 1 else 0.0,
        )
        self.drop = nn.Dropout(c.dropout)
        self.out = nn.Linear(c.hidden, vocab.SIZE)

    def forward(
        self,
        tokens: torch.Tensor,
        positions: torch.Tensor,
        cond: torch.Tensor,
        state: State | None = None,
    ) -> tuple[torch.Tensor, State]:
        """Logits ``(batch, steps, vocab)`` and the final state.

        ``tokens`` and ``positions`` are ``(batch, steps)``; ``cond`` is ``(batch, 3)`` holding
        the mode, tempo and meter ids.
        """
        steps = tokens.shape[1]
        conds = torch.cat([self.mode(cond[:, 0]), self.tempo(cond[:, 1]), self.meter(cond[:, 2])], dim=-1)
        x = torch.cat(
            [self.note(tokens), self.position(positions), conds.unsqueeze(1).expand(-1, steps, -1)],
            dim=-1,
        )
        hidden, new_state = self.lstm(x, state)
        logits: torch.Tensor = self.out(self.drop(hidden))
        return logits, new_state

    @torch.no_grad()
    def step(
        self, token: int, position: int, cond: torch.Tensor, state: State | None
    ) -> tuple[torch.Tensor, State]:
        """One generation step: logits ``(vocab,)`` for the note after ``token`` and the new state."""
        t = torch.tensor([[token]])
        p = torch.tensor([[position]])
        logits, new_state = self(t, p, cond, state)
        return logits[0, -1], new_state


def condition(mode: str, tempo: str, meter: str = "4/4") -> torch.Tensor:
    """The ``(1, 3)`` condition ids for one melody."""
    return torch.tensor([[MODES.index(mode), TEMPOS.index(tempo), METERS.index(meter)]])


def save(model: MelodyLSTM, path: Path, meta: dict[str, object]) -> None:
    """Write the weights, config and training metadata to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"config": asdict(model.config), "state": model.state_dict(), "meta": meta}, path)


def load(path: Path) -> tuple[MelodyLSTM, dict[str, object]]:
    """The model at ``path`` in eval mode, and its metadata."""
    try:
        blob = torch.load(path, map_location="cpu", weights_only=True)
        model = MelodyLSTM(ModelConfig(**blob["config"]))
        model.load_state_dict(blob["state"])
    except (OSError, EOFError, KeyError, TypeError, RuntimeError, ValueError, pickle.UnpicklingError) as exc:
        raise ModelLoadError(f"cannot load the composer from {path}: {exc}") from None
    model.eval()
    return model, dict(blob.get("meta", {}))
