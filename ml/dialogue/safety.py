"""Safety: messages about suicide or self-harm get care and crisis lines first; unsafe candidates
(profanity, insults, sexual content, phone numbers, links) never reach a user.

The crisis lines are the current ones: the US 988 Suicide & Crisis Lifeline (call or text) and
Korea's 109 suicide-prevention line. The shared corpora contain an outdated US hotline number;
the phone-number rule below keeps it (and any other number) out of every reply.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from ml.lang import Lang

_WORDLISTS = Path(__file__).resolve().parent / "wordlists"

_CRISIS_EN = re.compile(
    r"\b(suicid\w*|kill(ing)?\s+my\s*self|end(ing)?\s+(my|it)\s+(life|all)|take\s+my\s+(own\s+)?life"
    r"|(want|wanna|ready)\s+(to\s+)?die|wish\s+i\s+(could\s+die|was\s+dead|were\s+dead|wasn'?t\s+alive)"
    r"|don'?t\s+want\s+to\s+(live|be\s+alive|exist|wake\s+up)"
    r"|better\s+off\s+dead|no\s+reason\s+to\s+live|self[-\s]?harm\w*|hurt(ing)?\s+my\s*self"
    r"|cut(ting)?\s+my\s*self|overdos\w*|hang\s+my\s*self|kms)\b",
    re.IGNORECASE,
)
_CRISIS_KO = re.compile(
    r"(자살|자해|죽고\s*싶|죽어\s*버리고\s*싶|죽고만\s*싶|살기\s*싫|살고\s*싶지\s*않|목숨을\s*끊|극단적\s*선택"
    r"|스스로\s*목숨|손목을\s*긋|뛰어내리고\s*싶|사라지고\s*싶|없어지고\s*싶|그만\s*살고\s*싶|다\s*끝내고\s*싶)"
)
# Phone numbers (the outdated hotline among them), links and e-mail addresses never go out.
_CONTACT = re.compile(r"(\d[\d\s().-]{6,}\d|https?://|www\.|\S+@\S+\.\w+|1-?800)")
_REPEATED = re.compile(r"(.)\1{5,}")

CRISIS_REPLY: dict[Lang, str] = {
    "en": (
        "I'm really glad you told me, and I'm so sorry it hurts this much. "
        "You don't have to carry this alone: in the US you can call or text 988 "
        "(Suicide & Crisis Lifeline) any time, and in Korea you can call 109. "
        "If you might act on these thoughts or are in danger right now, please call your local "
        "emergency number. I'm here and I'll keep talking with you. What's been weighing on you most?"
    ),
    "ko": (
        "말해줘서 정말 고마워요. 그만큼 힘들었다는 게 마음이 아파요. 혼자 견디지 않아도 돼요: "
        "한국에서는 자살예방 상담전화 109에 24시간 전화할 수 있고, 미국에서는 988에 전화나 "
        "문자를 할 수 있어요. 지금 당장 위험하다면 112나 119에 연락해 주세요. "
        "저도 여기서 계속 이야기 들을게요. 요즘 가장 힘든 게 뭐예요?"
    ),
}


def is_crisis(text: str) -> bool:
    """Whether ``text`` speaks of suicide or self-harm (English or Korean)."""
    return bool(_CRISIS_EN.search(text) or _CRISIS_KO.search(text))


@cache
def _blocked() -> tuple[re.Pattern[str], tuple[str, ...]]:
    en = [w.strip() for w in (_WORDLISTS / "blocked_en.txt").read_text(encoding="utf-8").splitlines()]
    ko = [w.strip() for w in (_WORDLISTS / "blocked_ko.txt").read_text(encoding="utf-8").splitlines()]
    en_words = [re.escape(w) for w in en if w and not w.startswith("#")]
    pattern = re.compile(r"\b(" + "|".join(en_words) + r")\b", re.IGNORECASE)
    return pattern, tuple(w for w in ko if w and not w.startswith("#"))


def is_safe_reply(text: str) -> bool:
    """False for a candidate with profanity, insults, sexual words, contact details or character spam."""
    pattern, korean = _blocked()
    if pattern.search(text) or any(w in text for w in korean):
        return False
    return not (_CONTACT.search(text) or _REPEATED.search(text))
