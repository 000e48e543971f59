"""The console adapter: chat in a terminal, or one JSON object per input line with ``--json``."""

from __future__ import annotations

import asyncio
import getpass
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from bot.commands import parse_command
from bot.core import DialogueCore
from bot.types import AudioClip, EmotionEvent, Event, Heard, MoodChart, Reply, Tracks, UserMessage, VoiceNote
from handlers.base import PlatformUsers
from handlers.layout import Mood, Text, TrackList, layout

CONSOLE = PlatformUsers("console")
QUIT = ("/quit", "/exit")  # leaving the terminal is the console's own business, like Ctrl-D
LISTEN_USAGE = "Use /listen PATH with a voice note or audio file (OGG, MP3, M4A, WAV, WebM)."


@dataclass
class Rendered:
    """The events answering one input line, as the console shows them."""

    replies: list[Reply] = field(default_factory=list)
    heard: Heard | None = None
    emotion: EmotionEvent | None = None
    tracks: Tracks | None = None
    tracks_first: bool = False  # the tracks came before any reply (a music request): print them first
    voice: Path | None = None
    audio: Path | None = None
    chart: Path | None = None

    def as_json(self) -> dict[str, Any]:
        reply = "\n".join(r.text for r in self.replies if r.kind != "error")
        errors = "\n".join(r.text for r in self.replies if r.kind == "error")
        return {
            "reply": reply or (self.tracks.heading if self.tracks else ""),
            "heard": None if self.heard is None else self.heard.text,
            "emotion": None
            if self.emotion is None
            else {"label": self.emotion.label, "scores": dict(self.emotion.scores)},
            "tracks": []
            if self.tracks is None
            else [
                {"id": t.id, "title": t.title, "artist": t.artist, "reason": t.reason}
                for t in self.tracks.tracks
            ],
            "voice": str(self.voice) if self.voice else None,
            "audio": str(self.audio) if self.audio else None,
            "chart": str(self.chart) if self.chart else None,
            "error": errors or None,
        }


class ConsoleAdapter:
    """Reads lines from ``stdin``; writes replies (or JSON lines) to ``stdout``."""

    name = "console"

    def __init__(
        self,
        core: DialogueCore,
        out_dir: Path,
        *,
        json_mode: bool = False,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        user_id: str | None = None,
    ) -> None:
        self.core = core
        self.out_dir = out_dir
        self.json_mode = json_mode
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.user_id = user_id or getpass.getuser()
        self._count = 0
        self._interactive = not json_mode and self.stdin.isatty()

    def is_up(self) -> bool:
        return True

    async def serve(self, stop: asyncio.Event) -> None:
        if self._interactive:
            self._print("happytalk — type a message, /help for commands, /quit or Ctrl-D to leave.")
        while not stop.is_set():
            line = await asyncio.to_thread(self._read_line)
            if line is None or line.strip().lower() in QUIT:
                break
            if not line.strip() and self.json_mode:
                continue
            self._count += 1
            msg = CONSOLE.message(self.user_id, "console", line.rstrip("\n"), message_id=self._count)
            rendered = self.render(await self._answer(msg))
            if self.json_mode:
                self._print(json.dumps(rendered.as_json(), ensure_ascii=False))
            else:
                self._print_human(rendered)

    async def _answer(self, msg: UserMessage) -> list[Event]:
        """``/listen PATH`` answers an audio file as if it were said; anything else goes to the core."""
        cmd = parse_command(msg.text)
        if cmd is None or cmd.name != "listen":
            return await self.core.handle(msg)
        raw = msg.text.strip()[len("/listen") :].strip().strip("'\"")
        if not raw:
            return [Reply(LISTEN_USAGE, kind="error")]
        path = Path(raw).expanduser()  # noqa: ASYNC240 (one stat of a local file)
        if not await asyncio.to_thread(path.is_file):
            return [Reply(f"There is no file {raw[:200]!r}. {LISTEN_USAGE}", kind="error")]
        return await self.core.listen(msg, path)

    def _read_line(self) -> str | None:
        if self._interactive:
            try:
                return input("you> ")
            except EOFError:
                return None
        line = self.stdin.readline()
        return line if line else None

    def render(self, events: list[Event]) -> Rendered:
        """The layout's blocks as the terminal shows them; files are saved and their paths printed."""
        out = Rendered()
        for block in layout(events):
            match block:
                case Text():
                    out.replies.append(Reply(block.text, block.kind))
                case Heard():
                    out.heard = block
                case Mood():
                    out.emotion = block.emotion
                case TrackList():
                    out.tracks = block.tracks
                    out.tracks_first = not out.replies
                case VoiceNote():
                    out.voice = self._save(block.ogg, "voice", ".ogg")
                case AudioClip():
                    out.audio = self._save(block.data, "audio", Path(block.filename).suffix or ".bin")
                    if block.caption:
                        out.replies.append(Reply(block.caption, kind="info"))
                case MoodChart():
                    out.chart = self._save(block.png, "mood", ".png")
                    out.replies.append(Reply(block.caption, kind="info"))
        return out

    def _save(self, data: bytes, prefix: str, suffix: str) -> Path:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        path = self.out_dir / f"{prefix}-{time.strftime('%Y%m%d-%H%M%S')}-{self._count}{suffix}"
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.write_bytes(data)
        tmp.replace(path)
        return path.resolve()

    def _print_human(self, r: Rendered) -> None:
        if r.heard is not None:
            self._print(r.heard.as_text())
        if r.emotion is not None:
            top = sorted(r.emotion.scores.items(), key=lambda kv: -kv[1])[:3]
            self._print("  [" + ", ".join(f"{k} {v:.0%}" for k, v in top) + "]")
        if r.tracks_first:
            self._print_tracks(r.tracks)
        for reply in r.replies:
            prefix = "bot> " if reply.kind == "reply" else ("! " if reply.kind == "error" else "")
            self._print(prefix + reply.text)
        if r.voice is not None:
            self._print(f"🔊 voice note: {r.voice}")
        if r.chart is not None:
            self._print(f"📊 mood chart: {r.chart}")
        if r.audio is not None:
            self._print(f"🎵 audio: {r.audio}")
        if not r.tracks_first:
            self._print_tracks(r.tracks)

    def _print_tracks(self, tracks: Tracks | None) -> None:
        if tracks is not None:
            self._print(tracks.as_text())
            if tracks.tracks:
                self._print("  (/pick N for similar tracks, /like N, /dislike N, /play N)")

    def _print(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()
