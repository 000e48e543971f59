"""The conditioning format shared by training and inference, and input cleaning.

A training example is ``<lang><emotion> turn <sep> turn <sep> ... user <sep> reply <eos>``:
the language of the reply, the emotion of the user's message, the previous turns and the
user's message, each closed by ``<sep>``, then the reply closed by ``<eos>``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from config.settings import EMOTIONS
from ml.generate.pair import Pair

PAD = "<pad>"
SEP = "<sep>"
EOS = "<eos>"
UNK = "<unk>"
LANGS: tuple[str, ...] = ("en", "ko")
LANG_TOKENS: dict[str, str] = {lang: f"<{lang}>" for lang in LANGS}
EMOTION_TOKENS: dict[str, str] = {emotion: f"<{emotion}>" for emotion in EMOTIONS}
SPECIAL_TOKENS: tuple[str, ...] = (
    PAD,
    EOS,
    SEP,
    UNK,
    *LANG_TOKENS.values(),
    *EMOTION_TOKENS.values(),
)

_SPACES = re.compile(r"\s+")


def clean_text(text: str, max_chars: int = 2000) -> str:
    """Drop control characters and our special-token markup, squeeze spaces, keep the last ``max_chars``."""
    kept = "".join(
        " " if unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} else ch for ch in text[-4 * max_chars :]
    )
    for token in SPECIAL_TOKENS:
        kept = kept.replace(token, " ")
    return _SPACES.sub(" ", kept).strip()[-max_chars:]


def norm_lang(lang: str) -> str:
    """``lang`` if it is one we speak, else ``"en"``."""
    return lang if lang in LANG_TOKENS else "en"


def norm_emotion(emotion: str) -> str:
    """``emotion`` if it is one of the seven classes, else ``"neutral"``."""
    return emotion if emotion in EMOTION_TOKENS else "neutral"


def prefix(lang: str, emotion: str) -> str:
    """The two conditioning tokens."""
    return LANG_TOKENS[norm_lang(lang)] + EMOTION_TOKENS[norm_emotion(emotion)]


def context_turns(history: tuple[str, ...], text: str, max_turns: int = 2) -> list[str]:
    """The cleaned last ``max_turns`` history turns followed by the user's message."""
    turns = [clean_text(t, 400) for t in history[-max_turns:]] if max_turns else []
    return [t for t in turns if t] + [clean_text(text)]


def training_text(lang: str, emotion: str, turns: list[str], reply: str) -> str:
    """One training example as text (see the module docstring)."""
    body = "".join(f" {t}{SEP}" for t in turns)
    return f"{prefix(lang, emotion)}{body} {reply}{EOS}"


def prompt_text(lang: str, emotion: str, turns: list[str]) -> str:
    """The inference prompt: a training example up to and including the last ``<sep>``."""
    body = "".join(f" {t}{SEP}" for t in turns)
    return f"{prefix(lang, emotion)}{body}"


def example_ids(tokenizer: Any, pair: Pair, n_history: int, context: int) -> list[int]:
    """Token ids of one example, cut to ``context`` by dropping the oldest text (the prefix stays)."""
    turns = [*pair.history[len(pair.history) - n_history :], pair.message] if n_history else [pair.message]
    ids: list[int] = list(tokenizer(training_text(pair.lang, pair.emotion, turns, pair.reply))["input_ids"])
    if len(ids) <= context:
        return ids
    head: list[int] = list(tokenizer(prefix(pair.lang, pair.emotion))["input_ids"])
    body = ids[len(head) :]
    sep_id = tokenizer.convert_tokens_to_ids(SEP)
    tail = body[-(context - len(head)) :]
    if sep_id not in tail:  # reply alone is too long: keep the message end and the reply start
        last_sep = len(body) - 1 - body[::-1].index(sep_id)
        keep_prompt = body[max(0, last_sep - context // 3) : last_sep + 1]
        tail = (keep_prompt + body[last_sep + 1 :])[: context - len(head)]
    return head + tail
