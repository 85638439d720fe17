"""Real server processes on loopback: a worker killed with SIGKILL while an answer is pending,
then started again; two workers sharing one Redis receiving the same WeChat tries. The
push API is the loopback fake; the engine's choices are scripted (``wechat_worker.py``)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from wechat_harness import WeChatSimulator, text_xml

from regchat.state import SqliteStore
from regchat.state.redis_store import RedisStore

pytestmark = pytest.mark.slow

HERE = Path(__file__).parent
TOKEN, APP_ID, SECRET = "worker-token", "wxworker00000001", "worker-app-secret-6f1d2a"
TRY_TIMEOUT = 1.0  # wechat_worker.py --fast: WeChat's 5 s per try scaled down


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class WorkerProcess:
    """``wechat_worker.py`` in its own process, logging to a file."""

    def __init__(self, env: dict[str, str], log: Path):
        self.port, self.env, self.log = free_port(), env, log
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "WorkerProcess":
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen([sys.executable, str(HERE / "wechat_worker.py"), "--port", str(self.port),
                                             "--fast"], env=self.env, stdout=out, stderr=subprocess.STDOUT, cwd=HERE)
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(self.url + "/wechat", timeout=1.0)
                return self
            except httpx.TransportError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"worker did not start:\n{self.log.read_text()}") from None
                time.sleep(0.1)

    def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def worker_env(push_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGCHAT_")}
    env.update(REGCHAT_DATA_DIR=str(data_dir), REGCHAT_WECHAT_TOKEN=TOKEN, REGCHAT_WECHAT_APP_ID=APP_ID,
               REGCHAT_WECHAT_APP_SECRET=SECRET, REGCHAT_WECHAT_API_BASE=push_url, REGCHAT_OUTBOX_LEASE="2",
               REGCHAT_OUTBOX_BACKOFF="0.2", PYTHONPATH=os.pathsep.join([str(HERE), *sys.path]))
    env.update(extra)
    return env


def wait_for(condition, what: str, limit: float = 60.0) -> None:
    end = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < end, f"gave up waiting: {what}"
        time.sleep(0.1)


async def one_try(client: httpx.AsyncClient, sim: WeChatSimulator, base: str, xml: str) -> str | None:
    """One signed try of ``xml`` at ``base``; the reply the user sees, or None (success / dropped)."""
    params, body = sim.signed(xml)
    try:
        response = await asyncio.wait_for(client.post(base + "/wechat", params=params, content=body), TRY_TIMEOUT)
    except TimeoutError:
        return None
    assert response.status_code == 200, response.text
    return sim.read_reply(response)


async def wechat_tries(bases: list[str], xml: str) -> list[str]:
    """WeChat's three tries of one message, the n-th at ``bases[n % len(bases)]``: the passive replies."""
    async with httpx.AsyncClient() as client:
        sim = WeChatSimulator(client, "/wechat", TOKEN)
        replies = []
        for n in range(3):
            reply = await one_try(client, sim, bases[n % len(bases)], xml)
            if reply is not None:
                replies.append(reply)
                break
        return replies


def test_sigkill_while_an_answer_is_pending_then_restart_delivers_it_once(push_api, tmp_path):
    api, push_url = push_api
    env = worker_env(push_url, tmp_path / "data")
    worker = WorkerProcess(env, tmp_path / "worker.log").start()
    try:
        async def first_try_only():
            async with httpx.AsyncClient() as client:
                return await one_try(client, WeChatSimulator(client, "/wechat", TOKEN), worker.url,
                                     text_xml("o_killed", "2.5s When must I renew?", "7001"))

        assert asyncio.run(first_try_only()) is None  # still computing when WeChat's try ends
        store = SqliteStore(tmp_path / "data" / "state.sqlite3")
        [pending] = store.outbox_list()
        assert pending.status == "computing" and pending.key == "wechat:msg:o_killed:7001"
        worker.kill()  # WeChat's later tries find nobody: it gives up
        worker.start()  # the restarted worker resumes the outbox
        wait_for(lambda: store.outbox_get(pending.key).status == "delivered", "the resumed push")
    finally:
        worker.stop()
    [pushed] = api.texts_for("o_killed")
    assert "Answer to: 2.5s When must I renew?" in pushed
    assert "taking over wechat:msg:o_killed:7001 (computing" in (tmp_path / "worker.log").read_text()


def test_rolling_restart_does_not_push_twice(push_api, tmp_path):
    api, push_url = push_api
    env = worker_env(push_url, tmp_path / "data")
    old = WorkerProcess(env, tmp_path / "old.log").start()
    new = WorkerProcess(env, tmp_path / "new.log").start()
    try:
        replies = asyncio.run(wechat_tries([old.url, new.url], text_xml("o_rolling", "3.5s renew?", "7002")))
        assert replies == []  # not ready at the last try: pushed
        old.stop()  # the old worker is retired while the push is due
        store = SqliteStore(tmp_path / "data" / "state.sqlite3")
        wait_for(lambda: store.outbox_get("wechat:msg:o_rolling:7002").status == "delivered", "the push")
    finally:
        old.stop()
        new.stop()
    assert len(api.texts_for("o_rolling")) == 1


# Tries come at about 0, 1 and 2 seconds; an answer ready by the third is a passive reply, one
# ready well after it is pushed.
@pytest.mark.parametrize("question, passive", [("0.05s fast?", True), ("0.7s mid?", True), ("3.5s slow?", False),
                                               ("4.5s slower?", False)])
def test_two_workers_on_one_redis_answer_once_and_push_once(push_api, tmp_path, redis_url, question, passive):
    api, push_url = push_api
    env = worker_env(push_url, tmp_path / "data", REGCHAT_STATE_URL=redis_url)
    a = WorkerProcess(env, tmp_path / "a.log").start()
    b = WorkerProcess(env, tmp_path / "b.log").start()
    user = "o_" + question.split("s ")[1].rstrip("?")
    try:
        replies = asyncio.run(wechat_tries([a.url, b.url], text_xml(user, question, "8001")))
        store = RedisStore(redis_url)
        key = f"wechat:msg:{user}:8001"
        wait_for(lambda: store.outbox_get(key).status in ("delivered", "answered"), "the outcome")
    finally:
        a.stop()
        b.stop()
    pushed = api.texts_for(user)
    assert len(replies) + len(pushed) == 1, (replies, pushed)
    assert (len(replies) == 1) is passive
    assert f"Answer to: {question}" in (replies + pushed)[0]
    logs = (tmp_path / "a.log").read_text() + (tmp_path / "b.log").read_text()
    assert SECRET not in logs and "TOKEN-" not in logs
