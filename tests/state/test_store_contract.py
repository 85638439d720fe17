"""One contract, two backends: every test here runs on the SQLite file and on a real
redis-server started on loopback for the test run."""

from __future__ import annotations

import threading
import time

import pytest

from regchat.errors import ConfigError, StateError
from regchat.settings import Settings
from regchat.state import OutboxItem, SqliteStore, StoredMemory, StoredRateLimiter, open_store
from regchat.state.redis_store import RedisStore


@pytest.fixture(params=["sqlite", "redis"])
def store(request, tmp_path):
    if request.param == "sqlite":
        s = SqliteStore(tmp_path / "state.sqlite3")
    else:
        s = RedisStore(request.getfixturevalue("redis_url"))
    yield s
    s.close()


def wait_until_gone(store, key, limit=10.0):
    """Expiry is the backend's own clock: poll until the key is gone (bounded)."""
    end = time.monotonic() + limit
    while store.get(key) is not None:
        assert time.monotonic() < end, f"{key} did not expire"
        time.sleep(0.05)


def test_claim_is_won_once(store):
    assert store.claim("dedup:wechat:o_a:1", "w1", ttl=60)
    assert not store.claim("dedup:wechat:o_a:1", "w2", ttl=60)
    assert store.get("dedup:wechat:o_a:1") == "w1"
    assert store.claim("dedup:wechat:o_b:1", "w2", ttl=60)  # another sender, same MsgId


def test_claim_is_won_once_among_threads(store):
    wins = []

    def contend(i):
        if store.claim("race", f"t{i}", ttl=60):
            wins.append(i)

    threads = [threading.Thread(target=contend, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(wins) == 1


def test_claims_and_values_expire(store):
    store.claim("short", "x", ttl=0.2)
    store.put("value", "v", ttl=0.2)
    wait_until_gone(store, "short")
    wait_until_gone(store, "value")
    assert store.claim("short", "y", ttl=60)


def test_put_get_delete(store):
    assert store.get("k") is None
    store.put("k", "一", ttl=60)
    store.put("k", "二", ttl=60)
    assert store.get("k") == "二"
    assert not store.delete("k", only_if="一")
    assert store.get("k") == "二"
    assert store.delete("k", only_if="二")
    assert store.get("k") is None and not store.delete("k")


def test_incr_counts_from_one(store):
    assert [store.incr("tries", ttl=60) for _ in range(3)] == [1, 2, 3]
    assert store.incr("other", ttl=60) == 1


def test_conversation_memory_keeps_the_last_turns(store):
    memory = StoredMemory(store, ttl=60, max_turns=2)
    assert memory.history("u") == ()
    for i in range(3):
        memory.remember("u", f"q{i}", f"答{i}")
    assert [t["content"] for t in memory.history("u")] == ["q1", "答1", "q2", "答2"]
    assert memory.history("u")[0]["role"] == "user"
    assert memory.history("v") == ()
    memory.forget("u")
    assert memory.history("u") == ()


def test_conversation_memory_is_forgotten_after_silence(store):
    memory = StoredMemory(store, ttl=0.2)
    memory.remember("u", "q", "a")
    end = time.monotonic() + 10
    while memory.history("u"):
        assert time.monotonic() < end
        time.sleep(0.05)


def test_rate_limit_is_a_sliding_window(store):
    now = 1_790_000_000.0
    assert [store.hit("u", limit=2, period=60, now=now + i)[0] for i in range(3)] == [True, True, False]
    allowed, wait = store.hit("u", limit=2, period=60, now=now + 30)
    assert not allowed and wait == pytest.approx(30)
    assert store.hit("u", limit=2, period=60, now=now + 60.5)[0]  # the first one left the window
    assert store.hit("other", limit=2, period=60, now=now)[0]


def test_stored_rate_limiter_says_how_long_to_wait(store):
    clock = [1_790_000_000.0]
    limiter = StoredRateLimiter(store, lambda: clock[0], limit=1, period=60)
    assert limiter.allow("u")
    clock[0] += 20
    assert not limiter.allow("u")
    assert limiter.retry_after("u") == pytest.approx(40)


def item(key="wechat:o_a:1", **kw) -> OutboxItem:
    values = dict(key=key, channel="wechat", user="o_a", question="续签？", next_at=100.0, created=50.0)
    values.update(kw)
    return OutboxItem(**values)


def test_outbox_add_is_idempotent_per_delivery_key(store):
    assert store.outbox_add(item())
    assert not store.outbox_add(item(question="another"))
    assert store.outbox_get("wechat:o_a:1").question == "续签？"
    assert store.outbox_get("missing") is None


def test_outbox_lease_gives_due_items_to_one_owner_until_the_lease_ends(store):
    store.outbox_add(item("a", next_at=100.0))
    store.outbox_add(item("b", next_at=200.0))
    store.outbox_add(item("c", next_at=50.0, status="delivered"))
    leased = store.outbox_lease(now=150.0, until=160.0, owner="w1")
    assert [i.key for i in leased] == ["a"] and leased[0].owner == "w1" and leased[0].next_at == 160.0
    assert store.outbox_lease(now=155.0, until=170.0, owner="w2") == []
    assert [i.key for i in store.outbox_lease(now=165.0, until=300.0, owner="w2")] == ["a"]
    assert [i.key for i in store.outbox_lease(now=250.0, until=400.0, owner="w3")] == ["b"]


def test_outbox_lease_among_threads_never_double_leases(store):
    for i in range(30):
        store.outbox_add(item(f"k{i}", next_at=float(i)))
    got: list[str] = []
    lock = threading.Lock()

    def worker(name):
        while True:
            leased = store.outbox_lease(now=100.0, until=1000.0, owner=name, limit=3)
            if not leased:
                return
            with lock:
                got.extend(i.key for i in leased)

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(got) == sorted(f"k{i}" for i in range(30))


def test_outbox_save_moves_items_in_and_out_of_the_queue(store):
    store.outbox_add(item("a", next_at=10.0))
    [a] = store.outbox_lease(now=20.0, until=30.0, owner="w")
    a.status, a.messages, a.sent = "delivered", ["一", "二"], 2
    store.outbox_save(a)
    assert store.outbox_lease(now=1e12, until=2e12, owner="w") == []
    assert store.outbox_get("a").messages == ["一", "二"]
    a.status, a.next_at, a.last_error = "ready", 40.0, "HTTP 500"
    store.outbox_save(a)
    assert [i.last_error for i in store.outbox_lease(now=50.0, until=60.0, owner="w")] == ["HTTP 500"]


def test_outbox_lists_undelivered_and_failed_and_purges_only_finished(store):
    store.outbox_add(item("pending", created=1.0))
    store.outbox_add(item("failed", created=2.0, status="failed", last_error="errcode 45015"))
    store.outbox_add(item("done", created=3.0, status="delivered"))
    store.outbox_add(item("passive", created=4.0, status="answered"))
    assert [i.key for i in store.outbox_list()] == ["pending", "failed"]
    assert [i.key for i in store.outbox_list(("failed",))] == ["failed"]
    assert store.outbox_purge(before=10.0) == 2
    assert store.outbox_get("done") is None and store.outbox_get("failed") is not None
    assert [i.key for i in store.outbox_list()] == ["pending", "failed"]


def test_sqlite_state_survives_a_new_process_handle(tmp_path):
    first = SqliteStore(tmp_path / "s.sqlite3")
    first.claim("dedup", "w1", ttl=600)
    first.outbox_add(item())
    first.close()
    second = SqliteStore(tmp_path / "s.sqlite3")
    assert not second.claim("dedup", "w2", ttl=600)
    assert second.outbox_get("wechat:o_a:1") is not None


def test_open_store_follows_the_settings(tmp_path, redis_url):
    default = open_store(Settings(_env_file=None, data_dir=tmp_path))
    assert isinstance(default, SqliteStore) and default.path == tmp_path / "state.sqlite3"
    shared = open_store(Settings(_env_file=None, data_dir=tmp_path, state_url=redis_url))
    assert isinstance(shared, RedisStore)
    with pytest.raises(ConfigError):
        open_store(Settings(_env_file=None, state_url="memcached://x"))


def test_unreachable_redis_is_a_state_error_without_the_password():
    with pytest.raises(StateError) as caught:
        RedisStore("redis://:hunter2@127.0.0.1:9/0")
    assert "hunter2" not in str(caught.value)
