"""Choose and load the configured generator backend."""

from __future__ import annotations

from pathlib import Path

from config.settings import GeneratorSettings
from ml.generate.request import ModelLoadError, ReplyGenerator

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
SHIPPED_TRANSFORMER = WEIGHTS_DIR / "transformer"
SHIPPED_CHAR_LSTM = WEIGHTS_DIR / "char_lstm.pt"
CHARS_PER_TOKEN = 4


def candidates_per_request(settings: GeneratorSettings, n_requests: int) -> int:
    """``num_candidates``, fewer when that many requests would exceed ``max_batch_rows`` (at least 1)."""
    return max(1, min(settings.num_candidates, settings.max_batch_rows // max(1, n_requests)))


def batch_cost(settings: GeneratorSettings, n_requests: int) -> float:
    """The work of a batch in units its time is about linear in: the sampled rows, plus one per
    request for its prompt (measured: a batch of 16 costs about what 8 cost, not twice)."""
    return float(n_requests * (candidates_per_request(settings, n_requests) + 1))


def load_generator(settings: GeneratorSettings) -> ReplyGenerator:
    """The generator ``settings.backend`` names, from ``settings.model_path`` or the shipped weights.

    The char-LSTM backend samples up to ``CHARS_PER_TOKEN * max_new_tokens`` characters.
    Raises :class:`ModelLoadError` when the model is missing or unreadable.
    """
    if settings.backend == "char_lstm":
        from ml.generate.char_lstm import CharLSTMGenerator

        path = settings.model_path or SHIPPED_CHAR_LSTM
        if not path.exists():
            raise ModelLoadError(f"char-LSTM checkpoint not found: {path}")
        return CharLSTMGenerator(
            path,
            temperature=settings.temperature,
            max_new_chars=CHARS_PER_TOKEN * settings.max_new_tokens,
            num_candidates=settings.num_candidates,
        )
    from ml.generate.transformer_generator import TransformerGenerator

    return TransformerGenerator(settings.model_path or SHIPPED_TRANSFORMER, settings)
