"""Each adapter in a task of its own: a failure is logged, retried with backoff, and isolated.

An adapter whose ``serve`` raises (or ends before ``stop``) is started again after a delay that
doubles from ``first_delay_s`` up to ``max_delay_s``; a run that lasted ``max_delay_s`` or more
resets it. :class:`~handlers.base.AdapterConfigError` (a refused token, a taken port) or
``give_up_after`` failures in a row mark the adapter *down* for good. The others keep serving;
:meth:`Supervisor.run` reports failure only when every adapter is down.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from typing import Literal

from bot.telemetry import ADAPTER_RESTARTS
from handlers.base import Adapter, AdapterConfigError

log = logging.getLogger(__name__)

State = Literal["starting", "up", "retrying", "down", "stopped"]
SHUTDOWN_S = 8.0  # adapters get this long to finish in-flight work after stop (the rest of 10 s: closing)


def describe(exc: BaseException) -> str:
    """One line: the error's type and the first line of its message (logsafe masks secrets)."""
    first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


@dataclass
class Supervised:
    """One adapter and what the supervisor knows about it."""

    adapter: Adapter
    running: bool = False
    failures: int = 0
    restarts: int = 0
    gave_up: bool = False
    stopped: bool = False
    last_error: str | None = field(default=None)

    @property
    def state(self) -> State:
        if self.gave_up:
            return "down"
        if self.stopped:
            return "stopped"
        if not self.running:
            return "retrying" if self.failures else "starting"
        return "up" if self.adapter.is_up() else ("retrying" if self.failures else "starting")


class Supervisor:
    """Runs adapters side by side until ``stop``; see the module docstring for the policy."""

    def __init__(
        self,
        adapters: list[Adapter],
        *,
        first_delay_s: float = 1.0,
        max_delay_s: float = 60.0,
        give_up_after: int = 20,
    ) -> None:
        self.units = [Supervised(a) for a in adapters]
        self.first_delay_s = first_delay_s
        self.max_delay_s = max_delay_s
        self.give_up_after = give_up_after

    def states(self) -> dict[str, State]:
        return {u.adapter.name: u.state for u in self.units}

    def up(self) -> dict[str, bool]:
        return {u.adapter.name: u.state == "up" for u in self.units}

    async def run(self, stop: asyncio.Event) -> bool:
        """Serve until ``stop`` (then ``True``) or until every adapter is down (then ``False``)."""
        tasks = [asyncio.create_task(self._keep(u, stop), name=u.adapter.name) for u in self.units]
        all_down = asyncio.create_task(self._all_down(tasks), name="all-down")
        stopping = asyncio.create_task(stop.wait(), name="stop")
        await asyncio.wait({all_down, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stop.set()
        gave_up = all(u.gave_up for u in self.units)
        _, late = await asyncio.wait(tasks, timeout=SHUTDOWN_S)
        for task in late:
            log.warning("%s adapter did not stop in %.0f s; cancelling it", task.get_name(), SHUTDOWN_S)
            task.cancel()
        await asyncio.gather(*tasks, all_down, stopping, return_exceptions=True)
        return not gave_up

    async def _all_down(self, tasks: list[asyncio.Task[None]]) -> None:
        await asyncio.wait(tasks)  # a task ends on stop or when its adapter is given up

    async def _keep(self, unit: Supervised, stop: asyncio.Event) -> None:
        name, delay = unit.adapter.name, self.first_delay_s
        while not stop.is_set():
            began = time.monotonic()
            unit.running = True
            try:
                await unit.adapter.serve(stop)
                if stop.is_set():
                    break
                raise RuntimeError("it stopped by itself")
            except AdapterConfigError as exc:
                unit.running, unit.gave_up, unit.last_error = False, True, str(exc)
                log.error("%s adapter cannot run: %s; not retrying", name, exc)
                return
            except Exception as exc:
                unit.running = False
                if stop.is_set():
                    log.info("%s adapter ended with %s while stopping", name, describe(exc))
                    break
                if time.monotonic() - began >= self.max_delay_s:  # it had been serving: start afresh
                    unit.failures, delay = 0, self.first_delay_s
                unit.failures += 1
                unit.last_error = describe(exc)
                if unit.failures >= self.give_up_after:
                    unit.gave_up = True
                    log.error(
                        "%s adapter failed %d times in a row (%s); giving up",
                        name,
                        unit.failures,
                        unit.last_error,
                    )
                    return
                log.error("%s adapter failed (%s); retrying in %.0f s", name, unit.last_error, delay)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), delay)
                delay = min(delay * 2, self.max_delay_s)
                if not stop.is_set():
                    unit.restarts += 1
                    ADAPTER_RESTARTS.labels(name).inc()
            finally:
                unit.running = False
        unit.stopped = True
