"""The ops listener: ``/healthz`` (alive), ``/readyz`` (ready to serve, with each check) and
``/metrics`` (Prometheus text), on ``ops.host:ops.port`` (``HAPPYTALK_OPS_PORT``; off when unset).

The socket is bound before the models load, so a taken port is a one-line error at once; it
answers once the core is built (the Docker ``HEALTHCHECK``'s start period covers loading).
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Callable
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot import telemetry
from bot.core import DialogueCore
from config.settings import OpsSettings
from handlers.service.supervisor import Supervisor

DB_CHECK_TIMEOUT_S = 1.5  # /readyz says "database unreachable" when a check takes longer


class OpsStartError(Exception):
    """The listener cannot bind; the message names the address and the setting."""


class DatabaseProbe:
    """``SELECT 1`` in a thread, at most one at a time, answered within ``timeout_s``."""

    def __init__(self, ping: Callable[[], bool], timeout_s: float = DB_CHECK_TIMEOUT_S) -> None:
        self._ping = ping
        self._timeout_s = timeout_s
        self._running: asyncio.Future[bool] | None = None

    async def reachable(self) -> bool:
        if self._running is None or self._running.done():
            self._running = asyncio.ensure_future(asyncio.to_thread(self._ping))
        try:
            return await asyncio.wait_for(asyncio.shield(self._running), self._timeout_s)
        except TimeoutError:
            return False  # a hung check stays the one running: probes never pile up


def bind(settings: OpsSettings) -> socket.socket:
    """A listening socket on ``host:port``, or :class:`OpsStartError` saying what to do."""
    host, port = settings.host, settings.port or 0
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise OpsStartError(
            f"cannot listen on {host}:{port} (HAPPYTALK_OPS_HOST): {exc.strerror or exc}"
        ) from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(64)
    except OSError as exc:
        sock.close()
        raise OpsStartError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc} "
            "(set HAPPYTALK_OPS_PORT to a free port, or leave it unset to turn the listener off)"
        ) from None
    sock.setblocking(False)
    return sock


class OpsServer:
    """Serves the three endpoints; :attr:`core` and :attr:`supervisor` are attached when they exist."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.core: DialogueCore | None = None
        self.supervisor: Supervisor | None = None
        self._probe: DatabaseProbe | None = None
        self._ready = False
        self._runner: web.AppRunner | None = None
        self.registry = telemetry.registry(self._queues, self._adapters, lambda: self._ready)

    @property
    def url(self) -> str:
        host, port = self.sock.getsockname()[:2]
        return f"http://{f'[{host}]' if ':' in host else host}:{port}"

    def attach(self, core: DialogueCore) -> None:
        self.core = core
        self._probe = DatabaseProbe(core.store.ping)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._metrics)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        await web.SockSite(self._runner, self.sock).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        self.sock.close()

    def _queues(self) -> dict[str, int]:
        return self.core.queue_depths() if self.core is not None else {}

    def _adapters(self) -> dict[str, bool]:
        return self.supervisor.up() if self.supervisor is not None else {}

    async def checks(self) -> dict[str, Any]:
        """Each readiness check; ``ready`` is all of them with at least one adapter up."""
        core, supervisor = self.core, self.supervisor
        database = await self._probe.reachable() if self._probe is not None else False
        tracks = core.components.library.size if core is not None else 0
        adapters = supervisor.states() if supervisor is not None else {}
        ready = core is not None and database and tracks > 0 and "up" in adapters.values()
        self._ready = ready
        return {
            "ready": ready,
            "models": core is not None,
            "database": database,
            "index_tracks": tracks,
            "adapters": adapters,
        }

    async def _healthz(self, _request: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def _readyz(self, _request: web.Request) -> web.Response:
        checks = await self.checks()
        return web.json_response(
            checks, status=200 if checks["ready"] else 503, dumps=lambda d: json.dumps(d, sort_keys=True)
        )

    async def _metrics(self, _request: web.Request) -> web.Response:
        await self.checks()
        body = generate_latest(self.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
