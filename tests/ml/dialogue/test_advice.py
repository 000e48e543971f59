"""Unasked advice: a licensed Q/A instruction ("병원에 가보세요.") is not sent unasked."""

from __future__ import annotations

import pytest

from config.settings import DialogueSettings
from ml.dialogue.advice import asks_for_advice, is_advice
from ml.dialogue.corpus import load_pairs
from ml.dialogue.encoder import load_encoder
from ml.dialogue.engine import WEIGHTS_DIR, DialogueEngine
from ml.dialogue.index import build
from ml.generate import ReplyRequest


@pytest.mark.parametrize(
    ("reply", "lang", "advice"),
    [
        ("병원에 가보세요.", "ko", True),
        ("너무 걱정하지 마세요.", "ko", True),
        ("일단 푹 자 봐!", "ko", True),
        ("안녕하세요.", "ko", False),  # a greeting
        ("좋은 하루 보내세요!", "ko", False),  # a wish
        ("요즘 바쁜가봐요.", "ko", False),  # a guess, not an instruction
        ("머리 아프면 아무것도 하기 싫지.", "ko", False),
        ("Try plugging it into another USB port.", "en", True),
        ("Maybe you should get some rest.", "en", True),
        ("That sounds like a long day. Did you get any rest?", "en", False),
    ],
)
def test_is_advice(reply: str, lang: str, advice: bool) -> None:
    assert is_advice(reply, lang) is advice  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("message", "lang", "asks"),
    [
        ("머리가 아파요", "ko", False),
        ("병원 가봐야 할까요?", "ko", True),
        ("카드값 너무 많이 나왔어 어떡하지", "ko", True),
        ("I'm so tired today", "en", False),
        ("should I call in sick", "en", True),
    ],
)
def test_asks_for_advice(message: str, lang: str, asks: bool) -> None:
    assert asks_for_advice(message, lang) is asks  # type: ignore[arg-type]


@pytest.mark.corpora
@pytest.mark.parametrize("message", ["머리가 아파요", "오늘 너무 피곤해"])
def test_the_engine_does_not_lecture(message: str) -> None:
    """Over the written set and the Korean chatbot Q/A, each of these drew an instruction without
    the charge ("병원에 가보세요.", "좀 더 일찍 잠자리에 들어보세요.")."""
    encoder = load_encoder(WEIGHTS_DIR / "ko")
    index = build(encoder, load_pairs(["companion", "korean_chatbot"], "train"), "ko")
    engine = DialogueEngine({"ko": encoder}, {"ko": index}, DialogueSettings())
    choice = engine.respond([ReplyRequest(message, "neutral", "ko")])[0]
    assert not is_advice(choice.text, "ko"), choice.text
