"""The core operations the web exposes, one table shared by the HTTP routes and the WebSocket.

Generated from the command registry (``bot.commands``): every command available on the web names
the web operation that carries it; this module binds each to its request body and core call.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from bot.commands import Operation as CoreOperation
from bot.commands import available
from bot.core import DialogueCore
from bot.types import Event, UserMessage, UserRef
from handlers.web.schemas import FeedbackIn, MessageIn, MoodIn, MoodsIn, NoInput, SettingsIn, TrackIn


@dataclass(frozen=True, slots=True)
class Operation:
    body: type[BaseModel]
    run: Callable[[DialogueCore, UserRef, Any], Awaitable[list[Event]]]


async def _message(core: DialogueCore, user: UserRef, body: MessageIn) -> list[Event]:
    return await core.handle(UserMessage(user.platform, user.user_id, user.user_id, body.text))


async def _similar(core: DialogueCore, user: UserRef, body: TrackIn) -> list[Event]:
    return await core.pick(user, body.track_id)


async def _play(core: DialogueCore, user: UserRef, body: TrackIn) -> list[Event]:
    return await core.play(user, body.track_id)


async def _feedback(core: DialogueCore, user: UserRef, body: FeedbackIn) -> list[Event]:
    return await core.feedback(user, body.track_id, body.liked)


async def _recommend(core: DialogueCore, user: UserRef, body: MoodIn) -> list[Event]:
    return await core.recommend(user, body.emotion)


async def _compose(core: DialogueCore, user: UserRef, body: MoodIn) -> list[Event]:
    return await core.compose(user, body.emotion)


async def _settings(core: DialogueCore, user: UserRef, body: SettingsIn) -> list[Event]:
    events: list[Event] = []
    if body.reply_mode is not None:
        events += await core.set_reply_mode(user, body.reply_mode)
    if body.lang is not None:
        events += await core.set_lang(user, body.lang)
    return events


async def _mood(core: DialogueCore, user: UserRef, body: MoodsIn) -> list[Event]:
    return await core.mood(user, body.period or "", timezone=body.timezone)


async def _help(core: DialogueCore, user: UserRef, body: NoInput) -> list[Event]:
    return await core.help(user)


WEB_OPERATION: dict[CoreOperation, str] = {
    "chat": "message",
    "similar": "similar",
    "play": "play",
    "like": "feedback",
    "dislike": "feedback",
    "recommend": "recommend",
    "compose": "compose",
    "reply_mode": "settings",
    "lang": "settings",
    "mood": "mood",
    "help": "help",
}
"""The web operation that carries each core operation (several commands may share one)."""
BINDINGS: dict[str, Operation] = {
    "message": Operation(MessageIn, _message),
    "similar": Operation(TrackIn, _similar),
    "play": Operation(TrackIn, _play),
    "feedback": Operation(FeedbackIn, _feedback),
    "recommend": Operation(MoodIn, _recommend),
    "compose": Operation(MoodIn, _compose),
    "settings": Operation(SettingsIn, _settings),
    "mood": Operation(MoodsIn, _mood),
    "help": Operation(NoInput, _help),
}
OPERATIONS: dict[str, Operation] = {
    WEB_OPERATION[spec.operation]: BINDINGS[WEB_OPERATION[spec.operation]] for spec in available("web")
}
