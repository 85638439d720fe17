"""Load benchmark for the JSON API: many clients asking at once.

    python evals/bench_http.py --out evals/results/bench_http.json
    python evals/bench_http.py --requests 50 --concurrency 10 --out /tmp/http.json

Starts the whole app (``python app.py``: API, chat and callbacks on one port)
in its own process on a free loopback port, in offline mode, answering from the
shipped index (a temporary one is built if there is none). Waits for
``/healthz`` to say 200, then sends ``--requests`` ``POST /api/ask`` requests,
all at once (``--concurrency`` in flight), with questions from the dev set.

Every answer is also compared with the answer to the same question asked
alone, before the load: under load the answers must not change.

Reported: requests failed and answers changed (both must be 0), latency as the client sees it
(p50 / p95 / max, queueing included), throughput, and the server-side answer
time (``Answer.timings["total"]``). The run is bounded by ``--timeout``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from regchat.evaluation import percentile
from regchat.settings import PROJECT_ROOT
from shipped_index import offline_settings


def index_dir(data_dir: Path | None) -> Path:
    """A data folder holding an index of the shipped corpus (built in a temporary folder if needed)."""
    return offline_settings(data_dir, "http").data_dir.resolve()


def questions(n: int) -> list[str]:
    rows = [json.loads(line) for line in (PROJECT_ROOT / "evals" / "questions.jsonl").read_text().splitlines()
            if line.strip()]
    single = [r["question"] for r in rows if not r.get("history")]
    return [single[i % len(single)] for i in range(n)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data_dir: Path, port: int, log_path: Path) -> subprocess.Popen:
    env = {**os.environ, "REGCHAT_HOST": "127.0.0.1", "REGCHAT_PORT": str(port), "REGCHAT_DATA_DIR": str(data_dir),
           "REGCHAT_LLM": "offline", "REGCHAT_CHROMA_HOST": "", "HF_HUB_OFFLINE": "1"}
    log = log_path.open("w")
    return subprocess.Popen([sys.executable, str(PROJECT_ROOT / "app.py")], env=env, cwd=PROJECT_ROOT,
                            stdout=log, stderr=subprocess.STDOUT)


def wait_healthy(base: str, process: subprocess.Popen, timeout: float) -> float:
    """Seconds until /healthz answered 200."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with code {process.returncode}")
        try:
            if httpx.get(f"{base}/healthz", timeout=30).status_code == 200:
                return time.monotonic() - started
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"/healthz did not answer 200 within {timeout:.0f} s")


async def fire(base: str, batch: list[str], concurrency: int, today: str, timeout: float) -> list[dict]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout) as client:

        async def one(question: str) -> dict:
            async with gate:
                started = time.perf_counter()
                try:
                    response = await client.post("/api/ask", json={"question": question, "today": today})
                    seconds = time.perf_counter() - started
                    ok = response.status_code == 200
                    body = response.json() if ok else {}
                    return {"ok": ok, "status": response.status_code, "seconds": seconds, "question": question,
                            "text": body.get("text"),
                            "server_ms": body.get("timings", {}).get("total"),
                            "error": None if ok else response.text[:300]}
                except httpx.HTTPError as exc:
                    return {"ok": False, "status": None, "seconds": time.perf_counter() - started,
                            "server_ms": None, "error": f"{type(exc).__name__}: {exc}"}

        return await asyncio.gather(*(one(q) for q in batch))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=200, help="requests in flight at once")
    parser.add_argument("--data-dir", type=Path, default=None, help="index to answer from (default: settings)")
    parser.add_argument("--today", default="2026-11-22", help="the date relative deadlines count from")
    parser.add_argument("--timeout", type=float, default=300.0, help="bound on the whole run, in seconds")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "evals" / "results" / "bench_http.json")
    args = parser.parse_args(argv)

    data_dir = index_dir(args.data_dir)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = Path(tempfile.mkstemp(prefix="regchat-bench-http-", suffix=".log")[1])
    process = start_server(data_dir, port, log_path)
    try:
        ready_s = wait_healthy(base, process, timeout=min(120.0, args.timeout))
        batch = questions(args.requests)
        alone = asyncio.run(fire(base, sorted(set(batch)), 1, args.today, args.timeout))  # one at a time
        reference = {r["question"]: r["text"] for r in alone}
        started = time.perf_counter()
        results = asyncio.run(asyncio.wait_for(fire(base, batch, args.concurrency, args.today, args.timeout),
                                               timeout=args.timeout))
        wall = time.perf_counter() - started
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()

    latencies = [r["seconds"] * 1000 for r in results]
    server_ms = [r["server_ms"] for r in results if r["server_ms"] is not None]
    failed = [r for r in results if not r["ok"]]
    changed = [r["question"] for r in results if r["ok"] and r["text"] != reference.get(r["question"])]
    for r in results:
        r.pop("text")
    report = {
        "benchmark": "POST /api/ask, offline mode, all requests at once",
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "requests": len(results),
        "concurrency": args.concurrency,
        "failed": len(failed),
        "answers_changed_under_load": len(changed),
        "alone_latency_ms_p50": round(percentile([r["seconds"] * 1000 for r in alone], 50), 1),
        "server_ready_s": round(ready_s, 2),
        "wall_s": round(wall, 2),
        "throughput_rps": round(len(results) / wall, 1),
        "latency_ms": {
            "p50": round(percentile(latencies, 50), 1),
            "p95": round(percentile(latencies, 95), 1),
            "max": round(max(latencies), 1),
        },
        "server_answer_ms": {
            "p50": round(percentile(server_ms, 50), 1) if server_ms else None,
            "p95": round(percentile(server_ms, 95), 1) if server_ms else None,
        },
        "failures": failed[:5],
        "changed": changed[:5],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    lat = report["latency_ms"]
    print(f"{report['requests']} requests, {report['concurrency']} at once: {report['failed']} failed, "
          f"{len(changed)} answers changed under load; "
          f"latency p50 {lat['p50']} ms, p95 {lat['p95']} ms, max {lat['max']} ms; "
          f"{report['throughput_rps']} req/s; server answer p50 {report['server_answer_ms']['p50']} ms")
    print(f"report: {args.out}; server log: {log_path}")
    return 1 if failed or changed else 0


if __name__ == "__main__":
    sys.exit(main())
