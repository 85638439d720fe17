"""Retrieval-only evaluation: recall@5 and MRR of gold citations, BM25 vs dense vs hybrid.

    python evals/retrieval.py [--questions evals/questions.jsonl] [--embedder e5 minilm]
                              [--modes bm25 dense hybrid] [--k 5] [--json artifacts/retrieval.json]

Questions use the dev-set format (see evals/questions.jsonl): ``gold_citations``
are ``{"doc": ..., "article": ...}`` (no article = any provision of the doc).
Only questions with gold citations count. A follow-up question is searched
together with the previous user turn (the question alone often names nothing).

recall@k: per question, the share of gold citations found among the top k hits;
MRR: per question, 1 / rank of the first hit matching any gold citation.
Each embedder gets its own index in a temporary folder (built once per run).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from regchat.embeddings import canonical_spec  # noqa: E402
from regchat.index import index_embedder, ingest  # noqa: E402
from regchat.retrieval import Retriever, open_retriever  # noqa: E402
from regchat.settings import Settings  # noqa: E402


def load_questions(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def search_text(question: dict) -> str:
    history = [h["content"] for h in question.get("history") or [] if h.get("role") == "user"]
    return f"{history[-1]}\n{question['question']}" if history else question["question"]


def matches(hit, citation: dict) -> bool:
    p = hit.provision
    return p.doc_id == citation["doc"] and (citation.get("article") is None or p.article == citation["article"])


def score_question(hits, gold: list[dict]) -> tuple[float, float]:
    recall = sum(any(matches(h, g) for h in hits) for g in gold) / len(gold)
    rr = next((1.0 / (i + 1) for i, h in enumerate(hits) if any(matches(h, g) for g in gold)), 0.0)
    return recall, rr


def percentiles(values: list[float]) -> dict:
    values = sorted(values)
    if not values:
        return {"p50": None, "p95": None}
    return {"p50": round(values[len(values) // 2], 2), "p95": round(values[int(len(values) * 0.95)], 2)}


def evaluate(retriever: Retriever, questions: list[dict], mode: str, k: int) -> dict:
    groups: dict[str, list[tuple[float, float]]] = defaultdict(list)
    latencies, cpu, misses = [], [], []
    retriever.clear_cache()  # each mode pays for its own query embeddings
    for q in questions:
        gold = q.get("gold_citations") or []
        if not gold:
            continue
        started, started_cpu = time.perf_counter(), time.thread_time()
        hits = retriever.search(search_text(q), k=k, mode=mode)
        latencies.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        recall, rr = score_question(hits, gold)
        for group in ("all", q.get("lang", "?")):
            groups[group].append((recall, rr))
        if recall < 1:
            misses.append({"id": q["id"], "question": q["question"], "recall": recall,
                           "retrieved": [h.provision.key for h in hits]})
    out = {
        group: {
            "n": len(rows),
            "recall_at_k": round(statistics.fmean(r for r, _ in rows), 4),
            "mrr": round(statistics.fmean(rr for _, rr in rows), 4),
        }
        for group, rows in groups.items()
    }
    out["latency_ms"] = percentiles(latencies)
    out["cpu_ms"] = percentiles(cpu)  # this thread's CPU time: what a query costs on an idle core
    out["misses"] = misses
    return out


def tune(retriever: Retriever, questions: list[dict], k: int, grid: dict[str, list]) -> list[tuple]:
    """Grid search over the fusion parameters (hybrid mode); returns rows sorted best first.

    Objective: mean of overall recall@k and Chinese recall@k, then MRR. Signals
    (BM25, cosines) are computed once per question; only the fusion is re-run.
    """
    import dataclasses
    import itertools

    rows = [(q, retriever.signals(search_text(q))) for q in questions if q.get("gold_citations")]
    keys = list(grid)
    results = []
    for values in itertools.product(*(grid[key] for key in keys)):
        tuning = dataclasses.replace(retriever.tuning, **dict(zip(keys, values)))
        per = defaultdict(list)
        for q, signals in rows:
            recall, rr = score_question(retriever.rank(signals, k=k, tuning=tuning), q["gold_citations"])
            per["all"].append((recall, rr))
            per[q.get("lang", "?")].append((recall, rr))
        r_all = statistics.fmean(r for r, _ in per["all"])
        r_zh = statistics.fmean(r for r, _ in per["zh"]) if per["zh"] else r_all
        mrr = statistics.fmean(rr for _, rr in per["all"])
        results.append(((r_all + r_zh) / 2, mrr, round(r_all, 4), round(r_zh, 4), dict(zip(keys, values))))
    results.sort(key=lambda row: (row[0], row[1]), reverse=True)
    return results


def scope_grid(retriever: Retriever, questions: list[dict], grid: dict[str, list]) -> list[dict]:
    """For each setting: the best threshold and how well it separates out-of-scope questions.

    Separation = out-of-scope questions below the threshold + in-scope questions
    (with gold citations) at or above it, over all of them; the threshold sits
    midway between the two neighbouring scores.
    """
    import dataclasses
    import itertools

    rows = [(q.get("category") == "out_of_scope", retriever.signals(search_text(q)))
            for q in questions if q.get("category") == "out_of_scope" or q.get("gold_citations")]
    out = []
    keys = list(grid)
    for values in itertools.product(*(grid[key] for key in keys)):
        tuning = dataclasses.replace(retriever.tuning, **dict(zip(keys, values)))
        scored = sorted((retriever.rank(s, k=1, tuning=tuning)[0].score, oos) for oos, s in rows)
        best = (-1.0, 0.0)
        for i in range(len(scored) + 1):
            lo = scored[i - 1][0] if i else 0.0
            hi = scored[i][0] if i < len(scored) else lo + 0.01
            threshold = (lo + hi) / 2
            right = sum((score < threshold) == oos for score, oos in scored)
            in_ok = all(score >= threshold for score, oos in scored if not oos)
            key = (right / len(scored) + (0.01 if in_ok else 0.0), threshold)
            best = max(best, key)
        out.append({**dict(zip(keys, values)), "separation": round(best[0], 4), "threshold": round(best[1], 3)})
    return out


def out_of_scope_scores(retriever: Retriever, questions: list[dict]) -> dict:
    """Top hybrid scores of out-of-scope vs in-scope questions (to place ``min_score``)."""
    top = {"out_of_scope": [], "in_scope": []}
    for q in questions:
        hits = retriever.search(search_text(q), k=1)
        group = "out_of_scope" if q.get("category") == "out_of_scope" else "in_scope"
        if group == "in_scope" and not q.get("gold_citations"):
            continue
        top[group].append((round(hits[0].score, 3) if hits else 0.0, q["id"]))
    below = sum(s < retriever.min_score for s, _ in top["out_of_scope"])
    above = sum(s >= retriever.min_score for s, _ in top["in_scope"])
    return {
        "min_score": retriever.min_score,
        "out_of_scope_below": f"{below}/{len(top['out_of_scope'])}",
        "in_scope_above": f"{above}/{len(top['in_scope'])}",
        "out_of_scope_max": max(top["out_of_scope"], default=None),
        "in_scope_lowest": sorted(top["in_scope"])[:8],
        "out_of_scope_sorted": sorted(top["out_of_scope"], reverse=True),
    }


def markdown(results: dict, k: int) -> str:
    lines = [
        f"| embedder | mode | recall@{k} | MRR | recall@{k} en | recall@{k} zh | MRR zh | p50 / p95 ms | CPU p95 ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for embedder, modes in results.items():
        for mode, r in modes.items():
            if mode == "scope":
                continue
            lines.append(
                f"| {embedder} | {mode} | {r['all']['recall_at_k']:.3f} | {r['all']['mrr']:.3f} | "
                f"{r.get('en', {}).get('recall_at_k', float('nan')):.3f} | "
                f"{r.get('zh', {}).get('recall_at_k', float('nan')):.3f} | "
                f"{r.get('zh', {}).get('mrr', float('nan')):.3f} | "
                f"{r['latency_ms']['p50']} / {r['latency_ms']['p95']} | {r['cpu_ms']['p95']} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=Path, default=ROOT / "evals" / "questions.jsonl")
    parser.add_argument("--embedder", nargs="+", default=["e5", "minilm"])
    parser.add_argument("--modes", nargs="+", default=["bm25", "dense", "hybrid"])
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--json", type=Path, default=ROOT / "artifacts" / "retrieval.json")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="with one embedder: build (or reuse, when unchanged) the index there instead of a temporary one")
    parser.add_argument("--no-ablation", action="store_true",
                        help="skip the hybrid runs without the glossary, without the questions and without the gists")
    parser.add_argument("--misses", action="store_true", help="print the questions not fully recalled")
    parser.add_argument("--tune", nargs="?", const="fusion", choices=["fusion", "scope"],
                        help="grid-search the fusion parameters (or the scope parameters) and print the best")
    args = parser.parse_args(argv)

    questions = load_questions(args.questions)
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for spec in args.embedder:
            data_dir = args.data_dir if args.data_dir and len(args.embedder) == 1 else Path(tmp) / spec
            settings = Settings(data_dir=data_dir, corpus_dir=args.corpus, embedder=spec)
            built_with = index_embedder(settings) if data_dir == args.data_dir else None
            if built_with is not None and built_with != canonical_spec(spec):
                # Never embed another index (the app's) again with this script's embedder.
                print(f"error: the index in {data_dir} was built with {built_with}, not {spec}; "
                      f"pass --embedder {built_with} or another --data-dir", file=sys.stderr)
                return 2
            ingest(None, settings, progress=False)
            retriever = open_retriever(settings)
            retriever.search("warm up", k=1)
            if args.tune:
                lo = retriever.tuning.dense_lo
                grid = {
                    "w_dense": [0.5, 0.6, 0.7, 0.8],
                    "bm25_half": [6.0, 8.0, 12.0],
                    "dense_lo": [round(lo - 0.05, 3), lo, round(lo + 0.05, 3)],
                    "macao_boost": [0.1, 0.2, 0.3],
                    "macao_penalty": [0.05, 0.1],
                    "diversity": [0.05, 0.1, 0.15],
                }
                if args.tune == "scope":
                    grid = {"w_dense": [0.3, 0.5, 0.7], "bm25_half": [8.0, 12.0, 20.0], "dense_lo": [0.7, 0.75, 0.8]}
                if args.tune == "scope":
                    for row in scope_grid(retriever, questions, grid):
                        print(" ", row)
                    continue
                ranked = tune(retriever, questions, args.k, grid)
                print(f"{spec}: current {retriever.tuning}")
                for row in ranked[:12]:
                    print(f"  {row[0]:.4f} mrr={row[1]:.4f} recall={row[2]} zh={row[3]} {row[4]}")
            results[spec] = {mode: evaluate(retriever, questions, mode, args.k) for mode in args.modes}
            if "hybrid" in args.modes and not args.no_ablation:
                # The same index and fusion without the bilingual glossary's query expansion, without
                # the questions in users' words (corpus/questions.json), and without the plain-words
                # restatements (corpus/gists.json).
                bare = Retriever(retriever.handle, retriever.embedder, glossary=retriever.glossary.without_expansion(),
                                 gists=retriever.gists, questions=retriever.questions)
                results[spec]["hybrid, no glossary"] = evaluate(bare, questions, "hybrid", args.k)
                unasked = Retriever(retriever.handle, retriever.embedder, glossary=retriever.glossary, gists=retriever.gists)
                results[spec]["hybrid, no questions"] = evaluate(unasked, questions, "hybrid", args.k)
                unrestated = Retriever(retriever.handle, retriever.embedder, glossary=retriever.glossary,
                                       questions=retriever.questions)
                results[spec]["hybrid, no gists"] = evaluate(unrestated, questions, "hybrid", args.k)
            results[spec]["scope"] = out_of_scope_scores(retriever, questions)
    print(markdown(results, args.k))
    if hasattr(os, "getloadavg"):
        print(f"\n(load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    for spec, modes in results.items():
        print(f"\n{spec} min_score: {json.dumps(modes['scope'], ensure_ascii=False)}")
        if args.misses:
            for miss in modes.get("hybrid", {}).get("misses", []):
                print(f"  miss {miss['id']} {miss['recall']:.2f} {miss['question'][:70]} -> {miss['retrieved']}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"questions": str(args.questions), "k": args.k, "results": results},
                                    ensure_ascii=False, indent=2))
    print(f"\nwritten {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
