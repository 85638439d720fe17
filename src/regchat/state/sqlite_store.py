"""The embedded state store: one SQLite file in the data directory.

It survives restarts and is shared safely by several processes on one machine
(WAL journal, every change in an immediate transaction). Expiry is checked
against the clock passed in.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from regchat.errors import StateError

from .base import ACTIVE, UNDELIVERED, OutboxItem

_SCHEMA = """
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires REAL NOT NULL);
CREATE INDEX IF NOT EXISTS kv_expires ON kv (expires);
CREATE TABLE IF NOT EXISTS events (key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS events_key ON events (key, at);
CREATE TABLE IF NOT EXISTS outbox (
    key TEXT PRIMARY KEY, status TEXT NOT NULL, next_at REAL NOT NULL, created REAL NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (status, next_at);
"""


class SqliteStore:
    """``StateStore`` on a SQLite file."""

    def __init__(self, path: Path | str, *, clock: Callable[[], float] = time.time):
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise StateError(f"cannot open the state store {self.path}: {exc}") from exc

    # -- plumbing --------------------------------------------------------------
    def _tx(self, fn):
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    result = fn(self._db)
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
                return result
            except sqlite3.Error as exc:
                raise StateError(f"state store {self.path}: {exc}") from exc

    def _read(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            try:
                return self._db.execute(sql, args).fetchall()
            except sqlite3.Error as exc:
                raise StateError(f"state store {self.path}: {exc}") from exc

    # -- key / value -------------------------------------------------------------
    def claim(self, key: str, value: str, ttl: float) -> bool:
        now = self._clock()

        def run(db: sqlite3.Connection) -> bool:
            db.execute("DELETE FROM kv WHERE key = ? AND expires <= ?", (key, now))
            cur = db.execute("INSERT OR IGNORE INTO kv (key, value, expires) VALUES (?, ?, ?)",
                             (key, value, now + ttl))
            return cur.rowcount == 1

        return self._tx(run)

    def get(self, key: str) -> str | None:
        rows = self._read("SELECT value FROM kv WHERE key = ? AND expires > ?", (key, self._clock()))
        return rows[0][0] if rows else None

    def put(self, key: str, value: str, ttl: float) -> None:
        expires = self._clock() + ttl
        self._tx(lambda db: db.execute("INSERT OR REPLACE INTO kv (key, value, expires) VALUES (?, ?, ?)",
                                       (key, value, expires)))

    def delete(self, key: str, *, only_if: str | None = None) -> bool:
        if only_if is None:
            return self._tx(lambda db: db.execute("DELETE FROM kv WHERE key = ?", (key,)).rowcount) > 0
        return self._tx(lambda db: db.execute("DELETE FROM kv WHERE key = ? AND value = ?",
                                              (key, only_if)).rowcount) > 0

    def incr(self, key: str, ttl: float) -> int:
        now = self._clock()

        def run(db: sqlite3.Connection) -> int:
            row = db.execute("SELECT value FROM kv WHERE key = ? AND expires > ?", (key, now)).fetchone()
            if row is None:
                db.execute("INSERT OR REPLACE INTO kv (key, value, expires) VALUES (?, '1', ?)", (key, now + ttl))
                return 1
            value = int(row[0]) + 1
            db.execute("UPDATE kv SET value = ? WHERE key = ?", (str(value), key))
            return value

        return self._tx(run)

    # -- conversation memory ---------------------------------------------------------
    def append_turns(self, user: str, turns: list[dict[str, str]], *, keep: int, ttl: float) -> None:
        now, key = self._clock(), "turns:" + user

        def run(db: sqlite3.Connection) -> None:
            row = db.execute("SELECT value FROM kv WHERE key = ? AND expires > ?", (key, now)).fetchone()
            history = (json.loads(row[0]) if row else []) + list(turns)
            db.execute("INSERT OR REPLACE INTO kv (key, value, expires) VALUES (?, ?, ?)",
                       (key, json.dumps(history[-keep:], ensure_ascii=False), now + ttl))

        self._tx(run)

    def turns(self, user: str) -> list[dict[str, str]]:
        value = self.get("turns:" + user)
        return json.loads(value) if value else []

    def forget(self, user: str) -> None:
        self.delete("turns:" + user)

    # -- rate limits -------------------------------------------------------------------
    def hit(self, key: str, *, limit: int, period: float, now: float) -> tuple[bool, float]:
        def run(db: sqlite3.Connection) -> tuple[bool, float]:
            db.execute("DELETE FROM events WHERE key = ? AND at <= ?", (key, now - period))
            times = [t for (t,) in db.execute("SELECT at FROM events WHERE key = ? ORDER BY at", (key,))]
            if len(times) < limit:
                db.execute("INSERT INTO events (key, at) VALUES (?, ?)", (key, now))
                return True, 0.0
            return False, max(0.0, period - (now - times[0]))

        return self._tx(run)

    # -- outbox ----------------------------------------------------------------------------
    def outbox_add(self, item: OutboxItem) -> bool:
        return self._tx(lambda db: db.execute(
            "INSERT OR IGNORE INTO outbox (key, status, next_at, created, data) VALUES (?, ?, ?, ?, ?)",
            (item.key, item.status, item.next_at, item.created, item.to_json())).rowcount) == 1

    def outbox_get(self, key: str) -> OutboxItem | None:
        rows = self._read("SELECT data FROM outbox WHERE key = ?", (key,))
        return OutboxItem.from_json(rows[0][0]) if rows else None

    def outbox_save(self, item: OutboxItem) -> None:
        self._tx(lambda db: db.execute("UPDATE outbox SET status = ?, next_at = ?, data = ? WHERE key = ?",
                                       (item.status, item.next_at, item.to_json(), item.key)))

    def outbox_lease(self, *, now: float, until: float, owner: str, limit: int = 20) -> list[OutboxItem]:
        marks = ",".join("?" * len(ACTIVE))

        def run(db: sqlite3.Connection) -> list[OutboxItem]:
            rows = db.execute(f"SELECT data FROM outbox WHERE status IN ({marks}) AND next_at <= ? "
                              "ORDER BY next_at LIMIT ?", (*ACTIVE, now, limit)).fetchall()
            items = []
            for (data,) in rows:
                item = OutboxItem.from_json(data)
                item.next_at, item.owner = until, owner
                db.execute("UPDATE outbox SET next_at = ?, data = ? WHERE key = ?",
                           (until, item.to_json(), item.key))
                items.append(item)
            return items

        return self._tx(run)

    def outbox_list(self, statuses: tuple[str, ...] = UNDELIVERED) -> list[OutboxItem]:
        marks = ",".join("?" * len(statuses))
        rows = self._read(f"SELECT data FROM outbox WHERE status IN ({marks}) ORDER BY created", tuple(statuses))
        return [OutboxItem.from_json(data) for (data,) in rows]

    def outbox_purge(self, *, before: float) -> int:
        def run(db: sqlite3.Connection) -> int:
            db.execute("DELETE FROM kv WHERE expires <= ?", (self._clock(),))
            db.execute("DELETE FROM events WHERE at < ?", (before,))  # users who never came back
            return db.execute("DELETE FROM outbox WHERE status IN ('delivered', 'answered') AND created < ?",
                              (before,)).rowcount

        return self._tx(run)

    def close(self) -> None:
        with self._lock:
            self._db.close()
