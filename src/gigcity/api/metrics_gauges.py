"""Gauges read when Prometheus scrapes, not on every request: the database pool, the street
ETA cache and the job queue. Each describes the worker process that answers the scrape."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from prometheus_client.core import GaugeMetricFamily, Metric

from gigcity import __version__
from gigcity.services.jobs.stats import QueueDepth

log = logging.getLogger("gigcity.api.metrics")

_HELP = {
    "gigcity_db_pool_size": "Database connections the pool keeps open.",
    "gigcity_db_pool_checked_out": "Database connections in use.",
    "gigcity_db_pool_checked_in": "Database connections open and idle.",
    "gigcity_db_pool_overflow": "Database connections open beyond the pool size.",
    "gigcity_streets_loaded": "1 if the street graph is loaded in this worker, else 0.",
    "gigcity_streets_closures": "Street closures in this worker's snapshot.",
    "gigcity_streets_live_phases": "Junctions with live signal phases in this worker's snapshot.",
}
_NOT_A_NAME = re.compile(r"[^a-zA-Z0-9_]")


@dataclass(frozen=True)
class PlatformGauges:
    """A prometheus_client collector over callables that read the platform's state."""

    pool: Callable[[], Mapping[str, float]]
    streets: Callable[[], Mapping[str, float]]
    jobs: Callable[[], Sequence[QueueDepth]] | None = None

    def describe(self) -> Iterable[Metric]:
        return ()  # no names to reserve: the streets' keys are known only when read

    def collect(self) -> Iterator[Metric]:
        info = GaugeMetricFamily("gigcity_info", "This gigcity's version.", labels=["version"])
        info.add_metric([__version__], 1.0)
        yield info
        yield from _gauges("gigcity_db_pool_", self.pool())
        yield from _gauges("gigcity_streets_", self.streets())
        if self.jobs is not None:
            yield from _job_gauges(self.jobs)


def _gauges(prefix: str, values: Mapping[str, float]) -> Iterator[Metric]:
    """One gauge per key: `prefix` + the key, made a valid metric name."""
    for key, value in values.items():
        name = prefix + _NOT_A_NAME.sub("_", key)
        yield GaugeMetricFamily(name, _HELP.get(name, f"{key} (see docs/monitoring.md)."), value)


def _job_gauges(read: Callable[[], Sequence[QueueDepth]]) -> Iterator[Metric]:
    up = GaugeMetricFamily("gigcity_jobs_stats_up", "1 if the job queue answered, else 0.")
    try:
        depths = read()
    except Exception:  # the queue's database is down: the other metrics still matter
        log.warning("job queue statistics unavailable", exc_info=True)
        up.add_metric([], 0.0)
        yield up
        return
    up.add_metric([], 1.0)
    yield up
    labels = ["queue", "status"]
    count = GaugeMetricFamily("gigcity_jobs", "Jobs per queue and status.", labels=labels)
    age = GaugeMetricFamily(
        "gigcity_jobs_oldest_age_seconds",
        "Seconds since the oldest job of the queue and status was queued.",
        labels=labels,
    )
    for depth in depths:
        count.add_metric([depth.queue, depth.status], float(depth.count))
        age.add_metric([depth.queue, depth.status], depth.oldest_age_s)
    yield count
    yield age
