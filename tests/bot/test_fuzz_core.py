"""Fuzzing the core's entry points: any text, any id — a clear answer, never an exception."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core import DialogueCore
from bot.types import Event, Reply, UserMessage, UserRef

pytestmark = pytest.mark.resilience

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
odd_text = st.one_of(
    st.text(max_size=300),
    st.text(
        alphabet=st.characters(codec=None, categories=("Cc", "Cf", "Zs", "Mn", "Cs", "So")), max_size=200
    ),
    st.sampled_from(
        [
            "/",
            "//",
            "/pick",
            "/pick -1",
            "/pick 99999999999999999999",
            "/voice",
            "/lang 🇰🇷",
            "/compose ✨",
            "/recommend ../../etc/passwd",
            "/play 0",
            "/like abc",
            "/dislike  ",
        ]
    ),
)
track_ids = st.one_of(
    st.text(max_size=80),
    st.sampled_from(["", "../../../etc/passwd", "/etc/passwd", "x" * 5000, "%00", "p:1:deadbeef", "\x00"]),
)


def _well_formed(events: list[Event]) -> None:
    assert events, "every input gets an answer"
    for event in events:
        assert event.as_text() or not isinstance(event, Reply)


@FUZZ
@given(text=odd_text)
async def test_any_message_gets_a_clear_answer(core: DialogueCore, text: str) -> None:
    _well_formed(await core.handle(UserMessage("fuzz", "u1", "c1", text)))


@FUZZ
@given(track_id=track_ids, user_id=st.text(min_size=1, max_size=40))
async def test_forged_ids_are_refused(core: DialogueCore, track_id: str, user_id: str) -> None:
    user = UserRef("fuzz", user_id)
    for events in (
        await core.pick(user, track_id),
        await core.feedback(user, track_id, liked=True),
        await core.play(user, track_id),
    ):
        assert len(events) == 1
        (answer,) = events
        assert isinstance(answer, Reply) and answer.kind == "error"


async def test_huge_and_boundary_messages(core: DialogueCore) -> None:
    for text in ("a" * 100_000, "가" * 4096, "😀" * 4096, "\u200b" * 4096, "x" * 4096 + " "):
        _well_formed(await core.handle(UserMessage("fuzz", "u2", "c2", text)))
