"""Text commands, parsed once for every platform."""

from __future__ import annotations

from dataclasses import dataclass

COMMANDS: dict[str, str] = {
    "start": "say hello and see what I can do",
    "help": "list the commands",
    "pick": "/pick N — five tracks similar to suggestion N",
    "play": "/play N — a clip of suggestion N",
    "like": "/like N — more like suggestion N",
    "dislike": "/dislike N — fewer like suggestion N",
    "recommend": "/recommend [emotion] — five tracks for a mood",
    "voice": "/voice auto|text|voice|both — how I answer (auto: a voice note when you spoke)",
    "lang": "/lang auto|en|ko — which language I answer in",
    "mood": "/mood [week|month] — a chart of your moods",
    "compose": "/compose [emotion] — a short melody in your mood",
}
ADMIN_COMMANDS: dict[str, str] = {"reindex": "rebuild the music index from the catalog"}


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


def help_text(is_admin: bool = False) -> str:
    lines = ["Talk to me about anything — I'll answer, notice how you feel and suggest music.", ""]
    lines += [f"/{name} — {desc.split(' — ')[-1]}" for name, desc in COMMANDS.items()]
    if is_admin:
        lines += [f"/{name} — {desc} (admin)" for name, desc in ADMIN_COMMANDS.items()]
    return "\n".join(lines)
