"""The answer engine: question -> retrieval -> scope -> deadline or quotes
(offline) or a model with tools (LLM) -> guardrails -> ``Answer``.

``Engine`` holds a retriever, the settings, the rules catalogue and, in LLM
mode, a chat model. ``get_engine()`` builds the process-wide one; it is the
only place the real clock is read (``today`` defaults to it there).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from ..deadlines import calendar_for, compute_deadline, describe_day, load_rules
from ..documents import Answer, Hit, Provision, RetrievedItem
from ..errors import DeadlineError, ModelError, RegchatError
from ..settings import Settings, get_settings
from .asked import not_stated_line, unstated, where_to_ask
from .dates import dates_in, describe_date_problem
from .guardrails import check_citations, check_dates, quote_in, render_markers, split_sentences
from .offline import (
    Draft,
    SentencePicker,
    choose_provisions,
    compose_day,
    compose_deadline,
    compose_lookup,
    compose_missing_articles,
    date_hint,
    no_deadline_note,
)
from .questions import Reading, choose_rule, event_date, read_question
from .references import EN_ARTICLE_REF, ZH_ARTICLE_REF
from .scope import has_domain_words, judge_scope, refusal, warm_up

log = logging.getLogger(__name__)

History = Sequence[Mapping[str, Any]]
TOP_K = 5
FOLLOW_UP_DISCOUNT = 0.85
MODEL_FALLBACK_NOTICE = {
    "en": "The language model could not be reached ({reason}); this answer was composed offline from the regulations.",
    "zh": "语言模型暂时无法连接（{reason}），以下答案由离线模式直接根据法规原文生成。",
}


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)


class Engine:
    """Answers questions from the regulations, citing what it relies on."""

    def __init__(
        self,
        retriever,
        settings: Settings | None = None,
        chat_model=None,
        *,
        rules: Sequence | None = None,
        clock: Callable[[], dt.date] | None = None,
    ):
        self.retriever = retriever
        self.settings = settings or Settings()
        self.rules = list(rules) if rules is not None else _load_rules(self.settings)
        self.titles_zh = _titles_zh(self.settings)
        self.picker = SentencePicker(retriever.provisions)
        self._rules_text = "\n".join(
            f"{getattr(r, 'summary_en', '')}\n{getattr(r, 'summary_zh', '')}" for r in self.rules
        )
        self.clock = clock
        self._chat_model = chat_model
        warm_up()  # the place-name and lexicon tables, built once here rather than on the first question

    # -- public ------------------------------------------------------------------------

    @property
    def mode(self) -> str:
        return "llm" if (self._chat_model is not None or self.settings.llm) else "offline"

    def answer(self, question: str, history: History = (), today: dt.date | None = None) -> Answer:
        """Answer one question (with the conversation so far); never raises for model failures."""
        result: Answer | None = None
        for item in self._answer(question, history, self._today(today)):
            if isinstance(item, Answer):
                result = item
        assert result is not None
        return result

    def stream(self, question: str, history: History = (), today: dt.date | None = None) -> Iterator[str | Answer]:
        """Text deltas, then the final ``Answer`` (whose text replaces the deltas).

        In LLM mode the deltas are the model's sentences as they arrive, each
        already through the guardrails; offline, the answer's lines.
        """
        answer: Answer | None = None
        streamed = False
        for item in self._answer(question, history, self._today(today)):
            if isinstance(item, Answer):
                answer = item
            else:
                streamed = True
                yield item
        assert answer is not None
        if not streamed:
            yield from answer.text.splitlines(keepends=True)
        yield answer

    # -- pipeline ----------------------------------------------------------------------

    def _today(self, today: dt.date | None) -> dt.date:
        if today is not None:
            return today
        if self.clock is None:
            raise RegchatError("No date given: pass today= (or build the engine with get_engine()).")
        return self.clock()

    def _answer(self, question: str, history: History, today: dt.date) -> Iterator[str | Answer]:
        timings: dict[str, float] = {}
        start = time.perf_counter()
        question = (question or "").strip()
        reading = read_question(question, history, today, self.retriever.provisions)
        t = time.perf_counter()
        hits = self._search(reading) if question else []
        timings["retrieve"] = _ms(t)
        retrieved = [RetrievedItem.from_hit(h) for h in hits]

        t = time.perf_counter()
        top = hits[0].score if hits else None
        decision = judge_scope(
            question, top_score=top, min_score=self.retriever.min_score, follow_up_context=reading.follow_up
        )
        timings["scope"] = _ms(t)
        if not question or (not decision.in_scope and (decision.firm or not reading.refs)):
            timings["total"] = _ms(start)
            yield Answer(
                text=refusal(reading.lang, decision), refused=True, retrieved=retrieved, mode="offline",
                lang=reading.lang, timings=timings,
            )  # fmt: skip
            return

        t = time.perf_counter()
        draft, consulted = self._offline_draft(reading, hits)
        if reading.date_problems and not draft.deadlines:
            # A date that is ambiguous or does not exist: say why no date was computed.
            said = " ".join(describe_date_problem(p, reading.lang) for p in reading.date_problems)
            draft.text = said + "\n" + draft.text
        timings["compose"] = _ms(t)
        notices: list[str] = []
        mode = "offline"
        text_check_articles = False
        if self.mode == "llm":
            t = time.perf_counter()
            try:
                from .agent import AgentState, agent_events

                state = AgentState.start(hits, draft)
                events = agent_events(
                    self._model(), reading, hits, draft, self.retriever, self.rules, self.settings, history, state
                )
                yield from self._guarded_deltas(reading, events, state, history)
                consulted.update(state.consulted)
                draft = Draft(text=state.text, deadlines=state.deadlines)
                mode = "llm"
                text_check_articles = True
            except ModelError as exc:
                log.warning("model failed, answering offline: %s", exc)
                notices.append(MODEL_FALLBACK_NOTICE[reading.lang].format(reason=exc))
            timings["model"] = _ms(t)

        t = time.perf_counter()
        answer = self._guard(reading, draft, consulted, history, check_named_articles=text_check_articles)
        if mode == "llm" and not answer.citations:
            # Nothing the model said survived the checks: fall back to the offline composition.
            notices.append(
                "The model's answer could not be verified against the regulations; showing the provisions instead."
            )
            offline, _ = self._offline_draft(reading, hits)
            answer = self._guard(reading, offline, consulted, history, check_named_articles=False)
            mode = "offline"
        timings["guard"] = _ms(t)
        timings["total"] = _ms(start)
        yield answer.model_copy(
            update={
                "retrieved": retrieved,
                "mode": mode,
                "lang": reading.lang,
                "notices": notices + answer.notices,
                "timings": timings,
            }
        )

    def _guarded_deltas(self, reading: Reading, events, state, history: History) -> Iterator[str]:
        """The model's text, sentence by sentence, each through the guardrails before it is shown."""
        from .agent import NEW_ROUND

        buffer = ""
        for event in events:
            if event is NEW_ROUND:
                buffer = ""
                continue
            buffer += event
            parts = split_sentences(buffer)
            for piece in parts[:-1]:
                shown = self._guard_piece(reading, piece, state, history)
                if shown:
                    yield shown
            buffer = parts[-1] if parts else ""
        if buffer.strip():
            shown = self._guard_piece(reading, buffer, state, history)
            if shown:
                yield shown

    def _guard_piece(self, reading: Reading, piece: str, state, history: History) -> str:
        draft = Draft(text=piece, deadlines=list(state.deadlines))
        checked = self._guard(reading, draft, dict(state.consulted), history, check_named_articles=True)
        if not checked.text.strip():
            return ""
        return checked.text + ("\n" if piece.endswith("\n") else " ")

    def _offline_draft(self, reading: Reading, hits: list[Hit]) -> tuple[Draft, dict[str, Provision]]:
        consulted: dict[str, Provision] = {h.provision.key: h.provision for h in hits}
        note = ""
        # Articles the question names.
        if reading.refs:
            looked_up: list[Provision] = []
            missing: list[int] = []
            for ref in reading.refs:
                found = self.retriever.lookup(ref.article, ref.doc_id)
                looked_up.extend(p for p in found if p not in looked_up)
                if not found:
                    missing.append(ref.article)
            consulted.update({p.key: p for p in looked_up})
            if missing:
                note = compose_missing_articles(reading, missing, self._article_ranges())
            if looked_up:
                draft = compose_lookup(reading, looked_up, self.picker, self.titles_zh, whole=True)
                draft.text = f"{note}\n{draft.text}".strip()
                return draft, consulted
            # Only articles that do not exist: say so, then answer the rest of the question, if any.
            rest = EN_ARTICLE_REF.sub(" ", ZH_ARTICLE_REF.sub(" ", reading.question))
            if not has_domain_words(rest):
                return Draft(note), consulted
            hits = [h for h in hits if not h.exact]
        draft = self._answer_draft(reading, hits, consulted)
        if note:
            draft.text = f"{note}\n{draft.text}".strip()
        return _say_what_is_not_stated(reading, draft), consulted

    def _answer_draft(self, reading: Reading, hits: list[Hit], consulted: dict[str, Provision]) -> Draft:

        # Deadlines.
        choice = choose_rule(reading, self.rules, hits)
        rule = choice.rule
        if reading.asks_working_day and reading.dates:
            day = reading.dates[0].resolve(reading.today)
            if day is not None:
                provision = self._working_day_provision()
                if provision is not None:
                    consulted[provision.key] = provision
                try:
                    described = describe_day(
                        day, "CN", lang=reading.lang, calendar=calendar_for("CN", self.settings.holidays_dir)
                    )
                    return compose_day(reading, described, provision, self.picker)
                except DeadlineError as exc:
                    log.info("cannot describe %s: %s", day, exc)
        if rule is not None:
            provision = self._provision_of(rule)
            found, when = event_date(reading, rule.kind)
            if provision is not None and when is not None:
                consulted[provision.key] = provision
                try:
                    deadline = compute_deadline(
                        rule, _with_time(reading, when, rule.kind), amount=self._amount(reading, rule),
                        lang=reading.lang, holidays_dir=self.settings.holidays_dir,
                    )  # fmt: skip
                    return compose_deadline(reading, rule, deadline, provision, self.titles_zh)
                except DeadlineError as exc:
                    log.info("no deadline for %s on %s: %s", rule.id, when, exc)
            # No date, but the question is plainly about this rule: quote its article.
            top_keys = [(h.provision.doc_id, h.provision.article) for h in hits]
            on_topic = choice.keywords >= 4 and (rule.doc_id, rule.article) in top_keys[:2]
            # A deadline question whose date could not be read is still about this rule.
            on_topic = on_topic or bool(reading.date_problems and reading.asks_deadline)
            if provision is not None and when is None and on_topic:
                consulted[provision.key] = provision
                draft = compose_lookup(reading, [provision], self.picker, self.titles_zh)
                if reading.asks_deadline and rule.kind not in {"maximum"}:
                    draft.text += "\n" + date_hint(rule, reading.lang)
                return draft

        # A deadline asked about in a place whose documents set none (a mainland rule would
        # have answered it): say so, and quote what that place's documents do say.
        if rule is None and reading.region and reading.asks_deadline:
            elsewhere = choose_rule(reading, self.rules, hits, any_region=True).rule
            from_elsewhere = elsewhere is not None and getattr(elsewhere, "region", None) != reading.region
            local = [h for h in hits if h.provision.jurisdiction == reading.region]
            if (from_elsewhere or reading.dates) and local:
                chosen = choose_provisions(reading, local, self.picker)
                draft = compose_lookup(reading, chosen, self.picker, self.titles_zh)
                draft.text = no_deadline_note(reading, reading.region) + "\n" + draft.text
                return draft

        # Everything else: quote the provisions that answer it.
        chosen = choose_provisions(reading, hits, self.picker)
        return compose_lookup(reading, chosen, self.picker, self.titles_zh)

    def _guard(
        self, reading: Reading, draft: Draft, consulted: dict[str, Provision], history: History,
        *, check_named_articles: bool,
    ) -> Answer:  # fmt: skip
        checked = check_citations(draft.text, consulted, check_named_articles=check_named_articles)
        citations = []
        for c in checked.citations:
            quote = draft.quotes.get(c.key)
            provision = consulted.get(c.key)
            if quote and provision and all(quote_in(q, provision.all_text()) for q in quote.split(" … ")):
                c = c.model_copy(update={"quote": quote, **_quote_fields(draft.quoted.get(c.key), provision)})
            elif provision is not None:
                c = c.model_copy(update={"languages": provision.languages})
            citations.append(c)
        allowed = dates_in(reading.question, reading.today)
        for turn in history:
            allowed |= dates_in(str(turn.get("content", "")), reading.today)
        for p in consulted.values():
            allowed |= dates_in(p.text)
            allowed |= {day for t in p.texts for day in (t.in_force, t.until) if day is not None}
        # The rules catalogue is a source too: its summaries give worked examples.
        allowed |= dates_in(self._rules_text, reading.today)
        dated = check_dates(
            checked.text, allowed=allowed, deadlines=draft.deadlines, today=reading.today,
            written={p.text for p in reading.date_problems},
        )  # fmt: skip
        notices = [f"Removed: {line}." for line in checked.removed] + dated.notices
        text = render_markers(dated.text, consulted)
        return Answer(
            text=text, citations=citations, deadlines=draft.deadlines, notices=notices, outcome=draft.outcome
        )

    # -- helpers -----------------------------------------------------------------------

    def _search(self, reading: Reading) -> list[Hit]:
        """Retrieve for the question; a follow-up also with the turn it follows, best score per provision."""
        hits = self.retriever.search(reading.search_query, k=TOP_K)
        if not reading.follow_up:
            return hits
        if reading.carried_subject:
            # The question names no subject of its own ("And which papers does that take?"):
            # a provision must fit both the earlier turn (its main subject) and the question
            # with that subject ("... residence permit"), so the two searches are averaged.
            pair = f"{reading.standalone_query} {reading.carried_subject}"
            best = _averaged(self.retriever.search(reading.search_query, k=2 * TOP_K),
                             self.retriever.search(pair, k=2 * TOP_K))  # fmt: skip
            ranked = sorted(best.values(), key=lambda h: -h.score)[:TOP_K]
            return [h.model_copy(update={"rank": i}) for i, h in enumerate(ranked, 1)]
        # The question's own words count a little more than the turn it follows.
        best = {h.provision.key: h.model_copy(update={"score": h.score * FOLLOW_UP_DISCOUNT}) for h in hits}
        for h in self.retriever.search(reading.standalone_query, k=TOP_K):
            if h.provision.key not in best or h.score > best[h.provision.key].score:
                best[h.provision.key] = h
        ranked = sorted(best.values(), key=lambda h: -h.score)[:TOP_K]
        return [h.model_copy(update={"rank": i}) for i, h in enumerate(ranked, 1)]

    def _provision_of(self, rule) -> Provision | None:
        found = self.retriever.lookup(rule.article, rule.doc_id)
        return found[0] if found else None

    def _working_day_provision(self) -> Provision | None:
        for rule in self.rules:
            if rule.kind == "working_days" and rule.amount is None:
                return self._provision_of(rule)
        return None

    @staticmethod
    def _amount(reading: Reading, rule) -> int | None:
        if rule.kind == "stay_period":
            return reading.stay_days
        return None

    def _article_ranges(self) -> dict[str, tuple[int, int]]:
        ranges: dict[str, tuple[int, int]] = {}
        for p in self.retriever.provisions:
            if p.article is None:
                continue
            lo, hi = ranges.get(p.doc_title, (p.article, p.article))
            ranges[p.doc_title] = (min(lo, p.article), max(hi, p.article))
        return ranges

    def _model(self):
        if self._chat_model is None:
            from .agent import build_chat_model

            self._chat_model = build_chat_model(self.settings)
        return self._chat_model


def _say_what_is_not_stated(reading: Reading, draft: Draft) -> Draft:
    """A question asking for a kind of fact (a fee, a processing time, an office's contact) that no
    quoted provision states: the first line says so, the provisions follow, then where to ask."""
    if draft.deadlines or not draft.cited:
        return draft
    texts = [t.text for p in draft.cited for t in p.texts] + [p.text for p in draft.cited]
    missing = unstated(reading.question, texts)
    if not missing:
        return draft
    region = next((p.jurisdiction for p in draft.cited), None) if reading.region is None else reading.region
    draft.text = f"{not_stated_line(missing, reading.lang)}\n{draft.text}\n{where_to_ask(region, reading.lang)}"
    draft.outcome = "not_stated"
    return draft


def _quote_fields(quote, provision: Provision) -> dict:
    """What a citation records about its quote: the part, the language, whether it is a translation,
    the official original, the version relied on and the languages the provision has."""
    fields: dict = {"languages": provision.languages}
    if quote is None:
        return fields
    return fields | {
        "pinpoint": quote.pinpoint,
        "quote_lang": quote.lang,
        "translation": quote.translation,
        "original": quote.original,
        "version": quote.version,
    }


def _averaged(first: Sequence[Hit], second: Sequence[Hit]) -> dict[str, Hit]:
    """Per provision, the mean of its scores in two searches (one it is missing from gives it
    that search's lowest score)."""
    floor = [min((h.score for h in hits), default=0.0) for hits in (first, second)]
    scores = [{h.provision.key: h for h in hits} for hits in (first, second)]
    out: dict[str, Hit] = {}
    for key in scores[0].keys() | scores[1].keys():
        hit = scores[0].get(key) or scores[1][key]
        mean = sum(s[key].score if key in s else f for s, f in zip(scores, floor)) / 2
        out[key] = hit.model_copy(update={"score": mean})
    return out


def _with_time(reading: Reading, day: dt.date, kind: str) -> dt.date | dt.datetime:
    """For hour-based rules, the clock time the question gives ("at 21:00", "晚上8点")."""
    if kind != "hours":
        return day
    from .dates import find_time

    clock = find_time(reading.question)
    return dt.datetime.combine(day, clock) if clock else day


def _load_rules(settings: Settings) -> list:
    path = settings.corpus_dir / "rules.json"
    return load_rules(path if path.is_file() else None)


def _titles_zh(settings: Settings) -> dict[str, str]:
    path = settings.corpus_dir / "rules.json"
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")).get("documents_zh") or {})
    except (OSError, ValueError):
        return {}


# --------------------------------------------------------------------------- process-wide engine

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def get_engine(settings: Settings | None = None) -> Engine:
    """The engine for these settings, built once per process (opening the index takes a moment)."""
    settings = settings or get_settings()
    key = settings.model_dump_json()
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            from ..retrieval import open_retriever

            engine = Engine(open_retriever(settings), settings, clock=dt.date.today)
            _engines[key] = engine
    return engine


def answer(question: str, history: History = (), today: dt.date | None = None) -> Answer:
    """Answer with the process-wide engine (settings from the environment)."""
    return get_engine().answer(question, history, today)
