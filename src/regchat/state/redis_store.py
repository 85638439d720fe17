"""The shared state store: Redis, for several workers or machines.

Every key lives under one prefix (``regchat:`` by default). Expiry is Redis's
own; operations that read and then write run as Lua scripts, so they are
atomic across workers.
"""

from __future__ import annotations

import functools
import json
import uuid

import redis

from regchat.errors import StateError

from .base import ACTIVE, UNDELIVERED, OutboxItem

_DELETE_IF = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

_INCR = """
local value = redis.call('INCR', KEYS[1])
if value == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return value
"""

_HIT = """
local now, period, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - period)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], math.ceil(period * 1000))
  return {1, '0'}
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, tostring(period - (now - tonumber(first[2])))}
"""

_OUTBOX_ADD = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  if ARGV[5] == '1' then redis.call('ZADD', KEYS[2], ARGV[2], ARGV[4]) end
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
  return 1
end
return 0
"""

_OUTBOX_SAVE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
if ARGV[3] == '1' then redis.call('ZADD', KEYS[2], ARGV[2], ARGV[4]) else redis.call('ZREM', KEYS[2], ARGV[4]) end
return 1
"""

_OUTBOX_LEASE = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], ARGV[2], id) end
return ids
"""


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))


def _errors(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except redis.RedisError as exc:
            raise StateError(f"state store {self.location}: {type(exc).__name__}: {exc}") from exc

    return wrapper


class RedisStore:
    """``StateStore`` on a Redis server (``redis://host:port/db``)."""

    def __init__(self, url: str, *, prefix: str = "regchat:"):
        self.prefix = prefix
        try:
            self._r = redis.Redis.from_url(url, decode_responses=True, socket_timeout=10.0,
                                           socket_connect_timeout=5.0, health_check_interval=30)
        except ValueError as exc:
            raise StateError(f"REGCHAT_STATE_URL is not a Redis URL: {exc}") from exc
        # The location without the password, for messages.
        kw = self._r.connection_pool.connection_kwargs
        self.location = f"redis://{kw.get('host', '?')}:{kw.get('port', '?')}/{kw.get('db', 0)}"
        self._delete_if = self._r.register_script(_DELETE_IF)
        self._incr = self._r.register_script(_INCR)
        self._hit = self._r.register_script(_HIT)
        self._add = self._r.register_script(_OUTBOX_ADD)
        self._save = self._r.register_script(_OUTBOX_SAVE)
        self._lease = self._r.register_script(_OUTBOX_LEASE)
        self.ping()

    def _k(self, key: str) -> str:
        return self.prefix + key

    @_errors
    def ping(self) -> None:
        self._r.ping()

    # -- key / value -------------------------------------------------------------
    @_errors
    def claim(self, key: str, value: str, ttl: float) -> bool:
        return bool(self._r.set(self._k(key), value, nx=True, px=_ms(ttl)))

    @_errors
    def get(self, key: str) -> str | None:
        return self._r.get(self._k(key))

    @_errors
    def put(self, key: str, value: str, ttl: float) -> None:
        self._r.set(self._k(key), value, px=_ms(ttl))

    @_errors
    def delete(self, key: str, *, only_if: str | None = None) -> bool:
        if only_if is None:
            return self._r.delete(self._k(key)) > 0
        return int(self._delete_if(keys=[self._k(key)], args=[only_if])) > 0

    @_errors
    def incr(self, key: str, ttl: float) -> int:
        return int(self._incr(keys=[self._k(key)], args=[_ms(ttl)]))

    # -- conversation memory ---------------------------------------------------------
    @_errors
    def append_turns(self, user: str, turns: list[dict[str, str]], *, keep: int, ttl: float) -> None:
        key = self._k("turns:" + user)
        with self._r.pipeline(transaction=True) as pipe:
            pipe.rpush(key, *[json.dumps(t, ensure_ascii=False) for t in turns])
            pipe.ltrim(key, -keep, -1)
            pipe.pexpire(key, _ms(ttl))
            pipe.execute()

    @_errors
    def turns(self, user: str) -> list[dict[str, str]]:
        return [json.loads(t) for t in self._r.lrange(self._k("turns:" + user), 0, -1)]

    @_errors
    def forget(self, user: str) -> None:
        self._r.delete(self._k("turns:" + user))

    # -- rate limits -------------------------------------------------------------------
    @_errors
    def hit(self, key: str, *, limit: int, period: float, now: float) -> tuple[bool, float]:
        allowed, wait = self._hit(keys=[self._k("events:" + key)],
                                  args=[repr(now), repr(period), limit, f"{now!r}:{uuid.uuid4().hex}"])
        return bool(int(allowed)), max(0.0, float(wait))

    # -- outbox ----------------------------------------------------------------------------
    def _item_key(self, key: str) -> str:
        return self._k("outbox:item:" + key)

    @_errors
    def outbox_add(self, item: OutboxItem) -> bool:
        return int(self._add(keys=[self._item_key(item.key), self._k("outbox:due"), self._k("outbox:all")],
                             args=[item.to_json(), repr(item.next_at), repr(item.created), item.key,
                                   "1" if item.status in ACTIVE else "0"])) == 1

    @_errors
    def outbox_get(self, key: str) -> OutboxItem | None:
        data = self._r.get(self._item_key(key))
        return OutboxItem.from_json(data) if data else None

    @_errors
    def outbox_save(self, item: OutboxItem) -> None:
        self._save(keys=[self._item_key(item.key), self._k("outbox:due")],
                   args=[item.to_json(), repr(item.next_at), "1" if item.status in ACTIVE else "0", item.key])

    @_errors
    def outbox_lease(self, *, now: float, until: float, owner: str, limit: int = 20) -> list[OutboxItem]:
        keys = self._lease(keys=[self._k("outbox:due")], args=[repr(now), repr(until), limit])
        items = []
        for key in keys:
            item = self.outbox_get(key)
            if item is None:
                self._r.zrem(self._k("outbox:due"), key)
                continue
            item.next_at, item.owner = until, owner
            self._r.set(self._item_key(key), item.to_json(), xx=True)
            items.append(item)
        return items

    @_errors
    def outbox_list(self, statuses: tuple[str, ...] = UNDELIVERED) -> list[OutboxItem]:
        keys = self._r.zrange(self._k("outbox:all"), 0, -1)
        if not keys:
            return []
        found = self._r.mget([self._item_key(k) for k in keys])
        items = [OutboxItem.from_json(d) for d in found if d]
        return [i for i in items if i.status in statuses]

    @_errors
    def outbox_purge(self, *, before: float) -> int:
        keys = self._r.zrangebyscore(self._k("outbox:all"), "-inf", f"({before!r}")
        removed = 0
        for key in keys:
            item = self.outbox_get(key)
            if item is None or item.status in ("delivered", "answered"):
                with self._r.pipeline(transaction=True) as pipe:
                    pipe.delete(self._item_key(key))
                    pipe.zrem(self._k("outbox:all"), key)
                    pipe.zrem(self._k("outbox:due"), key)
                    pipe.execute()
                removed += item is not None
        return removed

    @_errors
    def close(self) -> None:
        self._r.close()
