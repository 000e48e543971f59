"""Music requests in both languages, the mood they name, and messages that only mention music."""

from __future__ import annotations

import pytest

from ml.music_request import MusicRequest, music_request


@pytest.mark.parametrize(
    ("text", "mood"),
    [
        ("play something", None),
        ("Can you recommend some songs?", None),
        ("put on something chill pls", "neutral"),
        ("blast some metal, I just survived a two hour call", "anger"),
        ("can you put on something slow and sad", "sadness"),  # a feeling beats calm
        ("got anything soothing? the thunder won't stop", "neutral"),
        ("what should I listen to rn?", None),
        ("노래 추천해줘", None),
        ("신나는 노래 틀어줘", "joy"),
        ("잔잔한 음악 좀", "neutral"),
        ("비 오는 날 듣기 좋은 슬픈 발라드 추천해 주세요", "sadness"),
        ("할로윈 파티용 으스스한 노래 틀어줘", "fear"),
        ("재즈 틀어줘", "neutral"),
    ],
)
def test_requests_and_their_moods(text: str, mood: str | None) -> None:
    assert music_request(text) == MusicRequest(mood)


@pytest.mark.parametrize(
    "text",
    [
        "my neighbour plays loud music at 3am",
        "what is your favourite song?",
        "I play bass in a cover band",
        "recommend a good book",
        "something weird happened at work today",
        "어제 콘서트 노래 너무 좋았어",
        "옆집에서 노래를 너무 크게 틀어놔서 짜증나",
        "에어컨 좀 틀어줘",
        "재밌는 이야기 들려줘",
        "음악 추천은 뭘 기준으로 해주시는 거예요?",
        "",
        "   ",
        "🎵🎵🎵",
    ],
)
def test_mentions_of_music_are_not_requests(text: str) -> None:
    assert music_request(text) is None


def test_very_long_input_is_cut_not_slow() -> None:
    assert music_request("play something " + "la " * 50_000) == MusicRequest(None)
