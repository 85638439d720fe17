"""Durable push delivery: the outbox under each fault of the push API (a loopback fake on a
real socket), on both state backends. Time between attempts is the outbox's clock, moved by
the test; nothing here waits for a backoff."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest
from wechat_harness import PushApi, ScriptedEngine, serve

from regchat.channels.wechat.delivery import PushAccount, Pusher
from regchat.channels.wechat.outbox import Outbox, OutboxPolicy, describe
from regchat.channels.wechat.responder import Responder
from regchat.state import OutboxItem, SqliteStore
from regchat.state.redis_store import RedisStore

POLICY = OutboxPolicy(attempts=4, backoff=10.0, lease=60.0)


class Clock:
    def __init__(self):
        self.now = 1_790_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture(params=["sqlite", "redis"])
def store_factory(request, tmp_path):
    """``make(clock)`` -> a store; every call on one test shares the same data."""
    made = []

    def make(clock):
        if request.param == "sqlite":
            s = SqliteStore(tmp_path / "state.sqlite3", clock=clock)
        else:
            s = RedisStore(request.getfixturevalue("redis_url"))
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


class Worker:
    """One server process's outbox and WeChat responder, pushing to ``url``."""

    def __init__(self, store, clock, url, *, timeout=2.0):
        self.client = httpx.AsyncClient(timeout=httpx.Timeout(timeout))
        account = PushAccount("wechat", url, "wxapp", "app-secret-value")
        pusher = Pusher(account, self.client, clock, backoff=0.01, store=store)
        self.outbox = Outbox(store, clock, POLICY)
        self.responder = Responder(ScriptedEngine(), pusher=pusher, clock=clock, store=store, outbox=self.outbox)


def queue(outbox: Outbox, key: str, messages: list[str], user: str = "o_user") -> None:
    outbox.store.outbox_add(OutboxItem(key=key, channel="wechat", user=user, question="q", status="held",
                                       created=outbox.clock(), next_at=outbox.clock() + 60))
    outbox.push(key, messages)


async def deliver(worker: Worker, clock: Clock, rounds: int = 8) -> None:
    """Run the worker as time passes: one pass now, then one after each backoff."""
    for _ in range(rounds):
        await worker.outbox.run_once()
        clock.now += 1000.0
    await worker.client.aclose()


def run_worker(store_factory, url, fill, *, timeout=2.0):
    clock = Clock()
    store = store_factory(clock)

    async def main():
        worker = Worker(store, clock, url, timeout=timeout)
        fill(worker.outbox)
        await deliver(worker, clock)
        return worker

    return asyncio.run(main()), store


@pytest.mark.parametrize("errcode", [45015, 45047])
def test_refusals_that_cannot_pass_are_final_and_kept_for_a_person(push_api, store_factory, errcode):
    api, url = push_api
    api.fail_next = [errcode]
    worker, store = run_worker(store_factory, url, lambda o: queue(o, "wechat:msg:o_user:1", ["answer"]))
    assert api.sent == [] and api.attempts == 1
    [failed] = store.outbox_list(("failed",))
    assert failed.key == "wechat:msg:o_user:1" and f"errcode {errcode}" in failed.last_error
    assert failed.attempts == 1 and worker.outbox.stats["failed"] == 1
    assert "FAILED" in describe([failed])[0] and str(errcode) in describe([failed])[0]


@pytest.mark.parametrize("fault", [-1, "http500", "malformed", "no errcode", "stall"])
def test_faults_that_may_pass_are_retried_until_delivered_once(push_api, store_factory, fault):
    api, url = push_api
    api.fail_next = [fault] * (3 if fault == -1 else 1)  # "busy" is first retried within the call
    api.stall_seconds = 1.5
    # Only the stall needs a short timeout; the others get a long one, so that a loaded machine's slow
    # second push is not taken for a fault of its own.
    worker, store = run_worker(store_factory, url, lambda o: queue(o, "wechat:msg:o_user:2", ["answer"]),
                               timeout=0.5 if fault == "stall" else 5.0)
    assert api.texts_for("o_user") == ["answer"]
    item = store.outbox_get("wechat:msg:o_user:2")
    assert item.status == "delivered" and item.attempts == 1 and store.outbox_list() == []
    assert worker.outbox.stats["retries"] == 1


def test_api_down_then_back_is_delivered_once(store_factory):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    clock = Clock()
    store = store_factory(clock)
    api = PushApi()

    async def down():
        worker = Worker(store, clock, url)
        queue(worker.outbox, "wechat:msg:o_user:3", ["one", "two"])
        await worker.outbox.run_once()
        await worker.client.aclose()

    asyncio.run(down())
    [waiting] = store.outbox_list()
    assert waiting.status == "ready" and waiting.attempts == 1 and "token" in waiting.last_error
    clock.now += 1000.0
    with serve(api.app, port=port):
        async def up():
            await deliver(Worker(store, clock, url), clock)

        asyncio.run(up())
    assert api.texts_for("o_user") == ["one", "two"]


def test_every_attempt_failing_ends_failed_after_the_limit(push_api, store_factory):
    api, url = push_api
    api.fail_next = ["http500"] * 10
    _, store = run_worker(store_factory, url, lambda o: queue(o, "wechat:msg:o_user:4", ["answer"]))
    [failed] = store.outbox_list(("failed",))
    assert failed.attempts == POLICY.attempts and "HTTP 500" in failed.last_error and api.sent == []


def test_a_long_answer_resumes_after_the_parts_already_sent(push_api, store_factory):
    api, url = push_api
    api.fail_next = [None, "http500"]  # part 1 goes out, part 2 fails once
    clock = Clock()
    store = store_factory(clock)

    async def main():
        worker = Worker(store, clock, url)
        queue(worker.outbox, "wechat:msg:o_user:5", ["(1/3)", "(2/3)", "(3/3)"])
        await worker.outbox.run_once()
        item = store.outbox_get("wechat:msg:o_user:5")
        assert (item.status, item.sent, item.attempts) == ("ready", 1, 1)
        clock.now += 1000
        await worker.outbox.run_once()
        await worker.client.aclose()

    asyncio.run(main())
    assert api.texts_for("o_user") == ["(1/3)", "(2/3)", "(3/3)"]


def test_one_delivery_key_is_pushed_once_by_two_workers(push_api, store_factory):
    api, url = push_api
    clock = Clock()
    one, two = store_factory(clock), store_factory(clock)

    async def main():
        a, b = Worker(one, clock, url), Worker(two, clock, url)
        queue(a.outbox, "wechat:msg:o_user:6", ["answer"])
        b.outbox.push("wechat:msg:o_user:6", ["answer again"])  # already queued: ignored
        await asyncio.gather(a.outbox.run_once(), b.outbox.run_once(), a.outbox.run_once())
        for w in (a, b):
            await w.client.aclose()

    asyncio.run(main())
    assert api.texts_for("o_user") == ["answer"]


def test_workers_share_one_access_token(push_api, store_factory):
    api, url = push_api
    clock = Clock()
    one, two = store_factory(clock), store_factory(clock)

    async def main():
        a, b = Worker(one, clock, url), Worker(two, clock, url)
        queue(a.outbox, "wechat:msg:o_user:7", ["first"])
        await a.outbox.run_once()
        queue(b.outbox, "wechat:msg:o_user:8", ["second"])
        await b.outbox.run_once()
        for w in (a, b):
            await w.client.aclose()

    asyncio.run(main())
    assert api.texts_for("o_user") == ["first", "second"] and len(api.token_requests) == 1


def test_a_computation_left_by_a_dead_worker_is_done_again_and_pushed(push_api, store_factory):
    api, url = push_api
    clock = Clock()
    store = store_factory(clock)

    async def main():
        dead = Outbox(store, clock, POLICY, owner="dead-worker")
        dead.open("wechat:msg:o_user:9", "wechat", "o_user", "When must I renew?")
        alive = Worker(store, clock, url)
        assert await alive.outbox.run_once() == 0  # still leased to the dead worker
        clock.now += POLICY.lease + 1
        await alive.outbox.run_once()
        await alive.client.aclose()
        return alive

    alive = asyncio.run(main())
    [pushed] = api.texts_for("o_user")
    assert "Answer to: When must I renew?" in pushed
    assert alive.responder.stats["engine_calls"] == 1 and alive.outbox.stats["taken_over"] == 1
    assert store.outbox_get("wechat:msg:o_user:9").status == "delivered"


def test_regchat_outbox_lists_undelivered_and_failed_answers(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from regchat.cli import main as cli
    from regchat.settings import Settings

    settings = Settings(_env_file=None, data_dir=tmp_path)
    def item(key, **kw):
        return OutboxItem(key=key, channel="wechat", user="o", question="q", created=1.0, **kw)

    store = SqliteStore(tmp_path / "state.sqlite3")
    store.outbox_add(item("wechat:msg:o_a:1", status="failed", attempts=1, last_error="push refused: errcode 45015"))
    store.outbox_add(item("wechat:msg:o_b:2", status="ready", messages=["a", "b"], sent=1, attempts=3,
                          last_error="push answered HTTP 502"))
    store.outbox_add(item("wechat:msg:o_c:3", status="delivered", messages=["a"], sent=1))
    store.close()
    monkeypatch.setattr("regchat.cli.get_settings", lambda: settings)
    shown = CliRunner().invoke(cli, ["outbox"])
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert len(lines) == 2 and "FAILED" in lines[0] and "errcode 45015" in lines[0]
    assert "queued for a push" in lines[1] and "1/2 sent" in lines[1] and "HTTP 502" in lines[1]
    assert len(CliRunner().invoke(cli, ["outbox", "--all"]).output.splitlines()) == 3
