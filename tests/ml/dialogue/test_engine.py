"""Reply choice: language rule, context, no repeats, odd input; over the shipped rankers."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml.dialogue.engine import DialogueEngine, recent_bot_replies
from ml.dialogue.index import has_loop
from ml.generate import ReplyRequest
from ml.lang import detect_lang


def _talk(engine: DialogueEngine, messages: list[str]) -> list[tuple[str, str]]:
    """Send ``messages`` as one conversation; (reply, source) per message."""
    history: list[str] = []
    out = []
    for m in messages:
        choice = engine.respond([ReplyRequest(m, "neutral", detect_lang(m), tuple(history))])[0]
        history += [m, choice.text]
        out.append((choice.text, choice.source))
    return out


def test_reply_language_follows_the_latest_message(engine: DialogueEngine) -> None:
    messages = [
        "hey there",
        "I had a rough day at work",
        "my boss yelled at me",
        "나 너무 힘들어",
        "오늘 시험 합격했어!",
        "thanks, that helps",
        "뭐 먹을까?",
        "good night",
    ]
    for message, (reply, _) in zip(messages, _talk(engine, messages), strict=True):
        assert detect_lang(reply) == detect_lang(message), (message, reply)


def test_reply_language_follows_the_users_choice(engine: DialogueEngine) -> None:
    choice = engine.respond([ReplyRequest("I passed my exam!", "joy", "ko")])[0]
    assert detect_lang(choice.text) == "ko"


def test_never_one_of_the_last_ten_replies(engine: DialogueEngine) -> None:
    replies = [r for r, _ in _talk(engine, ["hello"] * 12)]
    for i, r in enumerate(replies):
        assert r not in replies[max(0, i - 10) : i]


def test_the_earlier_turn_shapes_the_reply(engine: DialogueEngine) -> None:
    alone = engine.respond([ReplyRequest("We were together for three years", "sadness", "en")])[0]
    after = engine.respond(
        [
            ReplyRequest(
                "We were together for three years",
                "sadness",
                "en",
                ("I just got dumped", "Oh no, I'm so sorry. What happened?"),
            )
        ]
    )[0]
    assert alone.text != after.text or alone.score != after.score


def test_a_plain_follow_up_keeps_the_conversations_mood(engine: DialogueEngine) -> None:
    # "We were together for three years" reads neutral alone; after "I just got dumped" a cheerful
    # neutral reply ("It's a date! See you tomorrow…") is wrong, so neutral replies get no bonus then.
    index = engine.indexes["en"]
    label = dict(zip(index.replies, index.reply_emotion, strict=True))
    history = ("I just got dumped", "Oh no, I'm so sorry. What happened?")
    choice = engine.respond([ReplyRequest("We were together for three years", "neutral", "en", history)])[0]
    assert label[choice.text] != "neutral", choice.text


@pytest.mark.parametrize(
    "text", ["", "   ", "😀😀😀", "x" * 10_000, "hello 안녕 mixed", "?!?!", "\u200b", "ㅋㅋㅋㅋ", "12345"]
)
def test_odd_input_still_gets_a_fitting_nonempty_reply(engine: DialogueEngine, text: str) -> None:
    for lang in ("en", "ko"):
        choice = engine.respond([ReplyRequest(text, "neutral", lang)])[0]
        assert choice.text.strip() and detect_lang(choice.text, lang) == lang


def test_batches_answer_in_order(engine: DialogueEngine) -> None:
    requests = [ReplyRequest(t, "neutral", detect_lang(t)) for t in ("hi", "안녕", "thanks!", "고마워")]
    choices = engine.respond(requests)
    assert [c.lang for c in choices] == ["en", "ko", "en", "ko"]


def test_generated_reply_is_kept_only_when_usable_and_preferred(engine: DialogueEngine) -> None:
    request = ReplyRequest("I got the job!!", "joy", "en")
    choice = engine.respond([request])[0]
    assert engine.prefer(request, choice, "") is choice
    assert engine.prefer(request, choice, "이건 한국어 답장이야") is choice  # wrong language
    assert engine.prefer(request, choice, "you idiot") is choice  # unsafe
    assert engine.prefer(request, choice, "the the the the the the") is choice  # a loop


def test_helpers() -> None:
    assert recent_bot_replies(("u1", "b1", "u2", "b2", "u3", "b3"), 2) == {"b3", "b2"}
    assert has_loop("I am so so happy I am so so happy") and not has_loop("I am so happy for you")


def test_generator_is_asked_below_the_threshold_and_kept_when_rated_higher(engine: DialogueEngine) -> None:
    from ml.dialogue.engine import ReplyChoice

    strict_settings = engine.settings.model_copy(update={"generator_below": 2.0})
    strict = DialogueEngine(engine.encoders, engine.indexes, strict_settings)
    request = ReplyRequest("I just got dumped", "sadness", "en")
    assert strict.respond([request])[0].needs_generator
    weak = ReplyChoice("Nice weather for it.", "retrieved", 0.0, "en", needs_generator=True)
    kept = engine.prefer(request, weak, "I'm so sorry about the breakup. How are you holding up?")
    assert kept.source == "generated" and kept.text.startswith("I'm so sorry")


def test_a_saved_reply_index_loads_back_without_a_rebuild(tmp_path: Path) -> None:
    """The cache written on first start must load on the next (it used to miss ``messages`` and
    every start rebuilt the index from the corpora: minutes with all of them)."""
    import numpy as np

    from ml.dialogue.index import LangIndex, load, save

    index = LangIndex(
        "en",
        ["That sounds hard.", "Well done!"],
        ["companion", "companion"],
        ["sadness", "joy"],
        ["I failed my exam", "I passed my exam"],
        np.array([0, 1]),
        np.eye(2, 4, dtype=np.float32),
        np.eye(2, 4, dtype=np.float32),
        np.array([[0, 0, 0, 0], [0, 0, 1, 0]], dtype=np.float32),  # the second pair is a follow-up
    )
    save(index, tmp_path / "en")
    again = load(tmp_path / "en", "en")
    assert again.messages == index.messages and again.replies == index.replies
    assert np.array_equal(again.pair_reply, index.pair_reply)
    assert np.array_equal(again.earlier_vecs, index.earlier_vecs)


def test_follow_ups_are_indexed_with_the_turn_they_follow(engine: DialogueEngine) -> None:
    """Each written follow-up keeps a vector of the user's turn before it; other pairs have none."""
    import numpy as np

    index = engine.indexes["en"]
    has_earlier = np.abs(index.earlier_vecs).sum(axis=1) > 0
    assert 0 < has_earlier.sum() < len(index.messages)
    assert np.allclose(np.linalg.norm(index.earlier_vecs[has_earlier], axis=1), 1.0, atol=1e-3)
