"""The written dialogue set as committed: passes every automatic check and covers the spec."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from ml.dialogue import companion
from ml.dialogue.companion import Exchange
from ml.dialogue.companion_check import EMOTIONS, check, row_problems


def test_committed_set_passes_every_check() -> None:
    assert check(companion.load("train"), companion.load("heldout")) == []


def test_coverage_per_language_and_emotion() -> None:
    rows = companion.load("train") + companion.load("heldout")
    per_lang = Counter(r.lang for r in rows)
    assert per_lang["en"] >= 2000 and per_lang["ko"] >= 2000
    per = Counter((r.lang, r.emotion) for r in rows)
    for lang in ("en", "ko"):
        for emotion in EMOTIONS:
            assert per[(lang, emotion)] >= 100, (lang, emotion)
        with_turn = sum(1 for r in rows if r.lang == lang and r.prev_user)
        assert with_turn / per_lang[lang] > 0.2


def test_heldout_is_a_tenth_by_exchange() -> None:
    train, held = companion.load("train"), companion.load("heldout")
    assert not {r.id for r in train} & {r.id for r in held}
    for lang in ("en", "ko"):
        n_held = sum(r.lang == lang for r in held)
        n_all = n_held + sum(r.lang == lang for r in train)
        assert abs(n_held - n_all / 10) <= 3  # whole groups of up to three rows
    # A reply shared by several messages (round 3's groups) lives in one file only.
    assert not {(r.lang, r.reply) for r in train} & {(r.lang, r.reply) for r in held}


def test_row_checks_catch_what_the_spec_forbids() -> None:
    good = Exchange(
        "en-x-1",
        "en",
        "joy",
        "work",
        "",
        "",
        "I got the job!",
        "That's huge, congratulations! When do you start?",
    )
    assert row_problems(good) == []
    bad = {
        "placeholder": replace(good, reply="Congrats [NAME], well done today!"),
        "banned": replace(good, reply="As an AI, I think that's great news for you."),
        "language": replace(good, reply="정말 축하해! 언제부터 출근해?"),
        "phone": replace(good, reply="Call them at 555-123-4567 to celebrate!"),
        "crisis": replace(good, message="I want to kill myself"),
        "half": replace(good, prev_user="hi"),
    }
    for name, row in bad.items():
        assert row_problems(row), name
