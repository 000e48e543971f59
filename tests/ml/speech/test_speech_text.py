"""Text preparation: emoji removal, length cap at sentence boundaries, request chunks."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ml.speech.text import cap_text, chunk_text, is_speakable, split_sentences, strip_unspoken


def test_strip_unspoken_drops_emoji_and_keeps_hangul() -> None:
    assert strip_unspoken("잘 자요 🌙  good   night ✨") == "잘 자요 good night"
    assert not is_speakable(strip_unspoken("🎉🎉 ❤️"))


def test_split_sentences_handles_lines_and_punctuation() -> None:
    assert split_sentences("Hi! How are you?\nFine… 좋아요. ok") == [
        "Hi!",
        "How are you?",
        "Fine…",
        "좋아요.",
        "ok",
    ]


def test_cap_keeps_whole_sentences() -> None:
    capped = cap_text("One two. Three four five. Six.", max_chars=20)
    assert (capped.text, capped.cut) == ("One two.", True)
    assert cap_text("Short.", max_chars=20).cut is False


def test_cap_cuts_one_long_sentence_at_a_word() -> None:
    capped = cap_text("word " * 50, max_chars=23)
    assert capped.cut and capped.text == "word word word word"


@given(st.lists(st.text(alphabet="abc 가나.!?", min_size=1, max_size=60), min_size=1, max_size=8))
def test_chunks_respect_the_limit_and_keep_every_word(parts: list[str]) -> None:
    text = " ".join(parts)
    chunks = chunk_text(text, 30)
    assert all(0 < len(c) <= 30 for c in chunks)
    assert "".join("".join(chunks).split()) == "".join(text.split())  # every character, in order
    words = {w for c in chunks for w in c.split()}
    assert all(w in words for w in text.split() if len(w) <= 30)  # only a word over the limit is cut
