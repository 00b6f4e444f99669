"""``/metrics``: what this process counted (``bot.metrics``) plus what the
database knows at scrape time (``bot.metrics.DatabaseCollector``).

Under gunicorn with several workers each worker counts on its own; with
``PROMETHEUS_MULTIPROC_DIR`` set (``app/cli.py`` does it before the workers fork),
a scrape of any worker adds up every worker's values.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, start_http_server
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

log = logging.getLogger("ifn_bot.metrics")

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST


class _ProcessMetrics(Collector):
    """This process's metrics, or every gunicorn worker's in multiprocess mode."""

    def __init__(self) -> None:
        if os.environ.get(MULTIPROC_ENV):
            self._registry = CollectorRegistry()
            MultiProcessCollector(self._registry)
        else:
            self._registry = REGISTRY

    def collect(self) -> Iterator[Metric]:
        yield from self._registry.collect()


def metrics_registry(database: Collector) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_ProcessMetrics())
    registry.register(database)
    return registry


def render(registry: CollectorRegistry) -> bytes:
    return generate_latest(registry)


def serve_metrics(port: int, database: Collector, host: str = "0.0.0.0") -> None:
    """A /metrics endpoint on its own port (the scheduler and Socket Mode processes,
    which have no HTTP server of their own); runs in a daemon thread."""
    start_http_server(port, addr=host, registry=metrics_registry(database))
    log.info("metrics on http://%s:%d/metrics", host, port)
