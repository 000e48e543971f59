"""``/mood [week|month]``: a PNG chart of the user's moods and a caption in their language, over the
real core and database; odd histories (one mood, 10,000, moods from the future) never fail."""

from __future__ import annotations

import io
import os
import signal
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.core import DialogueCore
from bot.models import Mood
from bot.mood_chart import SIZE_PX
from bot.mood_summary import caption, mood_days, parse_period, window_start
from bot.store import MoodEntry, Store
from bot.types import Event, MoodChart, Reply
from handlers.testing import TestAdapter
from ml.lang import detect_lang

MAX_PNG_BYTES = 200_000
NOW = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)  # a Saturday


def _chart(events: list[Event]) -> MoodChart:
    assert len(events) == 1 and isinstance(events[0], MoodChart), events
    return events[0]


def _png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) <= MAX_PNG_BYTES
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        return image.size


def _add_moods(store: Store, user_key: str, moods: list[tuple[str, datetime]]) -> None:
    rows = [{"user_key": user_key, "emotion": e, "confidence": 0.9, "created_at": at} for e, at in moods]
    with Session(store.engine) as s, s.begin():
        s.execute(insert(Mood), rows)


async def test_mood_after_chatting_is_a_chart_with_a_caption(core: DialogueCore) -> None:
    user = TestAdapter(core, "charted")
    for text in ("I got the job today, I'm so happy!", "my dog died and I can't stop crying", "ok"):
        await user.push(text)
    week = _chart(await user.push("/mood"))
    assert week.period == "week" and sum(week.counts.values()) == 3
    assert _png_size(week.png) == SIZE_PX
    assert week.caption.endswith(".") and "week" in week.caption
    assert list(week.counts) == sorted(week.counts, key=lambda e: -week.counts[e])
    month = _chart(await user.push("/mood MONTH"))
    assert month.period == "month" and "month" in month.caption
    assert month.counts == week.counts
    assert week.as_text().startswith("📊 ") and "×" in week.as_text()


async def test_no_moods_is_a_friendly_sentence_in_the_users_language(core: DialogueCore) -> None:
    user = TestAdapter(core, "newcomer")
    (week,) = await user.push("/mood")
    assert isinstance(week, Reply) and week.kind == "info"
    assert week.text.startswith("No moods yet this week")
    (month,) = await user.push("/mood month")
    assert "this month" in month.as_text()
    await user.push("/lang ko")
    (korean,) = await user.push("/mood")
    assert korean.as_text().startswith("이번 주에는 아직 기록된 기분이 없어요")


async def test_unknown_period_is_a_clear_error_naming_week_and_month(core: DialogueCore) -> None:
    user = TestAdapter(core, "curious")
    await user.push("I had a lovely day at the beach")
    (error,) = await user.push("/mood year")
    assert isinstance(error, Reply) and error.kind == "error"
    assert "/mood week" in error.text and "/mood month" in error.text and "year" in error.text


async def test_caption_follows_the_language_the_user_writes_in(core: DialogueCore) -> None:
    user = TestAdapter(core, "minji")
    await user.push("오늘 정말 행복한 하루였어")
    await user.push("요즘 너무 외롭고 슬퍼")
    korean = _chart(await user.push("/mood"))
    assert korean.caption.startswith("이번 주") and detect_lang(korean.caption) == "ko"
    await user.push("/lang en")
    english = _chart(await user.push("/mood")).caption
    assert "week" in english and detect_lang(english) == "en"


async def test_one_mood_many_moods_and_moods_from_the_future(core: DialogueCore) -> None:
    now = datetime.now(UTC)
    one = TestAdapter(core, "once")
    _add_moods(core.store, one.user.key, [("joy", now - timedelta(hours=1))])
    single = _chart(await one.push("/mood"))
    assert single.caption == "One mood this week: happy." and single.counts == {"joy": 1}

    many = TestAdapter(core, "chatty")
    emotions = ("neutral", "joy", "sadness", "anger", "fear", "surprise", "disgust")
    spread = [(emotions[i % 7], now - timedelta(minutes=4.3 * i)) for i in range(10_000)]  # ~30 days
    _add_moods(core.store, many.user.key, spread)
    month = _chart(await many.push("/mood month"))
    start = window_start("month", datetime.now(UTC), UTC)
    assert sum(month.counts.values()) == sum(1 for _, at in spread if at >= start)
    assert _png_size(month.png) == SIZE_PX

    skewed = TestAdapter(core, "skewed")
    future = [("sadness", now + timedelta(days=3)), ("sadness", now + timedelta(minutes=5))]
    old = [("anger", now - timedelta(days=45))]
    _add_moods(core.store, skewed.user.key, [*future, *old, ("joy", now - timedelta(days=1))])
    chart = _chart(await skewed.push("/mood"))
    assert chart.counts == {"sadness": 2, "joy": 1}  # the future counts as today; 45 days ago is gone


async def test_charts_are_drawn_in_their_own_process_which_comes_back_if_killed(core: DialogueCore) -> None:
    user = TestAdapter(core, "drawn")
    _add_moods(core.store, user.user.key, [("fear", datetime.now(UTC))])
    _chart(await user.push("/mood"))
    drawer = await core.components.charts.pid()
    assert drawer != os.getpid()
    os.kill(drawer, signal.SIGKILL)
    _chart(await user.push("/mood month"))  # drawn by a new process
    assert await core.components.charts.pid() not in (drawer, os.getpid())


async def test_web_time_zone_sets_the_days_and_a_bad_one_falls_back(core: DialogueCore) -> None:
    user = TestAdapter(core, "traveller")
    late = datetime.now(UTC).replace(hour=23, minute=30) - timedelta(days=2)  # 08:30 next day in Seoul
    _add_moods(core.store, user.user.key, [("joy", late)])
    seoul = _chart(await core.mood(user.user, "week", timezone="Asia/Seoul"))
    fallback = _chart(await core.mood(user.user, "week", timezone="../../etc/passwd"))
    assert seoul.counts == fallback.counts == {"joy": 1}
    assert seoul.png != fallback.png  # other days: the bar and the labels move


# ---------------------------------------------------------------- the summary, without the core
def _entries(*moods: tuple[str, int, int]) -> list[MoodEntry]:
    """(emotion, days before NOW, hour of day UTC)."""
    return [
        MoodEntry(e, 0.9, (NOW - timedelta(days=ago)).replace(hour=hour, minute=15)) for e, ago, hour in moods
    ]


def test_caption_names_the_main_mood_and_the_most_frequent_other_one() -> None:
    calm = [("neutral", d, 12) for d in range(6)]
    days = mood_days(_entries(*calm, ("sadness", 1, 19), ("sadness", 3, 20)), "week", NOW, UTC)
    assert caption(days, "en") == "Mostly calm this week; two sad evenings."
    assert caption(days, "ko") == "이번 주는 대체로 평온했어요. 슬픈 저녁이 두 번 있었어요."
    spread = mood_days(
        _entries(*calm, ("anger", 1, 8), ("anger", 2, 15), ("anger", 2, 21)), "month", NOW, UTC
    )
    assert caption(spread, "en") == "Mostly calm this month; two angry days."
    assert caption(spread, "ko") == "이번 달은 대체로 평온했어요. 화난 날이 두 번 있었어요."
    felt = (("joy", 0, 9), ("joy", 1, 9), ("fear", 2, 23), ("sadness", 3, 13), ("surprise", 4, 10))
    mixed = mood_days(_entries(*felt), "week", NOW, UTC)
    assert caption(mixed, "en") == "A mixed week, happy most often; one anxious night."
    assert (
        caption(mixed, "ko")
        == "이번 주는 여러 기분이 섞였고, 행복이 가장 많았어요. 불안한 밤이 한 번 있었어요."
    )
    same = mood_days(_entries(("joy", 0, 9), ("joy", 1, 9)), "week", NOW, UTC)
    assert (caption(same, "en"), caption(same, "ko")) == ("Happy all week.", "이번 주는 내내 행복했어요.")
    even = mood_days(_entries(("joy", 0, 9), ("sadness", 1, 9), ("neutral", 2, 9)), "month", NOW, UTC)
    assert caption(even, "en") == "A mixed month: happy, sad and calm in equal measure."
    assert caption(even, "ko") == "이번 달은 행복, 슬픔, 평온이 비슷하게 섞였어요."


def test_days_are_local_and_outside_moods_are_placed_or_dropped() -> None:
    entries = _entries(("joy", 1, 23), ("anger", 9, 12), ("fear", -2, 12), ("unknown-label", 0, 12))
    utc = mood_days(entries, "week", NOW, UTC)
    seoul = mood_days(entries, "week", NOW, ZoneInfo("Asia/Seoul"))
    assert len(utc.days) == 7 and utc.days[-1] == NOW.date()
    assert utc.counts["joy"][5] == 1 and seoul.counts["joy"][6] == 1  # 23:15 UTC is the next morning in Seoul
    assert utc.counts["fear"][6] == 1  # two days in the future: today
    assert utc.totals == {"joy": 1, "fear": 1}  # nine days ago is outside the week; unknown labels left out
    assert mood_days([], "month", NOW, UTC).total == 0 and len(mood_days([], "month", NOW, UTC).days) == 30


@pytest.mark.parametrize(
    ("arg", "period"),
    [("", "week"), ("week", "week"), (" Month ", "month"), ("year", None), ("7", None), ("weeks", None)],
)
def test_periods(arg: str, period: str | None) -> None:
    assert parse_period(arg) == period
