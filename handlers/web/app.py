"""The FastAPI app: session cookies, the JSON API, the chat stream and the single-page UI."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from bot.core import DialogueCore
from config import Settings
from handlers.web.context import WebContext
from handlers.web.media_store import MediaStore
from handlers.web.routes import VOICE_PATH, router
from handlers.web.session import COOKIE, MAX_AGE_S, Sessions
from handlers.web.stream import chat_stream

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).parent / "static"
# Room for the longest valid message even fully \u-escaped; larger bodies are refused unread.
MAX_BODY_BYTES = 256 * 1024
# Everything the page uses comes from this server: no CDN, works offline.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def session_secret(settings: Settings) -> bytes:
    """``HAPPYTALK_WEB_SECRET``, or a random key (sessions then end when the server restarts)."""
    if settings.web.secret is not None:
        return settings.web.secret.get_secret_value().encode("utf-8")
    log.warning("HAPPYTALK_WEB_SECRET is not set: web sessions will not survive a restart")
    return secrets.token_bytes(32)


def create_app(core: DialogueCore, settings: Settings, media: MediaStore | None = None) -> FastAPI:
    """The web app over ``core``; every request gets (or keeps) a signed session cookie."""
    app = FastAPI(
        title="happytalk",
        summary="Chat with an emotion-aware companion that suggests music.",
        version="0.1.0",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    voice_limit = int(settings.speech.stt_max_mb * 1024 * 1024)  # recordings: up to the voice-note limit
    app.state.web = WebContext(core, Sessions(session_secret(settings)), media or MediaStore())
    app.include_router(router)
    app.add_api_websocket_route("/api/ws", chat_stream)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        length = request.headers.get("content-length", "")
        limit = voice_limit if request.url.path == VOICE_PATH else MAX_BODY_BYTES
        if length.isdigit() and int(length) > limit:
            return Response("request body too large", status_code=413, media_type="text/plain")
        ctx: WebContext = request.app.state.web
        user = ctx.sessions.verify(request.cookies.get(COOKIE))
        issued = None
        if user is None:
            user, issued = ctx.sessions.new()
        request.state.user = user
        response = await call_next(request)
        if issued is not None:
            response.set_cookie(
                COOKIE,
                issued,
                max_age=MAX_AGE_S,
                httponly=True,
                samesite="lax",
                secure=request.url.scheme == "https",
            )
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    return app
