"""The WebSocket chat stream and the adapter's life cycle, over a real uvicorn on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import websockets
from pydantic import SecretStr
from websockets.typing import Origin

from bot.core import DialogueCore
from bot.types import Event, UserMessage
from config import Settings
from handlers.web import WebAdapter, WebStartError
from handlers.web.session import COOKIE

SECRET = "web-cookie-secret-0123456789"


@pytest.fixture
def web_settings(settings: Settings) -> Settings:
    web = settings.web.model_copy(update={"port": 0, "secret": SecretStr(SECRET)})
    return settings.model_copy(update={"web": web})


@pytest.fixture
async def server(core: DialogueCore, web_settings: Settings) -> AsyncIterator[WebAdapter]:
    adapter = WebAdapter(core, web_settings)
    stop = asyncio.Event()
    task = asyncio.create_task(adapter.serve(stop))
    await asyncio.wait_for(adapter.listening.wait(), 10)
    yield adapter
    stop.set()
    await asyncio.wait_for(task, 10)


async def session_cookie(url: str) -> str:
    async with httpx.AsyncClient(base_url=url) as http:
        page = await http.get("/")
        assert page.status_code == 200
        return page.cookies[COOKIE]


async def ask(ws: Any, frame: dict[str, Any]) -> dict[str, Any]:
    await ws.send(json.dumps(frame))
    answer: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 60))
    return answer


async def test_stream_answers_each_request_with_its_events(server: WebAdapter) -> None:
    cookie = await session_cookie(server.url)
    ws_url = server.url.replace("http", "ws") + "/api/ws"
    async with websockets.connect(ws_url, additional_headers={"Cookie": f"{COOKIE}={cookie}"}) as ws:
        answer = await ask(ws, {"id": "1", "op": "message", "text": "I feel so lonely and sad tonight"})
        assert answer["id"] == "1" and answer["op"] == "message" and answer["error"] is None
        kinds = [e["type"] for e in answer["events"]]
        assert kinds[0] == "emotion" and "reply" in kinds and "tracks" in kinds
        tracks = next(e for e in answer["events"] if e["type"] == "tracks")["tracks"]
        track = next(t for t in tracks if t["has_audio"])
        played = await ask(ws, {"id": 2, "op": "play", "track_id": track["id"]})
        assert played["id"] == "2" and played["events"][0]["type"] == "audio"
        bad = await ask(ws, {"id": "3", "op": "play"})
        assert bad["id"] == "3" and bad["error"].startswith("track_id")
        unknown = await ask(ws, {"id": "4", "op": "explode"})
        assert "unknown op" in unknown["error"]
        await ws.send("not json")
        assert "not valid JSON" in json.loads(await ws.recv())["error"]
        await ws.send(b"\x00binary")
        assert "text frames" in json.loads(await ws.recv())["error"]
        # the same session's HTTP client can fetch the clip the stream announced
        async with httpx.AsyncClient(base_url=server.url, cookies={COOKIE: cookie}) as http:
            clip = await http.get(played["events"][0]["url"])
            assert clip.status_code == 200 and clip.headers["content-type"] == "audio/mpeg"


async def test_stream_refuses_missing_sessions_and_foreign_origins(server: WebAdapter) -> None:
    ws_url = server.url.replace("http", "ws") + "/api/ws"
    with pytest.raises(websockets.InvalidStatus):
        async with websockets.connect(ws_url):
            pass
    cookie = await session_cookie(server.url)
    with pytest.raises(websockets.InvalidStatus):
        async with websockets.connect(
            ws_url, additional_headers={"Cookie": f"{COOKIE}={cookie}"}, origin=Origin("http://evil.example")
        ):
            pass


async def test_reply_reaches_the_client_within_200ms_of_the_core(
    server: WebAdapter, core: DialogueCore
) -> None:
    answered: list[float] = []
    handle = core.handle

    async def timed_handle(msg: UserMessage) -> list[Event]:
        events = await handle(msg)
        answered.append(time.perf_counter())
        return events

    core.handle = timed_handle  # type: ignore[method-assign]
    cookie = await session_cookie(server.url)
    ws_url = server.url.replace("http", "ws") + "/api/ws"
    delays = []
    async with websockets.connect(ws_url, additional_headers={"Cookie": f"{COOKIE}={cookie}"}) as ws:
        for n in range(5):
            await ws.send(json.dumps({"id": str(n), "op": "message", "text": f"what a great day number {n}"}))
            answer = json.loads(await asyncio.wait_for(ws.recv(), 60))
            delays.append(time.perf_counter() - answered[-1])
            assert answer["id"] == str(n)
    delays.sort()
    print(f"core answer → page: median {delays[2] * 1000:.1f} ms, max {delays[-1] * 1000:.1f} ms")
    assert delays[2] < 0.2


async def test_secret_never_reaches_logs_or_reprs(
    core: DialogueCore, web_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    adapter = WebAdapter(core, web_settings)
    stop = asyncio.Event()
    task = asyncio.create_task(adapter.serve(stop))
    await asyncio.wait_for(adapter.listening.wait(), 10)
    async with httpx.AsyncClient(base_url=adapter.url) as http:
        assert (await http.post("/api/messages", json={"text": "hello there"})).status_code == 200
        assert (await http.get("/api/nope")).status_code == 404
    stop.set()
    await asyncio.wait_for(task, 10)
    assert any("web chat at" in r.getMessage() for r in caplog.records)
    assert SECRET not in caplog.text
    assert SECRET not in repr(adapter) and SECRET not in repr(web_settings)
    assert SECRET not in repr(adapter.app.state.web)


async def test_busy_port_is_a_clear_error(core: DialogueCore, web_settings: Settings) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        web = web_settings.web.model_copy(update={"port": port})
        adapter = WebAdapter(core, web_settings.model_copy(update={"web": web}))
        with pytest.raises(WebStartError, match=f"127.0.0.1:{port}"):
            await adapter.serve(asyncio.Event())
