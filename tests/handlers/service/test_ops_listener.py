"""The ops listener over a real core: /readyz follows a real PostgreSQL going away and coming back,
/healthz, /metrics in Prometheus format (every name ``happytalk_…``), a taken port."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Callable, Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.core import DialogueCore
from config.settings import OpsSettings
from handlers.service.ops_server import OpsServer, OpsStartError, bind
from handlers.service.supervisor import Supervisor
from handlers.testing import TestAdapter
from handlers.web import WebAdapter
from tests.bot.pg import PostgresServer, postgres_server

pytestmark = pytest.mark.resilience


@pytest.fixture(scope="module")
def pg() -> Iterator[PostgresServer]:
    with postgres_server() as server:
        yield server


async def _until_ready(http: httpx.AsyncClient) -> httpx.Response:
    deadline = time.monotonic() + 60
    while (answer := await http.get("/readyz")).status_code != 200:
        assert time.monotonic() < deadline, answer.text
        await asyncio.sleep(0.05)
    return answer


async def _serving(core: DialogueCore) -> AsyncIterator[tuple[httpx.AsyncClient, Supervisor]]:
    supervisor = Supervisor([WebAdapter(core, core.settings)])
    ops = OpsServer(bind(OpsSettings(port=0)))
    ops.attach(core)
    ops.supervisor = supervisor
    await ops.start()
    stop = asyncio.Event()
    running = asyncio.create_task(supervisor.run(stop))
    try:
        async with httpx.AsyncClient(base_url=ops.url) as http:
            yield http, supervisor
    finally:
        stop.set()
        await asyncio.wait_for(running, 30)
        await ops.stop()


@pytest.fixture
async def on_postgres(
    make_core: Callable[..., DialogueCore], pg: PostgresServer
) -> AsyncIterator[tuple[httpx.AsyncClient, Supervisor]]:
    async for serving in _serving(make_core(database_url=pg.url, web={"port": 0})):
        yield serving


async def test_readyz_flips_with_the_database_and_back(
    on_postgres: tuple[httpx.AsyncClient, Supervisor], pg: PostgresServer
) -> None:
    http, _ = on_postgres
    ready = (await _until_ready(http)).json()
    assert ready == {
        "adapters": {"web": "up"},
        "database": True,
        "index_tracks": ready["index_tracks"],
        "models": True,
        "ready": True,
    }
    assert ready["index_tracks"] > 0
    await asyncio.to_thread(pg.stop)
    try:
        # the first check after the database went away already says so: each /readyz asks the
        # database, and a check that hangs counts as unreachable after DB_CHECK_TIMEOUT_S (1.5 s)
        gone = await http.get("/readyz")
        assert gone.status_code == 503
        assert gone.json()["database"] is False and gone.json()["ready"] is False
        assert (await http.get("/healthz")).json() == {"status": "alive"}
    finally:
        await asyncio.to_thread(pg.start)
    back = await http.get("/readyz")  # and the first check after it returned
    assert back.status_code == 200 and back.json()["database"] is True


async def test_metrics_are_prometheus_text_named_happytalk(
    make_core: Callable[..., DialogueCore],
) -> None:
    core = make_core(web={"port": 0})
    async for http, _ in _serving(core):
        await _until_ready(http)
        user = TestAdapter(core, "metrics-user")
        await user.push("I finally finished my thesis!")
        await user.push("/help")
        answer = await http.get("/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(answer.text)}
    assert families and all(name.startswith("happytalk_") for name in families)
    for name in (
        "happytalk_messages",
        "happytalk_busy_answers",
        "happytalk_reply_latency_seconds",
        "happytalk_queue_depth",
        "happytalk_adapter_up",
        "happytalk_model_load_seconds",
        "happytalk_ready",
    ):
        assert name in families, name
    answered = {
        s.labels["platform"]: s.value
        for s in families["happytalk_messages"].samples
        if s.name == "happytalk_messages_total" and s.labels["outcome"] == "answered"
    }
    assert answered.get("test", 0) >= 2
    stages = {s.labels["stage"] for s in families["happytalk_reply_latency_seconds"].samples}
    assert {"classify", "reply", "music", "total"} <= stages
    assert {s.labels["queue"] for s in families["happytalk_queue_depth"].samples} >= {"model", "io"}
    assert {s.labels["model"] for s in families["happytalk_model_load_seconds"].samples} >= {
        "emotion",
        "dialogue",
        "music_index",
    }


def test_a_taken_port_is_one_line_naming_the_setting() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(OpsStartError) as err:
            bind(OpsSettings(port=port))
    message = str(err.value)
    assert "\n" not in message and f"127.0.0.1:{port}" in message and "HAPPYTALK_OPS_PORT" in message
