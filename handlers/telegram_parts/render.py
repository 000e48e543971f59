"""Render the core's events in a Telegram chat: messages, track keyboards, voice bubbles, audio,
mood charts (photos)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence

from telegram import Bot, InlineKeyboardMarkup, InputFile, ReplyParameters
from telegram.constants import ChatAction
from telegram.error import TelegramError

from bot.types import AudioClip, Event, Heard, MoodChart, VoiceNote
from handlers.layout import Mood, Text, TrackList, layout
from handlers.telegram_parts.buttons import ButtonSigner, track_keyboard
from handlers.text import clip

MAX_TEXT = 4000  # Telegram's limit is 4096 UTF-16 units; leave room for astral characters
MAX_CAPTION = 1000
SEND_AS_AUDIO = ("audio/mpeg", "audio/mp4")
ACTION_EVERY_S = 4.5  # a chat action shows for about five seconds


def chunks(text: str, size: int = MAX_TEXT) -> list[str]:
    """``text`` in pieces of at most ``size`` characters, split at line breaks where possible."""
    out: list[str] = []
    while len(text) > size:
        cut = text.rfind("\n", 0, size)
        cut = cut if cut > 0 else size
        out.append(text[:cut])
        text = text[cut:].lstrip("\n")
    return [*out, text] if text else out


@contextlib.asynccontextmanager
async def chat_action(bot: Bot, chat_id: int, action: ChatAction) -> AsyncIterator[None]:
    """Show ``action`` (typing, recording a voice note…) in the chat until the block ends."""

    async def repeat() -> None:
        while True:
            with contextlib.suppress(TelegramError):
                await bot.send_chat_action(chat_id, action)
            await asyncio.sleep(ACTION_EVERY_S)

    task = asyncio.create_task(repeat())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


class ChatRenderer:
    """Sends one answer's events to one chat, in order; track buttons are signed for ``owner_id``."""

    def __init__(
        self, bot: Bot, chat_id: int, owner_id: int, signer: ButtonSigner, reply_to: int | None = None
    ) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.owner_id = owner_id
        self.signer = signer
        self.reply = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None

    async def send(self, events: Sequence[Event]) -> None:
        """Render every block of the layout; the emotion label heads the track list it joined."""
        for block in layout(list(events)):
            match block:
                case Mood(joined=True):
                    pass  # shown in the track list's heading
                case Mood():
                    await self.text(block.emotion.as_text())
                case TrackList():
                    listed = block.tracks.as_text()
                    heading = f"{block.mood.as_text()} {listed}" if block.mood else listed
                    await self.text(heading, track_keyboard(block.tracks, self.owner_id, self.signer))
                case Text():
                    await self.text(block.text)
                case Heard():
                    await self.text(block.as_text())
                case VoiceNote():
                    await self.bot.send_voice(
                        self.chat_id,
                        InputFile(block.ogg, filename="reply.ogg"),
                        duration=max(1, round(block.duration_s)),
                        reply_parameters=self.reply,
                    )
                case AudioClip():
                    await self.audio(block)
                case MoodChart():
                    await self.bot.send_photo(
                        self.chat_id,
                        InputFile(block.png, filename=f"mood-{block.period}.png"),
                        caption=clip(block.caption, MAX_CAPTION),
                        reply_parameters=self.reply,
                    )

    async def text(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        pieces = chunks(text) or ["…"]
        for n, piece in enumerate(pieces):
            last = n == len(pieces) - 1
            await self.bot.send_message(
                self.chat_id,
                piece,
                reply_markup=markup if last else None,
                reply_parameters=self.reply,
            )

    async def audio(self, event: AudioClip) -> None:
        """MP3/M4A as a playable audio message (``send_audio``); other formats as a file."""
        caption = clip(event.caption, MAX_CAPTION) if event.caption else None
        upload = InputFile(event.data, filename=event.filename)
        if event.mime in SEND_AS_AUDIO:
            await self.bot.send_audio(
                self.chat_id,
                upload,
                duration=max(1, round(event.duration_s)),
                performer=event.performer,
                title=event.title,
                caption=caption,
                reply_parameters=self.reply,
            )
        else:
            await self.bot.send_document(
                self.chat_id, upload, caption=caption or event.title, reply_parameters=self.reply
            )
