"""The written chat emotion set as committed: every check passes, coverage meets the spec."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np

from ml.chat_set_check import row_problems
from ml.emotion import chat
from ml.emotion.chat import ChatMessage
from ml.emotion.data import load_chat, load_kote
from ml.emotion.labels import KOTE_GROUPS, KOTE_LABELS, LABELS


def test_committed_set_passes_every_check() -> None:
    from ml.chat_set_check import check

    assert check(chat.load("train"), chat.load("heldout")) == []


def test_coverage_per_language_and_label() -> None:
    rows = chat.load("train") + chat.load("heldout")
    per = Counter((r.lang, r.label) for r in rows)
    for lang in ("en", "ko"):
        assert sum(r.lang == lang for r in rows) >= 1500
        for label in LABELS:
            assert per[(lang, label)] >= 150, (lang, label)
        asked = [r for r in rows if r.lang == lang and r.kind != "statement"]
        assert sum(r.label == "neutral" for r in asked) >= 100  # plain questions and requests
        assert sum(r.label != "neutral" for r in asked) >= 100  # questions that carry a feeling
        assert sum(bool(r.music) for r in rows if r.lang == lang) >= 100


def test_heldout_is_a_fifth_of_each_language_and_label() -> None:
    train, held = chat.load("train"), chat.load("heldout")
    assert not {r.id for r in train} & {r.id for r in held}
    assert not {(r.lang, r.text) for r in train} & {(r.lang, r.text) for r in held}
    for lang in ("en", "ko"):
        for label in LABELS:
            n_held = sum(r.lang == lang and r.label == label for r in held)
            n_all = n_held + sum(r.lang == lang and r.label == label for r in train)
            assert abs(n_held - n_all / 5) <= 2  # each writing round rounds its own fifth


def test_row_checks_catch_what_the_spec_forbids() -> None:
    good = ChatMessage("en-x-0001", "en", "joy", "work", "statement", "", "got the job!!")
    assert row_problems(good) == []
    bad = {
        "label": replace(good, label="happy"),
        "kind": replace(good, kind="exclamation"),
        "music mood": replace(good, kind="request", music="upbeat"),
        "placeholder": replace(good, text="[NAME] gave me the job!!"),
        "language": replace(good, text="합격했어!!"),
        "phone": replace(good, text="call me at 555-123-4567"),
        "crisis": replace(good, text="I want to kill myself"),
        "empty": replace(good, text=""),
    }
    for name, row in bad.items():
        assert row_problems(row), name


def test_loaders_give_one_hot_chat_rows_and_soft_kote_rows() -> None:
    ko = load_chat("ko")
    assert len(ko) == len(chat.load("train", "ko"))
    assert np.allclose(ko.targets.sum(axis=1), 1.0) and set(ko.targets.max(axis=1)) == {1.0}
    assert load_chat("en", "heldout").texts == [m.text for m in chat.load("heldout", "en")]
    assert len(KOTE_LABELS) == 44 and set(KOTE_GROUPS) - {None} == set(LABELS)


def test_kote_rows_map_onto_the_seven_labels(tmp_path: Path) -> None:
    rows = "1\t정말 고마워요\t4,42\n2\t어이없네\t23,24\n3\t음\t9\n"  # joy+joy, anger+none, unmapped
    (tmp_path / "val.tsv").write_text(rows, encoding="utf-8")
    (tmp_path / "test.tsv").write_text("4\t\t5\n", encoding="utf-8")
    data = load_kote(tmp_path)
    assert data.texts == ["정말 고마워요", "어이없네"]  # unmapped-only and empty comments dropped
    joy, anger, neutral = LABELS.index("joy"), LABELS.index("anger"), LABELS.index("neutral")
    assert data.targets[0, joy] == 1.0 and data.single[0]
    assert data.targets[1, anger] == 0.5 and data.targets[1, neutral] == 0.5 and not data.single[1]
