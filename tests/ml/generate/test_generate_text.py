"""Input cleaning, the conditioning format, the corpora reader and the reply measures."""

from __future__ import annotations

from pathlib import Path

from ml.generate import ReplyRequest
from ml.generate.corpus import load_pairs
from ml.generate.prompt import EOS, SEP, clean_text, context_turns, prompt_text, training_text
from ml.generate.scoring import distinct_n, has_repeated_ngram, pick_best, repetition_rate


def test_clean_text_drops_control_chars_and_markup_and_keeps_the_end() -> None:
    assert clean_text("a\x00b\x07\n<sep> c\u200b d") == "a b c d"
    long = "x" * 5000 + "END"
    cleaned = clean_text(long, max_chars=100)
    assert len(cleaned) == 100 and cleaned.endswith("END")


def test_prompt_is_a_prefix_of_the_training_text() -> None:
    turns = context_turns(("hi", "hello", "how are you"), "I am sad", max_turns=2)
    assert turns == ["hello", "how are you", "I am sad"]
    prompt = prompt_text("en", "sadness", turns)
    full = training_text("en", "sadness", turns, "Sorry to hear that.")
    assert prompt.startswith("<en><sadness>") and prompt.endswith(SEP)
    assert full == prompt + " Sorry to hear that." + EOS
    assert prompt_text("xx", "bored", ["a"]).startswith("<en><neutral>")


def test_corpus_maps_emotions_and_splits_stably(tiny_data: Path) -> None:
    train = load_pairs(tiny_data, heldout=False, share=0.25)
    held = load_pairs(tiny_data, heldout=True, share=0.25)
    assert train and held
    assert len(train) + len(held) == 12 * 5 + 48
    ko = {p.message: p.emotion for p in train + held if p.lang == "ko"}
    assert ko == {
        "나 너무 힘들어": "sadness",
        "오늘 날씨 좋다": "neutral",
        "여자친구 생겼어": "joy",
        "헤어졌어": "sadness",
    }
    en = {(p.message, p.emotion) for p in train if p.lang == "en"}
    assert ("I was sad when my team lost last week.", "sadness") in en
    assert load_pairs(tiny_data, heldout=False, share=0.25) == train


def test_repetition_and_distinct_measures() -> None:
    loop = "the thmeer the thmeer the thmeer"
    assert has_repeated_ngram(loop) and repetition_rate(loop) == 0.5
    assert not has_repeated_ngram("I like that song a lot") and repetition_rate("a b c d") == 0.0
    assert distinct_n(["a b", "a b"], 2) == 0.5 and distinct_n(["a b", "c d"], 1) == 1.0
    assert distinct_n([], 2) == 0.0


def test_pick_best_prefers_language_match_and_no_loops() -> None:
    ko = ReplyRequest("나 너무 힘들어", "sadness", "ko")
    assert pick_best(ko, ["I am sorry to hear that", "많이 힘들었겠어요"]) == "많이 힘들었겠어요"
    en = ReplyRequest("I lost my job", "sadness", "en")
    looping = "the job the job the job the job"
    assert pick_best(en, [looping, "That sounds hard, what happened?"]) != looping
    assert pick_best(en, ["", "  "]) == ""
