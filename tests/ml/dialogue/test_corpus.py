"""Every dialogue source loads into pairs; splits are by conversation and stable."""

from __future__ import annotations

from collections import Counter

import pytest

from ml.dialogue import companion
from ml.dialogue.corpus import SOURCES, available_sources, load_pairs, split_of

pytestmark = pytest.mark.corpora


@pytest.fixture(scope="module")
def pairs() -> dict[str, list]:  # type: ignore[type-arg]
    return {split: load_pairs(available_sources(), split) for split in ("train", "dev", "heldout")}


def test_every_source_gives_pairs_in_its_languages(pairs: dict[str, list]) -> None:  # type: ignore[type-arg]
    assert set(available_sources()) == set(SOURCES)
    seen = Counter((p.source, p.lang) for p in pairs["train"])
    for key in [
        ("companion", "en"),
        ("companion", "ko"),
        ("personality_chat", "en"),
        ("synthetic_persona_chat", "en"),
        ("xpersona", "en"),
        ("xpersona", "ko"),
        ("chatterbot", "en"),
        ("chatterbot", "ko"),
        ("topical_chat", "en"),
        ("korean_chatbot", "ko"),
    ]:
        assert seen[key] > 100, key


def test_pairs_are_well_formed(pairs: dict[str, list]) -> None:  # type: ignore[type-arg]
    for split in pairs.values():
        for p in split:
            assert 1 <= len(p.context) <= 3 and all(t.strip() for t in p.context) and p.reply.strip()
            assert "__SILENCE__" not in " ".join(p.context)


def test_splits_are_disjoint_by_conversation(pairs: dict[str, list]) -> None:  # type: ignore[type-arg]
    convs = {s: {(p.source, p.conversation) for p in ps} for s, ps in pairs.items()}
    assert not convs["train"] & convs["heldout"] and not convs["train"] & convs["dev"]
    assert not convs["dev"] & convs["heldout"]
    total = sum(len(v) for v in convs.values())
    assert 0.07 < len(convs["heldout"]) / total < 0.14


def test_written_heldout_is_never_in_train(pairs: dict[str, list]) -> None:  # type: ignore[type-arg]
    held = {ex.id for ex in companion.load("heldout")}
    assert held and not held & {p.conversation for p in pairs["train"] if p.source == "companion"}
    assert {p.conversation for p in pairs["heldout"] if p.source == "companion"} == held


def test_split_is_stable() -> None:
    assert split_of("xpersona", "en:valid:3") == split_of("xpersona", "en:valid:3")
    assert Counter(split_of("s", str(i)) for i in range(20_000))["heldout"] in range(1800, 2200)


def test_unknown_source_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown dialogue source"):
        load_pairs(["reddit"], "train")
