"""Dialogue pairs from the shared corpora, with the emotion of the message being answered.

English: Topical-Chat turns; the emotion is the writer's own sentiment label of the message
being answered (``_TOPICAL_EMOTION``). Korean: ChatbotData Q/A pairs; its topic label maps
0 (everyday) -> neutral, 1 (breakup/negative) -> sadness, 2 (love/positive) -> joy.
Held out: Topical-Chat conversations whose id hashes into the held-out bucket and every
Korean row whose index hashes there (``heldout_share``, default 5%), stable across runs.
Optionally, English pseudo-pairs from GoEmotions TRAIN (``ml.generate.goemotions_pairs``).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

from ml.corpora import corpora_dir
from ml.generate.pair import Pair, is_heldout
from ml.generate.prompt import clean_text

_TOPICAL_EMOTION = {
    "Curious to dive deeper": "neutral",
    "Neutral": "neutral",
    "Surprised": "surprise",
    "Happy": "joy",
    "Sad": "sadness",
    "Disgusted": "disgust",
    "Angry": "anger",
    "Fearful": "fear",
}
_KOREAN_EMOTION = {"0": "neutral", "1": "sadness", "2": "joy"}
DEFAULT_DATA_DIR = corpora_dir()


def topical_pairs(path: Path, heldout: bool, share: float, history_turns: int = 2) -> Iterator[Pair]:
    """Consecutive turn pairs of one Topical-Chat JSON file, from the train or held-out side."""
    conversations = json.loads(path.read_text(encoding="utf-8"))
    for conv_id, conv in conversations.items():
        if is_heldout(conv_id, share) != heldout:
            continue
        turns = [(clean_text(t["message"], 600), t.get("sentiment", "Neutral")) for t in conv["content"]]
        for i in range(1, len(turns)):
            message, sentiment = turns[i - 1]
            reply = turns[i][0]
            if not message or not reply:
                continue
            history = tuple(t for t, _ in turns[max(0, i - 1 - history_turns) : i - 1])
            yield Pair("en", _TOPICAL_EMOTION.get(sentiment, "neutral"), history, message, reply)


def korean_pairs(path: Path, heldout: bool, share: float) -> Iterator[Pair]:
    """ChatbotData Q/A rows from the train or held-out side."""
    with path.open(encoding="utf-8", newline="") as fh:
        for index, row in enumerate(csv.DictReader(fh)):
            if is_heldout(f"ko{index}", share) != heldout:
                continue
            q, a = clean_text(row["Q"]), clean_text(row["A"])
            if q and a:
                yield Pair("ko", _KOREAN_EMOTION.get(row["label"].strip(), "neutral"), (), q, a)


def load_pairs(
    data_dir: Path = DEFAULT_DATA_DIR,
    heldout: bool = False,
    share: float = 0.05,
    limit: int | None = None,
    goemotions: int = 0,
) -> list[Pair]:
    """English then Korean pairs from ``data_dir`` (``topical_chat/*.json``, ``korean_chatbot_data``),
    then up to ``goemotions`` GoEmotions pseudo-pairs (``goemotions/train.tsv``; 0 = none)."""
    pairs: list[Pair] = []
    for path in sorted((data_dir / "topical_chat").glob("*.json")):
        pairs.extend(topical_pairs(path, heldout, share))
    korean = data_dir / "korean_chatbot_data" / "ChatbotData.csv"
    if korean.exists():
        pairs.extend(korean_pairs(korean, heldout, share))
    if limit is not None:
        english = [p for p in pairs if p.lang == "en"][: limit // 2]
        others = [p for p in pairs if p.lang != "en"][: limit - len(english)]
        pairs = english + others
    if goemotions > 0:
        from ml.generate.goemotions_pairs import goemotions_pairs

        pairs.extend(goemotions_pairs(data_dir, goemotions, heldout, share))
    return pairs
