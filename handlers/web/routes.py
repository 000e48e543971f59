"""The JSON API: one route per core operation, plus audio (with range requests) and charts by id."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from bot.types import UserMessage, UserRef
from handlers.web.context import WebContext, context_of, user_of
from handlers.web.ranges import RangeNotSatisfiable, byte_range
from handlers.web.render import render_events
from handlers.web.schemas import (
    EventsOut,
    FeedbackIn,
    MessageIn,
    MoodIn,
    MoodsIn,
    NoInput,
    SettingsIn,
    SettingsOut,
    TrackIn,
)

router = APIRouter(
    prefix="/api",
    tags=["chat"],
    responses={
        400: {"description": "The body could not be parsed."},
        413: {"description": "The request body is too large."},
    },
)
Ctx = Annotated[WebContext, Depends(context_of)]
User = Annotated[UserRef, Depends(user_of)]


@router.post("/messages", response_model=EventsOut)
async def send_message(body: MessageIn, ctx: Ctx, user: User) -> EventsOut:
    """Say something (or send a /command): emotion, reply, five tracks, maybe a voice note."""
    return EventsOut(events=await ctx.perform(user, "message", body))


VOICE_PATH = "/api/voice"
_AUDIO_BODY: dict[str, object] = {
    "requestBody": {
        "required": True,
        "description": "The recording as it is, with any content type (the page sends audio/webm, "
        "WebM/Opus from MediaRecorder; OGG, MP3, M4A and WAV work too), at most speech.stt_max_mb.",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.post("/voice", response_model=EventsOut, openapi_extra=_AUDIO_BODY)
async def send_voice(request: Request, ctx: Ctx, user: User) -> EventsOut:
    """Say it: a voice message is transcribed (a ``heard`` event, the user's side) and answered like a
    message, with a voice note under the ``auto`` reply mode."""
    limit = int(ctx.core.settings.speech.stt_max_mb * 1024 * 1024)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return EventsOut(events=render_events(ctx.core.voice_refusal(None, len(body)), user, ctx.media))
    msg = UserMessage(user.platform, user.user_id, user.user_id, "")
    events = await ctx.core.listen(msg, bytes(body))
    return EventsOut(events=render_events(events, user, ctx.media))


@router.post("/tracks/similar", response_model=EventsOut)
async def similar_tracks(body: TrackIn, ctx: Ctx, user: User) -> EventsOut:
    """Five tracks like one you were offered ("more like this")."""
    return EventsOut(events=await ctx.perform(user, "similar", body))


@router.post("/tracks/play", response_model=EventsOut)
async def play_track(body: TrackIn, ctx: Ctx, user: User) -> EventsOut:
    """A playable clip of an offered track (an ``audio`` event with its URL)."""
    return EventsOut(events=await ctx.perform(user, "play", body))


@router.post("/tracks/feedback", response_model=EventsOut)
async def track_feedback(body: FeedbackIn, ctx: Ctx, user: User) -> EventsOut:
    """Like or dislike an offered track; later suggestions use it."""
    return EventsOut(events=await ctx.perform(user, "feedback", body))


@router.post("/recommend", response_model=EventsOut)
async def recommend(body: MoodIn, ctx: Ctx, user: User) -> EventsOut:
    """Five tracks for a mood (default: your latest)."""
    return EventsOut(events=await ctx.perform(user, "recommend", body))


@router.post("/compose", response_model=EventsOut)
async def compose(body: MoodIn, ctx: Ctx, user: User) -> EventsOut:
    """A short melody composed for a mood (default: your latest)."""
    return EventsOut(events=await ctx.perform(user, "compose", body))


@router.get("/settings", response_model=SettingsOut)
async def get_settings(ctx: Ctx, user: User) -> SettingsOut:
    """Your reply mode and language."""
    prefs = await ctx.core.preferences(user)
    return SettingsOut(reply_mode=prefs.reply_mode, lang=prefs.lang)


@router.put("/settings", response_model=EventsOut)
async def put_settings(body: SettingsIn, ctx: Ctx, user: User) -> EventsOut:
    """Change the reply mode (text, voice, both) and/or the language (auto, en, ko)."""
    return EventsOut(events=await ctx.perform(user, "settings", body))


@router.get("/mood", response_model=EventsOut)
async def mood_history(
    ctx: Ctx,
    user: User,
    period: Annotated[str | None, Query(max_length=16, description="week (default) or month.")] = None,
    timezone: Annotated[
        str | None, Query(max_length=64, description="IANA time zone of the days, e.g. Asia/Seoul.")
    ] = None,
) -> EventsOut:
    """A chart of your moods over the last week or month (only ever your own): a ``mood_chart`` event,
    or a ``reply`` when there are none yet."""
    return EventsOut(events=await ctx.perform(user, "mood", MoodsIn(period=period, timezone=timezone)))


@router.get("/help", response_model=EventsOut)
async def help_text(ctx: Ctx, user: User) -> EventsOut:
    """What the bot can do."""
    return EventsOut(events=await ctx.perform(user, "help", NoInput()))


_AUDIO_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"description": "The whole file.", "content": {"audio/*": {}}},
    206: {"description": "The requested byte range.", "content": {"audio/*": {}}},
    404: {"description": "No such audio in this session."},
    416: {"description": "The range lies outside the file."},
}


@router.get("/audio/{audio_id}", response_class=Response, responses=_AUDIO_RESPONSES)
async def get_audio(
    request: Request,
    ctx: Ctx,
    user: User,
    audio_id: Annotated[str, Path(max_length=64)],
) -> Response:
    """Audio from an earlier event, by id; supports ``Range`` so players can seek."""
    item = ctx.media.get(user.key, audio_id)
    if item is None or not item.mime.startswith("audio/"):
        return Response("no such audio in this session", status_code=404, media_type="text/plain")
    size = len(item.data)
    headers = {"Accept-Ranges": "bytes", "Cache-Control": "private, max-age=3600"}
    try:
        wanted = byte_range(request.headers.get("range"), size)
    except RangeNotSatisfiable:
        headers["Content-Range"] = f"bytes */{size}"
        return Response(status_code=416, headers=headers)
    if wanted is None:
        return Response(item.data, media_type=item.mime, headers=headers)
    first, last = wanted
    headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    return Response(item.data[first : last + 1], status_code=206, media_type=item.mime, headers=headers)


router.add_api_route("/audio/{audio_id}", get_audio, methods=["HEAD"], include_in_schema=False)


@router.get(
    "/charts/{chart_id}",
    response_class=Response,
    responses={
        200: {"description": "The chart.", "content": {"image/png": {}}},
        404: {"description": "No such chart in this session."},
    },
)
async def get_chart(ctx: Ctx, user: User, chart_id: Annotated[str, Path(max_length=64)]) -> Response:
    """A mood chart from an earlier ``mood_chart`` event, by id (PNG)."""
    item = ctx.media.get(user.key, chart_id)
    if item is None or item.mime != "image/png":
        return Response("no such chart in this session", status_code=404, media_type="text/plain")
    return Response(item.data, media_type=item.mime, headers={"Cache-Control": "private, max-age=3600"})
