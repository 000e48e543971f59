"""Reply quality measures and the candidate score used to keep the best of several samples.

Score of a candidate reply (higher is better)::

    2.0 * [reply language == requested language]
  + 1.0 * dice(char bigrams of reply, char bigrams of message)   # relevance, capped at 0.5
  + 0.5 * min(1, words / 4)                                      # not a one-word grunt
  + 0.3 * [ends like a finished sentence: . ! ? ~ or 요/다]        # not cut off mid-way
  - 3.0 * [some word 3-gram occurs twice]                        # the seeds' loops
  - 1.0 * [reply copies the message (dice > 0.8)]
  - 1.0 * share of non-letter characters above 0.5               # punctuation soup

Lexical relevance was chosen over MiniLM sentence embeddings: it costs no memory or load
time, works for Korean as well as English, and its job here is only tie-breaking (the
language and repetition terms decide most choices).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ml.generate.request import ReplyRequest
from ml.lang import detect_lang


def words(text: str) -> list[str]:
    """Lower-cased whitespace words."""
    return text.lower().split()


def ngrams(tokens: Sequence[str], n: int) -> list[tuple[str, ...]]:
    """All n-grams of ``tokens``."""
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def has_repeated_ngram(text: str, n: int = 3) -> bool:
    """Whether some word ``n``-gram occurs more than once in ``text``."""
    grams = ngrams(words(text), n)
    return len(grams) != len(set(grams))


def repetition_rate(text: str, n: int = 3) -> float:
    """Share of word ``n``-grams in ``text`` that repeat an earlier one (0 when there are none)."""
    grams = ngrams(words(text), n)
    return 0.0 if not grams else 1.0 - len(set(grams)) / len(grams)


def distinct_n(texts: Sequence[str], n: int) -> float:
    """Distinct word ``n``-grams over all n-grams of ``texts`` (Li et al. 2016)."""
    grams = [g for t in texts for g in ngrams(words(t), n)]
    return 0.0 if not grams else len(set(grams)) / len(grams)


def _bigrams(text: str) -> Counter[str]:
    squeezed = "".join(ch for ch in text.lower() if ch.isalnum())
    return Counter(squeezed[i : i + 2] for i in range(len(squeezed) - 1))


def dice(a: str, b: str) -> float:
    """Dice overlap of the character bigrams of ``a`` and ``b``."""
    ca, cb = _bigrams(a), _bigrams(b)
    total = sum(ca.values()) + sum(cb.values())
    return 0.0 if total == 0 else 2 * sum((ca & cb).values()) / total


def score(request: ReplyRequest, reply: str) -> float:
    """The candidate score described in the module docstring."""
    if not reply.strip():
        return -100.0
    lang_ok = detect_lang(reply, default="en" if request.lang != "ko" else "ko") == request.lang
    overlap = dice(reply, request.text)
    letters = sum(ch.isalnum() for ch in reply)
    junk = max(0.0, 1.0 - letters / max(1, len(reply.replace(" ", ""))) - 0.5)
    return (
        2.0 * lang_ok
        + min(overlap, 0.5)
        + 0.5 * min(1.0, len(words(reply)) / 4)
        + 0.3 * reply.rstrip().endswith((".", "!", "?", "~", "요", "다"))
        - 3.0 * has_repeated_ngram(reply)
        - 1.0 * (overlap > 0.8)
        - junk
    )


def pick_best(request: ReplyRequest, candidates: Sequence[str]) -> str:
    """The highest-scoring candidate ('' only when every candidate is empty)."""
    cleaned = [c.strip() for c in candidates if c.strip()]
    if not cleaned:
        return ""
    return max(cleaned, key=lambda c: score(request, c))
