"""The command registry: every command once, with its arguments, help (English and Korean), who may
run it, where it is available and the core operation it calls.

Generated from :data:`REGISTRY`: the core's dispatch of typed ``/commands`` (``bot.command_handling``),
``/help``, Telegram's command menu, Discord's app-command tree and the web page's operations.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from bot.types import LANG_SETTINGS, REPLY_MODES
from config import EMOTIONS

Platform = Literal["telegram", "discord", "web", "console"]
PLATFORMS: tuple[Platform, ...] = ("telegram", "discord", "web", "console")
Role = Literal["user", "admin"]
Operation = Literal[
    "chat",
    "listen",
    "start",
    "help",
    "similar",
    "play",
    "like",
    "dislike",
    "recommend",
    "reply_mode",
    "lang",
    "mood",
    "compose",
    "reindex",
    "sync",
]
ArgKind = Literal["number", "text", "choice", "attachment"]
TYPED: frozenset[Platform] = frozenset(
    {"telegram", "web", "console"}
)  # where users type ``/name args`` in a message
SUGGESTIONS = 5  # a numbered argument picks one of the last five suggestions


@dataclass(frozen=True, slots=True)
class Arg:
    """One argument: ``name`` is its option name on Discord, ``usage`` how ``/help`` shows it."""

    name: str
    usage: str
    help: str
    kind: ArgKind = "text"
    choices: tuple[str, ...] = ()
    required: bool = True


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """One command. ``typed``: the core answers ``/name …`` typed in a text message; ``private``:
    the answer is for the user alone (ephemeral on Discord)."""

    name: str
    operation: Operation
    help_en: str
    help_ko: str
    args: tuple[Arg, ...] = ()
    role: Role = "user"
    platforms: frozenset[Platform] = TYPED
    typed: bool = True
    private: bool = False

    @property
    def usage(self) -> str:
        """``/pick N``, ``/recommend [emotion]``."""
        return " ".join([f"/{self.name}", *(a.usage for a in self.args)])

    def help(self, lang: str = "en") -> str:
        return self.help_ko if lang == "ko" else self.help_en


_N = Arg("number", "N", "Which suggestion (1-5) from my last list", kind="number")
_EMOTION = Arg("emotion", "[emotion]", "The mood to match", kind="choice", choices=EMOTIONS, required=False)

REGISTRY: tuple[CommandSpec, ...] = (
    CommandSpec(
        "chat",
        "chat",
        "talk to me: I'll answer, read your mood and suggest five tracks",
        "저에게 말해 주세요: 대답하고 기분을 읽고 다섯 곡을 추천할게요.",
        (Arg("text", "TEXT", "What's on your mind?"),),
        platforms=frozenset({"discord", "web"}),
        typed=False,
    ),
    CommandSpec(
        "listen",
        "listen",
        "send me a voice message or audio file: I'll listen and answer",
        "음성 메시지나 오디오 파일을 보내 주세요: 듣고 대답할게요.",
        (Arg("audio", "FILE", "A voice message or audio file (up to 2 minutes)", kind="attachment"),),
        platforms=frozenset({"discord", "console"}),
        typed=False,
    ),
    CommandSpec(
        "start",
        "start",
        "say hello and see what I can do",
        "인사하고 제가 할 수 있는 일 보기",
        platforms=frozenset({"telegram", "console"}),
    ),
    CommandSpec(
        "help",
        "help",
        "list the commands",
        "명령어 목록",
        platforms=frozenset(PLATFORMS),
        private=True,
    ),
    CommandSpec(
        "pick", "similar", "five tracks similar to suggestion N", "N번 추천곡과 비슷한 다섯 곡", (_N,)
    ),
    CommandSpec(
        "similar",
        "similar",
        "five tracks similar to suggestion N of my last list",
        "마지막 추천 중 한 곡과 비슷한 다섯 곡",
        (_N,),
        platforms=frozenset({"discord"}),
    ),
    CommandSpec(
        "play",
        "play",
        "a clip of suggestion N",
        "N번 추천곡의 미리듣기",
        (_N,),
        platforms=frozenset(PLATFORMS),
    ),
    CommandSpec("like", "like", "more like suggestion N", "N번 추천곡 같은 곡을 더", (_N,)),
    CommandSpec("dislike", "dislike", "fewer like suggestion N", "N번 추천곡 같은 곡은 덜", (_N,)),
    CommandSpec(
        "recommend",
        "recommend",
        "five tracks for a mood (default: your latest)",
        "기분에 맞는 다섯 곡 (기본: 최근 기분)",
        (_EMOTION,),
        platforms=frozenset(PLATFORMS),
    ),
    CommandSpec(
        "voice",
        "reply_mode",
        "how I answer: auto (a voice note when you spoke), text, voice or both",
        "대답 방식: auto (음성으로 말하면 음성으로), text, voice, both",
        (
            Arg(
                "mode",
                "auto|text|voice|both",
                "auto (a voice message when you sent one), text, voice or both",
                kind="choice",
                choices=REPLY_MODES,
            ),
        ),
        platforms=frozenset(PLATFORMS),
        private=True,
    ),
    CommandSpec(
        "lang",
        "lang",
        "which language I answer in",
        "대답할 언어",
        (
            Arg(
                "language",
                "auto|en|ko",
                "auto follows the language you write in",
                kind="choice",
                choices=LANG_SETTINGS,
            ),
        ),
        platforms=frozenset(PLATFORMS),
        private=True,
    ),
    CommandSpec(
        "mood",
        "mood",
        "a chart of your moods over the last week or month",
        "지난 한 주나 한 달의 기분 차트",
        (
            Arg(
                "period",
                "[week|month]",
                "week (the default) or month",
                kind="choice",
                choices=("week", "month"),
                required=False,
            ),
        ),
        platforms=frozenset(PLATFORMS),
        private=True,
    ),
    CommandSpec(
        "compose",
        "compose",
        "a short melody in your mood",
        "기분에 맞는 짧은 멜로디",
        (_EMOTION,),
        platforms=frozenset(PLATFORMS),
    ),
    CommandSpec(
        "reindex",
        "reindex",
        "rebuild the music index from the catalog",
        "카탈로그로 음악 색인 다시 만들기",
        role="admin",
        platforms=frozenset({"telegram", "console"}),
    ),
    CommandSpec(
        "sync",
        "sync",
        "publish the slash commands globally (owner only)",
        "슬래시 명령어를 전체에 게시 (소유자 전용)",
        role="admin",
        platforms=frozenset({"discord"}),
        typed=False,
        private=True,
    ),
)
BY_NAME: dict[str, CommandSpec] = {spec.name: spec for spec in REGISTRY}
TYPED_COMMANDS: dict[str, CommandSpec] = {spec.name: spec for spec in REGISTRY if spec.typed}


def available(platform: str, *, admin: bool = False) -> Iterator[CommandSpec]:
    """The commands on ``platform`` in registry order; admin commands only for ``admin``."""
    for spec in REGISTRY:
        if platform in spec.platforms and (admin or spec.role == "user"):
            yield spec


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    args: tuple[str, ...]


def parse_command(text: str) -> Command | None:
    """``/name[@bot] args…`` → :class:`Command` (name lower-cased); ``None`` for plain text."""
    stripped = text.strip()
    if not stripped.startswith("/") or len(stripped) < 2 or stripped[1].isspace():
        return None
    head, *args = stripped[1:].split()
    name = head.split("@", 1)[0].lower()
    return Command(name, tuple(args))


HELP_INTRO = {
    "en": "Talk to me about anything — I'll answer, notice how you feel and suggest music.",
    "ko": "무엇이든 말해 주세요 — 대답하고, 기분을 알아채고, 음악을 추천할게요.",
}


def help_text(platform: str = "telegram", is_admin: bool = False, lang: str = "en") -> str:
    """The intro and one line per command available on ``platform`` (admin ones marked); another
    platform (a test's, the load test's) types its commands, like the console."""
    platform = platform if platform in PLATFORMS else "console"
    lines = [HELP_INTRO.get(lang, HELP_INTRO["en"]), ""]
    for spec in available(platform, admin=is_admin):
        if spec.typed or platform not in TYPED:  # typed platforms list what can be typed
            admin = " (admin)" if spec.role == "admin" else ""
            lines.append(f"{spec.usage} — {spec.help(lang)}{admin}")
    return "\n".join(lines)
