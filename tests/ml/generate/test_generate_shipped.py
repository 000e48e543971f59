"""The shipped generators: language of the reply, odd input, no loops, concurrent use, the CLI."""

from __future__ import annotations

import threading

import pytest
import torch

from config.settings import GeneratorSettings
from ml.generate import ReplyGenerator, ReplyRequest, load_generator
from ml.generate.scoring import has_repeated_ngram
from ml.lang import detect_lang

ODD = [
    ReplyRequest("", "neutral", "en"),
    ReplyRequest("I am so tired of everything " * 400, "sadness", "en"),  # ~11,000 characters
    ReplyRequest("😭😭😭", "sadness", "ko"),
    ReplyRequest("오늘 meeting 너무 길었어", "anger", "ko"),
    ReplyRequest("\x00\x1b[2J\x7f\u200f\ufeff", "fear", "en"),
]
MESSAGES = [
    ReplyRequest("나 너무 힘들어", "sadness", "ko"),
    ReplyRequest("I just got dumped", "sadness", "en"),
    ReplyRequest("오늘 친구랑 놀러 가", "joy", "ko"),
    ReplyRequest("Do you like music?", "neutral", "en"),
]


@pytest.fixture(scope="module", params=["transformer", "char_lstm"])
def shipped(request: pytest.FixtureRequest) -> ReplyGenerator:
    torch.manual_seed(0)
    return load_generator(GeneratorSettings(backend=request.param, max_new_tokens=16))


def test_odd_input_always_gets_a_reply(shipped: ReplyGenerator) -> None:
    replies = shipped.generate(ODD)
    assert len(replies) == len(ODD)
    assert all(isinstance(r, str) and r.strip() and "\x00" not in r for r in replies)
    assert shipped.generate([]) == []


def test_transformer_replies_in_the_requested_language_without_loops() -> None:
    torch.manual_seed(1)
    generator = load_generator(GeneratorSettings(max_new_tokens=16))
    replies = generator.generate(MESSAGES)
    assert [detect_lang(r) for r in replies] == [m.lang for m in MESSAGES]
    assert not any(has_repeated_ngram(r) for r in replies)


def test_generate_is_safe_from_several_threads(shipped: ReplyGenerator) -> None:
    results: dict[int, list[str]] = {}
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            results[i] = shipped.generate(MESSAGES[i % 2 :: 2])
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(results) == [0, 1, 2, 3] and all(len(r) == 2 and all(r) for r in results.values())
