"""Prometheus metrics (``GET /metrics``), read off the ``Answer`` objects the channels hand out.

Metrics (all prefixed ``regchat_``):

=====================================  ======================================================================
``answer_seconds``                     histogram of answer latency, by ``channel`` and ``mode``
``answers_total``                      answers by ``channel`` and ``outcome`` (answered, not_stated,
                                       asked_which_rule, refused)
``answer_errors_total``                questions that got no answer, by ``channel`` and ``kind``
``guardrail_removals_total``           what the guardrails removed or flagged, by ``kind``
``model_fallbacks_total``              answers composed offline because the model failed or was not verified
``feedback_total``                     ratings by ``rating`` (up, down) and ``channel``
``wechat_messages_total``              messages received, by ``channel`` (wechat, wecom)
``wechat_retries_total``               platform retries of a message already being answered
``wechat_replies_total``               answers by ``channel`` and ``how`` (passive reply, pushed)
``wechat_push_failures_total``         pushed messages that failed
``wechat_rate_limited_total``          messages refused by the per-user rate limit
``index_info``                         the active index version (label ``version``)
``index_provisions``, ``index_documents``  size of the active index
``index_ready``                        1 when the answer engine is built
=====================================  ======================================================================

The outcome and the guardrail kinds are derived from the ``Answer`` alone
(``outcome_of``, ``guardrail_kinds``), so the answering code stays free of metrics.
"""

from __future__ import annotations

import re
from collections import Counter as Tally
from collections.abc import Callable, Iterator
from typing import Any, Literal

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, InfoMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.registry import Collector

from regchat.documents import Answer

Outcome = Literal["answered", "not_stated", "asked_which_rule", "refused"]
OUTCOMES: tuple[Outcome, ...] = ("answered", "not_stated", "asked_which_rule", "refused")
CONTENT_TYPE = CONTENT_TYPE_LATEST
LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

_NOT_STATED = re.compile(
    r"\b(do(es)? not (state|say|set|specify)|not stated|none of the documents|nothing (relevant|in the))\b"
    r"|没有规定|未规定|没有说明|未作规定|没有第|无法计算",
    re.I,
)
_ASKS = re.compile(
    r"\b(which (rule|one|of (these|them|the))|tell me (the date|which)|do you mean|please (say|tell me))\b"
    r"|请告诉我|请说明|您是指|是哪一|哪一种|哪一天",
    re.I,
)
_FALLBACK = re.compile(r"could not be reached|could not be verified|无法连接|无法核实|未能核实", re.I)


def outcome_of(answer: Answer) -> Outcome:
    """What kind of answer this is: refused (out of scope), asked which rule or date is meant,
    not stated by the regulations, or answered."""
    if answer.refused:
        return "refused"
    text = answer.text
    if not answer.deadlines and _ASKS.search(text):
        return "asked_which_rule"
    if not answer.citations or (not answer.deadlines and _NOT_STATED.search(text)):
        return "not_stated"
    return "answered"


def guardrail_kinds(answer: Answer) -> Tally[str]:
    """What the guardrails removed or flagged, by kind (citation, quote, date, unverified, other)."""
    kinds: Tally[str] = Tally()
    for notice in answer.notices:
        lowered = notice.lower()
        if lowered.startswith("removed:"):
            if "citation" in lowered:
                kinds["citation"] += 1
            elif "quote" in lowered:
                kinds["quote"] += 1
            else:
                kinds["other"] += 1
        elif "not computed by the deadline calculator" in lowered or "不是由日期计算器" in notice:
            kinds["date"] += 1
        elif "could not be verified" in lowered:
            kinds["unverified"] += 1
    return kinds


def fell_back(answer: Answer) -> bool:
    """True when the model's answer was replaced by the offline composition."""
    return any(_FALLBACK.search(n) for n in answer.notices)


class _StatsCollector(Collector):
    """WeChat / WeCom counters read, at scrape time, from each responder's ``stats``."""

    def __init__(self, responders: Callable[[], dict[str, Any]]):
        self.responders = responders

    def collect(self) -> Iterator:
        families = {
            "messages": CounterMetricFamily("regchat_wechat_messages", "Messages received", labels=["channel"]),
            "retries": CounterMetricFamily("regchat_wechat_retries", "Platform retries of a message already "
                                           "being answered", labels=["channel"]),
            "replies": CounterMetricFamily("regchat_wechat_replies", "Answers delivered, by passive reply or "
                                           "pushed", labels=["channel", "how"]),
            "push_failures": CounterMetricFamily("regchat_wechat_push_failures", "Pushed messages that failed",
                                                 labels=["channel"]),
            "rate_limited": CounterMetricFamily("regchat_wechat_rate_limited", "Messages refused by the rate limit",
                                                labels=["channel"]),
        }
        for name, responder in self.responders().items():
            stats = getattr(responder, "stats", None) or {}
            families["messages"].add_metric([name], stats.get("messages", 0))
            families["retries"].add_metric([name], max(0, stats.get("tries", 0) - stats.get("messages", 0)))
            families["replies"].add_metric([name, "passive"], stats.get("passive", 0))
            families["replies"].add_metric([name, "pushed"], stats.get("pushed_answers", 0))
            families["push_failures"].add_metric([name], stats.get("push_failures", 0))
            families["rate_limited"].add_metric([name], stats.get("rate_limited", 0))
        yield from families.values()


class _IndexCollector(Collector):
    def __init__(self, info: Callable[[], dict[str, Any] | None]):
        self.info = info

    def collect(self) -> Iterator:
        info = self.info() or {}
        ready = GaugeMetricFamily("regchat_index_ready", "1 when the answer engine is built")
        ready.add_metric([], 1 if info else 0)
        yield ready
        if info:
            version = InfoMetricFamily("regchat_index", "The active index version")
            version.add_metric([], {"version": str(info.get("version") or ""), "embedder": str(info.get("embedder")
                                                                                                or "")})
            yield version
            for key, help_text in (("provisions", "Provisions in the active index"),
                                   ("documents", "Documents in the active index")):
                if info.get(key) is not None:
                    gauge = GaugeMetricFamily(f"regchat_index_{key}", help_text)
                    gauge.add_metric([], info[key])
                    yield gauge


class Metrics:
    """The process's metrics, in their own registry (one per app, so tests do not share counters)."""

    def __init__(self, registry: CollectorRegistry | None = None):
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.latency = Histogram("regchat_answer_seconds", "Time to answer a question", ["channel", "mode"],
                                 buckets=LATENCY_BUCKETS, registry=r)
        self.answers = Counter("regchat_answers", "Answers given, by outcome", ["channel", "outcome"], registry=r)
        self.errors = Counter("regchat_answer_errors", "Questions that got no answer", ["channel", "kind"],
                              registry=r)
        self.removals = Counter("regchat_guardrail_removals", "What the guardrails removed or flagged", ["kind"],
                                registry=r)
        self.fallbacks = Counter("regchat_model_fallbacks", "Answers composed offline instead of by the model",
                                 registry=r)
        self.feedback = Counter("regchat_feedback", "Ratings of answers", ["rating", "channel"], registry=r)

    def observe(self, answer: Answer, *, channel: str, seconds: float) -> Outcome:
        outcome = outcome_of(answer)
        self.latency.labels(channel, answer.mode).observe(seconds)
        self.answers.labels(channel, outcome).inc()
        for kind, count in guardrail_kinds(answer).items():
            self.removals.labels(kind).inc(count)
        if fell_back(answer):
            self.fallbacks.inc()
        return outcome

    def observe_error(self, exc: BaseException, *, channel: str) -> None:
        self.errors.labels(channel, type(exc).__name__).inc()

    def rated(self, rating: str, channel: str) -> None:
        self.feedback.labels(rating, channel).inc()

    def watch_wechat(self, responders: Callable[[], dict[str, Any]]) -> None:
        self.registry.register(_StatsCollector(responders))

    def watch_index(self, info: Callable[[], dict[str, Any] | None]) -> None:
        self.registry.register(_IndexCollector(info))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


__all__ = ["CONTENT_TYPE", "Metrics", "OUTCOMES", "fell_back", "guardrail_kinds", "outcome_of"]
