"""The seven emotion labels and how each dataset's labels map onto them."""

from __future__ import annotations

from config.settings import EMOTIONS

LABELS: tuple[str, ...] = EMOTIONS
"""The classifier's outputs, in order: the one emotion list, ``config.EMOTIONS``."""
LABEL_INDEX: dict[str, int] = {label: i for i, label in enumerate(LABELS)}
NEUTRAL = "neutral"

KOREAN_LABELS: dict[str, str] = {
    "분노": "anger",
    "혐오": "disgust",
    "공포": "fear",
    "행복": "joy",
    "슬픔": "sadness",
    "놀람": "surprise",
    "중립": "neutral",
}


def normalise_label(raw: str) -> str | None:
    """An English label for ``raw`` (English or Korean name, any case), or None if unknown."""
    name = raw.strip()
    if name in KOREAN_LABELS:
        return KOREAN_LABELS[name]
    name = name.lower()
    if name == "happiness":
        return "joy"
    return name if name in LABEL_INDEX else None


# KOTE's 44 labels in the dataset's order (../shared/data/kote/README.txt) and the group each
# maps to; None: no counterpart among our seven (pride, resolve, distrust, shyness, boredom…).
KOTE_LABELS: tuple[tuple[str, str | None], ...] = (
    ("불평/불만", "anger"),
    ("환영/호의", "joy"),
    ("감동/감탄", "joy"),
    ("지긋지긋", "anger"),
    ("고마움", "joy"),
    ("슬픔", "sadness"),
    ("화남/분노", "anger"),
    ("존경", "joy"),
    ("기대감", "joy"),
    ("우쭐댐/무시함", None),
    ("안타까움/실망", "sadness"),
    ("비장함", None),
    ("의심/불신", None),
    ("뿌듯함", "joy"),
    ("편안/쾌적", "joy"),
    ("신기함/관심", "surprise"),
    ("아껴주는", "joy"),
    ("부끄러움", None),
    ("공포/무서움", "fear"),
    ("절망", "sadness"),
    ("한심함", "disgust"),
    ("역겨움/징그러움", "disgust"),
    ("짜증", "anger"),
    ("어이없음", "anger"),
    ("없음", "neutral"),
    ("패배/자기혐오", "sadness"),
    ("귀찮음", None),
    ("힘듦/지침", "sadness"),
    ("즐거움/신남", "joy"),
    ("깨달음", None),
    ("죄책감", "sadness"),
    ("증오/혐오", "disgust"),
    ("흐뭇함(귀여움/예쁨)", "joy"),
    ("당황/난처", "surprise"),
    ("경악", "surprise"),
    ("부담/안_내킴", "fear"),
    ("서러움", "sadness"),
    ("재미없음", None),
    ("불쌍함/연민", "sadness"),
    ("놀람", "surprise"),
    ("행복", "joy"),
    ("불안/걱정", "fear"),
    ("기쁨", "joy"),
    ("안심/신뢰", "joy"),
)
KOTE_GROUPS: tuple[str | None, ...] = tuple(group for _, group in KOTE_LABELS)
