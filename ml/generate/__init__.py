"""Reply generation: an emotion-conditioned GPT-2 style model and a character-level LSTM."""

from ml.generate.loader import load_generator
from ml.generate.request import ModelLoadError, ReplyGenerator, ReplyRequest

__all__ = ["ModelLoadError", "ReplyGenerator", "ReplyRequest", "load_generator"]
