"""One dialogue corpus: every licensed source and the project-written set as ``DialoguePair`` rows.

A pair is the conversation so far (the last one to three turns, oldest first, ending with the
message being answered) and the reply that followed. Splits are by conversation: a stable hash of
the source and conversation id puts a tenth in ``heldout`` and a twentieth in ``dev``; the
project-written set keeps its own held-out file. Sources that are single question/answer rows use
the reply text as the conversation, so one answer never spans two splits.
"""

from __future__ import annotations

import csv
import json
import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from ml.corpora import corpora_dir
from ml.dialogue import companion
from ml.generate.pair import Pair
from ml.lang import Lang, detect_lang

Split = Literal["train", "dev", "heldout"]
MAX_CONTEXT_TURNS = 3
MAX_TURN_CHARS = 300

#: source name -> (licence, folder under the corpora dir); ``companion`` ships with the package.
SOURCES: dict[str, tuple[str, str]] = {
    "companion": ("project-written for happytalk (MIT, this repository)", ""),
    "personality_chat": ("MIT (Microsoft BotBuilder-PersonalityChat)", "personality_chat"),
    "synthetic_persona_chat": ("CC BY 4.0 (Google Research)", "synthetic_persona_chat"),
    "xpersona": ("MIT (HLTCHKUST)", "xpersona"),
    "chatterbot": ("BSD-3-Clause (gunthercox)", "chatterbot_corpus"),
    "topical_chat": ("CDLA-Sharing-1.0 (Amazon Alexa AI)", "topical_chat"),
    "korean_chatbot": ("MIT (songys)", "korean_chatbot_data"),
}
PERSONAS = ("caring", "friendly", "enthusiastic")  # Personality Chat personas a companion can speak as


@dataclass(frozen=True, slots=True)
class DialoguePair:
    """A reply and the turns it answers (oldest first; the last is the message answered)."""

    context: tuple[str, ...]
    reply: str
    lang: Lang
    source: str
    conversation: str
    emotion: str = ""  # the answered message's emotion, where the source labels it

    @property
    def message(self) -> str:
        return self.context[-1]


def split_of(source: str, conversation: str) -> Split:
    """``heldout`` for a tenth of conversations, ``dev`` for a twentieth, else ``train`` (stable)."""
    bucket = zlib.crc32(f"{source}\x00{conversation}".encode()) % 20
    return "heldout" if bucket < 2 else "dev" if bucket == 2 else "train"


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text.replace("__SILENCE__", "")).strip()
    return text[:MAX_TURN_CHARS]


def _windows(turns: list[str], source: str, conv: str, lang: Lang | None = None) -> Iterator[DialoguePair]:
    """A pair for every turn after the first, answering the (up to) three turns before it."""
    turns = [_clean(t) for t in turns]
    for i in range(1, len(turns)):
        context = tuple(t for t in turns[max(0, i - MAX_CONTEXT_TURNS) : i] if t)
        if context and turns[i]:
            yield DialoguePair(context, turns[i], lang or detect_lang(turns[i]), source, conv)


def companion_pairs(split: Literal["train", "heldout"] = "train") -> Iterator[DialoguePair]:
    """The project-written set (``heldout``: its held-out tenth, for evaluation only)."""
    for ex in companion.load(split):
        context = (ex.prev_user, ex.prev_bot, ex.message) if ex.prev_user else (ex.message,)
        yield DialoguePair(context, ex.reply, ex.lang, "companion", ex.id, ex.emotion)


def personality_chat_pairs(root: Path) -> Iterator[DialoguePair]:
    for persona in PERSONAS:
        with (root / f"qna_chitchat_{persona}.tsv").open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                q, a = _clean(row.get("Question") or ""), _clean(row.get("Answer") or "")
                if q and a:
                    yield DialoguePair((q,), a, "en", "personality_chat", f"{persona}:{a}")


def synthetic_persona_chat_pairs(root: Path) -> Iterator[DialoguePair]:
    for name in ("valid", "test"):
        with (root / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            for n, row in enumerate(csv.DictReader(f)):
                lines = (row.get("Best Generated Conversation") or "").splitlines()
                turns = [re.sub(r"^User [12]:\s*", "", ln) for ln in lines if re.match(r"^User [12]:", ln)]
                yield from _windows(turns, "synthetic_persona_chat", f"{name}:{n}", "en")


def xpersona_pairs(root: Path) -> Iterator[DialoguePair]:
    for lang, stem in (("en", "En_persona_{}.json"), ("ko", "Ko_persona_split_{}_human_annotated.json")):
        for name in ("valid", "test"):
            dialogues = json.loads((root / stem.format(name)).read_text(encoding="utf-8"))
            for n, d in enumerate(dialogues):
                turns = [t for pair in d.get("dialogue", []) for t in pair]
                yield from _windows(turns, "xpersona", f"{lang}:{name}:{n}", lang)  # type: ignore[arg-type]


def chatterbot_pairs(root: Path) -> Iterator[DialoguePair]:
    for lang in ("english", "korean"):
        for path in sorted((root / lang).glob("*.yml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for n, conv in enumerate(data.get("conversations") or []):
                turns = [str(t) for t in conv if isinstance(t, str | int | float)]
                code: Lang = "ko" if lang == "korean" else "en"
                yield from _windows(turns, "chatterbot", f"{lang}/{path.stem}:{n}", code)


def topical_chat_pairs(root: Path) -> Iterator[DialoguePair]:
    for path in sorted(root.glob("*.json")):
        for conv_id, conv in json.loads(path.read_text(encoding="utf-8")).items():
            turns = [str(t.get("message", "")) for t in conv.get("content", [])]
            yield from _windows(turns, "topical_chat", conv_id, "en")


def korean_chatbot_pairs(root: Path) -> Iterator[DialoguePair]:
    with (root / "ChatbotData.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            q, a = _clean(row.get("Q") or ""), _clean(row.get("A") or "")
            if q and a:
                yield DialoguePair((q,), a, "ko", "korean_chatbot", a)


_LOADERS = {
    "personality_chat": personality_chat_pairs,
    "synthetic_persona_chat": synthetic_persona_chat_pairs,
    "xpersona": xpersona_pairs,
    "chatterbot": chatterbot_pairs,
    "topical_chat": topical_chat_pairs,
    "korean_chatbot": korean_chatbot_pairs,
}


def available_sources(root: Path | None = None) -> list[str]:
    """``companion`` and every shared source whose folder exists under ``root`` (the corpora dir)."""
    base = corpora_dir() if root is None else root
    return ["companion"] + [s for s in _LOADERS if (base / SOURCES[s][1]).is_dir()]


def load_pairs(sources: Iterable[str], split: Split, root: Path | None = None) -> list[DialoguePair]:
    """Every pair of ``sources`` in ``split``; shared sources are read from ``root`` (the corpora dir)."""
    base = corpora_dir() if root is None else root
    out: list[DialoguePair] = []
    for source in sources:
        if source == "companion":
            if split == "heldout":
                out += companion_pairs("heldout")
            else:  # the written set's held-out tenth is its own file; dev is carved from the rest
                dev = [p for p in companion_pairs("train") if split_of("companion", p.conversation) == "dev"]
                out += dev if split == "dev" else [p for p in companion_pairs("train") if p not in dev]
            continue
        if source not in _LOADERS:
            raise ValueError(f"unknown dialogue source {source!r}; known: {', '.join(SOURCES)}")
        out += (
            p
            for p in _LOADERS[source](base / SOURCES[source][1])
            if split_of(source, p.conversation) == split
        )
    return out


def generator_pairs(sources: Sequence[str], companion_repeat: int = 1) -> list[Pair]:
    """The generator's training pairs from this corpus (the written set and the shared sources;
    never their held-out or dev splits); the written set ``companion_repeat`` times."""
    out: list[Pair] = []
    for p in load_pairs(sources, "train"):
        pair = Pair(p.lang, p.emotion or "neutral", p.context[:-1], p.message, p.reply, p.source)
        out += [pair] * (companion_repeat if p.source == "companion" else 1)
    return out
