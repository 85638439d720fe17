"""Load benchmark for the WeChat callback: many users writing at once.

    python evals/bench_wechat.py --out evals/results/bench_wechat.json
    python evals/bench_wechat.py --messages 50 --scripted 0.2 --out /tmp/wx.json   # protocol only

Everything runs on this machine, on loopback sockets: the ``/wechat`` webhook
served by uvicorn in this process, and in a second process (so that its timers
do not compete with the engine for this one's CPU) a stand-in for WeChat's
servers that pushes N messages at once (one user each, signed and, in safe
mode, encrypted) and retries each on WeChat's rhythm (5 s per try, 3 tries),
and a stand-in for the customer-service message API. Answers come from the real offline engine (the shipped index; a
temporary one is built if there is none), or from a fixed-delay stand-in with
``--scripted SECONDS``.

Reported: how each message was answered (passive reply on try 1 / 2 / 3, or
pushed), messages answered more than once or never (both must be 0), and the
latency the user sees (from the first try to the answer on screen), p50 / p95 /
max. The run is bounded by ``--timeout``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import multiprocessing
import os
import platform
import re
import secrets
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI, Request

from regchat.channels.wechat import Limits, Timing, build_router
from regchat.channels.wechat.crypto import MessageCrypto, signature
from regchat.channels.wechat.messages import parse_xml
from regchat.documents import Answer
from regchat.evaluation import percentile
from regchat.settings import PROJECT_ROOT, Settings
from shipped_index import offline_settings

TOKEN, APP_ID, AES_KEY = "bench-token", "wxbench000000001", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
PART = re.compile(r"[（(](\d+)/(\d+)[）)]$")


class FixedDelayEngine:
    """Stands in for the engine when only the protocol is measured."""

    def __init__(self, seconds: float):
        self.seconds = seconds

    def answer(self, question, history=(), today=None) -> Answer:
        time.sleep(self.seconds)
        return Answer(text=f"Answer to: {question}")


def real_engine(data_dir: Path | None):
    from regchat.answering import get_engine

    return get_engine(offline_settings(data_dir, "wechat"))


def questions(n: int) -> list[str]:
    rows = [json.loads(line) for line in (PROJECT_ROOT / "evals" / "questions.jsonl").read_text().splitlines()
            if line.strip()]
    single = [r["question"] for r in rows if not r.get("history")]
    return [single[i % len(single)] for i in range(n)]


class PushApi:
    """Loopback customer-service API: issues a token, records each pushed message and when it arrived."""

    def __init__(self):
        self.received: list[tuple[str, str, float]] = []
        self.app = FastAPI()

        @self.app.get("/cgi-bin/token")
        async def token():
            return {"access_token": "BENCH-TOKEN", "expires_in": 7200}

        @self.app.post("/cgi-bin/message/custom/send")
        async def send(request: Request):
            payload = await request.json()
            self.received.append((payload["touser"], payload["text"]["content"], time.time()))
            return {"errcode": 0, "errmsg": "ok"}


class Served:
    """An ASGI app on a free loopback port, in its own thread and event loop."""

    def __init__(self, app):
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                                                    lifespan="on", limit_concurrency=2000, backlog=4096))
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_until_complete, args=(self.server.serve(),),
                                       daemon=True)

    def __enter__(self) -> "Served":
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.01)
        self.url = f"http://127.0.0.1:{self.server.servers[0].sockets[0].getsockname()[1]}"
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=60)


async def push_like_wechat(client: httpx.AsyncClient, crypto: MessageCrypto | None, user: str, question: str,
                           msg_id: int, timing: Timing) -> dict:
    """One message, tried the way WeChat tries it; returns what the user saw and when."""
    xml = (f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
           f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
           f"<Content><![CDATA[{question}]]></Content><MsgId>{msg_id}</MsgId></xml>")
    started = time.time()
    for attempt in range(1, timing.tries + 1):
        ts, nonce = str(int(time.time())), secrets.token_hex(8)
        params = {"timestamp": ts, "nonce": nonce, "signature": signature(TOKEN, ts, nonce)}
        body = xml
        if crypto is not None:
            encrypted = crypto.encrypt(xml)
            params |= {"encrypt_type": "aes", "msg_signature": crypto.msg_signature(ts, nonce, encrypted)}
            body = f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        try:
            response = await asyncio.wait_for(client.post("/wechat", params=params, content=body),
                                              timing.platform_timeout)
        except TimeoutError:
            continue
        except httpx.TransportError:  # WeChat treats a failed connection like a timeout: it tries again
            await asyncio.sleep(max(0.0, started + attempt * timing.platform_timeout - time.time()))
            continue
        if response.status_code != 200:
            return {"user": user, "try": attempt, "status": response.status_code, "reply": None, "started": started}
        reply = None
        if response.text not in ("", "success"):
            fields = parse_xml(response.content)
            if crypto is not None:
                fields = parse_xml(crypto.decrypt(fields["Encrypt"]))
            reply = fields["Content"]
        return {"user": user, "try": attempt, "status": 200, "reply": reply, "started": started,
                "replied_at": time.time()}
    return {"user": user, "try": timing.tries, "status": None, "reply": None, "started": started}


def is_first_part(text: str) -> bool:
    m = PART.search(text)
    return m is None or m.group(1) == "1"


def wechat_side(conn, messages: int, mode: str, timeout: float) -> None:
    """The second process: the push API, then WeChat's tries once the webhook URL arrives."""
    push = PushApi()
    timing = Timing()
    with Served(push.app) as push_server:
        conn.send(push_server.url)
        hook_url = conn.recv()
        crypto = MessageCrypto(TOKEN, AES_KEY, APP_ID) if mode == "safe" else None

        async def run() -> list[dict]:
            limits = httpx.Limits(max_connections=messages * 2, max_keepalive_connections=messages)
            async with httpx.AsyncClient(base_url=hook_url, limits=limits, timeout=None) as client:
                return await asyncio.gather(*(
                    push_like_wechat(client, crypto, f"o_bench_{i:04d}", q, 10_000 + i, timing)
                    for i, q in enumerate(questions(messages))))

        try:
            results = asyncio.run(asyncio.wait_for(run(), timeout))
        except BaseException as exc:
            conn.send(("failed", repr(exc)))
            raise
        conn.send("tries done")
        conn.recv()  # the webhook has finished every push
        conn.send((results, push.received))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--mode", choices=["safe", "plaintext"], default="safe")
    parser.add_argument("--scripted", type=float, default=None, metavar="SECONDS",
                        help="fixed-delay stand-in engine instead of the real offline engine")
    parser.add_argument("--data-dir", type=Path, default=None, help="index to answer from (default: settings)")
    parser.add_argument("--engine-threads", type=int, default=4, help="worker threads for the engine")
    parser.add_argument("--timeout", type=float, default=300.0, help="bound on the whole run, seconds")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "evals" / "results" / "bench_wechat.json")
    args = parser.parse_args(argv)

    timing = Timing()
    load_before = os.getloadavg()
    load_started = time.perf_counter()
    engine = FixedDelayEngine(args.scripted) if args.scripted is not None else real_engine(args.data_dir)
    cold_started = time.perf_counter()
    engine.answer(questions(1)[0], today=dt.date(2026, 11, 22))
    cold_ms = (time.perf_counter() - cold_started) * 1000
    engine_load_s = time.perf_counter() - load_started

    ctx = multiprocessing.get_context("spawn")
    conn, child_conn = ctx.Pipe()
    child = ctx.Process(target=wechat_side, args=(child_conn, args.messages, args.mode, args.timeout), daemon=True)
    child.start()
    try:
        if not conn.poll(60):
            raise RuntimeError("the WeChat side did not start")
        push_url = conn.recv()
        # A state store of its own: message ids repeat from run to run.
        settings = Settings(_env_file=None, wechat_token=TOKEN, wechat_app_id=APP_ID, wechat_app_secret="secret",
                            wechat_aes_key=AES_KEY if args.mode == "safe" else None, wechat_api_base=push_url,
                            data_dir=Path(tempfile.mkdtemp(prefix="regchat-bench-wechat-")))
        router = build_router(settings, engine, timing=timing, limits=Limits(engine_threads=args.engine_threads))
        app = FastAPI()
        app.include_router(router)
        with Served(app) as hook:
            wall_started = time.perf_counter()
            conn.send(hook.url)
            deadline = time.monotonic() + args.timeout
            while not conn.poll(1.0):
                if not child.is_alive() or time.monotonic() > deadline:
                    raise RuntimeError("the WeChat side stopped or the run did not finish in time")
            status = conn.recv()
            if status != "tries done":
                raise RuntimeError(f"the WeChat side failed: {status[1]}")
            asyncio.run_coroutine_threadsafe(router.drain(), hook.loop).result(timeout=args.timeout)
            wall_s = time.perf_counter() - wall_started
            stats = dict(router.wechat.stats)
        conn.send("collect")
        results, received = conn.recv()
    finally:
        child.join(timeout=30)
        if child.is_alive():
            child.terminate()

    pushed_first: dict[str, list[float]] = {}
    for user, text, at in received:
        if is_first_part(text):
            pushed_first.setdefault(user, []).append(at)
    latencies, by_way, twice, never = [], {"passive_try_1": 0, "passive_try_2": 0, "passive_try_3": 0,
                                           "pushed": 0}, 0, 0
    for r in results:
        seen = ([r["replied_at"]] if r["reply"] else []) + pushed_first.get(r["user"], [])
        if len(seen) == 0:
            never += 1
            continue
        if len(seen) > 1:
            twice += 1
        if r["reply"]:
            by_way[f"passive_try_{r['try']}"] += 1
        else:
            by_way["pushed"] += 1
        latencies.append((min(seen) - r["started"]) * 1000)

    report = {
        "meta": {"date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                 "python": platform.python_version(), "cpus": os.cpu_count(),
                 "load_average_before": [round(x, 2) for x in load_before], "mode": args.mode,
                 "engine": f"fixed delay {args.scripted} s" if args.scripted is not None else "offline (real)",
                 "messages": args.messages, "engine_threads": args.engine_threads,
                 "timing": timing.__dict__},
        "engine_load_s": round(engine_load_s, 2), "engine_first_answer_ms": round(cold_ms, 1),
        "answered": len(latencies), "answered_twice": twice, "never_answered": never,
        "how_answered": by_way,
        "pushed_messages_total": len(received),
        "latency_ms": {"p50": round(percentile(latencies, 50) or 0, 1),
                       "p95": round(percentile(latencies, 95) or 0, 1),
                       "max": round(max(latencies, default=0), 1)},
        "wall_s": round(wall_s, 2),
        "responder": stats,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: report[k] for k in ("answered", "answered_twice", "never_answered", "how_answered",
                                              "latency_ms", "wall_s")}, ensure_ascii=False))
    return 0 if never == 0 and twice == 0 and len(latencies) == args.messages else 1


if __name__ == "__main__":
    sys.exit(main())
