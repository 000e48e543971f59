"""Choosing a reply: safety first, then retrieval and the trained ranker, the generator as a fallback.

For each message the engine encodes the conversation (the message and up to two earlier turns in
the reply's language) and the message alone, takes the replies to the indexed messages nearest to
this one and the replies the ranker rates highest for the conversation, and scores each candidate:

    ranker cosine (conversation, reply) + w x nearest answered message's cosine (for a follow-up,
    plus 0.5 x the cosine of the turns they follow)
    + emotion fit + source prior − 0.05 x the details (uncommon content words) of a written
    reply that this conversation does not mention (at most 4) − a charge for each person or pet
    the reply names and the conversation does not (heavy when the conversation names another of
    the same kind: "your mum" for "my dad") − a charge for an instruction from a licensed Q/A
    source ("조심하세요.") when the message asks for nothing − a charge for a Korean reply in the
    other speech level (존댓말 for 반말, or the reverse),

after hard rules: the reply's language is the latest message's (or the user's ``/lang``), it is none
of the bot's last replies, it has no 3-gram loop and passes the safety filter. When the best score
is low, the core also asks the generator and keeps its reply if the ranker prefers it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from config.settings import DialogueSettings
from ml.dialogue.advice import asks_for_advice
from ml.dialogue.encoder import PairEncoder, RankerLoadError, load_encoder
from ml.dialogue.index import LangIndex, content_words, index_sources, open_index, usable
from ml.dialogue.register import other_level, speech_level
from ml.dialogue.roles import role_mismatch, roles
from ml.dialogue.safety import CRISIS_REPLY, is_crisis
from ml.generate.request import ReplyRequest
from ml.lang import Lang, detect_lang

log = logging.getLogger(__name__)
WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
LANGS: tuple[Lang, ...] = ("en", "ko")
Source = Literal["retrieved", "generated", "safety"]

TOP_K = 40
# How much the nearest answered message counts beside the ranker: the Korean n-gram ranker is weaker
# than its message retrieval, the English MiniLM ranker the reverse (chosen by reading replies).
CONTEXT_WEIGHT: dict[Lang, float] = {"en": 0.25, "ko": 1.0}
EMOTION_FIT = 0.1
FOLLOW_UP = 0.5  # for a follow-up: x cosine of its earlier turn with an indexed follow-up's earlier turn
DETAIL_PENALTY = 0.05  # per detail of a written reply that this conversation does not mention
MAX_DETAILS = 4
ROLE_CONFLICT = 0.3  # per person or pet of a kind the conversation names differently ("mum" for "dad")
ROLE_FOREIGN = 0.2  # per person or pet the conversation does not name at all
ADVICE = 0.15  # an instruction from a licensed Q/A source when the message asks for nothing
REGISTER = 0.1  # a Korean reply in the other speech level (존댓말 for 반말, or the reverse)
SOURCE_PRIOR = {"companion": 0.06, "korean_chatbot": 0.0, "personality_chat": 0.0, "chatterbot": -0.04}
NEGATIVE = {"anger", "disgust", "fear", "sadness"}
FALLBACK: dict[Lang, str] = {  # only when every candidate was excluded (e.g. an index of one reply)
    "en": "I'm listening. Tell me a bit more?",
    "ko": "듣고 있어요. 조금 더 얘기해 줄래요?",
}


@dataclass(frozen=True, slots=True)
class ReplyChoice:
    """The reply chosen for one message, where it came from, and how well the ranker rates it."""

    text: str
    source: Source
    score: float
    lang: Lang
    needs_generator: bool = False


def conversation(request: ReplyRequest, lang: Lang, turns: int = 2) -> tuple[str, ...]:
    """The message and up to ``turns`` earlier turns that are written in ``lang``."""
    earlier = [t for t in request.history[-turns:] if t.strip() and detect_lang(t, lang) == lang]
    return (*earlier, request.text)


def recent_bot_replies(history: Sequence[str], n: int) -> set[str]:
    """The bot's last ``n`` replies (history alternates user, bot and ends with the bot)."""
    return {t.strip() for t in list(history)[::-1][0 : 2 * n : 2]}


def emotion_fit(user: str, labelled: str) -> float:
    if not labelled or not user:
        return 0.0
    if labelled == user:
        return EMOTION_FIT
    if (labelled in NEGATIVE) != (user in NEGATIVE) and "neutral" not in (user, labelled):
        return -EMOTION_FIT  # cheering a sad message, or consoling a happy one
    return 0.0


class DialogueEngine:
    """Retrieval and ranking over the reply index, per language (thread-safe: read-only at run time)."""

    def __init__(
        self, encoders: dict[Lang, PairEncoder], indexes: dict[Lang, LangIndex], settings: DialogueSettings
    ) -> None:
        self.encoders = encoders
        self.indexes = indexes
        self.settings = settings

    @classmethod
    def load(cls, settings: DialogueSettings, cache_dir: Path) -> DialogueEngine:
        """Rankers from ``settings.ranker_path`` (or the shipped ones) and their cached indexes."""
        root = settings.ranker_path or WEIGHTS_DIR
        try:
            sources = index_sources(settings.sources)
        except ValueError as exc:  # an unknown name in dialogue.sources
            raise RankerLoadError(f"dialogue.sources (HAPPYTALK_DIALOGUE_SOURCES): {exc}") from None
        encoders: dict[Lang, PairEncoder] = {}
        indexes: dict[Lang, LangIndex] = {}
        for lang in LANGS:
            encoders[lang] = load_encoder(root / lang)
            try:
                indexes[lang] = open_index(encoders[lang], root / lang, lang, sources, cache_dir)
            except (OSError, ValueError) as exc:
                raise RankerLoadError(f"cannot build the {lang} reply index: {exc}") from exc
        return cls(encoders, indexes, settings)

    def respond(self, requests: Sequence[ReplyRequest]) -> list[ReplyChoice]:
        """One choice per request, in order; never empty, never raises for odd text."""
        out: list[ReplyChoice | None] = [None] * len(requests)
        by_lang: dict[Lang, list[int]] = {"en": [], "ko": []}
        for i, r in enumerate(requests):
            lang: Lang = "ko" if r.lang == "ko" else "en"
            if is_crisis(r.text):
                out[i] = ReplyChoice(CRISIS_REPLY[lang], "safety", 1.0, lang)
            else:
                by_lang[lang].append(i)
        for lang, idx in by_lang.items():
            if not idx:
                continue
            convs = [conversation(requests[i], lang) for i in idx]
            alone = [row for row, c in enumerate(convs) if len(c) > 1]  # messages with earlier turns
            follow = [row for row, c in enumerate(convs) if len(c) >= 3]  # (user, bot, message)
            vecs = self.encoders[lang].encode_contexts(
                [*convs, *((convs[row][-1],) for row in alone), *((convs[row][-3],) for row in follow)]
            )
            message_row = {row: len(convs) + n for n, row in enumerate(alone)}
            earlier_row = {row: len(convs) + len(alone) + n for n, row in enumerate(follow)}
            for row, i in enumerate(idx):
                earlier = vecs[earlier_row[row]] if row in earlier_row else None
                out[i] = self._choose(requests[i], lang, vecs[row], vecs[message_row.get(row, row)], earlier)
        return [c for c in out if c is not None]

    def _choose(
        self,
        request: ReplyRequest,
        lang: Lang,
        conv: np.ndarray,
        message: np.ndarray,
        earlier: np.ndarray | None = None,
    ) -> ReplyChoice:
        """The best candidate: replies the ranker rates for the conversation, and replies to the
        indexed messages nearest to this one (a follow-up's also by the message it follows)."""
        index = self.indexes[lang]
        if len(index) == 0:
            return ReplyChoice(FALLBACK[lang], "retrieved", 0.0, lang, needs_generator=True)
        ctx_sim = index.message_similarity(request.text, message)
        if earlier is not None and len(index.earlier_vecs) == len(ctx_sim):
            ctx_sim = ctx_sim + FOLLOW_UP * (index.earlier_vecs @ earlier)
        matched: dict[int, float] = {}
        for p in np.argpartition(-ctx_sim, min(TOP_K, len(ctx_sim) - 1))[:TOP_K]:
            r = int(index.pair_reply[p])
            matched[r] = max(matched.get(r, -1.0), float(ctx_sim[p]))
        rep_sim = index.reply_vecs @ conv
        top_replies = np.argpartition(-rep_sim, min(TOP_K, len(rep_sim) - 1))[:TOP_K]
        recent = recent_bot_replies(request.history, self.settings.recent_replies)
        turns = conversation(request, lang)
        said_text = " ".join(turns)
        said, named = content_words(said_text), roles(said_text)
        advice_charge = 0.0 if asks_for_advice(request.text, lang) else ADVICE
        # A plain-sounding follow-up in a conversation ("We were together for three years" after "I
        # just got dumped") is no sign that the mood turned neutral: no emotion fit then.
        felt = "" if request.emotion == "neutral" and len(turns) > 1 else request.emotion
        level = speech_level(request.text) if lang == "ko" else None
        best: tuple[float, int] | None = None
        for r in {*matched, *(int(x) for x in top_replies)}:
            if index.replies[r] in recent:
                continue
            foreign = len(index.details[r] - said)
            score = float(rep_sim[r]) + CONTEXT_WEIGHT[lang] * matched.get(r, 0.0)
            score += emotion_fit(felt, index.reply_emotion[r])
            score += SOURCE_PRIOR.get(index.reply_source[r], 0.0)
            score -= DETAIL_PENALTY * min(foreign, MAX_DETAILS)
            conflicts, strangers = role_mismatch(index.roles[r], named)
            score -= ROLE_CONFLICT * conflicts + ROLE_FOREIGN * strangers
            score -= advice_charge * index.advice[r]
            score -= REGISTER * other_level(level, index.levels[r])
            if best is None or score > best[0]:
                best = (score, r)
        if best is None:
            return ReplyChoice(FALLBACK[lang], "retrieved", 0.0, lang, needs_generator=True)
        score, r = best
        return ReplyChoice(index.replies[r], "retrieved", score, lang, score < self.settings.generator_below)

    def prefer(self, request: ReplyRequest, choice: ReplyChoice, generated: str) -> ReplyChoice:
        """``generated`` instead of ``choice`` when it is usable, new and the ranker rates it higher."""
        lang = choice.lang
        text = generated.strip()
        recent = recent_bot_replies(request.history, self.settings.recent_replies)
        if choice.source == "safety" or not text or text in recent or not usable(text, lang):
            return choice
        encoder = self.encoders[lang]
        q = encoder.encode_contexts([conversation(request, lang)])[0]
        score = float(encoder.encode_replies([text])[0] @ q) * (1 + CONTEXT_WEIGHT[lang])
        if score > choice.score or choice.text == FALLBACK[lang]:
            return ReplyChoice(text, "generated", score, lang)
        return choice
