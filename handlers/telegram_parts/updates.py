"""Update handlers: text messages and commands to the core, button presses, errors."""

from __future__ import annotations

import contextlib
import logging
import warnings
from datetime import timedelta
from typing import Any

from telegram import CallbackQuery, Message, MessageEntity, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters
from telegram.warnings import PTBDeprecationWarning

from bot.commands import parse_command
from bot.core import DialogueCore
from bot.texts import SORRY
from bot.types import Event, Reply, UserRef
from handlers.base import PlatformUsers
from handlers.telegram_parts.buttons import ButtonSigner, Press, mark_feedback
from handlers.telegram_parts.render import ChatRenderer, chat_action

log = logging.getLogger(__name__)

TELEGRAM = PlatformUsers("telegram")
NOT_YOURS = (
    "These buttons were for someone else (or are from an old list) — "
    "tell me how you feel and I'll suggest tracks for you."
)
MAX_TOAST = 200
ADDRESSING = (MessageEntity.BOT_COMMAND, MessageEntity.MENTION, MessageEntity.TEXT_MENTION)
SPOKEN = filters.VOICE | filters.AUDIO | filters.VIDEO_NOTE


def addressed_text(message: Message, username: str, bot_id: int) -> str | None:
    """The text meant for the bot, or ``None`` when a group message is not addressed to it.

    Private chats: every message. Groups: commands (bare, or ``/cmd@<this bot>``), messages
    mentioning the bot (the mention is removed) and replies to the bot's messages.
    """
    text = message.text or ""
    if message.chat.type == ChatType.PRIVATE:
        return text
    entities = _entities(message, ADDRESSING)
    for entity, value in entities.items():
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            target = value.partition("@")[2]
            return text if not target or target.lower() == username.lower() else None
    for entity, value in entities.items():
        mention = entity.type == MessageEntity.MENTION and value.lower() == f"@{username.lower()}"
        named = entity.type == MessageEntity.TEXT_MENTION and getattr(entity.user, "id", None) == bot_id
        if mention or named:
            return " ".join(text.replace(value, " ", 1).split())
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return text
    return None


def _entities(message: Message, kinds: tuple[str, ...]) -> dict[MessageEntity, str]:
    """``message``'s entities of ``kinds`` with their text, never failing on malformed ones.

    Offsets and lengths count UTF-16 units. Unlike :meth:`Message.parse_entities`, an entity that
    splits a surrogate pair or reaches past the text, and text with a lone surrogate (a JSON
    ``\\ud800`` escape), give the text that is there (U+FFFD for halves) instead of raising.
    """
    units = (message.text or "").encode("utf-16-le", "surrogatepass")
    found: dict[MessageEntity, str] = {}
    for entity in message.entities:
        if entity.type in kinds:
            start = max(0, entity.offset)
            end = max(start, entity.offset + entity.length)
            found[entity] = units[2 * start : 2 * end].decode("utf-16-le", "replace")
    return found


class UpdateHandlers:
    """Registers on an :class:`Application`; every answer comes from the core."""

    def __init__(self, core: DialogueCore, signer: ButtonSigner) -> None:
        self.core = core
        self.signer = signer

    def install(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        app.add_handler(MessageHandler(filters.TEXT & filters.UpdateType.MESSAGE, self.on_message))
        app.add_handler(MessageHandler(SPOKEN & filters.UpdateType.MESSAGE, self.on_voice))
        app.add_handler(CallbackQueryHandler(self.on_callback))
        app.add_error_handler(self.on_error)

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, bot = update.message, context.bot
        if message is None or message.from_user is None or message.from_user.is_bot:
            return
        text = addressed_text(message, bot.username, bot.id)
        if text is None:
            return
        sender, chat = message.from_user, message.chat
        action = await self._action_for(TELEGRAM.user(sender.id), text)
        async with chat_action(bot, chat.id, action):
            events = await self.core.handle(
                TELEGRAM.message(sender.id, chat.id, text, message_id=message.message_id)
            )
        reply_to = None if chat.type == ChatType.PRIVATE else message.message_id
        await ChatRenderer(bot, chat.id, sender.id, self.signer, reply_to).send(events)

    async def on_voice(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A voice note, audio file or video note: checked against the limits before it is downloaded,
        then transcribed and answered by the core (in groups: only replies to the bot's messages)."""
        message, bot = update.message, context.bot
        if message is None or message.from_user is None or message.from_user.is_bot:
            return
        replied = message.reply_to_message
        to_bot = replied is not None and replied.from_user is not None and replied.from_user.id == bot.id
        if message.chat.type != ChatType.PRIVATE and not to_bot:
            return
        media = message.voice or message.audio or message.video_note
        if media is None:
            return
        sender, chat = message.from_user, message.chat
        render = ChatRenderer(bot, chat.id, sender.id, self.signer, message.message_id)
        with warnings.catch_warnings():  # an int now, a timedelta in PTB's next major version
            warnings.simplefilter("ignore", PTBDeprecationWarning)
            duration = media.duration
        seconds = duration.total_seconds() if isinstance(duration, timedelta) else float(duration)
        refusal = self.core.voice_refusal(seconds, media.file_size)
        if refusal:
            await render.send(refusal)
            return
        mode = (await self.core.preferences(TELEGRAM.user(sender.id))).reply_mode
        action = ChatAction.TYPING if mode == "text" else ChatAction.RECORD_VOICE
        async with chat_action(bot, chat.id, action):
            audio = bytes(await (await media.get_file()).download_as_bytearray())
            msg = TELEGRAM.message(sender.id, chat.id, "", message_id=message.message_id)
            events = await self.core.listen(msg, audio)
        await render.send(events)

    async def _action_for(self, user: UserRef, text: str) -> ChatAction:
        """``record_voice`` while a voice reply is being made, ``upload_photo`` while a mood chart is
        drawn, ``typing`` otherwise."""
        command = parse_command(text)
        if command is not None:
            return ChatAction.UPLOAD_PHOTO if command.name == "mood" else ChatAction.TYPING
        mode = (await self.core.preferences(user)).reply_mode
        return (
            ChatAction.RECORD_VOICE if mode in ("voice", "both") else ChatAction.TYPING
        )  # typed: auto is text

    async def on_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        data = query.data if isinstance(query.data, str) else None
        press = self.signer.verify(data, query.from_user.id)
        if press is None:
            await _answer(query, NOT_YOURS, alert=True)
            return
        user = TELEGRAM.user(query.from_user.id)
        chat_id = query.message.chat.id if query.message is not None else query.from_user.id
        if press.act in ("l", "d"):
            await self._feedback(query, press, chat_id, context)
            return
        await _answer(query)
        if press.act == "p":
            async with chat_action(context.bot, chat_id, ChatAction.TYPING):
                events = await self.core.pick(user, press.track_id)
        else:
            async with chat_action(context.bot, chat_id, ChatAction.UPLOAD_VOICE):
                events = await self.core.play(user, press.track_id)
        await ChatRenderer(context.bot, chat_id, query.from_user.id, self.signer).send(events)

    async def _feedback(
        self, query: CallbackQuery, press: Press, chat_id: int, context: ContextTypes.DEFAULT_TYPE
    ) -> None:
        """A like/dislike answers as a toast and ticks the pressed button."""
        liked = press.act == "l"
        events = await self.core.feedback(TELEGRAM.user(query.from_user.id), press.track_id, liked)
        toast = _toast(events)
        await _answer(query, toast)
        if toast is None:
            await ChatRenderer(context.bot, chat_id, query.from_user.id, self.signer).send(events)
            return
        ok = all(not (isinstance(e, Reply) and e.kind == "error") for e in events)
        message = query.message
        if ok and isinstance(message, Message) and message.reply_markup is not None:
            marked = mark_feedback(message.reply_markup, press.track_id, liked)
            if marked != message.reply_markup:
                with contextlib.suppress(BadRequest):  # e.g. the message is too old to edit
                    await query.edit_message_reply_markup(marked)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the failure (never the token: see ``bot.logsafe``) and tell the user."""
        error = context.error
        log.error("Telegram update failed: %s", type(error).__name__, exc_info=error)
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is not None:
            with contextlib.suppress(TelegramError):
                await context.bot.send_message(chat.id, SORRY)


def _toast(events: list[Event]) -> str | None:
    """The text of a single short reply, which fits a callback answer."""
    if len(events) == 1 and isinstance(events[0], Reply) and len(events[0].text) <= MAX_TOAST:
        return events[0].text
    return None


async def _answer(query: CallbackQuery, text: str | None = None, alert: bool = False) -> None:
    """Answer a button press; a press too old to answer is still handled."""
    with contextlib.suppress(BadRequest):
        await query.answer(text, show_alert=alert)
