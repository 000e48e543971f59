"""The chat stream: a WebSocket that takes operations and answers with their events.

Each frame from the page is ``{"id": …, "op": "<operation>", …arguments}``; each answer is a
:class:`~handlers.web.schemas.StreamOut` with the same ``id``. Up to ``MAX_IN_FLIGHT`` requests
of one socket run at once; more wait, so a client cannot queue unbounded work.
"""

from __future__ import annotations

import asyncio
import json
import logging
from urllib.parse import urlsplit

from fastapi import WebSocket, WebSocketDisconnect
from pydantic import ValidationError

from bot.types import UserRef
from handlers.web.context import WebContext, context_of
from handlers.web.operations import OPERATIONS
from handlers.web.schemas import StreamOut
from handlers.web.session import COOKIE

log = logging.getLogger(__name__)
MAX_IN_FLIGHT = 4
CLOSE_NO_SESSION = 4401
CLOSE_FOREIGN_ORIGIN = 4403


def same_origin(ws: WebSocket) -> bool:
    """Browsers always send ``Origin``; a page on another site must not drive this user's chat."""
    origin = ws.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == ws.headers.get("host")


async def chat_stream(ws: WebSocket) -> None:
    """Serve one page's WebSocket until it closes."""
    ctx = context_of(ws)
    user = ctx.sessions.verify(ws.cookies.get(COOKIE))
    if not same_origin(ws):
        await ws.close(code=CLOSE_FOREIGN_ORIGIN, reason="cross-origin")
        return
    if user is None:
        await ws.close(code=CLOSE_NO_SESSION, reason="load the page first to get a session")
        return
    await ws.accept()
    slots = asyncio.Semaphore(MAX_IN_FLIGHT)
    send_lock = asyncio.Lock()
    tasks: set[asyncio.Task[None]] = set()

    async def answer(raw: str | None) -> None:
        try:
            out = await _answer(ctx, user, raw)
            async with send_lock:
                await ws.send_text(out.model_dump_json())
        except (WebSocketDisconnect, RuntimeError):
            log.debug("web socket closed before an answer was sent")
        finally:
            slots.release()

    try:
        while True:
            message = await ws.receive()
            if message["type"] == "websocket.disconnect":
                break
            await slots.acquire()
            task = asyncio.create_task(answer(message.get("text")))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
    except WebSocketDisconnect:
        pass
    finally:
        for task in tasks:
            task.cancel()


async def _answer(ctx: WebContext, user: UserRef, raw: str | None) -> StreamOut:
    if raw is None:
        return StreamOut(events=[], error="send JSON text frames, not binary ones")
    try:
        frame = json.loads(raw)
    except ValueError:
        return StreamOut(events=[], error="that frame is not valid JSON")
    if not isinstance(frame, dict):
        return StreamOut(events=[], error='send a JSON object like {"op": "message", "text": "hi"}')
    rid = frame.pop("id", None)
    req_id = str(rid)[:64] if isinstance(rid, str | int) and not isinstance(rid, bool) else None
    op = frame.pop("op", None)
    operation = OPERATIONS.get(op) if isinstance(op, str) else None
    if operation is None or not isinstance(op, str):
        known = ", ".join(OPERATIONS)
        return StreamOut(id=req_id, events=[], error=f"unknown op; use one of: {known}")
    try:
        body = operation.body.model_validate(frame)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "frame"
        return StreamOut(id=req_id, op=op, events=[], error=f"{where}: {first['msg']}")
    return StreamOut(id=req_id, op=op, events=await ctx.perform(user, op, body))
