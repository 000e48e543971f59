"""A tiny copy of the two dialogue corpora, written by the tests in the real formats."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

ENGLISH = [
    ("Do you like football?", "Curious to dive deeper"),
    ("Yes, I watch every game on Sunday.", "Happy"),
    ("I was sad when my team lost last week.", "Sad"),
    ("That is a shame, maybe next season will be better.", "Neutral"),
    ("Did you know the ball is made of leather?", "Surprised"),
    ("I did not know that, how interesting!", "Happy"),
]
KOREAN = [
    ("나 너무 힘들어", "많이 힘드셨군요.", "1"),
    ("오늘 날씨 좋다", "산책하기 좋은 날이에요.", "0"),
    ("여자친구 생겼어", "축하해요!", "2 "),
    ("헤어졌어", "마음이 아프시겠어요.", "1"),
]


@pytest.fixture(scope="session")
def tiny_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``topical_chat/`` with 12 short conversations and ``korean_chatbot_data/`` with 48 rows."""
    root = tmp_path_factory.mktemp("data")
    (root / "topical_chat").mkdir()
    conversations = {
        f"conv{i}": {
            "content": [
                {"agent": f"agent_{1 + j % 2}", "message": m, "sentiment": s}
                for j, (m, s) in enumerate(ENGLISH)
            ]
        }
        for i in range(12)
    }
    (root / "topical_chat" / "valid_freq.json").write_text(json.dumps(conversations), encoding="utf-8")
    (root / "korean_chatbot_data").mkdir()
    with (root / "korean_chatbot_data" / "ChatbotData.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Q", "A", "label"])
        for _ in range(12):
            writer.writerows(KOREAN)
    return root
