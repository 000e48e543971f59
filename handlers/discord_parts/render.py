"""The layout (``handlers.layout``) → the parts of one Discord message (text, a tracks or mood chart
embed, files, voice notes)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import discord

from bot.types import AudioClip, Event, Heard, MoodChart, Tracks, VoiceNote
from handlers.layout import Mood, Text, TrackList, layout
from handlers.text import clip

MAX_CONTENT = 2000
MAX_EMBED_DESCRIPTION = 4096
EMBED_COLOUR = 0x5865F2
_ATTACHMENT_FALLBACK = 10 * 1024 * 1024
CHART_FILE = "mood.png"


@dataclass
class Outgoing:
    """What one batch of events becomes on Discord."""

    lines: list[str] = field(default_factory=list)
    tracks: TrackList | None = None
    chart: MoodChart | None = None
    clips: list[AudioClip] = field(default_factory=list)
    voice: list[VoiceNote] = field(default_factory=list)

    @property
    def content(self) -> str:
        return clip("\n".join(self.lines), MAX_CONTENT)

    def files(self) -> list[discord.File]:
        """The audio clips and the mood chart as attachments."""
        files = [discord.File(io.BytesIO(c.data), filename=c.filename) for c in self.clips]
        if self.chart is not None:
            files.append(
                discord.File(io.BytesIO(self.chart.png), filename=CHART_FILE, description=self.chart.caption)
            )
        return files


def split_events(events: list[Event], size_limit: int | None = None) -> Outgoing:
    """Sort the layout's blocks into message parts: one tracks embed and one chart per message."""
    out = Outgoing()
    limit = size_limit or _ATTACHMENT_FALLBACK
    for block in layout(events):
        match block:
            case Text(kind="error"):
                out.lines.append(f"⚠️ {block.text}")
            case Text():
                out.lines.append(block.text)
            case Heard():
                out.lines.append(block.as_text())
            case Mood():
                top = block.emotion.scores.get(block.emotion.label, 0.0)
                out.lines.insert(0, f"-# mood: {block.emotion.label} {top:.0%}")
            case TrackList() if out.tracks is None and block.tracks.tracks:
                out.tracks = block
            case TrackList():
                out.lines.append(block.tracks.as_text())
            case MoodChart() if out.chart is None:
                out.chart = block
            case MoodChart():
                out.lines.append(block.as_text())
            case VoiceNote():
                out.voice.append(block)
            case AudioClip() if len(block.data) <= limit:
                out.clips.append(block)
                out.lines.append(block.as_text())
            case AudioClip():
                out.lines.append(block.as_text() + " (too large to attach here)")
    return out


def tracks_embed(tracks: Tracks) -> discord.Embed:
    """Numbered suggestions; the buttons under the message carry the same numbers."""
    rows = []
    for n, t in enumerate(tracks.tracks, 1):
        title = f"[{t.title}]({t.url})" if t.url else t.title
        rows.append(f"**{n}. {title}** — {t.artist}\n-# {t.reason}")
    embed = discord.Embed(
        title=clip(tracks.heading, 256),
        description=clip("\n".join(rows), MAX_EMBED_DESCRIPTION),
        colour=EMBED_COLOUR,
    )
    embed.set_footer(text="Press a number for five similar tracks, 👍/👎 to tell me what you like.")
    return embed


def mood_embed(chart: MoodChart) -> discord.Embed:
    """The caption as the title, the counts below it and the chart (attached as ``mood.png``)."""
    embed = discord.Embed(title=clip(chart.caption, 256), description=chart.counts_text, colour=EMBED_COLOUR)
    embed.set_image(url=f"attachment://{CHART_FILE}")
    return embed
