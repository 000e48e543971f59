"""Korean speech level: a 반말 message gets a 반말 reply, a 존댓말 one a polite reply."""

from __future__ import annotations

import pytest

from ml.dialogue.engine import DialogueEngine
from ml.dialogue.register import other_level, speech_level
from ml.generate import ReplyRequest


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("나 너무 힘들어", "plain"),
        ("엄마가 너무 보고 싶어 ㅠㅠ", "plain"),
        ("결혼 축하해!!! 준비는 잘 돼가?", "plain"),
        ("잔잔한 노래 추천해 주실래요?", "polite"),
        ("축하합니다!", "polite"),
        ("짜장면 어때요 ㅋㅋ", "polite"),
        ("대박 첫눈 왔어 ㅋㅋ 아직 10월인데", "plain"),
        ("ㅋㅋㅋ", None),
        ("hello there", None),
    ],
)
def test_speech_level(text: str, level: str | None) -> None:
    assert speech_level(text) == level


def test_mismatch_needs_both_levels() -> None:
    said = speech_level("머리가 아파")
    assert other_level(said, speech_level("약은 좀 드셨어요?"))
    assert not other_level(said, speech_level("약은 좀 먹었어?"))
    assert not other_level(said, speech_level("ㅋㅋㅋ"))


def test_the_engine_answers_in_the_message_level(engine: DialogueEngine) -> None:
    # Without the charge this drew a polite reply about a dog that had died ("…사랑했던 거예요.").
    choice = engine.respond([ReplyRequest("강아지가 아파", "sadness", "ko")])[0]
    assert speech_level(choice.text) == "plain", choice.text
