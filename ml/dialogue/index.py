"""The reply index: every candidate reply with the messages it answered, as ranker vectors.

Replies are scored against the whole conversation by the ranker at run time; the answered
messages are indexed alone, so "nearest message" retrieval is not swayed by unrelated earlier
turns on either side (an earlier version indexed whole contexts: multi-turn contexts then all
looked alike).

Built once from the training split of the index sources (never dev or held-out) and cached in the
data directory under a fingerprint of the ranker, the sources and their files, so a process loads
it in well under a second and a changed ranker or source rebuilds it. Search is exact (a matrix
product over a few ten thousand rows is ~1-3 ms here, faster than an Annoy lookup plus re-scoring).
Persona-chat sources train the ranker but are not indexed: their replies claim a human life
(jobs, children, hobbies) that a companion bot should not.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ml.corpora import corpora_dir
from ml.dialogue import companion
from ml.dialogue.advice import is_advice
from ml.dialogue.corpus import SOURCES, DialoguePair, available_sources, load_pairs
from ml.dialogue.encoder import PairEncoder, context_text
from ml.dialogue.register import Level, speech_level
from ml.dialogue.roles import Role, roles
from ml.dialogue.safety import is_safe_reply
from ml.lang import Lang, detect_lang

log = logging.getLogger(__name__)
INDEX_SOURCES = ("companion", "personality_chat", "chatterbot", "korean_chatbot")
FORMAT = 4
COMMON_WORDS = 400  # the most frequent written-reply words are not details ("sounds", "good")


@dataclass
class LangIndex:
    """One language's candidates: unique replies, and the (message, reply) pairs behind them."""

    lang: Lang
    replies: list[str]
    reply_source: list[str]
    reply_emotion: list[str]  # the written set's label of the message it answered, or ""
    messages: list[str]  # (pairs,) the answered message
    pair_reply: np.ndarray  # (pairs,) index into replies
    context_vecs: np.ndarray  # (pairs, dim) float32, unit: the answered message alone
    reply_vecs: np.ndarray  # (replies, dim) float32, unit
    # (pairs, dim) float32: the user's turn before the answered message (unit), zeros when the pair
    # has none; a follow-up is matched by both its message and the message it follows.
    earlier_vecs: np.ndarray = field(default_factory=lambda: np.zeros((0, 1), np.float32))
    lexical: Any = field(default=None, init=False, repr=False)  # (vectorizer, matrix) for Korean

    def __post_init__(self) -> None:
        # A reply's details: its uncommon content words ("A broken coffee machine on a weekday
        # morning…"). A detail the new conversation never mentions makes a retrieved reply read as
        # an answer to somebody else, so the engine charges for each one.
        words = [content_words(r) for r in self.replies]
        df = Counter(w for ws in words for w in ws)
        common = {w for w, n in df.most_common(COMMON_WORDS)}
        # Only written replies answer one situation; the other sources' answers are generic by design.
        self.details: list[frozenset[str]] = [
            ws - common if source == "companion" else frozenset()
            for ws, source in zip(words, self.reply_source, strict=True)
        ]
        self.roles: list[frozenset[Role]] = [roles(r) for r in self.replies]
        self.levels: list[Level | None] = [
            speech_level(r) if self.lang == "ko" else None for r in self.replies
        ]
        # Instructions from the licensed Q/A sources ("조심하세요."); the written set has none by spec.
        self.advice: list[bool] = [
            source != "companion" and is_advice(r, self.lang)
            for r, source in zip(self.replies, self.reply_source, strict=True)
        ]
        if self.lang == "ko" and self.messages:
            from sklearn.feature_extraction.text import TfidfVectorizer

            vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True)
            self.lexical = (vectorizer, vectorizer.fit_transform(self.messages))

    def __len__(self) -> int:
        return len(self.replies)

    def message_similarity(self, message: str, vector: np.ndarray) -> np.ndarray:
        """Cosine of ``message`` with every indexed message: character 1-3-gram TF-IDF for Korean
        (it finds paraphrases better than the n-gram ranker's vectors: model card), else the
        ranker's vectors."""
        if self.lexical is None:
            return np.asarray(self.context_vecs @ vector)
        vectorizer, matrix = self.lexical
        return np.asarray((matrix @ vectorizer.transform([message]).T).toarray().ravel())


_STOP = frozenset(
    [
        "that",
        "this",
        "with",
        "have",
        "just",
        "what",
        "your",
        "about",
        "been",
        "when",
        "they",
        "them",
        "then",
        "than",
        "there",
        "their",
        "from",
        "were",
        "will",
        "would",
        "could",
        "should",
        "really",
        "much",
        "very",
        "some",
        "more",
        "like",
        "know",
        "feel",
        "feeling",
        "right",
        "make",
        "made",
        "sounds",
        "sound",
        "into",
        "even",
        "over",
        "also",
        "only",
        "still",
        "here",
        "well",
        "want",
        "wanted",
        "today",
        "yesterday",
        "tomorrow",
    ]
)


def content_words(text: str) -> frozenset[str]:
    """Words that carry a detail: English words of 4+ letters (not common ones, crude plural
    folding), and the first two syllables of Korean words (the stem, without its particles)."""
    out = set()
    for w in re.findall(r"\w+", text.lower()):
        if detect_lang(w) == "ko":
            if len(w) >= 2:
                out.add(w[:2])
        elif len(w) >= 4 and w.isalpha() and w not in _STOP:
            out.add(w[:-1] if w.endswith("s") and len(w) > 4 else w)
    return frozenset(out)


def has_loop(text: str) -> bool:
    """Whether a word 3-gram occurs twice (a reply that goes round in circles)."""
    words = re.findall(r"\w+", text.lower())
    grams = [tuple(words[i : i + 3]) for i in range(len(words) - 2)]
    return len(grams) != len(set(grams))


def usable(reply: str, lang: Lang) -> bool:
    """A candidate may be said at all: safe, loop-free, in ``lang``, a sensible length."""
    return (
        2 <= len(reply) <= 300
        and detect_lang(reply, lang) == lang
        and is_safe_reply(reply)
        and not has_loop(reply)
    )


def build(encoder: PairEncoder, pairs: Sequence[DialoguePair], lang: Lang, batch: int = 256) -> LangIndex:
    """Encode ``pairs`` of ``lang`` whose replies are usable (duplicates of a pair dropped)."""
    replies: dict[str, int] = {}
    sources: list[str] = []
    emotions: list[str] = []
    contexts: list[tuple[str, ...]] = []
    pair_reply: list[int] = []
    seen: set[tuple[str, str]] = set()
    for p in pairs:
        key = (context_text(p.context), p.reply)
        if p.lang != lang or key in seen or not usable(p.reply, lang):
            continue
        seen.add(key)
        if p.reply not in replies:
            replies[p.reply] = len(replies)
            sources.append(p.source)
            emotions.append(p.emotion)
        contexts.append(p.context)
        pair_reply.append(replies[p.reply])
    ctx = np.concatenate(
        [
            encoder.encode_contexts([(c[-1],) for c in contexts[i : i + batch]])
            for i in range(0, len(contexts), batch)
        ]
        or [np.zeros((0, 1), np.float32)]
    )
    texts = list(replies)
    rep = np.concatenate(
        [encoder.encode_replies(texts[i : i + batch]) for i in range(0, len(texts), batch)]
        or [np.zeros((0, 1), np.float32)]
    )
    earlier_rows = [i for i, c in enumerate(contexts) if len(c) >= 3]  # (…, user, bot, message)
    earlier = np.zeros((len(contexts), ctx.shape[1]), dtype=np.float32)
    for start in range(0, len(earlier_rows), batch):
        rows = earlier_rows[start : start + batch]
        earlier[rows] = encoder.encode_contexts([(contexts[i][-3],) for i in rows])
    messages = [c[-1] for c in contexts]
    return LangIndex(
        lang, texts, sources, emotions, messages, np.asarray(pair_reply, dtype=np.int64), ctx, rep, earlier
    )


def save(index: LangIndex, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / "vectors.tmp.npz"
    np.savez(
        tmp,
        pair_reply=index.pair_reply,
        context_vecs=index.context_vecs.astype(np.float16),
        reply_vecs=index.reply_vecs.astype(np.float16),
        earlier_vecs=index.earlier_vecs.astype(np.float16),
    )
    meta = {
        "format": FORMAT,
        "replies": index.replies,
        "reply_source": index.reply_source,
        "reply_emotion": index.reply_emotion,
        "messages": index.messages,  # load() needs them: without, every start rebuilt the index
    }
    (directory / "replies.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    tmp.replace(directory / "vectors.npz")


def load(directory: Path, lang: Lang) -> LangIndex:
    meta = json.loads((directory / "replies.json").read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT:
        raise ValueError(f"reply index format {meta.get('format')} is not {FORMAT}")
    with np.load(directory / "vectors.npz") as z:
        return LangIndex(
            lang,
            meta["replies"],
            meta["reply_source"],
            meta["reply_emotion"],
            meta["messages"],
            z["pair_reply"],
            z["context_vecs"].astype(np.float32),
            z["reply_vecs"].astype(np.float32),
            z["earlier_vecs"].astype(np.float32),
        )


def index_sources(requested: Iterable[str] | None) -> list[str]:
    """The sources to index: those requested (or every indexable one found) that exist here."""
    found = available_sources()
    wanted = list(requested) if requested is not None else [s for s in INDEX_SOURCES if s in found]
    unknown = [s for s in wanted if s not in SOURCES]
    if unknown:
        raise ValueError(f"unknown dialogue source(s) {', '.join(unknown)}; known: {', '.join(SOURCES)}")
    return [s for s in wanted if s in found]


def fingerprint(ranker_dir: Path, sources: Sequence[str]) -> str:
    """Changes when the ranker, the chosen sources or any of their files change."""
    h = hashlib.sha1(f"{FORMAT}|{','.join(sources)}".encode())
    h.update((ranker_dir / "config.json").read_bytes())
    stat = (ranker_dir / "model.safetensors").stat()
    h.update(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
    h.update(companion.path_of("train").read_bytes())
    for source in sources:
        folder = SOURCES[source][1]
        if folder:
            for f in sorted((corpora_dir() / folder).rglob("*")):
                if f.is_file():
                    h.update(f"{f.name}:{f.stat().st_size}".encode())
    return h.hexdigest()[:16]


def open_index(
    encoder: PairEncoder, ranker_dir: Path, lang: Lang, sources: Sequence[str], cache: Path
) -> LangIndex:
    """The cached index for this ranker and these sources, built (and cached) when missing."""
    directory = cache / f"{lang}-{fingerprint(ranker_dir, sources)}"
    if (directory / "vectors.npz").exists():
        try:
            return load(directory, lang)
        except (OSError, ValueError, KeyError) as exc:
            log.warning("rebuilding the %s reply index (%s)", lang, exc)
    log.info("building the %s reply index from %s (once)…", lang, ", ".join(sources))
    index = build(encoder, [p for p in load_pairs(sources, "train") if p.lang == lang], lang)
    save(index, directory)
    return index
