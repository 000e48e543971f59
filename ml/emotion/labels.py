"""The seven emotion labels and how each dataset's labels map onto them."""

from __future__ import annotations

LABELS: tuple[str, ...] = ("anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral")
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
