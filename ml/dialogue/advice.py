"""Unasked advice: a reply that tells the user what to do when they did not ask.

Many Korean Q/A answers are instructions ("계획적인 소비를 해보세요.", "조심하세요."); sent to
someone who only said how their day went, they read as a lecture. The engine charges for such a
reply from the licensed sources (the written set's spec already forbids unasked advice) unless the
message asks for help ("어떡하지?", "should I…?").
"""

from __future__ import annotations

import re

from ml.lang import Lang

# Korean: a polite or plain imperative at the end ("해보세요", "하지 마세요", "해 봐", "하십시오");
# "-ㄴ가 봐요" (a guess) and greetings or wishes ("안녕하세요", "잘 주무세요", "좋은 하루 보내세요")
# are not.
_KO_ADVICE = re.compile(r"(?:세요|십시오|(?<![가나] )(?<![가나])봐|하지 ?마|지 ?마)[.!~ㅎ^]*$")
_KO_WISH = re.compile(r"안녕|(?:보내|주무|가|오|계)세요[.!~ㅎ^]*$")
_EN_ADVICE = re.compile(
    r"^(?:try|make sure|don't|do not|remember|stop|avoid|consider)\b"
    r"|\byou (?:should|need to|have to|must|ought to)\b",
    re.IGNORECASE,
)
_KO_ASKS = re.compile(r"(?:\?|까요?|어떡하지|어떡해|어떻게|할까|될까|나요|해야 ?(?:돼|하나|할|해)|추천)")
_EN_ASKS = re.compile(
    r"\?|\b(?:should i|what do i|what should|how do i|how can i|any (?:tips|advice|ideas)|"
    r"what would you|help me|advice)\b",
    re.IGNORECASE,
)


def is_advice(reply: str, lang: Lang) -> bool:
    """The reply ends (Korean) or starts (English) with telling the user what to do."""
    text = reply.strip()
    if lang == "ko":
        sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]
        return any(_KO_ADVICE.search(s) and not _KO_WISH.search(s) for s in sentences)
    return bool(_EN_ADVICE.search(text))


def asks_for_advice(message: str, lang: Lang) -> bool:
    """The message asks something: a question, or a plea for help."""
    return bool((_KO_ASKS if lang == "ko" else _EN_ASKS).search(message))
