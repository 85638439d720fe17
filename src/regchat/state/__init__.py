"""Where regchat keeps what must outlive a request: WeChat / WeCom dedup records,
pending answers and the push outbox, conversation memory, rate-limit counters
and the cached access token.

Two backends with one contract (``base.StateStore``): a SQLite file in the
data directory (the default; survives restarts, shared by the processes of one
machine), and Redis (``REGCHAT_STATE_URL=redis://...``) for several workers or
machines.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from regchat.errors import ConfigError
from regchat.settings import Settings

from .base import ACTIVE, UNDELIVERED, OutboxItem, OutboxStatus, StateStore
from .sqlite_store import SqliteStore

__all__ = ["ACTIVE", "UNDELIVERED", "OutboxItem", "OutboxStatus", "SqliteStore", "StateStore", "StoredMemory",
           "StoredRateLimiter", "open_store"]


def open_store(settings: Settings, *, clock: Callable[[], float] = time.time) -> StateStore:
    """The store the settings name: ``REGCHAT_STATE_URL`` (``redis://``, ``rediss://``, ``unix://``,
    ``sqlite:///path``), or ``state.sqlite3`` in the data directory when it is unset."""
    url = settings.state_url.get_secret_value().strip() if settings.state_url else ""
    if not url:
        return SqliteStore(settings.data_dir / "state.sqlite3", clock=clock)
    if url.startswith("sqlite:///"):
        return SqliteStore(url.removeprefix("sqlite:///"), clock=clock)
    if url.startswith(("redis://", "rediss://", "unix://")):
        from .redis_store import RedisStore

        return RedisStore(url)
    raise ConfigError("REGCHAT_STATE_URL must start with redis://, rediss://, unix:// or sqlite:///.")


class StoredMemory:
    """Per-user conversation memory in the store (the ``ConversationMemory`` interface)."""

    def __init__(self, store: StateStore, *, ttl: float = 1800.0, max_turns: int = 6, prefix: str = ""):
        if ttl <= 0:
            raise ValueError("ttl must be positive.")
        if max_turns < 1:
            raise ValueError("max_turns must be at least 1.")
        self.store, self.ttl, self.max_turns, self.prefix = store, ttl, max_turns, prefix

    def history(self, user: str) -> tuple[dict[str, str], ...]:
        return tuple(self.store.turns(self.prefix + user))

    def remember(self, user: str, question: str, answer: str) -> None:
        self.store.append_turns(self.prefix + user, [{"role": "user", "content": question},
                                                     {"role": "assistant", "content": answer}],
                                keep=2 * self.max_turns, ttl=self.ttl)

    def forget(self, user: str) -> None:
        self.store.forget(self.prefix + user)


class StoredRateLimiter:
    """At most ``limit`` messages per user in any ``period`` seconds, counted in the store
    (the ``RateLimiter`` interface)."""

    def __init__(self, store: StateStore, clock: Callable[[], float], *, limit: int = 10, period: float = 60.0,
                 prefix: str = ""):
        if limit < 1 or period <= 0:
            raise ValueError("limit must be at least 1 and period positive.")
        self.store, self._clock, self.limit, self.period, self.prefix = store, clock, limit, period, prefix
        self._waits: dict[str, float] = {}

    def allow(self, user: str) -> bool:
        allowed, wait = self.store.hit(self.prefix + user, limit=self.limit, period=self.period, now=self._clock())
        if allowed:
            self._waits.pop(user, None)
        else:
            self._waits[user] = wait
        return allowed

    def retry_after(self, user: str) -> float:
        """Seconds until ``user`` may send again, as of their last refused message."""
        return self._waits.pop(user, 0.0)
