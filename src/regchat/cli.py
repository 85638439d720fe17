"""The ``regchat`` command line: ingest, search, ask, deadline, rules, serve, outbox, feedback, hash-password.

This is an edge: it reads settings, calls the core, and turns regchat's own
errors into one-line messages (exit code 1) instead of tracebacks.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
from pathlib import Path

import click

from .errors import RegchatError
from .settings import Settings, get_settings


def _edge(func):
    """Map regchat's errors to a clean CLI error at the edge."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except RegchatError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper


def _parse_date(ctx, param, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a valid date (expected YYYY-MM-DD, e.g. 2026-03-02)") from None


def _parse_moment(ctx, param, value: str) -> dt.date | dt.datetime:
    """A date, or a date and time for rules counted in hours (2026-12-31T23:00)."""
    if len(value) <= 10:
        return _parse_date(ctx, param, value)
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a valid date or date-time (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM)"
        ) from None


def _question(ctx, param, value: str) -> str:
    if not value.strip():
        raise click.BadParameter("the question is empty")
    from .bounds import check_question

    try:
        return check_question(value)
    except RegchatError as exc:
        raise click.BadParameter(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="regchat")
def main() -> None:
    """regchat: cited answers and computed deadlines from immigration and
    work-permit regulations for foreigners in mainland China and Macao."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--if-missing", is_flag=True,
              help="Only build the index if there is none yet (or it was built with another embedder).")
@click.option("--progress/--no-progress", default=True, show_default=True, help="Show a progress bar.")
@click.option("--rebuild", is_flag=True, help="Build the index again from the corpus, without reading the old one "
              "(the fix for a damaged index).")
@click.option("--replace", is_flag=True, help="Let a file replace a document of the same doc id from another file.")
@_edge
def ingest(paths: tuple[Path, ...], if_missing: bool, progress: bool, rebuild: bool, replace: bool) -> None:
    """Index documents (default: the shipped corpus). Unchanged documents are not re-embedded."""
    from .embeddings import canonical_spec
    from .index import index_embedder, ingest as run_ingest, rebuild as run_rebuild

    settings = get_settings()
    if rebuild and paths:
        raise click.UsageError("--rebuild rebuilds from the corpus; give no paths with it.")
    built_with = index_embedder(settings) if if_missing and not rebuild else None
    if built_with == canonical_spec(settings.embedder):
        click.echo(f"Index already present in {settings.data_dir}; nothing to do.")
        return
    if built_with is not None:  # another embedder's vectors: the whole index is embedded again, never mixed
        click.echo(f"The index was built with {built_with}; embedding it again with {settings.embedder}.")
    if rebuild:
        report = run_rebuild(settings, progress=progress)
    else:
        report = run_ingest(list(paths) or None, settings, progress=progress, replace=replace)
    click.echo(str(report).splitlines()[0])
    if not report.ok:
        # What could be indexed was; each bad file is named, and the exit code says so.
        for error in report.errors:
            click.echo(f"Error: {error}", err=True)
        raise SystemExit(1)


@main.command()
@click.argument("query")
@click.option("-k", "--top", "k", default=5, show_default=True, type=click.IntRange(1, 50))
@click.option("--mode", type=click.Choice(["hybrid", "bm25", "dense"]), default="hybrid", show_default=True)
@click.option("--doc", "doc_id", default=None, help="Only search this document id.")
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
@_edge
def search(query: str, k: int, mode: str, doc_id: str | None, as_json: bool) -> None:
    """Show the provisions retrieval returns for QUERY."""
    from .retrieval import open_retriever

    retriever = open_retriever(get_settings())
    hits = retriever.search(query, k=k, doc_id=doc_id, mode=mode)
    if as_json:
        click.echo(json.dumps([h.model_dump(mode="json") for h in hits], ensure_ascii=False, indent=2))
        return
    if not hits or hits[0].score < retriever.min_score:
        click.echo("Nothing relevant in the indexed documents.")
    for hit in hits:
        p = hit.provision
        mark = "" if hit.score >= retriever.min_score else "  (below relevance threshold)"
        click.echo(f"{hit.rank:>2}. {hit.score:.3f}  {p.label}{mark}")
        click.echo(f"    {p.text[:160].replace(chr(10), ' ')}{'…' if len(p.text) > 160 else ''}")


@main.command()
@click.argument("question", callback=_question)
@click.option("--today", callback=_parse_date, help="Reference date for relative dates (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Print the whole Answer as JSON.")
@_edge
def ask(question: str, today: dt.date | None, as_json: bool) -> None:
    """Answer QUESTION with cited provisions and computed deadlines."""
    from .answering import get_engine

    result = get_engine(get_settings()).answer(question, today=today or dt.date.today())
    if as_json:
        click.echo(result.model_dump_json(indent=2))
        return
    click.echo(result.text)
    for notice in result.notices:
        click.echo(f"\nNote: {notice}", err=True)


@main.command()
@click.argument("rule_id")
@click.argument("event_date", callback=_parse_moment)
@click.option("--amount", type=click.IntRange(min=0), default=None,
              help="Number of days for rules whose length the authority sets (e.g. reg-36-stay-period).")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--ics", "ics_file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default=None,
              help="Also write the deadline as an iCalendar file (- for standard output).")
@click.option("--remind", type=click.IntRange(0, 60), default=None,
              help="Calendar reminder, working days before the day to act (default: REGCHAT_ICS_REMINDER_DAYS).")
@_edge
def deadline(rule_id: str, event_date: dt.date | dt.datetime, amount: int | None, lang: str, as_json: bool,
             ics_file: Path | None, remind: int | None) -> None:
    """Compute the deadline of RULE_ID from EVENT_DATE (YYYY-MM-DD, or YYYY-MM-DDTHH:MM for
    rules counted in hours); `regchat rules` lists the rules."""
    from .deadlines import calendar_for, compute_deadline, format_deadline

    settings = get_settings()
    result = compute_deadline(rule_id, event_date, amount=amount, lang=lang, holidays_dir=settings.holidays_dir)
    if ics_file is not None:
        from .calendar_export import deadline_ics

        body = deadline_ics(
            result, lang=lang, now=dt.datetime.now(dt.timezone.utc),
            reminder_working_days=settings.ics_reminder_days if remind is None else remind,
            calendar=calendar_for(result.region, settings.holidays_dir),
        )
        if str(ics_file) == "-":
            click.get_binary_stream("stdout").write(body)
            return
        ics_file.write_bytes(body)
        click.echo(f"Wrote {ics_file}", err=True)
    click.echo(result.model_dump_json(indent=2) if as_json else format_deadline(result, lang=lang))


@main.command()
@_edge
def rules() -> None:
    """List the deadline rules and the articles they come from."""
    from .deadlines import load_rules

    for rule in load_rules():
        click.echo(f"{rule.id:<32} {rule.doc_id} Art. {rule.article}: {rule.summary_en}")


@main.group()
def feedback() -> None:
    """Ratings of answers (thumbs up / down) for review, and as evaluation questions."""


def _feedback_store():
    from .feedback import FeedbackStore

    return FeedbackStore(get_settings().feedback_path)


@feedback.command("list")
@click.option("--rating", type=click.Choice(["up", "down"]), default=None, help="Only this rating.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many (oldest first).")
@_edge
def feedback_list(rating: str | None, limit: int | None) -> None:
    """One line per rating: id, date, rating, channel, question, comment."""
    items = _feedback_store().list(rating=rating, limit=limit)
    if not items:
        click.echo("No feedback yet.")
    for item in items:
        mark = "+" if item.rating == "up" else "-"
        question = " ".join(item.answer.question.split())
        question = question[:70] + ("…" if len(question) > 70 else "")
        comment = f"  [{item.comment}]" if item.comment else ""
        corrected = "  (corrected)" if item.correction else ""
        when = f"{item.created:%Y-%m-%d %H:%M}"
        click.echo(f"{item.id:>5} {when} {mark} {item.channel:<7} {question}{comment}{corrected}")


@feedback.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--rating", type=click.Choice(["up", "down"]), default=None, help="Only this rating.")
@click.option("-o", "--out", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default="-",
              show_default=True, help="Output file.")
@_edge
def feedback_export(fmt: str, rating: str | None, out: Path) -> None:
    """Every rating with its question, conversation, answer, citations and deadlines."""
    from .feedback import export_csv, export_jsonl

    items = _feedback_store().list(rating=rating)
    text = export_csv(items) if fmt == "csv" else export_jsonl(items)
    if str(out) == "-":
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8", newline="")
        click.echo(f"Wrote {len(items)} rating(s) to {out}", err=True)


@feedback.command("correct")
@click.argument("feedback_id", type=int)
@click.option("--cite", "cites", multiple=True, metavar="DOC[#ARTICLE]",
              help="A provision the answer should cite, e.g. cn-exit-entry-law#32 (repeatable).")
@click.option("--date", "dates", multiple=True, callback=lambda c, p, v: [_parse_date(c, p, d) for d in v],
              help="A date the answer should state, YYYY-MM-DD (repeatable).")
@click.option("--mention", "mentions", multiple=True, help="A word or number the answer must mention (repeatable).")
@click.option("--out-of-scope", is_flag=True, help="The question should have been refused.")
@click.option("--note", default=None, help="The reviewer's note.")
@_edge
def feedback_correct(feedback_id: int, cites: tuple[str, ...], dates: list[dt.date], mentions: tuple[str, ...],
                     out_of_scope: bool, note: str | None) -> None:
    """Give the right answer for a rating: the gold of its evaluation question."""
    from .feedback import Correction, GoldRef

    refs = []
    for cite in cites:
        doc, _, article = cite.partition("#")
        if not doc or (article and not article.isdigit()):
            raise click.BadParameter(f"{cite!r} is not DOC or DOC#ARTICLE", param_hint="--cite")
        refs.append(GoldRef(doc=doc, article=int(article) if article else None))
    if not (refs or dates or mentions or out_of_scope):
        raise click.UsageError("Say what the answer should have been: --cite, --date, --mention or --out-of-scope.")
    item = _feedback_store().correct(feedback_id, Correction(gold_citations=refs, gold_dates=dates,
                                                             must_mention=list(mentions), out_of_scope=out_of_scope,
                                                             note=note))
    click.echo(f"Feedback {item.id} corrected.")


@feedback.command("to-eval")
@click.argument("out", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@_edge
def feedback_to_eval(out: Path) -> None:
    """Write the rated questions as an evaluation file (JSON Lines) for evals/run.py: a thumbs-up
    keeps the answer given as the gold, a thumbs-down needs a correction (`regchat feedback correct`)."""
    from .feedback import eval_questions

    questions, waiting = eval_questions(_feedback_store().list())
    text = "".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions)
    if str(out) == "-":
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {len(questions)} question(s) to {out}", err=True)
    if waiting:
        ids = ", ".join(str(f.id) for f in waiting)
        click.echo(f"{len(waiting)} thumbs-down without a correction left out (feedback {ids}); "
                   "give one with `regchat feedback correct ID --cite DOC#ARTICLE`.", err=True)


@main.command("hash-password")
@click.argument("user")
@click.password_option(help="The password (asked for when not given).")
def hash_password(user: str, password: str) -> None:
    """Print USER:HASH for REGCHAT_UI_USERS, so that the settings hold no plain password."""
    from .channels.auth import hash_password as make_hash

    if ":" in user or "," in user or not user.strip():
        raise click.BadParameter("a user name cannot be empty or contain ':' or ','", param_hint="USER")
    click.echo(f"{user.strip()}:{make_hash(password)}")


@main.command()
@click.option("--host", default=None, help="Default: REGCHAT_HOST or 127.0.0.1")
@click.option("--port", default=None, type=int, help="Default: REGCHAT_PORT or 7860")
@click.option("--workers", default=None, type=click.IntRange(1, 64),
              help="Server processes sharing the port and the index. Default: REGCHAT_WORKERS or 1")
@_edge
def serve(host: str | None, port: int | None, workers: int | None) -> None:
    """Start the browser chat, JSON API, OpenAI-compatible API and webhooks on one port."""
    from .channels.server import serve as run_server

    run_server(get_settings(), host=host, port=port, workers=workers)


@main.command()
@click.option("--all", "show_all", is_flag=True, help="Also list answers delivered or answered passively.")
@click.option("--json", "as_json", is_flag=True, help="Print the items as JSON.")
@_edge
def outbox(show_all: bool, as_json: bool) -> None:
    """List WeChat / WeCom answers not delivered yet, and failed ones (kept for a person to act on)."""
    from .channels.wechat.outbox import describe
    from .state import UNDELIVERED, open_store

    store = open_store(get_settings())
    try:
        statuses = ("computing", "held", "ready", "failed", "delivered", "answered") if show_all else UNDELIVERED
        items = store.outbox_list(statuses)
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps([i.__dict__ for i in items], ensure_ascii=False, indent=2))
        return
    if not items:
        click.echo("The outbox is empty: every answer was delivered." if not show_all else "The outbox is empty.")
        return
    for line in describe(items):
        click.echo(line)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
