"""Prometheus metrics of the running bot (every name starts with ``happytalk_``).

The core and app assembly record into the module-level metrics below; the ops listener
(``handlers.service.ops_server``) exposes them with :func:`registry` next to the gauges it reads
at scrape time (queue depths, adapter states). Metrics are per process, like the core.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

# StageMetrics' stage names → the stage label of the latency histogram
STAGES = {"emotion": "classify", "reply": "reply", "recommend": "music", "voice": "voice", "total": "total"}

MESSAGES = Counter(
    "happytalk_messages",
    "Messages and actions handled by the core, by platform and outcome.",
    ["platform", "outcome"],
    registry=None,
)
BUSY = Counter(
    "happytalk_busy_answers",
    "'Busy, try again' answers, by the queue that was full.",
    ["queue"],
    registry=None,
)
LATENCY = Histogram(
    "happytalk_reply_latency_seconds",
    "Time spent in each stage of answering a chat message (total: the whole answer).",
    ["stage"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=None,
)
MODEL_LOAD = Gauge(
    "happytalk_model_load_seconds",
    "Seconds it took to load each model (and the music index) at start-up.",
    ["model"],
    registry=None,
)
ADAPTER_RESTARTS = Counter(
    "happytalk_adapter_restarts",
    "Times an adapter failed and was started again.",
    ["adapter"],
    registry=None,
)


def record_stage(stage: str, seconds: float) -> None:
    """One stage duration (a :class:`bot.metrics.StageMetrics` name) into the latency histogram."""
    label = STAGES.get(stage)
    if label is not None:
        LATENCY.labels(label).observe(seconds)


def record_message(platform: str, outcome: str) -> None:
    MESSAGES.labels(platform, outcome).inc()


def record_busy(queue: str) -> None:
    BUSY.labels(queue or "unknown").inc()


class _ReadAtScrape(Collector):
    """Gauges whose values are read when Prometheus scrapes (queue depths, adapter states)."""

    def __init__(
        self,
        queues: Callable[[], dict[str, int]],
        adapters: Callable[[], dict[str, bool]],
        ready: Callable[[], bool],
    ) -> None:
        self._queues, self._adapters, self._ready = queues, adapters, ready

    def collect(self) -> Iterator[Metric]:
        depth = GaugeMetricFamily(
            "happytalk_queue_depth", "Jobs waiting or running in each worker queue.", labels=["queue"]
        )
        for name, value in sorted(self._queues().items()):
            depth.add_metric([name], value)
        up = GaugeMetricFamily(
            "happytalk_adapter_up", "1 while an adapter is connected and taking updates.", labels=["adapter"]
        )
        for name, is_up in sorted(self._adapters().items()):
            up.add_metric([name], 1.0 if is_up else 0.0)
        ready = GaugeMetricFamily("happytalk_ready", "1 while /readyz answers ready.")
        ready.add_metric([], 1.0 if self._ready() else 0.0)
        yield from (depth, up, ready)


def registry(
    queues: Callable[[], dict[str, int]],
    adapters: Callable[[], dict[str, bool]],
    ready: Callable[[], bool],
) -> CollectorRegistry:
    """A registry with every happytalk metric, the scrape-time gauges reading these callables."""
    found = CollectorRegistry(auto_describe=True)
    collectors: Iterable[Collector] = (MESSAGES, BUSY, LATENCY, MODEL_LOAD, ADAPTER_RESTARTS)
    for collector in collectors:
        found.register(collector)
    found.register(_ReadAtScrape(queues, adapters, ready))
    return found
