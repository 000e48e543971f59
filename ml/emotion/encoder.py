"""The emotion model: the shared BERT encoder with a linear layer to the seven label logits."""

from __future__ import annotations

import torch
from torch import nn

from ml.bert import BertEncoder, EncoderConfig, from_hf_state, init_weights

__all__ = ["EmotionEncoder", "EncoderConfig", "from_hf_state", "init_weights"]


class EmotionEncoder(BertEncoder):
    """BERT layers, mean pooling over real tokens, then a linear layer to the label logits."""

    def __init__(self, cfg: EncoderConfig) -> None:
        super().__init__(cfg)
        self.dropout = nn.Dropout(cfg.dropout)
        self.classifier = nn.Linear(cfg.hidden_size, cfg.num_labels)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Logits (batch, labels) for token ``ids`` and a 0/1 attention ``mask`` (batch, time)."""
        return self.classifier(self.dropout(self.pool(ids, mask)))  # type: ignore[no-any-return]
