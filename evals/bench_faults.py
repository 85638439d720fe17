"""Fault benchmark for WeChat delivery: nothing lost, nothing sent twice.

    python evals/bench_faults.py                       # both scenarios, writes evals/results/bench_faults.json
    python evals/bench_faults.py --users 50 --scenario sqlite

Everything runs on this machine, on loopback: regchat's ``/wechat`` webhook in
one or two server processes (the real router, state store and outbox; a
scripted engine that takes 2 to 14 seconds per answer, so that many answers
miss WeChat's tries and must be pushed), a stand-in for WeChat's servers that
sends each user's message and retries it on WeChat's rhythm (5 s per try, 3
tries), and a stand-in for the customer-service API that fails a share of the
calls (-1 busy, HTTP 500, a malformed body, a stall).

Scenarios:

* ``sqlite``: one server process on the default SQLite store, killed with
  SIGKILL and started again twice while the messages are being answered;
* ``redis``: two server processes on one ``redis-server`` (started here on a
  free loopback port), each try sent to the other worker, each worker killed
  and restarted once.

For each scenario the file records ``sent`` (messages), ``answered`` (users who
saw an answer: a passive reply or a push), ``lost`` (no answer once the outbox
is empty), ``duplicated`` (users who got their answer more than once), and how
answers went out. The run is bounded by ``--timeout`` per scenario.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

TOKEN, APP_ID, SECRET = "bench-token", "wxbenchfaults0001", "bench-app-secret-5e2c"
ROOT = Path(__file__).resolve().parents[1]
TRY_TIMEOUT = 5.0


# --------------------------------------------------------------------------- the worker process
def run_worker(port: int) -> None:
    """A regchat WeChat worker: the real router and store, a scripted slow engine."""
    import datetime as dt
    import logging

    import uvicorn
    from fastapi import FastAPI

    from regchat.channels.wechat import Limits, build_router
    from regchat.documents import Answer, Citation
    from regchat.settings import Settings

    class SlowEngine:
        def answer(self, question, history=(), today=None) -> Answer:
            time.sleep(float(question.split("s ", 1)[0]))
            return Answer(text=f"Answer to: {question}", lang="en",
                          citations=[Citation(doc_id="cn-exit-entry-law", article=32,
                                              label="Exit and Entry Administration Law, Art. 32")])

    del dt
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    settings = Settings()
    router = build_router(settings, SlowEngine(), limits=Limits(engine_threads=64, rate_limit=100))
    app = FastAPI()
    app.include_router(router)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=5)


# --------------------------------------------------------------------------- the push API stand-in
class FlakyPushApi:
    """Access tokens and customer-service messages; ``fail_rate`` of the sends fail."""

    def __init__(self, fail_rate: float, seed: int = 7):
        self.fail_rate, self.random = fail_rate, random.Random(seed)
        self.sent: dict[str, list[str]] = {}
        self.attempts = self.faults = 0
        self.lock = threading.Lock()
        self.app = FastAPI()

        @self.app.get("/cgi-bin/token")
        async def token():
            return {"access_token": "BENCH-TOKEN", "expires_in": 7200}

        @self.app.post("/cgi-bin/message/custom/send")
        async def send(request: Request):
            payload = await request.json()
            with self.lock:
                self.attempts += 1
                fault = self.random.choice(["busy", "http500", "malformed", "stall"]) \
                    if self.random.random() < self.fail_rate else None
                if fault:
                    self.faults += 1
            if fault == "busy":
                return {"errcode": -1, "errmsg": "system busy"}
            if fault == "http500":
                return JSONResponse({"errcode": -1}, status_code=500)
            if fault == "malformed":
                return JSONResponse([])
            if fault == "stall":
                await asyncio.sleep(2.0)
                return JSONResponse({"errcode": -1, "errmsg": "late"}, status_code=504)
            with self.lock:
                self.sent.setdefault(payload["touser"], []).append(payload["text"]["content"])
            return {"errcode": 0, "errmsg": "ok"}


def serve_in_thread(app, port: int):
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------- processes
class Worker:
    def __init__(self, env: dict[str, str], log: Path):
        self.port, self.env, self.log = free_port(), env, log
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/wechat"

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen([sys.executable, __file__, "--worker", str(self.port)], env=self.env,
                                            stdout=out, stderr=subprocess.STDOUT)

    def wait_ready(self, limit: float = 60.0) -> None:
        end = time.monotonic() + limit
        while time.monotonic() < end:
            try:
                httpx.get(self.url, timeout=1.0)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"worker did not start; see {self.log}")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def start_redis(folder: Path) -> tuple[subprocess.Popen, str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (make system-test-deps)")
    port = free_port()
    process = subprocess.Popen([binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly",
                                "no", "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    for _ in range(200):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    client.close()
    return process, f"redis://127.0.0.1:{port}/0"


# --------------------------------------------------------------------------- WeChat's side
def text_xml(user: str, content: str, msg_id: str) -> bytes:
    return (f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>").encode()


async def wechat_user(client: httpx.AsyncClient, urls: list[str], index: int, delay: float) -> str | None:
    """One user's message, tried up to three times like WeChat does; the passive reply seen, if any."""
    from regchat.channels.wechat.crypto import signature
    from regchat.channels.wechat.messages import parse_xml

    user, body = f"o_user{index:04d}", text_xml(f"o_user{index:04d}", f"{delay:.1f}s question {index}", str(index))
    loop = asyncio.get_running_loop()
    for n in range(3):
        started = loop.time()
        ts, nonce = str(int(time.time())), secrets.token_hex(8)
        params = {"timestamp": ts, "nonce": nonce, "signature": signature(TOKEN, ts, nonce)}
        try:
            response = await asyncio.wait_for(client.post(urls[(index + n) % len(urls)], params=params,
                                                          content=body), TRY_TIMEOUT)
            if response.status_code == 200 and response.text not in ("", "success"):
                return parse_xml(response.content)["Content"]
            if response.status_code == 200:
                return None  # "success": the answer comes by push
        except (TimeoutError, httpx.TransportError):
            pass
        await asyncio.sleep(max(0.0, started + TRY_TIMEOUT - loop.time()))
    del user
    return None


# --------------------------------------------------------------------------- a scenario
def run_scenario(name: str, users: int, fail_rate: float, timeout: float, workdir: Path) -> dict:
    api = FlakyPushApi(fail_rate)
    api_port = free_port()
    api_server, api_thread = serve_in_thread(api.app, api_port)
    redis_process = None
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGCHAT_")}
    env.update(REGCHAT_DATA_DIR=str(workdir / "data"), REGCHAT_WECHAT_TOKEN=TOKEN, REGCHAT_WECHAT_APP_ID=APP_ID,
               REGCHAT_WECHAT_APP_SECRET=SECRET, REGCHAT_WECHAT_API_BASE=f"http://127.0.0.1:{api_port}",
               REGCHAT_OUTBOX_LEASE="20", REGCHAT_OUTBOX_BACKOFF="0.5", REGCHAT_OUTBOX_ATTEMPTS="20")
    if name == "redis":
        redis_process, url = start_redis(workdir)
        env["REGCHAT_STATE_URL"] = url
        workers = [Worker(env, workdir / "worker-a.log"), Worker(env, workdir / "worker-b.log")]
        kills = [(3.0, 0), (9.0, 1)]
    else:
        workers = [Worker(env, workdir / "worker.log")]
        kills = [(3.0, 0), (9.0, 0)]
    for w in workers:
        w.start()
    for w in workers:
        w.wait_ready()
    rng = random.Random(11)
    delays = [rng.uniform(2.0, 14.0) for _ in range(users)]
    started = time.monotonic()

    async def traffic() -> list[str | None]:
        limits = httpx.Limits(max_connections=users * 2, max_keepalive_connections=users)
        async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(TRY_TIMEOUT + 1)) as client:
            return await asyncio.gather(*(wechat_user(client, [w.url for w in workers], i, d)
                                          for i, d in enumerate(delays)))

    def chaos() -> None:
        for at, which in kills:
            time.sleep(max(0.0, started + at - time.monotonic()))
            workers[which].kill()
            workers[which].start()

    chaos_thread = threading.Thread(target=chaos)
    chaos_thread.start()
    replies = asyncio.run(traffic())
    chaos_thread.join()
    for w in workers:
        w.wait_ready()

    def outcome() -> tuple[int, int, int]:
        answered = duplicated = 0
        for i in range(users):
            count = (1 if replies[i] else 0) + len(api.sent.get(f"o_user{i:04d}", []))
            answered += count >= 1
            duplicated += count > 1
        return answered, users - answered, duplicated

    end = time.monotonic() + timeout
    while time.monotonic() < end and outcome()[1] > 0:
        time.sleep(0.5)
    time.sleep(3.0)  # a late duplicate would show now
    answered, lost, duplicated = outcome()
    seconds = round(time.monotonic() - started, 1)
    unanswered = [i for i in range(users) if not replies[i] and not api.sent.get(f"o_user{i:04d}")]
    states = describe_unanswered(env, unanswered)
    for w in workers:
        w.stop()
    api_server.should_exit = True
    api_thread.join(timeout=10)
    if redis_process is not None:
        redis_process.terminate()
        redis_process.wait(timeout=10)
    return {
        "workers": len(workers), "store": "redis" if name == "redis" else "sqlite", "sent": users,
        "answered": answered, "lost": lost, "duplicated": duplicated,
        "passive_replies": sum(1 for r in replies if r),
        "pushed_users": sum(1 for i in range(users) if api.sent.get(f"o_user{i:04d}")),
        "push_calls": api.attempts, "push_faults_injected": api.faults, "kills": len(kills),
        "seconds": seconds, "unanswered": states,
    }


def describe_unanswered(env: dict[str, str], indexes: list[int]) -> list[str]:
    """What the store says about each message nobody saw an answer to (for diagnosis)."""
    if not indexes:
        return []
    from regchat.settings import Settings
    from regchat.state import open_store

    store = open_store(Settings(_env_file=None, data_dir=env["REGCHAT_DATA_DIR"],
                                state_url=env.get("REGCHAT_STATE_URL")))
    out = []
    for i in indexes:
        key = f"wechat:msg:o_user{i:04d}:{i}"
        item = store.outbox_get(key)
        tries = store.get("try:" + key)
        outcome = store.get("outcome:" + key)
        state = "no outbox record" if item is None else (
            f"{item.status}, {item.attempts} attempts, {item.sent}/{len(item.messages)} sent, {item.last_error}")
        out.append(f"{key}: tries {tries}, outcome {outcome}, {state}")
    store.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--fail-rate", type=float, default=0.3)
    parser.add_argument("--scenario", choices=["sqlite", "redis", "both"], default="both")
    parser.add_argument("--timeout", type=float, default=240.0, help="Seconds to wait for the outbox per scenario")
    parser.add_argument("--out", type=Path, default=ROOT / "evals" / "results" / "bench_faults.json")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run_worker(args.worker)
        return
    results = {}
    for name in (["sqlite", "redis"] if args.scenario == "both" else [args.scenario]):
        with tempfile.TemporaryDirectory(prefix=f"regchat-bench-faults-{name}-") as folder:
            print(f"{name}: {args.users} users, {args.fail_rate:.0%} of pushes failing ...", flush=True)
            results[name] = run_scenario(name, args.users, args.fail_rate, args.timeout, Path(folder))
            print(json.dumps(results[name]), flush=True)
    report = {"users": args.users, "fail_rate": args.fail_rate, "machine": platform.platform(),
              "cpus": os.cpu_count(), "scenarios": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
