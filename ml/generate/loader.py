"""Choose and load the configured generator backend."""

from __future__ import annotations

from pathlib import Path

from config.settings import GeneratorSettings
from ml.generate.request import ModelLoadError, ReplyGenerator

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
SHIPPED_TRANSFORMER = WEIGHTS_DIR / "transformer"
SHIPPED_CHAR_LSTM = WEIGHTS_DIR / "char_lstm.pt"
CHARS_PER_TOKEN = 4


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
