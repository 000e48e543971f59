"""``happytalk run`` as a service: bind the ops listener, load the core, supervise the adapters,
stop cleanly on SIGTERM/SIGINT (adapters first, then the core and its database)."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
from collections.abc import Callable

from bot.app import StartupError, build_core
from bot.core import DialogueCore
from config import Settings
from handlers.base import Adapter
from handlers.registry import configured_adapters, not_configured
from handlers.service.ops_server import OpsServer, OpsStartError, bind
from handlers.service.supervisor import SHUTDOWN_S, Supervisor

log = logging.getLogger(__name__)
SHUTDOWN_BOUND_S = 10.0  # from SIGTERM/SIGINT to exit


def run_service(
    settings: Settings,
    console: Callable[[DialogueCore], Adapter],
    say: Callable[[str], None],
) -> int:
    """Serve every configured adapter (``console`` when none is); the process's exit code."""
    sock: socket.socket | None = None
    if settings.ops.port is not None:
        try:
            sock = bind(settings.ops)
        except OpsStartError as exc:
            say(f"happytalk cannot start: {exc}")
            return 2
    try:
        core = build_core(settings, progress=say)
    except StartupError as exc:
        say(str(exc))
        if sock is not None:
            sock.close()
        return 2
    adapters = configured_adapters(settings, core)
    for name, how in not_configured(settings):
        log.info("%s adapter not configured (%s)", name, how)
    if not adapters:
        say(
            "No adapter configured (HAPPYTALK_TELEGRAM_TOKEN, HAPPYTALK_DISCORD_TOKEN, "
            "HAPPYTALK_WEB_ENABLED): starting the console chat."
        )
    code, closed = asyncio.run(_serve(core, adapters or [console(core)], sock, supervised=bool(adapters)))
    if not closed:  # a worker process still starting would hold the exit past the bound: don't wait
        logging.shutdown()
        os._exit(code)
    return code


async def _close(core: DialogueCore, within_s: float) -> bool:
    """Close the core (pools, database, worker processes) in a thread; ``False`` if it took too long."""
    try:
        await asyncio.wait_for(asyncio.shield(asyncio.to_thread(asyncio.run, core.close())), within_s)
    except TimeoutError:
        log.warning("closing the core took over %.0f s; exiting without waiting for it", within_s)
        return False
    return True


async def _serve(
    core: DialogueCore, adapters: list[Adapter], sock: socket.socket | None, *, supervised: bool
) -> tuple[int, bool]:
    """Serve until a signal (or the console's end); the exit code and whether the core closed in time."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    ops = OpsServer(sock) if sock is not None else None
    try:
        if ops is not None:
            ops.attach(core)
            await ops.start()
            log.info("health and metrics at %s/healthz, /readyz, /metrics", ops.url)
        if not supervised:  # the console: its end (Ctrl-D, /quit) ends the run
            await adapters[0].serve(stop)
            return 0, await _close(core, SHUTDOWN_BOUND_S)
        supervisor = Supervisor(adapters)
        if ops is not None:
            ops.supervisor = supervisor
        log.info("serving: %s", ", ".join(a.name for a in adapters))
        served = await supervisor.run(stop)
        stopped = loop.time()
        if not served:
            log.error("no adapter can run; exiting")
        # the adapters had up to SHUTDOWN_S after the signal; the core gets the rest of the bound
        closed = await _close(core, max(1.0, SHUTDOWN_BOUND_S - SHUTDOWN_S - (loop.time() - stopped)))
        return (0 if served else 1), closed
    finally:
        if ops is not None:
            await ops.stop()
