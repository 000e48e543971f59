"""Is a chat message asking for music, and for which mood? English and Korean, by patterns.

``music_request("play something upbeat")`` → ``MusicRequest(mood="joy")``; ``"노래 추천해줘"`` →
``MusicRequest(mood=None)`` (no mood named: the caller picks one); ``"my neighbour plays loud
music at 3am"`` → ``None``. A message asks for music when it names music (song, track, playlist,
노래, 음악 …) together with a request ("play", "recommend", "got any", "can you", 틀어줘, 추천해줘,
들려줘 …), or says "play/put on something" without a music word. The mood comes from the words
that describe the music ("upbeat", "chill", "슬픈", "잔잔한"), mapped to the seven emotions the
library is indexed by (calm music → neutral). Measured on the chat set (model card of the emotion
classifier).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MusicRequest:
    """A request for music; ``mood`` is the emotion the music should have, ``None`` if not named."""

    mood: str | None


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


_EN_MUSIC = _words(
    r"songs?", r"music", r"tracks?", r"tunes?", r"playlists?", r"jams?", r"bangers?", r"beats",
    r"lo-?fi", r"albums?", r"ballads?", r"pop", r"rock", r"jazz", r"classical", r"blues", r"indie",
    r"hip[ -]?hop", r"rap", r"metal", r"edm", r"drum and bass", r"dnb", r"soundtracks?", r"ambient",
    r"instrumentals?", r"piano", r"r&b", r"country", r"k-?pop", r"techno", r"punk", r"acoustic",
    r"folk", r"reggae", r"disco", r"lullab\w*", r"rain sounds", r"singers?", r"artists?", r"bands?",
    r"something to listen to", r"anything to listen to",
)  # fmt: skip
_EN_ASK = _words(
    r"play", r"put on", r"throw on", r"queue( up)?", r"blast", r"spin", r"recommend", r"suggest",
    r"recs?", r"recommendations?", r"suggestions?", r"got any", r"any good", r"can you", r"could you",
    r"would you", r"will you", r"can i (get|have)", r"give me", r"send me", r"find me", r"hit me with",
    r"i need", r"i want", r"need", r"want some", r"i'?d like", r"gimme", r"lemme hear", r"let me hear",
    r"pick", r"choose", r"mind playing", r"how about some", r"please", r"pls", r"plz", r"what are some",
    r"hype me up",
)  # fmt: skip
_EN_PLAY_SOMETHING = re.compile(
    r"\b(?:play|put on|throw on|queue(?: up)?|blast|spin|put)\s+(?:me\s+|us\s+)?"
    r"(?:something|anything|some\b|a few|music)|\bwhat should i (?:listen|play)|\bput (?:some )?music on",
    re.IGNORECASE,
)
# "something calm please", "got anything soothing?": a described something, asked for.
_EN_SOMETHING = _words(r"something", r"anything")
_EN_ASK_SOMETHING = _words(
    r"please", r"pls", r"plz", r"got anything", r"need", r"i'?d like", r"i want", r"give me", r"gimme",
    r"hit me with",
)  # fmt: skip
# Music named, but the sentence reports rather than asks: "my neighbour plays music", "I played …"
_EN_NOT_ASKING = _words(
    r"plays", r"played", r"playing", r"listened", r"listening to", r"was", r"were",
    r"(?:i|we|they)\s+(?:also\s+|still\s+|used to\s+)?play",
)  # fmt: skip

_KO_MUSIC = re.compile(
    r"노래|음악|곡|플레이리스트|플리|브금|bgm|노동요|발라드|들을\s*만한|들을\s*거|들을\s*것|락|메탈|힙합|"
    r"가요|팝송|국힙|재즈|보사노바|로파이|edm|동요|자장가|클래식|트로트|케이팝|인디|ost",
    re.IGNORECASE,
)
_KO_ASK = re.compile(
    r"(?:틀어|들려|골라|찾아|재생해|켜)\s*(?:줘|줄래|주세요|줄\s*수|봐|주라|주실|주면|줄래요|주세용|줘요)|틀자|"
    r"추천\s*(?:해\s*(?:줘|주세요|주실|줄래|주라|봐|주면|줄\s*수|요)|좀|부탁|받|가능|할\s*만한|해\s*줘)|"
    r"(?:있|없)(?:어|나|을까|니|어요|나요|을까요|을까\s*요)\s*[?？]|듣고\s*싶|들을래|들을까|뭐\s*듣|"
    r"좀\s*(?:줘|주세요)?\s*[?？]?$|부탁|하나만|몇\s*곡|다음\s*곡"
)
# "틀어줘" with something that is not music: the air conditioner, a video, the TV …
_KO_NOT_MUSIC = re.compile(
    r"에어컨|난방|보일러|히터|선풍기|티비|TV|드라마|영화|영상|유튜브|물\s*좀|불\s*좀|이야기|얘기|썰|농담"
)

# fmt: off
_MOODS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "joy": (
        _words(
            r"upbeat", r"happy", r"cheerful", r"energetic", r"hype\w*", r"party", r"dance", r"danceable",
            r"fun", r"exciting", r"feel-?good", r"pump me up", r"pumped", r"sunny", r"bright", r"uplifting",
            r"celebrat\w*", r"joyful", r"summery", r"bouncy", r"groovy", r"good vibes?", r"positive",
            r"lively", r"workout", r"gym", r"road trip", r"running", r"fast", r"wedding", r"funky",
        ),
        re.compile(
            r"신나|신남|밝은|경쾌|즐거운|행복한|기분\s*좋|텐션|흥겨|흥 나|파티|댄스|업\s*되|신날|"
            r"기분\s*업|에너지|운동할\s*때|드라이브|활기|빠른|펑키|축제|분위기\s*띄|빵빵|러닝"
        ),
    ),
    "sadness": (
        _words(
            r"sad", r"melanchol\w*", r"cry", r"crying", r"heartbreak\w*", r"heartbroken", r"breakup",
            r"break-up", r"gloomy", r"depressing", r"blue", r"sorrowful", r"tearjerk\w*", r"emotional",
            r"lonely", r"moody", r"bittersweet", r"missing someone",
        ),
        re.compile(r"슬픈|슬플|우울|눈물|울고\s*싶|울\s*수\s*있는|이별|쓸쓸|서글|외로운|감성|헤어진|먹먹|애절|발라드"),
    ),
    "anger": (
        _words(
            r"angry", r"aggressive", r"rage\w*", r"loud", r"heavy", r"metal", r"scream\w*", r"furious",
            r"fuming", r"punk", r"hard rock", r"mad", r"pissed", r"intense",
        ),
        re.compile(
            r"화날|화나|빡칠|빡쳐|분노|시끄러운|강렬|락|메탈|스트레스\s*풀|열\s*받|소리\s*지르|센\s*(?:거|걸|곡|노래)|"
            r"빡센|헤드뱅잉"
        ),
    ),
    "fear": (
        _words(
            r"scary", r"spooky", r"creepy", r"dark", r"eerie", r"tense", r"horror", r"haunting", r"ominous",
            r"suspense\w*", r"halloween", r"thriller",
        ),
        re.compile(r"무서운|으스스|공포|어두운|긴장감|오싹|소름\s*돋는|음산|할로윈|스릴러"),
    ),
    "surprise": (
        _words(
            r"weird", r"strange\w*", r"unexpected", r"surprising", r"quirky", r"surprise me", r"unusual",
            r"odd", r"experimental", r"offbeat", r"different",
        ),
        re.compile(r"특이|이상한|독특|신기한|의외|색다른|엉뚱|처음\s*들어"),
    ),
    "neutral": (
        _words(
            r"calm", r"chill", r"chilled", r"relax\w*", r"sooth\w*", r"peaceful", r"mellow", r"sleep\w*",
            r"focus", r"study", r"studying", r"lo-?fi", r"ambient", r"quiet", r"soft", r"gentle",
            r"background", r"cozy", r"slow", r"easy", r"work to", r"concentrat\w*", r"spa", r"low[ -]?key",
            r"yoga", r"meditat\w*", r"bath", r"classical",
        ),
        re.compile(
            r"잔잔|차분|조용|편안|힐링|잠\s*(?:잘|올|들)|잘\s*때|자기\s*전|공부|집중|로파이|느린|포근|배경|작업할\s*때|"
            r"노동요|자장가|명상|요가|나른|느긋|코딩|가벼운|가라앉|마음\s*편|보사노바|재즈|클래식"
        ),
    ),
}
# fmt: on


def _mood(text: str, lang_index: int) -> str | None:
    """The mood whose word comes first in ``text``; a feeling beats calm ("slow and sad" is sad)."""
    found = [
        (mood == "neutral", m.start(), mood)
        for mood, patterns in _MOODS.items()
        if (m := patterns[lang_index].search(text))
    ]
    return min(found)[2] if found else None


def _mood_words(lang_index: int) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p[lang_index].pattern})" for p in _MOODS.values()), re.IGNORECASE)


def music_request(text: str) -> MusicRequest | None:
    """The music request in ``text``, or ``None`` when it does not ask for music."""
    text = text.strip()[:500]
    if not text:
        return None
    if re.search(r"[가-힣]", text):
        if _KO_ASK.search(text) and not _KO_NOT_MUSIC.search(text):
            played = re.search(r"(?:틀어|들려|재생해)\s*(?:줘|줄래|주세요|주실|봐|주라|주면)", text)
            if _KO_MUSIC.search(text) or played:
                return MusicRequest(_mood(text, 1))
        return None
    asking = (
        _EN_PLAY_SOMETHING.search(text)
        or (_EN_MUSIC.search(text) and _EN_ASK.search(text) and not _EN_NOT_ASKING.search(text))
        or (_EN_SOMETHING.search(text) and _EN_ASK_SOMETHING.search(text) and _EN_MOOD_WORDS.search(text))
    )
    return MusicRequest(_mood(text, 0)) if asking else None


_EN_MOOD_WORDS = _mood_words(0)
