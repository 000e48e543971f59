"""The shipped classifier: API, both languages, bad input, threads, load errors, everyday chat."""

from __future__ import annotations

import math
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from ml.emotion import LABELS, EmotionClassifier, EmotionResult, ModelLoadError
from ml.emotion.classifier import WEIGHTS_DIR
from ml.emotion.data import read_labelled_tsv

CHAT_SET = Path(__file__).parent / "everyday_chat.tsv"


@pytest.fixture(scope="module")
def clf() -> EmotionClassifier:
    return EmotionClassifier.load()


def _valid(res: EmotionResult) -> bool:
    return (
        res.label in LABELS
        and list(res.scores) == list(LABELS)
        and math.isclose(sum(res.scores.values()), 1.0, abs_tol=1e-6)
        and all(0.0 <= v <= 1.0 for v in res.scores.values())
        and res.scores[res.label] == res.confidence
        and res.lang in ("en", "ko")
    )


def test_done_when_examples(clf: EmotionClassifier) -> None:
    sad, angry = clf.classify(["I miss my dad so much", "상사가 또 내 탓을 해서 화가 나"])
    assert (sad.label, sad.lang) == ("sadness", "en")
    assert (angry.label, angry.lang) == ("anger", "ko")
    assert _valid(sad) and _valid(angry)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t",
        "😀😀😀",
        "🙂",
        "a" * 100_000,
        "오늘 너무 happy 해요 ㅋㅋ",
        "Je suis très content",
        "我今天很难过",
        "Привет, как дела?",
        "!!!???",
        "12345",
        "\x00\x01",
    ],
)
def test_bad_input_gets_a_valid_result(clf: EmotionClassifier, text: str) -> None:
    (res,) = clf.classify([text])
    assert _valid(res)


def test_batch_keeps_order_and_matches_single_calls(clf: EmotionClassifier) -> None:
    texts = ["I am so happy today", "그 사람 정말 싫어", "This is terrifying", "", "진짜? 말도 안 돼"]
    batch = clf.classify(texts)
    singles = [clf.classify([t])[0] for t in texts]
    assert [r.label for r in batch] == [r.label for r in singles]
    for a, b in zip(batch, singles, strict=True):
        # int8 dynamic quantisation scales activations per batch: tiny differences only
        assert np.allclose(list(a.scores.values()), list(b.scores.values()), atol=0.02)
    assert clf.classify([]) == []


def test_concurrent_callers_get_the_same_answers(clf: EmotionClassifier) -> None:
    texts = [line.split("\t")[0] for line in CHAT_SET.read_text(encoding="utf-8").splitlines()[1:]]
    expected = [r.label for r in clf.classify(texts)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = list(pool.map(lambda _: [r.label for r in clf.classify(texts)], range(8)))
    assert all(run == expected for run in runs)


def test_everyday_chat_set(clf: EmotionClassifier) -> None:
    texts, labels, bad = read_labelled_tsv(CHAT_SET)
    assert not bad and len(texts) >= 40
    pred = [LABELS.index(r.label) for r in clf.classify(texts)]
    accuracy = float(np.mean(np.asarray(pred) == np.asarray(labels)))
    assert accuracy >= 0.6, accuracy


def test_missing_or_corrupt_model_dirs_raise_model_load_error(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="not found"):
        EmotionClassifier.load(tmp_path / "nope")
    broken = tmp_path / "broken"
    shutil.copytree(WEIGHTS_DIR, broken)
    shutil.rmtree(broken / "ko")
    with pytest.raises(ModelLoadError):
        EmotionClassifier.load(broken)
    shutil.copytree(WEIGHTS_DIR / "ko", broken / "ko")
    (broken / "ko" / "model.safetensors").write_bytes(b"\x00" * 100)
    with pytest.raises(ModelLoadError):
        EmotionClassifier.load(broken)
    shutil.copy(WEIGHTS_DIR / "ko" / "model.safetensors", broken / "ko" / "model.safetensors")
    (broken / "en" / "config.json").write_text("{not json")
    with pytest.raises(ModelLoadError):
        EmotionClassifier.load(broken)


def test_chat_messages_people_send_a_companion(clf: EmotionClassifier) -> None:
    said = [
        ("I passed my driving test on the first try!!", "joy"),
        ("What time does the library close?", "neutral"),
        ("Can you recommend some songs?", "neutral"),
        ("What if I lose my job in the layoffs next week?", "fear"),
        ("음식에서 벌레가 나왔어, 역겨워", "disgust"),
        ("내일 오후 세 시에 회의가 있어요", "neutral"),
        ("노래 추천해줘", "neutral"),
    ]
    assert [r.label for r in clf.classify([t for t, _ in said])] == [label for _, label in said]


def test_chat_heldout_questions_are_mostly_neutral(clf: EmotionClassifier) -> None:
    from ml.emotion import chat

    plain = [m.text for m in chat.load("heldout") if m.kind != "statement" and m.label == "neutral"]
    labels = [r.label for r in clf.classify(plain)]
    assert len(plain) >= 100 and labels.count("neutral") / len(plain) >= 0.85
