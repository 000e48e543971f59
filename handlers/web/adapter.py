"""``WebAdapter``: serves the web app with uvicorn until the shared ``stop`` event is set."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator

import uvicorn

from bot.core import DialogueCore
from config import Settings
from handlers.base import AdapterConfigError
from handlers.web.app import create_app
from handlers.web.media_store import MediaStore

log = logging.getLogger(__name__)
WS_MAX_FRAME_BYTES = 256 * 1024  # the longest valid message fits, as over HTTP


class WebStartError(AdapterConfigError):
    """The web server cannot listen (e.g. the port is taken); the message says which address."""


class _Server(uvicorn.Server):
    """uvicorn without its own signal handlers: the adapter's ``stop`` event owns shutdown."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class WebAdapter:
    """The web chat and HTTP API on ``settings.web.host:port`` (port 0 picks a free one)."""

    name = "web"

    def __init__(self, core: DialogueCore, settings: Settings, media: MediaStore | None = None) -> None:
        self.settings = settings
        self.app = create_app(core, settings, media)
        self.listening = asyncio.Event()
        self.url = ""

    def __repr__(self) -> str:
        return f"WebAdapter(url={self.url!r})"

    def is_up(self) -> bool:
        return self.listening.is_set()

    def _bind(self) -> socket.socket:
        host, port = self.settings.web.host, self.settings.web.port
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
            family, kind, proto, _, address = infos[0]
            sock = socket.socket(family, kind, proto)
        except OSError as exc:
            raise WebStartError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(address)
            sock.listen(128)
        except OSError as exc:
            sock.close()
            raise WebStartError(
                f"cannot listen on {host}:{port}: {exc.strerror or exc} "
                "(set HAPPYTALK_WEB_PORT to a free port)"
            ) from None
        sock.setblocking(False)
        return sock

    async def serve(self, stop: asyncio.Event) -> None:
        sock = self._bind()
        bound_host, bound_port = sock.getsockname()[:2]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        self.url = f"http://{shown}:{bound_port}"
        config = uvicorn.Config(
            self.app,
            log_config=None,
            access_log=False,
            lifespan="off",
            ws_max_size=WS_MAX_FRAME_BYTES,
            timeout_graceful_shutdown=5,
        )
        server = _Server(config)
        running = asyncio.create_task(server.serve(sockets=[sock]), name="web-server")
        stopping = asyncio.create_task(stop.wait(), name="web-stop")
        self.listening.set()
        log.info("web chat at %s/", self.url)
        try:
            await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            server.should_exit = True
            stopping.cancel()
            await running
            sock.close()
            self.listening.clear()
