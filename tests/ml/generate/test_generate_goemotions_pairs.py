"""GoEmotions pseudo-pairs: grouping, filtering, on-topic choice (real MiniLM), held-out split."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from ml.generate.corpus import load_pairs
from ml.generate.goemotions_pairs import Embedder, goemotions_pairs, minilm_embedder, read_comments
from ml.generate.pair import Pair, is_heldout
from ml.generate.train_transformer import TransformerConfig, repeats

NAMES = [
    "admiration",
    "amusement",
    "anger",
    "annoyance",
    "approval",
    "caring",
    "confusion",
    "curiosity",
    "desire",
    "disappointment",
    "disapproval",
    "disgust",
    "embarrassment",
    "excitement",
    "fear",
    "gratitude",
    "grief",
    "joy",
    "love",
    "nervousness",
    "optimism",
    "pride",
    "realization",
    "relief",
    "remorse",
    "sadness",
    "surprise",
    "neutral",
]
EKMAN = {
    "anger": ["anger", "annoyance", "disapproval"],
    "disgust": ["disgust"],
    "fear": ["fear", "nervousness"],
    "joy": ["joy", "amusement", "approval", "excitement", "gratitude", "love", "optimism", "relief", "pride"],
    "sadness": ["sadness", "disappointment", "embarrassment", "grief", "remorse"],
    "surprise": ["surprise", "realization", "confusion", "curiosity"],
}
MESSAGES = {  # id: (text, label, the reply id that fits it)
    "m1": ("I just lost my job today and I feel terrible", "sadness", "r1"),
    "m2": ("My dog died this morning and I can't stop crying", "grief", "r2"),
    "m3": ("I got accepted into my dream university!", "excitement", "r3"),
    "m4": ("The referee robbed us again, I'm furious", "anger", "r4"),
    "m5": ("Wow, I never expected the ending of that movie", "surprise", "r5"),
}
REPLIES = {
    "r1": ("So sorry about your job, you will find a better one soon", "caring"),
    "r2": ("I'm so sorry about your dog, losing a pet is heartbreaking", "caring"),
    "r3": ("Congrats on getting into university, that's amazing", "admiration,approval"),
    "r4": ("That referee was awful, a completely unfair call", "disapproval"),
    "r5": ("Wait, really? How does the movie end?", "curiosity"),
}
FILTERED = {  # never used: placeholder, URL, too short, multi-group message, neutral
    "x1": ("[NAME] is so sorry about your job", "caring"),
    "x2": ("see https://example.org for help with your job", "caring"),
    "x3": ("so sorry", "caring"),
    "x4": ("I lost my job and I'm angry and sad", "anger,sadness"),
    "x5": ("The job market is a neutral topic for me", "neutral"),
}


def write_goemotions(root: Path, rows: dict[str, tuple[str, str]], split: str = "train") -> Path:
    folder = root / "goemotions"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "emotions.txt").write_text("\n".join(NAMES) + "\n", encoding="utf-8")
    (folder / "ekman_mapping.json").write_text(json.dumps(EKMAN), encoding="utf-8")
    lines = [
        f"{text}\t{','.join(str(NAMES.index(x)) for x in labels.split(','))}\t{cid}"
        for cid, (text, labels) in rows.items()
    ]
    (folder / f"{split}.tsv").write_text(
        "\n".join([*lines, "malformed row", "bad\t99\tz9"]) + "\n", encoding="utf-8"
    )
    return root


@pytest.fixture(scope="module")
def ge_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = {cid: (text, label) for cid, (text, label, _) in MESSAGES.items()}
    return write_goemotions(tmp_path_factory.mktemp("ge"), {**rows, **REPLIES, **FILTERED})


@pytest.fixture(scope="module")
def embedder(tmp_path_factory: pytest.TempPathFactory) -> Embedder:
    return minilm_embedder(tmp_path_factory.mktemp("emb"))


def test_each_message_gets_the_on_topic_reply_of_its_group(ge_data: Path, embedder: Embedder) -> None:
    pairs = goemotions_pairs(ge_data, 100, share=0.0, top_k=1, embed=embedder)
    got = {p.message: (p.emotion, p.reply) for p in pairs}
    want = {
        text: ({"grief": "sadness", "excitement": "joy"}.get(label, label), REPLIES[reply][0])
        for text, label, reply in MESSAGES.values()
    }
    assert got == want
    assert all(p.lang == "en" and p.source == "goemotions" and p.history == () for p in pairs)
    assert goemotions_pairs(ge_data, 100, share=0.0, top_k=1, embed=embedder) == pairs  # deterministic


def test_pair_count_and_reply_reuse_are_capped(ge_data: Path, embedder: Embedder) -> None:
    assert len(goemotions_pairs(ge_data, 3, share=0.0, embed=embedder)) == 3
    pairs = goemotions_pairs(ge_data, 100, share=0.0, top_k=5, max_uses=1, embed=embedder)
    assert len({p.reply for p in pairs}) == len(pairs) == 5  # each reply once
    assert goemotions_pairs(ge_data, 0, embed=embedder) == []


def test_heldout_messages_pair_only_with_heldout_replies(ge_data: Path, embedder: Embedder) -> None:
    share = 0.5
    train = goemotions_pairs(ge_data, 100, share=share, embed=embedder)
    held = goemotions_pairs(ge_data, 100, share=share, heldout=True, embed=embedder)
    ids = {text: cid for cid, (text, *_) in {**MESSAGES, **REPLIES}.items()}
    for pairs, side in ((train, False), (held, True)):
        assert all(is_heldout(f"ge{ids[p.message]}", share) == side for p in pairs)
        assert all(is_heldout(f"ge{ids[p.reply]}", share) == side for p in pairs)
    assert not {p.message for p in train} & {p.message for p in held}


def test_dev_split_is_refused_and_bad_rows_skipped(tmp_path: Path) -> None:
    root = write_goemotions(tmp_path, dict(REPLIES), split="dev")
    with pytest.raises(ValueError, match=r"dev\.tsv"):
        read_comments(root / "goemotions" / "dev.tsv", NAMES)
    (root / "goemotions" / "train.tsv").write_text("only text\nx\t99\tid\nok text here\t5\tid1\n")
    assert [c.id for c in read_comments(root / "goemotions" / "train.tsv", NAMES)] == ["id1"]


def test_load_pairs_adds_them_and_they_count_once_per_epoch(ge_data: Path) -> None:
    pairs = load_pairs(ge_data, goemotions=100, share=0.0)
    assert len({p.message for p in pairs}) == 5 and load_pairs(ge_data) == []
    cfg = TransformerConfig(emotion_repeat=3)
    assert {repeats(p, cfg) for p in pairs} == {1}
    assert repeats(Pair("en", "sadness", (), "a", "b"), cfg) == 3


def test_train_command_rejects_a_negative_pair_count(ge_data: Path, tmp_path: Path) -> None:
    args = ["train", "generator", "--data-dir", str(ge_data), "--out", str(tmp_path / "o")]
    result = CliRunner().invoke(main, [*args, "--goemotions-pairs", "-1"])
    assert result.exit_code == 2 and "--goemotions-pairs" in result.output
