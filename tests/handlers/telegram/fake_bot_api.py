"""A loopback fake of the Telegram Bot API that records what the bot sends.

It speaks the real wire format: ``POST /bot<token>/<method>`` with form-encoded or
``multipart/form-data`` bodies (complex values JSON-encoded, uploads as file parts), answers
``{"ok": true, "result": …}`` or ``{"ok": false, "error_code", "description", "parameters"}``,
and serves ``getUpdates`` long polling from a queue of recorded updates. Files users sent (voice
notes…) are served as Telegram does: ``getFile`` gives a ``file_path`` and the bytes come from
``GET /file/bot<token>/<file_path>``. Faults can be queued per
method: ``400``, ``429`` (with ``retry_after``), ``500`` and ``drop`` (the connection is closed
before anything is processed); chats can be made slow (every call for them waits). It binds to
127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import socket
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from aiohttp import web

PAYLOADS = Path(__file__).parent / "payloads"
Fault = Literal["400", "429", "500", "drop"]
SENDS = ("sendMessage", "sendVoice", "sendAudio", "sendDocument", "sendPhoto")


class Rejected(Exception):
    """A request the real Bot API would refuse with 400 and this description."""


def payload(name: str) -> dict[str, Any]:
    """A recorded payload from ``payloads/<name>.json``."""
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
    return data


@dataclass
class Call:
    """One request the bot made that the fake answered successfully."""

    method: str
    params: dict[str, str]
    files: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)

    def json(self, key: str) -> Any:
        """A JSON-encoded parameter (``reply_markup``, ``commands``…), decoded."""
        return json.loads(self.params[key])


class FakeBotAPI:
    """``await start()``; point the bot's ``base_url`` at :attr:`base_url`."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.me = payload("get_me")
        self.calls: list[Call] = []
        self.faults: dict[str, deque[Fault]] = {}
        self.fault_log: list[tuple[str, Fault]] = []
        self.slow_chats: dict[str, float] = {}
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, bytes)
        self.downloads: list[str] = []  # file paths fetched

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def start(self) -> FakeBotAPI:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._dispatch)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # ------------------------------------------------------------------ test controls
    def fail(self, method: str, *faults: Fault) -> None:
        """The next calls of ``method`` get these faults, in order, before succeeding."""
        self.faults.setdefault(method, deque()).extend(faults)

    def upload(self, data: bytes, folder: str = "voice", suffix: str = ".oga") -> dict[str, Any]:
        """Keep a file a user sent; returns its ``file_id``, ``file_unique_id`` and ``file_size``."""
        n = len(self.files) + 1
        file_id = f"AwACAgIAAxkBAAI{n:04d}fake-voice"
        self.files[file_id] = (f"{folder}/file_{n}{suffix}", data)
        return {"file_id": file_id, "file_unique_id": f"AgAD{n:04d}", "file_size": len(data)}

    async def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update (its ``update_id`` is assigned here) for ``getUpdates``."""
        update = {**copy.deepcopy(update), "update_id": next(self._update_ids)}
        async with self._changed:
            self._updates.append(update)
            self._changed.notify_all()
        return update

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """Messages the bot sent (any kind), optionally to one chat."""
        return [
            c
            for c in self.calls
            if c.method in SENDS and (chat_id is None or c.params.get("chat_id") == str(chat_id))
        ]

    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, done: Callable[[], bool], within_s: float = 60.0) -> None:
        """Wait until ``done()`` holds (checked after every recorded call)."""
        deadline = time.monotonic() + within_s
        async with self._changed:
            while not done():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out; calls so far: {[c.method for c in self.calls]}")
                try:
                    await asyncio.wait_for(self._changed.wait(), left)
                except TimeoutError:
                    continue

    async def settle(self, quiet_s: float = 1.0) -> None:
        """Wait until the bot has made no call for ``quiet_s`` seconds."""
        count = -1
        while count != len(self.calls):
            count = len(self.calls)
            await asyncio.sleep(quiet_s)

    # ------------------------------------------------------------------ the API
    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params, files = await _read_body(request)
        queued = self.faults.get(method)
        if queued:
            fault = queued.popleft()
            self.fault_log.append((method, fault))
            if fault == "drop":
                assert request.transport is not None
                request.transport.close()
                return web.Response()
            if fault == "429":
                return _error(429, "Too Many Requests: retry after 1", {"retry_after": 1})
            if fault == "400":
                return _error(400, "Bad Request: message text is empty")
            return _error(500, "Internal Server Error")
        await asyncio.sleep(self.slow_chats.get(params.get("chat_id", ""), 0.0))
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return _error(404, "Not Found: method not found")
        if method == "getUpdates":
            return _ok(await self._api_getUpdates(params))
        try:
            result = handler(params, files)
        except Rejected as exc:
            return _error(400, str(exc))
        async with self._changed:
            self.calls.append(Call(method, params, files))
            self._changed.notify_all()
        return _ok(result)

    async def _api_getUpdates(self, params: dict[str, str]) -> list[dict[str, Any]]:
        offset = int(params.get("offset", "0"))
        timeout = min(float(params.get("timeout", "0")), 0.5)  # short polls: quick shutdowns
        deadline = time.monotonic() + timeout
        async with self._changed:
            while True:
                ready = [u for u in self._updates if u["update_id"] >= offset]
                left = deadline - time.monotonic()
                if ready or left <= 0:
                    return ready
                try:
                    await asyncio.wait_for(self._changed.wait(), left)
                except TimeoutError:
                    continue

    def _api_getFile(self, params: dict[str, str], files: Any) -> dict[str, Any]:
        file_id = params.get("file_id", "")
        if file_id not in self.files:
            raise Rejected("Bad Request: invalid file_id")
        path, data = self.files[file_id]
        if len(data) > 20 * 1024 * 1024:
            raise Rejected("Bad Request: file is too big")
        unique = f"AgAD{file_id[15:19]}"
        return {"file_id": file_id, "file_unique_id": unique, "file_size": len(data), "file_path": path}

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        path = request.match_info["path"]
        found = next((data for p, data in self.files.values() if p == path), None)
        if found is None:
            return _error(404, "Not Found")
        self.downloads.append(path)
        return web.Response(body=found, content_type="application/octet-stream")

    def _api_getMe(self, params: dict[str, str], files: Any) -> dict[str, Any]:
        return self.me

    def _true(self, params: dict[str, str], files: Any) -> bool:
        return True

    _api_deleteWebhook = _api_setWebhook = _api_setMyCommands = _true
    _api_sendChatAction = _api_answerCallbackQuery = _api_close = _true

    def _message(self, params: dict[str, str], **content: Any) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "from": self.me,
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "date": int(time.time()),
            **content,
        }
        if "reply_markup" in params:
            message["reply_markup"] = json.loads(params["reply_markup"])
        return message

    def _api_sendMessage(self, params: dict[str, str], files: Any) -> dict[str, Any]:
        return self._message(params, text=params["text"])

    def _file(self, files: dict[str, tuple[str, str, bytes]], part: str) -> dict[str, Any]:
        name, mime, data = files[part]
        return {
            "file_id": f"file-{len(self.calls)}",
            "file_unique_id": f"u{len(self.calls)}",
            "file_size": len(data),
            "mime_type": mime,
            "file_name": name,
        }

    def _api_sendVoice(self, params: dict[str, str], files: Any) -> dict[str, Any]:
        voice = {**self._file(files, "voice"), "duration": int(params["duration"])}
        return self._message(params, voice=voice)

    def _api_sendAudio(self, params: dict[str, str], files: Any) -> dict[str, Any]:
        audio = {**self._file(files, "audio"), "duration": int(params["duration"])}
        return self._message(params, audio=audio)

    def _api_sendDocument(self, params: dict[str, str], files: Any) -> dict[str, Any]:
        return self._message(params, document=self._file(files, "document"))

    def _api_sendPhoto(self, params: dict[str, str], files: Any) -> dict[str, Any]:
        """One size, as Telegram lists it (``PhotoSize``); the caption comes back with the message."""
        upload = self._file(files, "photo")
        width, height = _png_size(files["photo"][2])
        photo = {k: upload[k] for k in ("file_id", "file_unique_id", "file_size")}
        content: dict[str, Any] = {"photo": [{**photo, "width": width, "height": height}]}
        if "caption" in params:
            content["caption"] = params["caption"]
        return self._message(params, **content)

    def _api_editMessageReplyMarkup(self, params: dict[str, str], files: Any) -> dict[str, Any]:
        message = self._message(params)
        message["message_id"] = int(params["message_id"])
        return message


async def _read_body(request: web.Request) -> tuple[dict[str, str], dict[str, tuple[str, str, bytes]]]:
    params: dict[str, str] = {}
    files: dict[str, tuple[str, str, bytes]] = {}
    if request.content_type == "application/json":
        body = await request.json()
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()}, files
    form = await request.post()
    for key, value in form.items():
        if isinstance(value, web.FileField):
            files[key] = (value.filename, value.content_type, value.file.read())
        else:
            params[key] = str(value)
    params.update(request.query)
    return params, files


def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header; Telegram refuses what it can't read as an image."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n") or data[12:16] != b"IHDR":
        raise Rejected("Bad Request: IMAGE_PROCESS_FAILED")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(code: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)
