"""Speed and memory figures for regchat on this machine.

    python evals/bench.py --out evals/results/bench.json           # full run
    python evals/bench.py --out /tmp/bench.json --quick            # a small run, a few minutes
    python evals/bench.py --scale --out evals/results/scale.json   # only the scale run: 20,000 provisions
    python evals/bench.py --scale 5000 --chroma-server ...         # ... of another size, also on `chroma run`

What it measures, each in a fresh temporary index (your own index is not touched):

1. ingest of the shipped corpus: cold (new index, embedding model loaded) and
   unchanged re-ingest (nothing to embed);
2. retrieval: BM25-only, dense-only and hybrid side by side on the dev-set
   questions: first query (cold), p50 / p95 warm latency, ratios to BM25, and
   recall@5 / MRR of each mode. Warm means the model and index are loaded; the
   retriever's kept query embeddings are dropped before every timed call, so
   each query is embedded as a new question would be;
3. offline answers through the same engine the apps use: first answer (cold),
   p50 / p95 warm;
4. peak memory (resident set size of this process after each phase);
5. a scale run with the real embedder (the settings' one, in
   ``REGCHAT_EMBED_WORKERS`` processes, as ``regchat ingest`` runs it): the
   shipped corpus plus synthetic provisions built from the real articles
   (``--scale-sizes``, default 1,000 in a full run; ``--scale`` alone runs only
   this phase, at 20,000): ingest time and throughput, then every dev question
   in every mode: p50 / p95 and recall@5 / MRR, the same as on the shipped
   corpus alone, so the cost of 20,000 near-duplicate distractors shows;
   peak memory of this process and of the embedding workers. With
   ``--chroma-server`` the same index is also copied into a ``chroma run``
   server and queried there.

Writes the JSON report (``--out``) and a Markdown table next to it (``.md``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from regchat.documents import Answer, Provision, RetrievedItem
from regchat.embeddings import get_embedder
from regchat.evaluation import load_questions, percentile, score, summarize
from regchat.index import ingest
from regchat.parsing import load_provisions
from regchat.settings import PROJECT_ROOT, Settings

MODES = ("bm25", "dense", "hybrid")
DEV_SET = PROJECT_ROOT / "evals" / "questions.jsonl"


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(func: Callable, *args, **kwargs) -> tuple[object, float]:
    started = time.perf_counter()
    value = func(*args, **kwargs)
    return value, (time.perf_counter() - started) * 1000


def forget_queries(retriever) -> None:
    """Drop the retriever's kept query embeddings, so that every timed call embeds its query
    as a new question would (a retriever without such a cache needs nothing)."""
    clear = getattr(retriever, "clear_cache", None)
    if clear is not None:
        clear()


def latency_stats(samples_ms: Sequence[float]) -> dict[str, float | int | None]:
    return {
        "n": len(samples_ms),
        "p50_ms": _round(percentile(samples_ms, 50)),
        "p95_ms": _round(percentile(samples_ms, 95)),
        "mean_ms": _round(sum(samples_ms) / len(samples_ms)) if samples_ms else None,
    }


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def bench_settings(base: Settings, data_dir: Path, corpus_dir: Path | None = None, **changes) -> Settings:
    """``base`` with its own embedded index in ``data_dir`` and offline answers."""
    update = {"data_dir": data_dir, "chroma_host": None, "collection": "bench", "llm": None, **changes}
    if corpus_dir is not None:
        update["corpus_dir"] = corpus_dir
    return base.model_copy(update=update)


# --------------------------------------------------------------------------- phases


def bench_ingest(settings: Settings, embedder) -> dict:
    report, cold_ms = timed(ingest, None, settings, embedder=embedder, progress=False)
    again, warm_ms = timed(ingest, None, settings, embedder=embedder, progress=False)
    return {
        "documents": len(report.added),
        "provisions": report.provisions,
        "cold_ms": round(cold_ms, 1),
        "unchanged_reingest_ms": round(warm_ms, 1),
        "reingest_embedded": again.embedded,
        "errors": report.errors + again.errors,
    }


def search_text(question) -> str:
    """What to search for: a follow-up is searched together with the previous user turn."""
    previous = [turn.content for turn in question.history if turn.role == "user"]
    return f"{previous[-1]}\n{question.question}" if previous else question.question


def bench_retrieval(retriever, questions, *, k: int = 5) -> dict:
    """Every mode on the same questions; latency, ratios to BM25, recall@5 and MRR."""
    out: dict[str, dict] = {}
    for mode in MODES:
        forget_queries(retriever)
        _, first_ms = timed(retriever.search, search_text(questions[0]), k=k, mode=mode)
        samples, results = [], []
        for question in questions:
            forget_queries(retriever)
            hits, ms = timed(retriever.search, search_text(question), k=k, mode=mode)
            samples.append(ms)
            answer = Answer(text="", retrieved=[RetrievedItem.from_hit(h) for h in hits])
            results.append(score(question, answer))
        quality = summarize(results)
        out[mode] = {
            "first_query_ms": round(first_ms, 2),
            **latency_stats(samples),
            "recall_at_5": _round(quality["retrieval_recall_at_5"], 3),
            "mrr": _round(quality["mrr"], 3),
        }
    base = out["bm25"]["p50_ms"] or 1e-9
    for mode in MODES:
        out[mode]["p50_ratio_to_bm25"] = _round(out[mode]["p50_ms"] / base, 2)
    return out


def bench_answers(engine, questions) -> dict:
    first = questions[0]
    forget_queries(engine.retriever)
    _, first_ms = timed(engine.answer, first.question, history=first.history_dicts(), today=first.today)
    samples = []
    for question in questions:
        forget_queries(engine.retriever)
        _, ms = timed(engine.answer, question.question, history=question.history_dicts(), today=question.today)
        samples.append(ms)
    return {"first_answer_ms": round(first_ms, 1), **latency_stats(samples)}


# --------------------------------------------------------------------------- synthetic corpus

_NUMBER = re.compile(r"\b\d+\b")


def real_provisions(corpus_dir: Path) -> list[Provision]:
    provisions = []
    for path in sorted(corpus_dir.glob("*.md")):
        provisions += load_provisions(path)[1]
    return provisions


def synthetic_corpus(target: Path, chunks: int, sources: Sequence[Provision], *, per_doc: int = 100, seed: int = 7) -> int:
    """Write Markdown documents holding ``chunks`` articles in total, each an
    altered copy of a real provision: its numbers changed, its sentences
    rotated, and a place name and rule number added, so that no two chunks are
    identical and lexical and dense search both have to rank. Returns the number
    of articles written."""
    rng = random.Random(seed)
    target.mkdir(parents=True, exist_ok=True)
    written = 0
    doc = 0
    while written < chunks:
        count = min(per_doc, chunks - written)
        jurisdiction = "MO" if doc % 5 == 4 else "CN"
        lines = [
            "---",
            f"doc_id: syn-{doc:05d}",
            f"title: Synthetic Regulation {doc} on Foreigners in District {doc}",
            f"short_title: Synthetic Regulation {doc}",
            f"jurisdiction: {jurisdiction}",
            "language: en",
            "---",
            "",
            f"# Synthetic Regulation {doc} on Foreigners in District {doc}",
            "",
        ]
        for article in range(1, count + 1):
            source = rng.choice(sources)
            sentences = [s for s in re.split(r"(?<=[.;])\s+", " ".join(source.text.split())) if s]
            turn = rng.randrange(len(sentences)) if sentences else 0
            body = " ".join(sentences[turn:] + sentences[:turn])
            body = _NUMBER.sub(lambda m: str(rng.randint(1, 365)), body)
            lines += [f"Article {article} In District {doc}, under rule {doc}-{article}: {body}", ""]
        (target / f"syn-{doc:05d}.md").write_text("\n".join(lines), encoding="utf-8")
        written += count
        doc += 1
    return written


def bench_scale(sizes: Sequence[int], workdir: Path, base: Settings, sources, questions,
                chroma_server: bool = False) -> dict:
    """Ingest the shipped corpus plus ``size`` synthetic provisions with the real embedder, then
    time and score the dev questions on it (embedded, and on a Chroma server if asked)."""
    import shutil

    from regchat.retrieval import open_retriever

    runs = []
    models = base.models_path  # one conversion for every size
    for size in sizes:
        corpus = workdir / f"corpus-{size}"
        articles = synthetic_corpus(corpus, size, sources)
        for path in sorted(base.corpus_dir.glob("*.md")):
            shutil.copy(path, corpus / path.name)
        settings = bench_settings(base, workdir / f"index-{size}", corpus, models_dir=models)
        print(f"  scale {size}: embedding {articles:,} + shipped provisions with {settings.embedder} "
              f"in {settings.embed_workers} worker(s)...", file=sys.stderr)
        report, ingest_ms = timed(ingest, None, settings, progress=True)
        retriever, open_ms = timed(open_retriever, settings)
        row = {
            "synthetic_provisions": articles,
            "indexed_provisions": report.provisions,
            "embedder": report.embedder,
            "embed_workers": settings.embed_workers,
            "ingest_s": round(ingest_ms / 1000, 1),
            "ingest_provisions_per_s": round(report.provisions / (ingest_ms / 1000), 1),
            "open_retriever_ms": round(open_ms, 1),
            "retrieval": bench_retrieval(retriever, questions),
            "peak_rss_mb": round(peak_rss_mb(), 1),
            "workers_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        }
        if chroma_server:
            row["chroma_server"] = _on_chroma_server(settings, retriever, questions, workdir / f"server-{size}")
        runs.append(row)
        hybrid = row["retrieval"]["hybrid"]
        print(f"  scale {size}: ingest {row['ingest_s']} s ({row['ingest_provisions_per_s']}/s), "
              f"hybrid p50 {hybrid['p50_ms']} ms, recall@5 {hybrid['recall_at_5']}", file=sys.stderr)
        del retriever
    return {"runs": runs}


def _on_chroma_server(settings: Settings, local_retriever, questions, path: Path) -> dict:
    """Copy the index just built into a fresh ``chroma run`` server (vectors as they are:
    nothing re-embedded) and run the dev questions against it."""
    import socket
    import subprocess

    import httpx

    from regchat.index import _ADD_BATCH, ChromaEmbeddingFunction, _active, chroma_client
    from regchat.retrieval import open_retriever

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    path.mkdir(parents=True, exist_ok=True)
    chroma = Path(sys.executable).parent / "chroma"
    log = open(path / "server.log", "w")
    process = subprocess.Popen([str(chroma), "run", "--path", str(path / "data"), "--host", "127.0.0.1",
                                "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"chroma run did not start: {(path / 'server.log').read_text()[-1000:]}")
            time.sleep(0.3)
        server = settings.model_copy(update={"chroma_host": "127.0.0.1", "chroma_port": port})
        source = _active(chroma_client(settings), settings.collection)
        started = time.perf_counter()
        target = chroma_client(server).create_collection(
            source.name, embedding_function=ChromaEmbeddingFunction(local_retriever.embedder),
            configuration={"hnsw": {"space": "cosine"}},
            metadata={**(source.metadata or {}), "complete": False},
        )
        stored = source.get(include=["embeddings", "documents", "metadatas"])
        for start in range(0, len(stored["ids"]), _ADD_BATCH):
            end = start + _ADD_BATCH
            target.add(ids=stored["ids"][start:end], embeddings=stored["embeddings"][start:end],
                       documents=stored["documents"][start:end], metadatas=stored["metadatas"][start:end])
        target.modify(metadata={**(target.metadata or {}), "complete": True})
        copy_s = time.perf_counter() - started
        retriever, open_ms = timed(open_retriever, server, embedder=local_retriever.embedder)
        return {"copy_s": round(copy_s, 1), "open_retriever_ms": round(open_ms, 1),
                "retrieval": bench_retrieval(retriever, questions)}
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


# --------------------------------------------------------------------------- output


def markdown(report: dict) -> str:
    meta, ing, ret, ans = report["meta"], report["ingest"], report["retrieval"], report.get("answer")
    lines = [
        "# regchat benchmarks",
        "",
        f"{meta['finished']}, {meta['cpus']} CPUs (load average {meta['load_average_start'][0]} at start, "
        f"{meta['load_average_end'][0]} at end), embedder `{meta['embedder']}`, command: `{meta['command']}`",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| ingest, shipped corpus ({ing['documents']} documents, {ing['provisions']} provisions), cold | {ing['cold_ms'] / 1000:.2f} s |",
        f"| re-ingest, nothing changed | {ing['unchanged_reingest_ms']:.0f} ms |",
    ]
    if ans:
        lines += [
            f"| offline answer, first (cold) | {ans['first_answer_ms']:.0f} ms |",
            f"| offline answer p50 / p95 (warm, {ans['n']} questions) | {ans['p50_ms']:.0f} / {ans['p95_ms']:.0f} ms |",
        ]
    lines += [
        f"| peak memory (RSS) | {report['peak_rss_mb']:.0f} MB |",
        "",
        "| retrieval mode | first query ms | p50 ms | p95 ms | p50 / BM25 | recall@5 | MRR |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for mode in MODES:
        r = ret[mode]
        lines.append(
            f"| {mode} | {r['first_query_ms']:.1f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
            f"{r['p50_ratio_to_bm25']:.1f}x | {r['recall_at_5']:.3f} | {r['mrr']:.3f} |"
        )
    scale = report.get("scale")
    if scale:
        lines += [
            "",
            "Scale run (the shipped corpus plus synthetic provisions, every vector from the real embedder; "
            "dev questions, p50 / p95 ms and recall@5 per mode):",
            "",
            "| provisions | embedder, workers | ingest s | provisions/s | open ms | BM25 | dense | hybrid "
            "| peak RSS MB (main / a worker) |",
            "|---:|---|---:|---:|---:|---|---|---|---|",
        ]
        for r in scale["runs"]:
            lines.append(_scale_row(r, r["retrieval"], f"{r['peak_rss_mb']:.0f} / {r['workers_peak_rss_mb']:.0f}"))
            if "chroma_server" in r:
                server = r["chroma_server"]
                lines.append(_scale_row({**r, "embedder": "same, on `chroma run`", "ingest_s": "-",
                                         "ingest_provisions_per_s": "-", "open_retriever_ms": server["open_retriever_ms"]},
                                        server["retrieval"], "-"))
    return "\n".join(lines) + "\n"


def _scale_row(r: dict, retrieval: dict, memory: str) -> str:
    modes = " | ".join(
        f"{retrieval[m]['p50_ms']:.1f} / {retrieval[m]['p95_ms']:.1f}, {retrieval[m]['recall_at_5']:.3f}" for m in MODES
    )
    workers = f", {r['embed_workers']}" if isinstance(r["ingest_s"], float) else ""
    return (f"| {r['indexed_provisions']:,} | {r['embedder']}{workers} | {r['ingest_s']} | "
            f"{r['ingest_provisions_per_s']} | {float(r['open_retriever_ms']):.0f} | {modes} | {memory} |")


# --------------------------------------------------------------------------- command line


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark regchat: ingest, retrieval modes, answers, memory, scale.")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "evals" / "results" / "bench.json")
    parser.add_argument("--quick", action="store_true", help="small run: 20 questions, scale 300")
    parser.add_argument("--questions", type=Path, default=DEV_SET, help="questions to time (in-scope ones are used)")
    parser.add_argument("--scale", nargs="?", const="20000", default=None, metavar="SIZES",
                        help="only the scale run (and the shipped-corpus figures it is compared with), "
                        "at these comma-separated sizes (default 20000)")
    parser.add_argument("--scale-sizes", default=None, help="scale sizes in a full run (default 1000; quick 300)")
    parser.add_argument("--scale-queries", type=int, default=None, help="dev questions per scale size (default all)")
    parser.add_argument("--chroma-server", action="store_true", help="also query each scale index on `chroma run`")
    parser.add_argument("--no-scale", action="store_true", help="skip the scale run")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None, *, settings: Settings | None = None) -> int:
    args = parse_args(argv)
    base = settings or Settings()
    limit = 20 if args.quick else None
    sizes_text = args.scale or args.scale_sizes or ("300" if args.quick else "1000")
    sizes = [int(s) for s in sizes_text.split(",")]

    questions = [q for q in load_questions(args.questions) if q.in_scope]
    timed_questions = questions[:limit] if limit else questions
    started = dt.datetime.now(dt.timezone.utc)
    load_start = [round(x, 2) for x in os.getloadavg()]
    report: dict = {}

    from regchat.answering import Engine
    from regchat.retrieval import open_retriever

    with tempfile.TemporaryDirectory(prefix="regchat-bench-") as tmp:
        workdir = Path(tmp)
        corpus_settings = bench_settings(base, workdir / "index-corpus")
        print("ingest...", file=sys.stderr)
        embedder = get_embedder(corpus_settings.embedder, cache_dir=base.models_path)
        report["ingest"] = bench_ingest(corpus_settings, embedder)
        report["peak_rss_after_ingest_mb"] = round(peak_rss_mb(), 1)

        print("retrieval...", file=sys.stderr)
        retriever, open_ms = timed(open_retriever, corpus_settings, embedder=embedder)
        report["open_retriever_ms"] = round(open_ms, 1)
        report["retrieval"] = bench_retrieval(retriever, timed_questions)

        if not args.scale:
            print("answers...", file=sys.stderr)
            engine = Engine(retriever, corpus_settings, clock=dt.date.today)  # no 'today' in a question: the real date
            report["answer"] = bench_answers(engine, timed_questions)
        report["peak_rss_mb"] = round(peak_rss_mb(), 1)

        if args.scale or not args.no_scale:
            print("scale...", file=sys.stderr)
            sources = real_provisions(corpus_settings.corpus_dir)
            scale_questions = timed_questions[:args.scale_queries] if args.scale_queries else timed_questions
            report["scale"] = bench_scale(sizes, workdir, base, sources, scale_questions, args.chroma_server)

    report["meta"] = {
        "started": started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "embed_workers": base.embed_workers,
        "load_average_start": load_start,
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        "embedder": base.embedder,
        "questions": str(args.questions),
        "timed_questions": len(timed_questions),
        "quick": args.quick,
        "command": "python evals/bench.py " + " ".join(sys.argv[1:] if argv is None else argv),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    text = markdown(report)
    args.out.with_suffix(".md").write_text(text, encoding="utf-8")
    print(text)
    print(f"wrote {args.out} and {args.out.with_suffix('.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
