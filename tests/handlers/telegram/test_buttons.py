"""Callback data: short, signed for one user, never carrying titles; feedback ticks; chunking."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.types import Tracks, TrackSuggestion
from handlers.telegram_parts.buttons import ButtonSigner, Press, mark_feedback, split, track_keyboard
from handlers.telegram_parts.render import chunks

pytestmark = pytest.mark.resilience

SIGNER = ButtonSigner("123456:secret-token")
KOREAN = "비 오는 날 듣기 좋은 아주 아주 긴 노래 제목입니다 그리고 더 길어집니다"


def _tracks(*ids: str, audio: bool = True) -> Tracks:
    return Tracks(
        "Five tracks for your sadness:",
        tuple(TrackSuggestion(i, KOREAN, "아티스트", "sadness", "calm", has_audio=audio) for i in ids),
    )


def test_keyboard_rows_fit_and_carry_ids_not_titles() -> None:
    markup = track_keyboard(_tracks("A1B2C3D4E5F6", "ZZZZZZZZZZZZ"), 42, SIGNER)
    assert markup is not None
    rows = markup.inline_keyboard
    assert [[b.text for b in row][1:] for row in rows] == [["▶ play", "👍", "👎"]] * 2
    assert rows[0][0].text.startswith("1. 비") and rows[0][0].text.endswith("…")
    for row in rows:
        for button in row:
            assert isinstance(button.callback_data, str)
            assert len(button.callback_data.encode()) <= 64 and "비" not in button.callback_data
    assert SIGNER.verify(rows[0][0].callback_data, 42) == Press("p", "A1B2C3D4E5F6")  # type: ignore[arg-type]
    assert SIGNER.verify(rows[1][1].callback_data, 42) == Press("a", "ZZZZZZZZZZZZ")  # type: ignore[arg-type]


def test_no_play_button_without_audio_and_no_row_for_ids_that_do_not_fit() -> None:
    markup = track_keyboard(_tracks("short", "x" * 60, "pipe|id", audio=False), 1, SIGNER)
    assert markup is not None and len(markup.inline_keyboard) == 1
    assert [b.text for b in markup.inline_keyboard[0]][1:] == ["👍", "👎"]


def test_presses_by_others_or_with_another_key_or_tampered_are_refused() -> None:
    data = SIGNER.data("l", "A1B2C3D4E5F6", 42)
    assert data is not None and SIGNER.verify(data, 42) == Press("l", "A1B2C3D4E5F6")
    assert SIGNER.verify(data, 43) is None
    assert ButtonSigner("another-token").verify(data, 42) is None
    assert SIGNER.verify(data.replace("|l|", "|d|").replace("l|", "d|", 1), 42) is None
    assert SIGNER.verify(None, 42) is None and "secret" not in repr(SIGNER)


@given(st.text(max_size=80))
def test_arbitrary_callback_data_never_raises(data: str) -> None:
    assert SIGNER.verify(data, 7) is None or split(data) is not None


def test_feedback_ticks_the_chosen_button_only() -> None:
    markup = track_keyboard(_tracks("AAAA", "BBBB"), 5, SIGNER)
    assert markup is not None
    liked = mark_feedback(markup, "BBBB", liked=True)
    assert [b.text for b in liked.inline_keyboard[1]][-2:] == ["✅👍", "👎"]
    assert [b.text for b in liked.inline_keyboard[0]][-2:] == ["👍", "👎"]
    disliked = mark_feedback(liked, "BBBB", liked=False)
    assert [b.text for b in disliked.inline_keyboard[1]][-2:] == ["👍", "✅👎"]


def test_long_text_is_split_under_the_limit_at_line_breaks() -> None:
    text = "\n".join(f"line {n} " + "가" * 90 for n in range(200))
    pieces = chunks(text)
    assert len(pieces) > 1 and all(len(p) <= 4000 for p in pieces)
    assert "\n".join(pieces) == text
    assert chunks("") == [] and chunks("hi") == ["hi"]
