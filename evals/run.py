"""Run a question file through regchat and score it.

    python evals/run.py --questions evals/questions.jsonl --report evals/results/dev.json
    python evals/run.py --questions my_questions.jsonl --report out/mine.json --mode llm --sample 20

Every question goes through the same ``answer()`` the chat UI, the API and the
WeChat channels use (``regchat.answering.get_engine(settings).answer``), with
its ``history`` and ``today``. Writes three files:

* ``OUT.json``  the report: headline metrics, ``by_category``, ``by_lang`` and
  per-question ``results`` (see ``regchat.evaluation``)
* ``OUT.md``    a Markdown summary (tables, then the questions that failed)
* ``OUT.png``   a chart of the metrics per category

The question file format is documented in ``regchat/evaluation.py``.
Exit status: 0 when the run completed, 1 when the file or the settings cannot
be used, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from regchat.errors import RegchatError
from regchat.evaluation import (
    METRICS,
    Question,
    QuestionResult,
    build_report,
    grade_summary,
    load_questions,
    score,
)
from regchat.settings import Settings

LABELS = {
    "retrieval_recall_at_5": "recall@5",
    "mrr": "MRR",
    "citation_precision": "cite P",
    "citation_recall": "cite R",
    "date_accuracy": "dates",
    "must_mention_rate": "mentions",
    "refusal_accuracy": "refusals",
    "over_refusal_rate": "over-refusal",
    "not_stated_accuracy": "not stated",
    "clarify_accuracy": "which one?",
    "quote_language_match": "quote lang",
}
TABLE_COLUMNS = ("n", *METRICS, "latency_p50_ms", "latency_p95_ms")


def run_questions(questions: Sequence[Question], engine, *, progress: bool = True) -> list[QuestionResult]:
    """Ask ``engine`` every question (with its history and today) and score the answers."""
    from tqdm import tqdm

    results = []
    for question in tqdm(questions, desc="questions", unit="q", disable=not progress, file=sys.stderr):
        started = time.perf_counter()
        answer, error = None, None
        try:
            answer = engine.answer(question.question, history=question.history_dicts(), today=question.today)
        except Exception as exc:  # noqa: BLE001 - one failing question must not end the run; it is scored and reported
            error = f"{type(exc).__name__}: {exc}"
        latency_ms = (time.perf_counter() - started) * 1000
        results.append(score(question, answer, latency_ms=latency_ms, error=error))
    return results


# --------------------------------------------------------------------------- output


def _cell(key: str, value) -> str:
    if value is None:
        return "-"
    if key == "n" or key == "errors":
        return str(value)
    if key.startswith("latency"):
        return f"{value:.0f}"
    return f"{value:.3f}"


def _header(key: str) -> str:
    return {"n": "n", "latency_p50_ms": "p50 ms", "latency_p95_ms": "p95 ms"}.get(key, LABELS.get(key, key))


def summary_rows(report: dict) -> list[tuple[str, dict]]:
    rows = [("all", report)]
    rows += [(f"lang: {name}", group) for name, group in report["by_lang"].items()]
    rows += [(f"category: {name}", group) for name, group in report["by_category"].items()]
    return rows


def print_table(report: dict) -> None:
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:  # plain text when rich is not installed
        widths = [18] + [12] * len(TABLE_COLUMNS)
        print("".join(h.ljust(w) for h, w in zip(["", *map(_header, TABLE_COLUMNS)], widths)))
        for name, group in summary_rows(report):
            print("".join(c.ljust(w) for c, w in zip([name, *(_cell(k, group[k]) for k in TABLE_COLUMNS)], widths)))
        return
    table = Table(title=f"regchat evaluation ({report['meta'].get('mode', '?')} mode)")
    table.add_column("")
    for key in TABLE_COLUMNS:
        table.add_column(_header(key), justify="right")
    for name, group in summary_rows(report):
        table.add_row(name, *(_cell(k, group[k]) for k in TABLE_COLUMNS))
    console = Console()
    if not console.is_terminal or console.width < 150:
        console = Console(width=160)
    console.print(table)


def markdown(report: dict, *, max_failures: int = 40) -> str:
    meta = report["meta"]
    lines = [
        "# regchat evaluation",
        "",
        f"Questions: `{meta.get('questions')}` ({report['n']}), mode: {meta.get('mode')}, embedder: {meta.get('embedder')}, "
        f"run {meta.get('finished')}, command: `{meta.get('command')}`",
        "",
        "| | " + " | ".join(_header(k) for k in TABLE_COLUMNS) + " |",
        "|---|" + "---:|" * len(TABLE_COLUMNS),
    ]
    for name, group in summary_rows(report):
        lines.append(f"| {name} | " + " | ".join(_cell(k, group[k]) for k in TABLE_COLUMNS) + " |")
    modes = ", ".join(f"{name} {count}" for name, count in report.get("answer_modes", {}).items())
    lines += [
        "",
        f"Answers made: {modes or '-'}; with a notice (e.g. a model fallback): {report.get('answers_with_notices', 0)}; "
        f"engine errors: {report.get('errors', 0)}.",
        "",
        "recall@5: share of gold citations in the top 5 retrieved (mean over questions with gold); "
        "MRR: reciprocal rank of the first gold provision; cite P / cite R: cited provisions that are gold or "
        "acceptable / gold provisions cited; dates: every gold date stated; mentions: every must-mention term "
        "present; refusals: out-of-scope questions refused; over-refusal: in-scope questions refused.",
        "",
    ]
    failed = [r for r in report["results"] if not r["ok"]]
    lines.append(f"## Questions that failed a check ({len(failed)} of {report['n']})")
    lines.append("")
    if failed:
        lines += ["| id | category | lang | failed | question |", "|---|---|---|---|---|"]
        for r in failed[:max_failures]:
            checks = ", ".join(k for k, v in r["passed"].items() if v is False) or "error"
            question = r["question"].replace("|", "\\|").replace("\n", " ")
            lines.append(f"| {r['id']} | {r['category']} | {r['lang']} | {checks} | {question} |")
        if len(failed) > max_failures:
            lines.append(f"\n...and {len(failed) - max_failures} more (see the JSON report).")
    return "\n".join(lines) + "\n"


def chart(report: dict, path: Path) -> None:
    """Grouped bars: each metric (0-1) per category, plus the overall figure."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = [("all", report), *report["by_category"].items()]
    fig, ax = plt.subplots(figsize=(12, 5))
    width = 0.8 / len(METRICS)
    for i, metric in enumerate(METRICS):
        values = [group[metric] if group[metric] is not None else float("nan") for _, group in groups]  # n/a: no bar
        positions = [g + (i - (len(METRICS) - 1) / 2) * width for g in range(len(groups))]
        ax.bar(positions, values, width, label=LABELS[metric])
    ax.set_xticks(range(len(groups)), [f"{name}\n(n={group['n']})" for name, group in groups])
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("score (0-1; over-refusal: lower is better)")
    ax.set_title(f"regchat evaluation by category ({report['meta'].get('mode')} mode)")
    ax.legend(ncol=4, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.15))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


DROP_POINTS = 0.05


def compare(report: dict, baseline: dict) -> dict:
    """Each metric of ``report`` beside the baseline's; a drop of more than 5 points is flagged
    (for over-refusal, a rise)."""
    out = {}
    for key in (*METRICS, "pass_rate"):
        ours, theirs = report.get(key), baseline.get(key)
        if ours is None or theirs is None:
            continue
        worse = (ours - theirs) if key == "over_refusal_rate" else (theirs - ours)
        out[key] = {"this": ours, "baseline": theirs, "drop": round(worse, 4), "flag": worse > DROP_POINTS}
    return out


def extra_lines(report: dict) -> list[str]:
    """Hand grades and the comparison with a baseline, as text lines (Markdown)."""
    lines: list[str] = []
    if report.get("grades"):
        lines += ["", "Hand grades (2 satisfying, 1 unhelpful, 0 wrong), with 95% intervals:", "",
                  "| | n | 2 | 1 | 0 | share 2 | share 0 |", "|---|---:|---:|---:|---:|---|---|"]
        for name, g in report["grades"].items():
            def share(k):
                ci = g[f"ci95_{k}"]
                return "-" if g[f"share_{k}"] is None else f"{g[f'share_{k}']:.2f} [{ci[0]:.2f}, {ci[1]:.2f}]"
            lines.append(f"| {name} | {g['n']} | {g['grade_2']} | {g['grade_1']} | {g['grade_0']} | {share(2)} | {share(0)} |")
    if report.get("versus"):
        lines += ["", f"Against {report['meta'].get('baseline')}:", "", "| metric | this | baseline | drop | |",
                  "|---|---:|---:|---:|---|"]
        for key, v in report["versus"].items():
            lines.append(f"| {LABELS.get(key, key)} | {v['this']:.3f} | {v['baseline']:.3f} | {v['drop']:+.3f} | "
                         f"{'more than 5 points worse' if v['flag'] else ''} |")
    return lines


def write_outputs(report: dict, json_path: Path) -> tuple[Path, Path, Path]:
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    md_path, png_path = json_path.with_suffix(".md"), json_path.with_suffix(".png")
    md_path.write_text(markdown(report) + "\n".join(extra_lines(report)) + "\n", encoding="utf-8")
    chart(report, png_path)
    return json_path, md_path, png_path


# --------------------------------------------------------------------------- command line


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Score regchat on a question file (JSON Lines).")
    parser.add_argument("--questions", type=Path, required=True, help="question file (JSON Lines)")
    parser.add_argument("--report", type=Path, required=True, help="where to write the JSON report (.md and .png go next to it)")
    parser.add_argument("--mode", choices=["offline", "llm"], default="offline",
                        help="offline: extractive answers; llm: the model at REGCHAT_LLM (default: offline)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N questions")
    parser.add_argument("--sample", type=int, default=None,
                        help="only N questions spread evenly over the file (every category of a grouped file)")
    parser.add_argument("--grades", type=Path, default=None,
                        help="hand grades, one JSON line per question: {\"id\", \"grade\": 0|1|2, \"note\"} "
                             "(default: REPORT with .grades.jsonl, when it exists)")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="another report (e.g. the dev set's, for a rewording): metrics side by side, "
                             "drops of more than 5 points flagged")
    parser.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")
    return parser.parse_args(argv)


def spread(items: Sequence, n: int) -> list:
    """``n`` items evenly spaced over ``items`` (all of them if n >= len)."""
    if n >= len(items):
        return list(items)
    return [items[i * len(items) // n] for i in range(max(n, 0))]


def settings_for(mode: str, settings: Settings | None = None) -> Settings:
    settings = settings or Settings()
    if mode == "offline":
        return settings.model_copy(update={"llm": None})
    if settings.llm is None:
        raise RegchatError("--mode llm needs a model endpoint: set REGCHAT_LLM, e.g. http://127.0.0.1:8080/v1")
    return settings


def _embedder_used(engine, settings: Settings) -> str:
    """The embedder the answers were retrieved with: the index's own, which may differ from the
    setting when the index was built with another (the report says which answered)."""
    handle = getattr(getattr(engine, "retriever", None), "handle", None)
    return getattr(handle, "embedder_spec", None) or settings.embedder


def main(argv: Sequence[str] | None = None, *, settings: Settings | None = None, engine=None) -> int:
    """Run the evaluation. ``settings`` / ``engine`` replace the process's own (used by tests)."""
    args = parse_args(argv)
    try:
        questions = load_questions(args.questions)
        if args.limit is not None:
            questions = questions[: max(args.limit, 0)]
        if args.sample is not None:
            questions = spread(questions, args.sample)
        effective = settings_for(args.mode, settings)
        if engine is None:
            from regchat.answering import get_engine

            engine = get_engine(effective)
        started = dt.datetime.now(dt.timezone.utc)
        results = run_questions(questions, engine, progress=args.progress)
    except RegchatError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    report = build_report(
        results,
        questions=str(args.questions),
        mode=args.mode,
        embedder=_embedder_used(engine, effective),
        llm_model=effective.llm_model if args.mode == "llm" else None,
        limit=args.limit,
        sample=args.sample,
        started=started.isoformat(timespec="seconds"),
        finished=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        command="python evals/run.py " + " ".join(sys.argv[1:] if argv is None else argv),
    )
    grades_path = args.grades or args.report.with_suffix(".grades.jsonl")
    if grades_path.is_file():
        grades = [json.loads(line) for line in grades_path.read_text(encoding="utf-8").splitlines() if line.strip()]
        report["grades"] = grade_summary(grades, results)
        report["meta"]["grades"] = str(grades_path)
    if args.baseline is not None:
        report["versus"] = compare(report, json.loads(args.baseline.read_text(encoding="utf-8")))
        report["meta"]["baseline"] = str(args.baseline)
    print_table(report)
    for line in extra_lines(report):
        print(line)
    paths = write_outputs(report, args.report)
    print("wrote " + ", ".join(str(p) for p in paths))
    if report["errors"]:
        print(f"warning: {report['errors']} question(s) raised an error; they score zero (see 'error' in the report)",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
