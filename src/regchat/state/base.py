"""The state-store contract shared by both backends.

What the WeChat / WeCom channels must remember between requests, processes
and machines lives here: dedup records and try counters (``claim``,
``incr``), finished answers and outcomes (``put`` / ``get``), the cached
access token, conversation memory (``append_turns`` / ``turns``), rate-limit
counters (``hit``) and the push outbox (``outbox_*``).

Every operation is atomic on its own: two workers calling ``claim`` with the
same key never both win, two workers calling ``outbox_lease`` never lease the
same item at once.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Literal, Protocol

OutboxStatus = Literal["computing", "held", "ready", "delivered", "answered", "failed"]
"""* computing: the answer is being computed by ``owner`` (until ``next_at``);
* held: the answer is computed, whether it goes passively or by push is not decided yet;
* ready: to be pushed (``messages[sent:]`` are still to go), due at ``next_at``;
* delivered: every message pushed; answered: the user got it as a passive reply;
* failed: the platform refused it for good, or every attempt failed (kept for a person to see)."""

ACTIVE: tuple[OutboxStatus, ...] = ("computing", "held", "ready")
UNDELIVERED: tuple[OutboxStatus, ...] = ("computing", "held", "ready", "failed")


@dataclass
class OutboxItem:
    """One message's answer on its way to a user. ``key`` is the delivery key:
    channel, sender and message id, the same on every worker."""

    key: str
    channel: str
    user: str
    question: str
    status: OutboxStatus = "computing"
    messages: list[str] = field(default_factory=list)
    sent: int = 0
    attempts: int = 0
    next_at: float = 0.0
    created: float = 0.0
    owner: str = ""
    last_error: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | bytes) -> "OutboxItem":
        return cls(**json.loads(text))


class StateStore(Protocol):
    """What regchat keeps between requests. ``ttl`` is in seconds; ``now`` is wall-clock seconds."""

    def claim(self, key: str, value: str, ttl: float) -> bool:
        """Set ``key`` to ``value`` unless it is set already; True when this call set it."""
        ...

    def get(self, key: str) -> str | None: ...

    def put(self, key: str, value: str, ttl: float) -> None: ...

    def delete(self, key: str, *, only_if: str | None = None) -> bool:
        """Remove ``key`` (only while its value is ``only_if``, when given); True when removed."""
        ...

    def incr(self, key: str, ttl: float) -> int:
        """Add one to the counter ``key`` (created at 0 with ``ttl``) and return the new value."""
        ...

    def append_turns(self, user: str, turns: list[dict[str, str]], *, keep: int, ttl: float) -> None:
        """Add turns to ``user``'s conversation, keep the last ``keep``; forgotten after ``ttl`` of silence."""
        ...

    def turns(self, user: str) -> list[dict[str, str]]: ...

    def forget(self, user: str) -> None: ...

    def hit(self, key: str, *, limit: int, period: float, now: float) -> tuple[bool, float]:
        """Count one event for ``key`` unless ``limit`` happened in the last ``period`` seconds.
        Returns (allowed, seconds until the next one is allowed)."""
        ...

    def outbox_add(self, item: OutboxItem) -> bool:
        """Store ``item`` unless its key is already in the outbox; True when stored."""
        ...

    def outbox_get(self, key: str) -> OutboxItem | None: ...

    def outbox_save(self, item: OutboxItem) -> None:
        """Write ``item`` back (its key must be in the outbox)."""
        ...

    def outbox_lease(self, *, now: float, until: float, owner: str, limit: int = 20) -> list[OutboxItem]:
        """Active items due by ``now`` (oldest due first), each leased to ``owner`` until ``until``:
        no other call leases them before then."""
        ...

    def outbox_list(self, statuses: tuple[str, ...] = UNDELIVERED) -> list[OutboxItem]: ...

    def outbox_purge(self, *, before: float) -> int:
        """Forget delivered and answered items created before ``before`` (and any other record
        that expired); how many outbox items were removed."""
        ...

    def close(self) -> None: ...
