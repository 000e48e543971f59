"""What ``/mood`` shows: a user's moods per day over a week or a month, and a one-line caption.

Days and times of day are the user's local ones (the time zone is an argument). A mood stamped
after ``now`` (another replica's clock ran ahead) counts for today rather than being lost. The
caption names the period's main mood and the most frequent other one, in English or Korean:
"Mostly calm this week; two sad evenings."
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Literal

from config import EMOTIONS

if TYPE_CHECKING:  # the chart process imports this module: no database code there
    from bot.store import MoodEntry

Period = Literal["week", "month"]
PERIOD_DAYS: dict[Period, int] = {"week": 7, "month": 30}
PartOfDay = Literal["morning", "afternoon", "evening", "night"]
ONE_PART_SHARE = 2 / 3  # "two sad evenings" when at least this share of those moods fell in the evening


def parse_period(arg: str) -> Period | None:
    """``week`` (also the default, for an empty argument) or ``month``; ``None`` for anything else."""
    value = arg.strip().lower() or "week"
    if value == "week":
        return "week"
    return "month" if value == "month" else None


def part_of_day(hour: int) -> PartOfDay:
    if 5 <= hour < 12:
        return "morning"
    if 12 <= hour < 17:
        return "afternoon"
    if 17 <= hour < 22:
        return "evening"
    return "night"


@dataclass(frozen=True, slots=True)
class MoodDays:
    """Moods per day of one period; ``counts`` has every emotion, in :data:`EMOTIONS` order."""

    period: Period
    days: tuple[date, ...]  # oldest first; the last is today
    counts: Mapping[str, tuple[int, ...]]
    moments: Mapping[str, frozenset[tuple[int, PartOfDay]]]  # emotion → (day index, part of day) felt

    @property
    def totals(self) -> dict[str, int]:
        """Moods per emotion over the period, most frequent first (ties in :data:`EMOTIONS` order)."""
        totals = {e: sum(self.counts[e]) for e in EMOTIONS}
        return dict(sorted(((e, n) for e, n in totals.items() if n), key=lambda kv: -kv[1]))

    @property
    def total(self) -> int:
        return sum(self.totals.values())


def window_start(period: Period, now: datetime, tz: tzinfo) -> datetime:
    """Local midnight at the start of the period's first day (the period ends today)."""
    today = now.astimezone(tz).date()
    first = today - timedelta(days=PERIOD_DAYS[period] - 1)
    return datetime.combine(first, time(0), tz)


def mood_days(entries: Iterable[MoodEntry], period: Period, now: datetime, tz: tzinfo) -> MoodDays:
    """Count ``entries`` per local day of ``period`` (ending today); unknown labels are left out."""
    n_days = PERIOD_DAYS[period]
    first = window_start(period, now, tz).date()
    days = tuple(first + timedelta(days=i) for i in range(n_days))
    counts = {e: [0] * n_days for e in EMOTIONS}
    moments: dict[str, set[tuple[int, PartOfDay]]] = {e: set() for e in EMOTIONS}
    for entry in entries:
        if entry.emotion not in counts:
            continue
        local = entry.at.astimezone(tz)
        index = (local.date() - first).days
        if index < 0:
            continue
        index = min(index, n_days - 1)  # from the future: today
        counts[entry.emotion][index] += 1
        moments[entry.emotion].add((index, part_of_day(local.hour)))
    return MoodDays(
        period,
        days,
        {e: tuple(c) for e, c in counts.items()},
        {e: frozenset(m) for e, m in moments.items()},
    )


# ---------------------------------------------------------------- captions
_MOSTLY_EN = {
    "anger": "angry",
    "disgust": "fed up",
    "fear": "anxious",
    "joy": "happy",
    "sadness": "sad",
    "surprise": "surprised",
    "neutral": "calm",
}
_BEFORE_NOUN_EN = {**_MOSTLY_EN, "disgust": "fed-up", "surprise": "surprising"}
_NUMBERS_EN = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_MOSTLY_KO = {
    "anger": "화가 났어요",
    "disgust": "불쾌했어요",
    "fear": "불안했어요",
    "joy": "행복했어요",
    "sadness": "슬펐어요",
    "surprise": "놀라웠어요",
    "neutral": "평온했어요",
}
_BEFORE_NOUN_KO = {
    "anger": "화난",
    "disgust": "불쾌한",
    "fear": "불안한",
    "joy": "행복한",
    "sadness": "슬픈",
    "surprise": "놀라운",
    "neutral": "평온한",
}
_NOUN_KO = {
    "anger": "화",
    "disgust": "불쾌함",
    "fear": "불안",
    "joy": "행복",
    "sadness": "슬픔",
    "surprise": "놀람",
    "neutral": "평온",
}
_NUMBERS_KO = ("", "한", "두", "세", "네", "다섯", "여섯", "일곱", "여덟", "아홉", "열")
_PARTS_KO: dict[PartOfDay | Literal["day"], str] = {
    "morning": "아침",
    "afternoon": "오후",
    "evening": "저녁",
    "night": "밤",
    "day": "날",
}
_PERIOD_KO: dict[Period, str] = {"week": "이번 주", "month": "이번 달"}


def _ends_in_consonant(word: str) -> bool:
    last = ord(word[-1]) - 0xAC00
    return 0 <= last < 11172 and last % 28 != 0


def _subject(noun: str) -> str:
    """``noun`` with the Korean subject particle (이 after a final consonant, 가 after a vowel)."""
    return noun + ("이" if _ends_in_consonant(noun) else "가")


def _topic(noun: str) -> str:
    """``noun`` with the Korean topic particle (은 after a final consonant, 는 after a vowel)."""
    return noun + ("은" if _ends_in_consonant(noun) else "는")


def _count_en(n: int) -> str:
    return _NUMBERS_EN[n] if n < len(_NUMBERS_EN) else f"{n:,}"


def _count_ko(n: int) -> str:
    return f"{_NUMBERS_KO[n]} 번" if 0 < n < len(_NUMBERS_KO) else f"{n:,}번"


def _runner_up(days: MoodDays, main: str) -> tuple[str, PartOfDay | Literal["day"], int] | None:
    """The other emotion felt at the most moments: (emotion, part of day or "day", how many)."""
    others = [e for e in days.totals if e != main]
    if not others:
        return None
    emotion = max(others, key=lambda e: (len(days.moments[e]), days.totals[e], -EMOTIONS.index(e)))
    moments = days.moments[emotion]
    part, n = Counter(p for _, p in moments).most_common(1)[0]
    if n >= ONE_PART_SHARE * len(moments):
        return emotion, part, n
    return emotion, "day", len({d for d, _ in moments})


def caption(days: MoodDays, lang: str) -> str:
    """One line in Korean (``lang`` ``ko``) or English: the period's main mood and, if there is one,
    the most frequent other mood."""
    totals = days.totals
    main, n_main = next(iter(totals.items()))
    share, total, period = n_main / days.total, days.total, days.period
    tied = [e for e, n in totals.items() if n == n_main]
    other = _runner_up(days, main)
    if lang == "ko":
        when = _PERIOD_KO[period]
        if len(tied) > 1:
            return f"{_topic(when)} {_subject(', '.join(_NOUN_KO[e] for e in tied))} 비슷하게 섞였어요."
        if total == 1:
            first = f"{when}에는 기분이 한 번 기록됐어요: {_NOUN_KO[main]}."
        elif share == 1:
            first = f"{_topic(when)} 내내 {_MOSTLY_KO[main]}."
        elif share >= 0.5:
            first = f"{_topic(when)} 대체로 {_MOSTLY_KO[main]}."
        else:
            first = f"{_topic(when)} 여러 기분이 섞였고, {_subject(_NOUN_KO[main])} 가장 많았어요."
        if other is None:
            return first
        emotion, part, n = other
        return f"{first} {_BEFORE_NOUN_KO[emotion]} {_subject(_PARTS_KO[part])} {_count_ko(n)} 있었어요."
    when_en = f"this {period}"
    if len(tied) > 1:
        names = [_MOSTLY_EN[e] for e in tied]
        return f"A mixed {period}: {', '.join(names[:-1])} and {names[-1]} in equal measure."
    if total == 1:
        first = f"One mood {when_en}: {_MOSTLY_EN[main]}"
    elif share == 1:
        first = f"{_MOSTLY_EN[main].capitalize()} all {period}"
    elif share >= 0.5:
        first = f"Mostly {_MOSTLY_EN[main]} {when_en}"
    else:
        first = f"A mixed {period}, {_MOSTLY_EN[main]} most often"
    if other is None:
        return first + "."
    emotion, part, n = other
    return f"{first}; {_count_en(n)} {_BEFORE_NOUN_EN[emotion]} {part}{'s' if n != 1 else ''}."


def no_moods(period: Period, lang: str) -> str:
    """The friendly sentence for a period without moods."""
    if lang == "ko":
        return f"{_PERIOD_KO[period]}에는 아직 기록된 기분이 없어요. 오늘 기분이 어떤지 들려주세요."
    return f"No moods yet this {period} — tell me how you feel and I'll chart them for you."


def unknown_period(arg: str, lang: str) -> str:
    shown = arg.strip()[:20]
    if lang == "ko":
        return f"“{shown}” 기간은 몰라요. /mood week(한 주) 또는 /mood month(한 달)로 볼 수 있어요."
    return f"I can't chart “{shown}”. Use /mood week (the default) or /mood month."
