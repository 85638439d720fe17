"""Request guards for the callbacks: the timestamp window, nonce replay
detection and per-user rate limiting. The clock is passed in."""

from __future__ import annotations

import re
from collections import OrderedDict, deque
from collections.abc import Callable

from .crypto import CallbackRejected

_TIMESTAMP = re.compile(r"\d{1,12}")
_NONCE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def check_timestamp(timestamp: str | None, now: float, window: float) -> int:
    """The request timestamp as an int, if it is well formed and within ``window`` seconds of ``now``."""
    if not timestamp or not _TIMESTAMP.fullmatch(timestamp):
        raise CallbackRejected("missing or malformed timestamp", 400)
    value = int(timestamp)
    if abs(now - value) > window:
        raise CallbackRejected("stale timestamp")
    return value


def check_nonce(nonce: str | None) -> str:
    if not nonce or not _NONCE.fullmatch(nonce):
        raise CallbackRejected("missing or malformed nonce", 400)
    return nonce


class NonceLedger:
    """Remembers each (timestamp, nonce) seen within the timestamp window and what it carried.

    A nonce may be used for one message only. ``claim`` returns normally the
    first time, and again when the same nonce comes back carrying the same
    message (``subject``): that is a retry, which the webhook answers from its
    cache without new work. The same nonce with anything else is a replay.
    """

    def __init__(self, clock: Callable[[], float], window: float = 300.0, max_entries: int = 100_000):
        self._clock, self.window, self.max_entries = clock, window, max_entries
        self._seen: OrderedDict[tuple[str, str], tuple[str, float]] = OrderedDict()

    def claim(self, timestamp: str, nonce: str, subject: str) -> None:
        now = self._clock()
        self._expire(now)
        key = (timestamp, nonce)
        previous = self._seen.get(key)
        if previous is not None:
            if previous[0] != subject:
                raise CallbackRejected("replayed nonce")
            return
        self._seen[key] = (subject, now)
        while len(self._seen) > self.max_entries:
            self._seen.popitem(last=False)

    def _expire(self, now: float) -> None:
        # A request older than the window is refused by the timestamp check anyway;
        # keep entries twice as long to allow for clock skew in both directions.
        while self._seen:
            _, (_, seen_at) = next(iter(self._seen.items()))
            if now - seen_at <= 2 * self.window:
                break
            self._seen.popitem(last=False)


class RateLimiter:
    """At most ``limit`` messages per user in any ``period`` seconds (sliding window)."""

    def __init__(self, clock: Callable[[], float], *, limit: int = 10, period: float = 60.0, max_users: int = 10_000):
        if limit < 1 or period <= 0:
            raise ValueError("limit must be at least 1 and period positive.")
        self._clock, self.limit, self.period, self.max_users = clock, limit, period, max_users
        self._events: OrderedDict[str, deque[float]] = OrderedDict()

    def allow(self, user: str) -> bool:
        """Count one message from ``user``; False when over the limit (not counted then)."""
        now = self._clock()
        events = self._events.pop(user, None) or deque()
        while events and now - events[0] >= self.period:
            events.popleft()
        allowed = len(events) < self.limit
        if allowed:
            events.append(now)
        self._events[user] = events
        while len(self._events) > self.max_users:
            self._events.popitem(last=False)
        return allowed

    def retry_after(self, user: str) -> float:
        """Seconds until ``user`` may send again (0 when allowed now)."""
        events = self._events.get(user)
        if not events or len(events) < self.limit:
            return 0.0
        return max(0.0, self.period - (self._clock() - events[0]))
