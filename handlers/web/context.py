"""What every request handler of the web app shares."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from starlette.requests import HTTPConnection

from bot.core import DialogueCore
from bot.types import Event, UserRef
from handlers.web.media_store import MediaStore
from handlers.web.operations import OPERATIONS
from handlers.web.render import render_events
from handlers.web.schemas import EventOut
from handlers.web.session import Sessions


@dataclass(frozen=True, slots=True)
class WebContext:
    core: DialogueCore
    sessions: Sessions
    media: MediaStore

    async def perform(self, user: UserRef, op: str, body: object) -> list[EventOut]:
        """Run one operation for ``user`` and render what the core answered."""
        events: list[Event] = await OPERATIONS[op].run(self.core, user, body)
        return render_events(events, user, self.media)


def context_of(conn: HTTPConnection) -> WebContext:
    ctx: WebContext = conn.app.state.web
    return ctx


def user_of(request: Request) -> UserRef:
    """The session's user (the session middleware always sets one)."""
    user: UserRef = request.state.user
    return user
