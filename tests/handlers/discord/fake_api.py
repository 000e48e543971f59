"""A loopback fake of Discord's HTTP API (v10) and gateway that records what the bot sends.

It speaks the real wire format: JSON bodies, ``multipart/form-data`` with ``payload_json`` and
``files[n]`` parts for uploads, interaction callbacks, webhook follow-ups, channel messages and
command syncs; and on ``/gateway`` a websocket that sends HELLO, answers IDENTIFY with READY and
can push dispatch events (``INTERACTION_CREATE``). Files users attach (voice messages: flag 8192,
an OGG with ``duration_secs`` and ``waveform``) are served from their attachment URLs, as Discord's
CDN does. Outages: login (``GET /users/@me``) can answer an error status, the gateway can be
dropped and refused; a RESUME is answered ``RESUMED``. It runs on its own event loop in a thread,
bound to 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import BodyPartReader, WSMsgType, web

PAYLOADS = Path(__file__).parent / "payloads"
API = "/api/v10"


def payload(name: str) -> dict[str, Any]:
    """A recorded payload from ``payloads/<name>.json``."""
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
    return data


@dataclass
class Recorded:
    """One request the bot made."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[tuple[str, str, bytes]] = field(default_factory=list)
    authorization: str | None = None


def _content_type(filename: str) -> str:
    kinds = {".ogg": "audio/ogg", ".png": "image/png", ".mp3": "audio/mpeg"}
    return kinds.get(Path(filename).suffix, "application/octet-stream")


def _json(data: Any, status: int = 200) -> web.Response:
    """A JSON answer with Discord's exact content type (discord.py compares it verbatim)."""
    return web.Response(body=json.dumps(data).encode(), status=status, content_type="application/json")


class FakeDiscord:
    """Start with :meth:`start`; point ``discord.http.Route.BASE`` at :attr:`api_base`."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.bot_user = payload("bot_user")
        self.application = payload("application")
        self.requests: list[Recorded] = []
        self.forbidden_channels: set[str] = set()
        self.fail_followups = False
        self.login_status: int | None = None  # answer GET /users/@me (login) with this status
        self.gateway_down = False  # refuse gateway connections (503) while set
        self.messages: dict[str, dict[str, Any]] = {}
        self.uploads: dict[str, bytes] = {}  # attachment URL path -> bytes users attached
        self.downloads: list[str] = []
        self.identified = threading.Event()
        self._lock = threading.Lock()
        self._ids = itertools.count(1800000000000000001)
        self._seq = itertools.count(2)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fake-discord", daemon=True)
        self._runner: web.AppRunner | None = None
        self._ws: web.WebSocketResponse | None = None
        self.port = 0

    # ------------------------------------------------------------------ lifecycle
    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def start(self) -> FakeDiscord:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/attachments/{tail:.*}", self._attachment)
        app.router.add_route("*", API + "/{tail:.*}", self._api)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def _stop(self) -> None:
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # ------------------------------------------------------------------ test side
    def recorded(self, method: str | None = None, path_part: str = "") -> list[Recorded]:
        with self._lock:
            return [
                r for r in self.requests if (method is None or r.method == method) and path_part in r.path
            ]

    async def wait_for(self, predicate: Callable[[list[Recorded]], bool]) -> list[Recorded]:
        """Poll (on the caller's loop) until ``predicate(requests)`` holds; fail after a minute."""
        deadline = time.monotonic() + 60.0
        while True:
            with self._lock:
                snapshot = list(self.requests)
            if predicate(snapshot):
                return snapshot
            if time.monotonic() > deadline:
                paths = [f"{r.method} {r.path}" for r in snapshot]
                raise AssertionError(f"timed out waiting; the bot sent: {paths}")
            await asyncio.sleep(0.02)

    def attach(
        self, data: bytes, filename: str, content_type: str, *, channel_id: str, voice_s: float | None = None
    ) -> dict[str, Any]:
        """An attachment a user sent (a voice message when ``voice_s`` is given), served at its URL."""
        attachment_id = str(next(self._ids))
        path = f"/attachments/{channel_id}/{attachment_id}/{filename}"
        self.uploads[path] = data
        url = f"http://127.0.0.1:{self.port}{path}?ex=6a000000&is=69f00000&hm=fake"
        found: dict[str, Any] = {
            "id": attachment_id,
            "filename": filename,
            "size": len(data),
            "url": url,
            "proxy_url": url.replace("/attachments/", "/proxy/attachments/"),
            "content_type": content_type,
        }
        if voice_s is not None:
            found |= {"duration_secs": voice_s, "waveform": "AAAAAAAAAAAA"}
        return found

    def drop_gateway(self) -> None:
        """Close the bot's gateway connection abnormally (1011), as an outage would."""
        ws = self._ws
        if ws is not None:
            asyncio.run_coroutine_threadsafe(ws.close(code=1011), self._loop).result(10)

    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Push a gateway dispatch (e.g. ``INTERACTION_CREATE``) to the connected bot."""
        ws = self._ws
        assert ws is not None, "no gateway connection"
        frame = {"op": 0, "t": event, "s": next(self._seq), "d": data}
        asyncio.run_coroutine_threadsafe(ws.send_json(frame), self._loop).result(10)

    # ------------------------------------------------------------------ HTTP API
    async def _attachment(self, request: web.Request) -> web.StreamResponse:
        data = self.uploads.get(request.path)
        if data is None:
            return web.Response(status=404, text="Not Found")
        with self._lock:
            self.downloads.append(request.path)
        return web.Response(body=data, content_type="application/octet-stream")

    async def _api(self, request: web.Request) -> web.StreamResponse:
        path = request.path[len(API) :]
        body, files = await self._body(request)
        rec = Recorded(
            request.method, path, dict(request.query), body, files, request.headers.get("Authorization")
        )
        with self._lock:
            self.requests.append(rec)
        if rec.authorization is not None and rec.authorization != f"Bot {self.token}":
            return _json({"message": "401: Unauthorized", "code": 0}, status=401)
        return self._route(request.method, path.strip("/").split("/"), rec)

    async def _body(self, request: web.Request) -> tuple[Any, list[tuple[str, str, bytes]]]:
        if request.content_type == "multipart/form-data":
            files: list[tuple[str, str, bytes]] = []
            body: Any = None
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                assert isinstance(part, BodyPartReader)
                data = await part.read()
                if part.name == "payload_json":
                    body = json.loads(data)
                else:
                    files.append((part.name or "", part.filename or "", bytes(data)))
            return body, files
        raw = await request.read()
        return (json.loads(raw) if raw else None), []

    def _route(self, method: str, parts: list[str], rec: Recorded) -> web.Response:
        match method, parts:
            case "GET", ["users", "@me"] if self.login_status is not None:
                return _json({"message": "server error", "code": 0}, status=self.login_status)
            case "GET", ["users", "@me"]:
                return _json(self.bot_user)
            case "GET", ["oauth2", "applications", "@me"]:
                return _json(self.application)
            case "GET", ["gateway", "bot"]:
                limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
                return _json({"url": self.gateway_url, "shards": 1, "session_start_limit": limit})
            case "GET", ["gateway"]:
                return _json({"url": self.gateway_url})
            case "POST", ["interactions", interaction_id, _token, "callback"]:
                return _json(self._callback(interaction_id, rec.json))
            case "POST", ["webhooks", _app, _token]:
                if self.fail_followups:
                    return _json({"message": "Invalid Form Body", "code": 50035}, status=400)
                return _json(self._message("0", rec, webhook=True))
            case "PATCH", ["webhooks", _app, _token, "messages", _mid]:
                return _json(self._message("0", rec, webhook=True))
            case "POST", ["channels", _channel_id, "typing"]:
                return web.Response(status=204)
            case "POST", ["channels", channel_id, "messages"]:
                if channel_id in self.forbidden_channels:
                    return _json({"message": "Missing Access", "code": 50001}, status=403)
                return _json(self._message(channel_id, rec))
            case "PUT", ["applications", _app, "commands"] | ["applications", _app, "guilds", _, "commands"]:
                return _json(self._commands(rec.json or []))
        return _json({"message": "404: Not Found", "code": 0}, status=404)

    def _callback(self, interaction_id: str, body: dict[str, Any]) -> dict[str, Any]:
        kind = body["type"]
        flags = (body.get("data") or {}).get("flags", 0) or 0
        resource: dict[str, Any] = {"type": kind}
        if kind in (4, 7):
            fake = Recorded("POST", "", {}, body.get("data") or {})
            resource["message"] = self._message("0", fake, webhook=True)
        return {
            "interaction": {
                "id": interaction_id,
                "type": 2,
                "response_message_id": str(next(self._ids)),
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(flags & 64),
            },
            "resource": resource,
        }

    def _message(self, channel_id: str, rec: Recorded, *, webhook: bool = False) -> dict[str, Any]:
        body = rec.json or {}
        message_id = str(next(self._ids))
        attachments = []
        for n, (_name, filename, data) in enumerate(rec.files):
            declared: dict[str, Any] = next((a for a in body.get("attachments", []) if a.get("id") == n), {})
            attachments.append(
                {
                    **{k: v for k, v in declared.items() if k in ("duration_secs", "waveform")},
                    "id": str(next(self._ids)),
                    "filename": filename,
                    "size": len(data),
                    "url": f"http://127.0.0.1:{self.port}/attachments/{filename}",
                    "proxy_url": f"http://127.0.0.1:{self.port}/attachments/{filename}",
                    "content_type": _content_type(filename),
                }
            )
        message: dict[str, Any] = {
            "id": message_id,
            "channel_id": channel_id,
            "type": 20 if webhook else 0,
            "content": body.get("content") or "",
            "author": self.bot_user,
            "timestamp": "2026-01-01T00:00:00.000000+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": attachments,
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "flags": body.get("flags") or 0,
        }
        if webhook:
            message["webhook_id"] = self.application["id"]
            message["application_id"] = self.application["id"]
        with self._lock:
            self.messages[message_id] = message
        return message

    def _commands(self, commands: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                **c,
                "id": str(next(self._ids)),
                "application_id": self.application["id"],
                "version": "1",
                "default_member_permissions": c.get("default_member_permissions"),
                "type": c.get("type", 1),
                "description": c.get("description", ""),
            }
            for c in commands
        ]

    # ------------------------------------------------------------------ gateway
    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        if self.gateway_down:
            return web.Response(status=503, text="gateway unavailable")
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 45000}, "s": None, "t": None})
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            frame = json.loads(msg.data)
            if frame["op"] == 2:  # IDENTIFY
                shard = frame["d"].get("shard", [0, 1])
                ready = {
                    "v": 10,
                    "user": self.bot_user,
                    "guilds": [],
                    "session_id": "fake-session",
                    "resume_gateway_url": self.gateway_url,
                    "application": {"id": self.application["id"], "flags": self.application["flags"]},
                    "shard": shard,
                    "private_channels": [],
                    "relationships": [],
                }
                await ws.send_json({"op": 0, "t": "READY", "s": 1, "d": ready})
                self.identified.set()
            elif frame["op"] == 6:  # RESUME after a dropped connection
                await ws.send_json({"op": 0, "t": "RESUMED", "s": next(self._seq), "d": {}})
                self.identified.set()
            elif frame["op"] == 1:  # HEARTBEAT
                await ws.send_json({"op": 11, "d": None, "s": None, "t": None})
        return ws
