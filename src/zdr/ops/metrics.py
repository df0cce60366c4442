"""Prometheus metrics. Labels hold only bounded, content-free values: the catalogue
route pattern, the method, a status code, the upstream and policy names."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, Protocol, TypeVar

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.metrics import MetricWrapperBase


class AuditCounters(Protocol):
    written: int
    dropped: int
    failures: int

    @property
    def pending(self) -> int: ...
    @property
    def healthy(self) -> bool: ...


class _AuditCollector:
    """Reads the audit writer's counters at scrape time."""

    def __init__(self, audit: AuditCounters):
        self.audit = audit

    def collect(self) -> Iterator[Metric]:
        a = self.audit
        yield GaugeMetricFamily("zdr_audit_pending_events", "Events not yet written.", a.pending)
        yield GaugeMetricFamily("zdr_audit_store_up", "1 if the last write worked.", a.healthy)
        yield CounterMetricFamily("zdr_audit_written_events", "Events written.", a.written)
        yield CounterMetricFamily(
            "zdr_audit_dropped_events",
            "Records of requests turned away during a store outage, past the buffer bound.",
            a.dropped,
        )
        yield CounterMetricFamily("zdr_audit_write_failures", "Failed batch writes.", a.failures)


_LATENCY_BUCKETS = (
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1,
    2.5,
    5,
    10,
    30,
    60,
    120,
)


M = TypeVar("M", bound=MetricWrapperBase)


class Labelled(Generic[M]):
    """A labelled metric whose children are kept by their label values, found in one
    dict look-up: prometheus_client's ``labels()`` checks the values and takes a lock
    on every call (~9k instructions; the request path calls it four times). The
    children are the ones the metric keeps anyway: labels are bounded values."""

    __slots__ = ("metric", "_children")

    def __init__(self, metric: M):
        self.metric = metric
        self._children: dict[tuple[str, ...], M] = {}

    def labels(self, *values: str) -> M:
        child = self._children.get(values)
        if child is None:
            child = self._children[values] = self.metric.labels(*values)
        return child


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = self._counter(
            "zdr_requests",
            "Requests handled by the gateway.",
            ["route", "method", "status", "decision"],
        )
        self.latency = self._histogram(
            "zdr_request_duration_seconds", "Time from request to last byte sent.", ["route"]
        )
        self.upstream_latency = self._histogram(
            "zdr_upstream_headers_seconds",
            "Time until the upstream's response headers.",
            ["upstream"],
        )
        self.upstream_responses = self._counter(
            "zdr_upstream_responses",
            "Upstream answers by status (or error kind).",
            ["upstream", "status"],
        )
        self.refusals = self._counter(
            "zdr_refusals", "Requests refused by policy, by rule.", ["policy", "rule"]
        )
        self.pseudonymized = self._counter(
            "zdr_pseudonymized_values", "Values replaced by tokens, by label.", ["label"]
        )
        self.in_flight = Gauge(
            "zdr_requests_in_flight",
            "Requests being handled now.",
            registry=self.registry,
        )

    def _counter(self, name: str, doc: str, labels: list[str]) -> Labelled[Counter]:
        return Labelled(Counter(name, doc, labels, registry=self.registry))

    def _histogram(self, name: str, doc: str, labels: list[str]) -> Labelled[Histogram]:
        return Labelled(
            Histogram(name, doc, labels, buckets=_LATENCY_BUCKETS, registry=self.registry)
        )

    def count_in_flight(self, in_flight: Callable[[], float]) -> None:
        """Read the requests in flight from ``in_flight`` at scrape time (the gateway
        counts them anyway: a gauge's inc and dec cost ~8k instructions a request)."""
        self.in_flight.set_function(in_flight)

    def watch_audit(self, audit: AuditCounters) -> None:
        self.registry.register(_AuditCollector(audit))

    def render(self) -> bytes:
        return generate_latest(self.registry)
