"""Durable push delivery: the outbox and the worker that empties it.

A message that needs an engine answer enters the outbox (``computing``) as
soon as its first try arrives, before any reply is given up on; the answer,
once computed, is ``held`` there until a try takes it as a passive reply
(``answered``) or it must be pushed (``ready``). The worker pushes ready
items, one message part at a time, recording each part sent, with
exponential backoff on failures that may pass (-1 busy, HTTP 5xx, timeouts,
malformed bodies, the API down) and none on refusals that cannot
(45015: outside the 48-hour window, 45047: quota used up): those become
``failed`` and stay listed (``regchat outbox``) for a person.

Each item has one delivery key (channel, sender, message id) and is leased to
one worker at a time, so two workers or a rolling restart never push it
twice. A worker that dies (SIGKILL) leaves its items leased until
``lease`` runs out; any worker then takes them over: a computation is done
again, a push resumes from the first part not recorded as sent.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from regchat.errors import RegchatError
from regchat.state import ACTIVE, OutboxItem, StateStore

from .delivery import DeliveryError, Pusher

log = logging.getLogger("regchat.wechat")


@dataclass(frozen=True)
class OutboxPolicy:
    attempts: int = 8
    """Push attempts before an item is marked failed."""
    backoff: float = 2.0
    """Delay before the first retry, seconds; doubled after each further failure."""
    max_backoff: float = 300.0
    lease: float = 120.0
    """How long a worker holds an item it computes or pushes before another may take it over."""
    poll: float = 0.5
    """How often the worker looks for due items."""
    keep: float = 7 * 86400.0
    """How long delivered and answered items are kept."""
    batch: int = 32
    """Items one worker handles at once."""

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.backoff <= 0 or self.lease <= 0 or self.poll <= 0:
            raise ValueError("attempts must be at least 1; backoff, lease and poll positive.")

    def delay(self, attempts: int) -> float:
        return min(self.max_backoff, self.backoff * 2 ** max(0, attempts - 1))


def worker_name() -> str:
    """A name for this process, unique among the workers sharing a store."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Channel(Protocol):
    """What the worker needs from a channel's responder."""

    pusher: Pusher | None

    async def recompute(self, item: OutboxItem) -> list[str] | None:
        """The messages for an item whose computation was lost, or None when it needs no push."""
        ...


class Outbox:
    """The outbox of one server process, on the shared store."""

    def __init__(self, store: StateStore, clock: Callable[[], float], policy: OutboxPolicy = OutboxPolicy(),
                 owner: str | None = None):
        self.store, self.clock, self.policy = store, clock, policy
        self.owner = owner or worker_name()
        self.channels: dict[str, Channel] = {}
        self._wake = asyncio.Event()
        self.stats = {"pushed_messages": 0, "delivered": 0, "retries": 0, "failed": 0, "taken_over": 0}

    # -- writing -------------------------------------------------------------
    def open(self, key: str, channel: str, user: str, question: str) -> bool:
        """Record a message whose answer is being computed here; False if the key is known already."""
        now = self.clock()
        return self.store.outbox_add(OutboxItem(key=key, channel=channel, user=user, question=question,
                                                status="computing", next_at=now + self.policy.lease,
                                                created=now, owner=self.owner))

    def hold(self, key: str, messages: list[str]) -> None:
        """The answer is computed; whether it is pushed is not decided yet."""
        item = self.store.outbox_get(key)
        if item is not None and item.status in ("computing", "held"):
            item.status, item.messages = "held", list(messages)
            item.next_at, item.owner = self.clock() + self.policy.lease, self.owner
            self.store.outbox_save(item)

    def push(self, key: str, messages: list[str], *, channel: str = "", user: str = "",
             local: bool = False) -> OutboxItem | None:
        """Queue ``messages`` for pushing. ``local``: leased to this process, which delivers it at once
        (``deliver_leased``); otherwise any worker does. None when the key was queued before."""
        now = self.clock()
        item = self.store.outbox_get(key)
        if item is None:
            item = OutboxItem(key=key, channel=channel, user=user, question="", created=now)
            self.store.outbox_add(item)
        elif item.status not in ("computing", "held"):
            return None  # already queued, delivered or failed: never twice
        item.status, item.messages, item.sent, item.attempts = "ready", list(messages), 0, 0
        item.next_at, item.owner = (now + self.policy.lease, self.owner) if local else (now, "")
        self.store.outbox_save(item)
        if not local:
            self._wake.set()
        return item

    async def deliver_leased(self, item: OutboxItem, *, delay: float = 0.0) -> None:
        """Deliver an item this process holds the lease of (after ``delay`` seconds)."""
        if delay:
            await asyncio.sleep(delay)
        channel = self.channels.get(item.channel)
        try:
            await self._deliver(item, channel.pusher if channel else None)
        except RegchatError as exc:  # the store went away mid-way: the lease brings it back
            log.error("outbox: %s: %s", item.key, exc)

    def answered(self, key: str) -> None:
        """The answer went out as a passive reply."""
        item = self.store.outbox_get(key)
        if item is not None and item.status in ("computing", "held"):
            item.status, item.next_at = "answered", self.clock()
            self.store.outbox_save(item)

    # -- the worker ------------------------------------------------------------
    async def run_once(self) -> int:
        """Handle every item due now; how many were handled."""
        now = self.clock()
        items = self.store.outbox_lease(now=now, until=now + self.policy.lease, owner=self.owner,
                                        limit=self.policy.batch)

        async def handle(item: OutboxItem) -> None:
            try:
                await self._handle(item)
            except RegchatError as exc:  # the store went away mid-way: the lease brings it back
                log.error("outbox: %s: %s", item.key, exc)

        # Side by side: a recomputation or a stalled push must not hold up the others' leases.
        await asyncio.gather(*(handle(item) for item in items))
        return len(items)

    async def run_forever(self) -> None:
        """Resume what earlier processes left and deliver what comes; until cancelled."""
        purge_at = 0.0
        while True:
            try:
                while await self.run_once():
                    pass
                if self.clock() >= purge_at:
                    self.store.outbox_purge(before=self.clock() - self.policy.keep)
                    purge_at = self.clock() + 3600.0
            except RegchatError as exc:
                log.error("outbox: %s", exc)
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), self.policy.poll)
            except TimeoutError:
                pass

    def kick(self) -> None:
        self._wake.set()

    def pending(self) -> list[OutboxItem]:
        return self.store.outbox_list(ACTIVE)

    async def _handle(self, item: OutboxItem) -> None:
        channel = self.channels.get(item.channel)
        if channel is None:
            log.warning("outbox: %s is for channel %r, not served by this process", item.key, item.channel)
            return
        if item.status in ("computing", "held"):
            # Its worker went away before deciding; WeChat's tries are long over: push it.
            self.stats["taken_over"] += 1
            log.info("outbox: taking over %s (%s; its worker went away)", item.key, item.status)
            # The channel knows whether a try took the answer passively meanwhile, and reuses an
            # answer already computed.
            messages = await channel.recompute(item)
            if messages is None:
                item.status = "answered"
                self.store.outbox_save(item)
                return
            item.status, item.messages, item.sent, item.attempts = "ready", list(messages), 0, 0
            self.store.outbox_save(item)
        if item.status == "ready":
            await self._deliver(item, channel.pusher)

    async def _deliver(self, item: OutboxItem, pusher: Pusher | None) -> None:
        if pusher is None:
            item.status, item.last_error = "failed", "no push credentials"
            self.store.outbox_save(item)
            return
        while item.sent < len(item.messages):
            try:
                await pusher.send_text(item.user, item.messages[item.sent])
            except DeliveryError as exc:
                item.attempts += 1
                item.last_error = str(exc)
                if exc.final or item.attempts >= self.policy.attempts:
                    item.status = "failed"
                    self.stats["failed"] += 1
                    log.error("outbox: %s failed after %d attempt(s): %s", item.key, item.attempts, exc)
                else:
                    item.next_at = self.clock() + self.policy.delay(item.attempts)
                    self.stats["retries"] += 1
                    log.warning("outbox: %s attempt %d failed (%s); next in %.1f s", item.key, item.attempts,
                                exc, self.policy.delay(item.attempts))
                self.store.outbox_save(item)
                return
            item.sent += 1
            self.stats["pushed_messages"] += 1
            self.store.outbox_save(item)  # a restart resumes after the parts already sent
        item.status, item.last_error = "delivered", ""
        self.stats["delivered"] += 1
        self.store.outbox_save(item)



_STATUS_TEXT = {
    "computing": "being computed",
    "held": "computed, waiting for WeChat's retry",
    "ready": "queued for a push",
    "failed": "FAILED",
    "delivered": "delivered",
    "answered": "answered passively",
}


def describe(items: list[OutboxItem]) -> list[str]:
    """One line per item, for people: status, delivery key, progress, last error, the question's start."""
    import datetime as dt

    lines = []
    for item in items:
        when = dt.datetime.fromtimestamp(item.created, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")
        progress = f"{item.sent}/{len(item.messages)} sent" if item.messages else "no answer yet"
        question = item.question if len(item.question) <= 40 else item.question[:39] + "…"
        line = f"{when}  {_STATUS_TEXT.get(item.status, item.status):<36} {item.key}  {progress}"
        if item.attempts:
            line += f", {item.attempts} attempt(s)"
        if item.last_error:
            line += f"; last error: {item.last_error}"
        if question:
            line += f"  «{question}»"
        lines.append(line)
    return lines
