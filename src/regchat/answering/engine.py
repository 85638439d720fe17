"""The answer engine: question -> retrieval -> scope -> deadline or quotes
(offline) or a model with tools (LLM) -> guardrails -> ``Answer``.

``Engine`` holds a retriever, the settings, the rules catalogue and, in LLM
mode, a chat model. ``get_engine()`` builds the process-wide one; it is the
only place the real clock is read (``today`` defaults to it there).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import Any

from ..deadlines import calendar_for, compute_deadline, describe_day, get_rule, load_rules
from ..documents import Answer, Deadline, Hit, Provision, RetrievedItem
from ..errors import DeadlineError, ModelError, RegchatError
from ..gists import load_gists
from ..links import load_links
from ..settings import Settings, get_settings
from ..tokens import tokenize
from .addressees import unnamed_addressees
from .asked import GENERIC, TIME_LIMIT, asked, asks_procedure, procedure_steps, step_kinds, linked_kinds, lists_visa_categories, names_a_visa, no_penalty_line, not_answered, tells_a_breach, asks_for_limit, asks_for_period, not_stated_line, without_asks, without_visa_letters, short_answer, unstated, where_to_ask, whose_relative_line, whose_relative_unsaid
from .clarify import also_quoted, compare_actions, compose_clarification, merge_drafts, unquoted_rest, weighed_days
from .claims import Library, check_claims, drop_unverified, numbers_in, with_deadlines_shown
from .dates import READINGS, RoledDate, dates_in, describe_date_problem, load_role_cues
from .quoting import summary_for
from .guardrails import MARKER, check_citations, marker, check_dates, quote_in, render_markers, split_sentences
from .fuzzy import in_everyday_sense, spell_out
from .pinyin import read_pinyin
from .language import asked_language, day_in, simplified, standard_written
from .ages import ages_told
from .offline import (
    for_the_case_told,
    IN_SHORT,
    Draft,
    asks_about_both,
    choosing_kinds,
    states_kind,
    states_for_holders,
    holders_context,
    SentencePicker,
    choose_provisions,
    compose_day,
    compose_deadline,
    with_counting,
    compose_each,
    compose_several,
    date_label,
    reading_note,
    compose_lookup,
    compose_missing_articles,
    date_hint,
    lapsed_note,
    loose_note,
    no_deadline_note,
    mishap_fit,
    singles_out,
    KIND_MARGIN,
    MISHAP_MARGIN,
)
from .events import events, events_told
from .mishaps import Words, case_words, documents_befallen, follows_asked
from .quoted import named_by_quotes
from .cases import cases_asked
from .cards import Card, cards_not_asked_about, cards_of, names_a_card, names_loosely, unclear_card, which_card_line
from .loose_terms import Measure, alternatives_named, dated_only_once_named, cases_of_measures_spoken, says_a_measure, unclear_measure, which_measure_line
from .open_terms import left_open, open_terms
from .punctuation import punctuated
from .persons import asks_of_someone_else, persons_named, their_own_story
from .questions import Reading, RuleChoice, asked_again_for_holidays, month_read_before, rule_evidence, subjects_in, corrected_question, date_for, dated_roles, rule_roles, names_both_places, place_of, asking_clauses, asked_with_claims, has_asking_words, is_interrogative, asking_sentences, asking_with_referents, asks_for_date, asks_user_action, clauses_of, choose_rule, settles_the_matter, counts_from, each_ambiguous_date, event_date, prefer_for, read_question, resolve_for, sentences_of, stay_amount, visas_named, without_asking
from .references import EN_ARTICLE_REF, ZH_ARTICLE_REF
from .visa_families import residence_line, unnumbered_family
from .scope import (
    ELSEWHERE, ScopeDecision, asks_coming_back, asks_of_china_itself, elsewhere_question, governs_citizens, has_domain_words, judge_scope,
    names_a_citizen, off_topic_question, refusal, warm_up,
)

log = logging.getLogger(__name__)

History = Sequence[Mapping[str, Any]]
TOP_K = 5
MOST_PARTS = 3  # provisions quoted for a question that asks several things
MOST_EACH = 2  # provisions quoted for each of several questions asked in one message
CITIZENS_DISCOUNT = 0.8  # the score of a provision addressed to Chinese citizens, for a foreigner's question
# (and of one addressed to a group of foreigners the message names none of: students)
CARD_UNASKED_DISCOUNT = 0.8  # the score of a card's guide, for a question naming another document and not the card
UNASKED_DEPTH = 4 * TOP_K  # how deep to search past a card's guide a question does not ask about
MISHAP_DEPTH = 4 * TOP_K  # how deep to search for the provision on a lost, stolen or damaged document
_OTHER_DOCUMENTS = frozenset({"residence", "stay", "stay_permit", "passport"})  # things (questions.subjects_in) no card is
DEEPER_K = 20  # how deep to look for a provision that states the kind of fact asked
ONE_MEANT_MARGIN = 0.9  # an article the rest of the question fits this nearly as well is meant as much
CLEARLY_MEANT_MARGIN = 0.67  # ... unless the rest is about another provision first: then two thirds as well
RULE_ON_TOPIC = 4.0  # keyword weight (matching.keyword_weight) with which a question plainly names a rule
FOLLOW_UP_DISCOUNT = 0.85
ANSWERED_BOOST = 1.1  # a follow-up's own search, for a provision the answer before cited
# The share of its score a provision keeps in the search of a message's asking sentences alone: a
# bare "visa needed for this?" finds the visa application article first, where the story (a
# layover with an onward ticket) finds the exemption. Recall@5 over the held-back sets used as dev:
# 0.779 at 1.0, 0.778 at 0.95, 0.777 at 0.9, 0.750 without that search.
ASKING_ALONE = 0.95
MODEL_FALLBACK_NOTICE = {
    "en": "The language model could not be reached ({reason}); this answer was composed offline from the regulations.",
    "zh": "语言模型暂时无法连接（{reason}），以下答案由离线模式直接根据法规原文生成。",
}


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)


def _official_or_own(provision: Provision) -> str:
    """A provision's official text, or its own where it has none (the guides)."""
    official = provision.official_text()
    return official.text if official is not None else provision.text


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
        self.gists = load_gists(self.settings.corpus_dir)
        self.links = load_links(self.settings.corpus_dir)
        self.picker = SentencePicker(retriever.provisions)
        self._rules_text = "\n".join(
            f"{getattr(r, 'summary_en', '')}\n{getattr(r, 'summary_zh', '')}" for r in self.rules
        )
        self.clock = clock
        self._chat_model = chat_model
        warm_up()  # the place-name and lexicon tables, built once here rather than on the first question

    def _lookup(self, reading: Reading, provisions: Sequence[Provision], whole: bool = False) -> Draft:
        fit = getattr(self.retriever, "part_fit", None)
        fits = {p.key: fit(reading.search_query, p) for p in provisions} if fit is not None and not whole else None
        return compose_lookup(reading, provisions, self.picker, self.titles_zh, whole=whole, gists=self.gists, fits=fits)

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
        # Traditional characters are read as simplified ones, written Cantonese as standard Chinese: the
        # official texts and the lexicon use those.
        # Abbreviations of the corpus's terms ("RP") are read as the terms they stand for.
        # A Chinese message parted by spaces, with no question mark, gets its marks: each clause that asks is a question.
        question = _read_text((question or "").strip(), asked=True)
        history = [{**turn, "content": _read_text(str(turn.get("content", "")), asked=turn.get("role") == "user")}
                   for turn in history]  # fmt: skip
        answered = None
        if (corrected := corrected_question(question, history, today) or asked_again_for_holidays(question, history, today)) is not None:
            # "不对，她是14号到的，那最晚呢？": the earlier question is asked again with the new date,
            # and the rule its answer computed goes on.
            answered = next((str(t.get("content", "")) for t in reversed(history) if t.get("role") == "assistant"), "")
            question, history = corrected
        reading = read_question(question, history, today, self.retriever.provisions, answered=answered)
        t = time.perf_counter()
        hits = self._search(reading) if question else []
        timings["retrieve"] = _ms(t)
        retrieved = [RetrievedItem.from_hit(h) for h in hits]

        t = time.perf_counter()
        top = hits[0].score if hits else None
        decision = judge_scope(
            question, top_score=top, min_score=self.retriever.min_score, follow_up_context=reading.follow_up,
            told_before=reading.previous or "",
        )
        if not decision.in_scope and decision.reason in ELSEWHERE and not reading.follow_up \
                and len(parts := each_question(question)) > 1 \
                and any(asks_of_china_itself(one.asked) and elsewhere_question(one.alone, one.asked) is None
                        and judge_scope(one.alone, top_score=top, min_score=self.retriever.min_score, follow_up_context=False).in_scope
                        for one in parts):
            # "香港那边要我办签证吗？回来的时候凭居留证件能入境吗？": one of the questions asks another place's
            # rules, another China's: the one is declined on its own, the other answered
            decision = ScopeDecision(True, "a question of China's beside another place's")
        if not decision.in_scope and not decision.firm and unclear_measure(question) and not names_a_citizen(question):
            # "kicked out of China", 被遣返: everyday words for a measure of the documents
            decision = ScopeDecision(True, "a measure of the documents named in everyday words")
        timings["scope"] = _ms(t)
        # "How long do I have?": a question that asks for a date or a period and says nothing else is
        # asked back (which deadline?), not refused.
        bare_deadline = not decision.in_scope and not decision.firm \
            and (reading.asks_deadline or asks_for_period(question)) and not tokenize(without_asking(question))
        if not question or (not decision.in_scope and (decision.firm or not reading.refs) and not bare_deadline):
            timings["total"] = _ms(start)
            yield Answer(
                text=refusal(reading.lang, decision), refused=True, retrieved=retrieved, mode="offline",
                lang=reading.lang, timings=timings,
            )  # fmt: skip
            return

        t = time.perf_counter()
        if bare_deadline:
            draft, consulted = self._which_deadline(reading), {}
        else:
            draft, consulted = self._offline_draft(reading, hits, history)
        if reading.date_problems and not draft.deadlines:
            # A date that is ambiguous or does not exist: say why no date was computed.
            said = " ".join(describe_date_problem(p, reading.lang) for p in reading.date_problems)
            draft.text = said + "\n" + draft.text
            draft.outcome = "clarify"
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
                budget_ends = start + self.settings.answer_budget
                yield from self._guarded_deltas(reading, events, state, history, budget_ends)
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
            offline, _ = self._offline_draft(reading, hits, history)
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

    def _guarded_deltas(
        self, reading: Reading, events, state, history: History, budget_ends: float = float("inf")
    ) -> Iterator[str]:
        """The model's text, sentence by sentence, each through the guardrails before it is shown.
        Past ``budget_ends`` (``time.perf_counter``) the model is given up on: ``ModelError``."""
        from .agent import NEW_ROUND

        buffer = ""
        for event in events:
            if time.perf_counter() > budget_ends:
                raise ModelError(f"no answer within the {self.settings.answer_budget:g} s time budget")
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

    def _offline_draft(
        self, reading: Reading, hits: list[Hit], history: History = ()
    ) -> tuple[Draft, dict[str, Provision]]:
        consulted: dict[str, Provision] = {h.provision.key: h.provision for h in hits}
        # (the words of the provisions quoted before, in the other language, answer the message; one asking
        # more besides gets them after its answer: "can you paste the Chinese wording? And is his daughter fined too?")
        words = self._in_the_other_language(reading, consulted)
        if words is not None and len(each_question(reading.question)) <= 1:
            return words, consulted
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
                if not _asks_which_document(reading):  # "which Article 21 is it?": each one is shown
                    looked_up = self._the_one_meant(reading, looked_up)
                draft = self._lookup(reading, looked_up, whole=True)
                draft.text = f"{note}\n{draft.text}".strip()
                return _say_what_is_not_stated(reading, draft), consulted
            # Only articles that do not exist: say so, then answer the rest of the question, if any.
            rest = EN_ARTICLE_REF.sub(" ", ZH_ARTICLE_REF.sub(" ", reading.question))
            if not has_domain_words(rest):
                return Draft(note), consulted
            hits = [h for h in hits if not h.exact]
        # (a reply naming a place, "the Macao one", settles which card the conversation is about; a
        # question asking to compare the two places' cards asks about both)
        both = names_both_places(reading.context) and place_of(reading.question) is None \
            and not asks_about_both(asking_sentences(reading.question))
        # A message asking a deadline among other questions is answered one question at a time, so the
        # deadline's rule is chosen on the words that ask it ("(1) 最晚哪天申请？(2) 体检报告要不要？");
        # so is one numbering its questions ("1. Can he leave? 2. How big is the fine?"): its asker
        # wants each answered. So is one of whose questions one asks another place's rules ("香港那边要我
        # 办签证吗？回来凭居留证件能入境吗？"): that one is declined, the others answered. Any other is answered
        # as a whole, its story and all its questions choosing the provisions.
        several = each_question(reading.question)
        if not (reading.asks_deadline or numbers_its_questions(reading.question)
                or len(several) > 1 and any(elsewhere_question(one.alone, one.asked) for one in several)):
            several = []
        each_said = False  # (each of several answers says already what it does not state)
        if candidates := unclear_card(reading.context, both):
            draft = self._which_card(reading, candidates, hits, consulted)
        elif (not reading.asks_deadline or not _dates_an_event(reading) or asks_coming_back(reading.question)
              or dated_only_once_named(reading.context)) \
                and not names_a_citizen(reading.context) and (measures := unclear_measure(reading.context)):
            # (a deadline asked from a date goes to its rule: "ordered to leave on 3 May; by when?"; one
            # asked with no date to count from, "sent home: when may he come back?", or only with dates
            # of events no period starts from, "stopped at the crossing on Sunday: how long will it
            # last?", depends on the measure, and so does coming back from the day one was sent home,
            # "遣返 on 5 March: when can he come again?"; and the measures are the Law's for foreigners:
            # a Chinese citizen sent back from abroad is Art. 75's)
            draft = self._which_measure(reading, measures, consulted)
        elif each_said := len(several) > 1:
            draft = self._each_answered(reading, several, history, consulted)
        else:
            draft = self._with_linked_parts(reading, self._answer_draft(reading, hits, consulted), consulted)
        if note:
            draft.text = f"{note}\n{draft.text}".strip()
        draft = draft if each_said else _say_what_is_not_stated(reading, draft)
        return (merge_drafts(draft, [words]) if words is not None else draft), consulted

    def _in_the_other_language(self, reading: Reading, consulted: dict[str, Provision]) -> Draft | None:
        """A message asking for the words of the provisions it names, or of those the answer before it
        quoted, in the other language ("can I see the Chinese wording?", "英文原文怎么说？"): those provisions
        quoted in that language (the official Chinese text; the English translation), the parts the
        question before asked about; None for any other message."""
        other = asked_language(reading.question, reading.lang)
        refs = reading.refs or (reading.answered_refs if reading.follow_up else [])
        if other is None or not refs:
            return None
        provisions = [p for r in refs for p in self.retriever.lookup(r.article, r.doc_id)]
        provisions = [p for p in dict.fromkeys(provisions) if other in p.languages]
        # ("Article 32 in English?" after an answer quoting the Law's Article 32: the Law's, not the Regulations')
        provisions = [p for p in provisions if reading.cited_before(p.doc_id, p.article)] or provisions
        if not provisions:
            return None
        consulted.update({p.key: p for p in provisions})
        asked_about = reading.previous if reading.follow_up and not reading.refs else reading.question
        draft = self._lookup(
            dataclasses.replace(reading, lang=other, question=asked_about, previous=None, refs=[]), provisions, whole=True)
        draft.text = f"{_OTHER_LANGUAGE[other]}\n{draft.text}"
        return draft

    def _each_answered(
        self, reading: Reading, questions: Sequence[OneQuestion], history: History, consulted: dict[str, Provision]
    ) -> Draft:
        """A message asking a deadline among several questions ("(1) By when must he apply? (2) Does he
        need a health certificate?"), or numbering its questions: each answered in turn, under the
        question it answers, as if asked alone with the message's story (what the message tells
        without asking), so each gets its own deadline rule, its own provisions and its own "the
        documents do not say"."""
        drafts: list[Draft] = []
        for question in questions:
            drafts.append(self._one_of_several(reading, question, drafts, history, consulted))
        drafts = self._steps_of_the_matter(reading, questions, drafts, history, consulted)
        return compose_several(reading.lang, [q.asked for q in questions], drafts)

    def _steps_of_the_matter(
        self, reading: Reading, questions: Sequence[OneQuestion], drafts: list[Draft], history: History,
        consulted: dict[str, Provision],
    ) -> list[Draft]:
        """``drafts`` with each question asking a step of the matter another question's deadline is
        computed for (who may file, what to bring, how long it takes, whether one stays lawfully
        meanwhile: "1. 我们HR能不能替他去办？2. 要准备哪些材料？3. 去哪儿办，最晚哪天？" of a permit's
        renewal) answered from the parts ``corpus/links.json`` links to that deadline's provision for
        it, when its own answer quotes none of them."""
        # (a deadline of no rule, a day described, has no provision: only the rules' own are looked up)
        computed = [self._provision_of(rule) for d in drafts for dl in d.deadlines
                    if (rule := next((r for r in self.rules if r.id == dl.rule_id), None)) is not None]
        sources = list(dict.fromkeys(p for p in computed if p is not None))
        if not sources:
            return drafts
        out = list(drafts)
        for i, (question, draft) in enumerate(zip(questions, drafts)):
            kinds = [k for k in linked_kinds(asking_clauses(asking_sentences(question.asked))) if k in step_kinds()]
            if not kinds or draft.deadlines or draft.outcome in {"clarify", "outside"}:
                continue
            part = self._read_part(question.asked, reading, history)
            linked = self._linked_draft(part, sources, kinds, consulted)
            if linked is not None and not {p.key for p in linked.cited} <= {p.key for p in draft.cited}:
                out[i] = _say_what_is_not_stated(part, linked, reading.question, own=question.asked)
        return out

    def _read_part(self, text: str, reading: Reading, history: History) -> Reading:
        """``text``, one of the questions of the message ``reading`` reads, read with the whole message as
        its context."""
        return dataclasses.replace(
            read_question(text, history, reading.today, self.retriever.provisions), message=reading.question)

    def _one_of_several(
        self, reading: Reading, question: OneQuestion, earlier: Sequence[Draft], history: History,
        consulted: dict[str, Provision],
    ) -> Draft:
        """The answer to one of a message's several questions, given the answers to those before it
        (``earlier``)."""
        def search(one: Reading) -> list[Hit]:
            hits = self._search(one)
            # one place per answer: a question about Macao gets no mainland provision for any part
            hits = [h for h in hits if h.provision.jurisdiction == reading.region] if reading.region else hits
            consulted.update({h.provision.key: h.provision for h in hits})
            return hits

        def answer(one: Reading, hits: list[Hit]) -> Draft:
            return self._with_linked_parts(one, self._answer_draft(one, hits, consulted, MOST_EACH), consulted)

        def read(text: str) -> Reading:
            return self._read_part(text, reading, history)

        # (a day weighed against a deadline computed before, "等月底领了薪水再去交行不行？", is no question about pay)
        # (one asking a day of its own, "his permit ends 15 March: his last day?", is another computation)
        weighs_a_day = any(e.deadlines for e in earlier) and not asks_for_date(question.asked) \
            and bool(dates_in(question.asked, reading.today))
        if (elsewhere := elsewhere_question(question.alone, question.asked)) is not None:
            # ("does Hong Kong want a visa from me?" beside "may I come back on my permit?")
            return Draft(elsewhere[reading.lang], outcome="outside")
        if not weighs_a_day and (outside := off_topic_question(question.asked)) is not None:
            # "Do we owe him severance?" beside "and when must his permit be renewed?": no quote of the
            # story's provisions answers a question the documents do not treat
            return Draft(outside[reading.lang], outcome="outside")
        limit_of_a_day = asks_for_limit(question.asked) and any(e.deadlines for e in earlier)
        goes_on = not question.someone_else and _goes_on_with_the_matter(question.near or question.asked) or weighs_a_day
        # ("能延到月底吗？" after a computed day asks the longest period from it)
        if earlier and earlier[-1].cited and goes_on and not limit_of_a_day:
            # ("…, is that ok?"): more of what the answer before quoted, or "see above"; a search of
            # the story would only find some other provision. A further question about what it quoted
            # ("can I file it for her?" after the day to apply) gets the part linked to it for that question.
            part = read(question.asked)
            kinds = linked_kinds(asking_clauses(asking_sentences(part.question)))
            linked = self._linked_draft(part, earlier[-1].cited, kinds, consulted) if kinds else None
            if linked is None:
                more = self._with_more_of_the_cited(part, dataclasses.replace(earlier[-1]))
                if weighs_a_day:  # (how the day weighed stands against the last day computed before)
                    last = next(e for e in reversed(earlier) if e.deadlines).deadlines[0].date
                    days = dates_in(question.asked, reading.today)
                    more.text = "\n".join([*weighed_days(days, last, reading.lang, reading.today), more.text])
                return more
            # (what the linked part states for the case the message tells: "可以让老师帮我去办吗？")
            return _say_what_is_not_stated(read(question.alone), linked, reading.question, own=question.asked)
        one = read(question.alone)
        if one.asks_deadline and question.alone.endswith(question.asked) and question.alone != question.asked:
            # A question dating the same kind of event as the story ("my permit runs to 15 July …. And
            # his ends 30 September: what's his last day?") asks of its own date: the story's dates and
            # the steps it tells are another matter.
            own = read(question.near or question.asked)
            told = len(question.alone) - len(question.asked)
            if {r.role for r in own.roles if r.role} & {r.role for r in one.roles if r.role and r.found.start < told}:
                one = own
        hits = search(one)
        if one.asks_deadline and question.near and one.question != question.near:
            # ("他持团聚类居留证件。1）岳母周日到，住家里，据说得到派出所报一下，哪天前要办？"): a rule only the
            # story's words name is not asked when the question's own part names another
            own = read(question.near)
            own_hits = search(own)
            if (theirs := self._named_in_story_only(one, hits, own, own_hits)) is not None:
                one, hits = own, theirs
        if question.with_before and one.asks_deadline and (
            not one.dates or choose_rule(one, self.rules, hits).rule is None
        ):
            # "谁去办，最晚哪天？" after "朋友借住我家，也得登记？": a date asked of nothing one rule has,
            # or with no date of its own, is asked of what the question before it names and dates
            other = read(question.with_before)
            other_hits = search(other)
            if (other.dates or not one.dates) and choose_rule(other, self.rules, other_hits).rule is not None:
                one, hits = other, other_hits
        draft = answer(one, hits)
        computed_before = {(d.rule_id, d.date) for e in earlier for d in e.deadlines}
        near = question.near or question.asked
        # (a question naming its own matter, or an event its own part tells, whose answer computes nothing new)
        if draft.cited and near != question.alone and all((d.rule_id, d.date) in computed_before for d in draft.deadlines) \
                and (has_domain_words(without_asks(question.asked, asked(question.asked)), persons=False)
                     or events_told(near, asking_sentences(near))):
            draft, hits = self._on_its_own_words(question, draft, hits, search, answer, read)
        cited_before = {p.key for d in earlier for p in d.cited}
        # (a part asking a fact that is no figure or date, "can she ever come back?", is not asking again
        # for the day its story dates)
        tells_its_own = bool(question.near) and question.near != question.asked \
            or any(k.name not in {GENERIC, TIME_LIMIT} for k in asked(question.asked))
        if cited_before and {p.key for p in draft.cited} <= cited_before and (not draft.deadlines or (
                tells_its_own and all((d.rule_id, d.date) in computed_before for d in draft.deadlines))):
            # The story drowns the question, and its answer would only repeat one before it ("Our son was
            # born on …. Does my mother-in-law, staying with us, register too?"): what its own words find,
            # with what its own part of the message tells, when that is something else. A deadline computed
            # already is given up only for a part that tells something of its own ("(b) he moves into a
            # flat on Saturday: does anyone register him there?") or asks no date ("(3) will she be sent home?").
            own = read(question.near or question.asked)
            own_hits = search(own)
            if own_hits and own_hits[0].score >= self.retriever.min_score:
                other = answer(own, own_hits)
                # (something not given before: a provision, or, for a part asking no day and no longest
                # period, which the days given before answer, another part of one quoted before: "出国几年
                # 会不会影响永久居留？" after that article's item on expulsion answered another question)
                given = {(key, quote.text) for d in earlier for key, quote in d.quoted.items()}
                dayless = not asks_for_date(question.asked) and not asks_for_limit(question.asked)
                if {p.key for p in other.cited} - cited_before or dayless and any(
                        (key, quote.text) not in given for key, quote in other.quoted.items()):
                    one, draft = own, other
        draft = self._following_earlier(one, question, draft, earlier, consulted)
        if not draft.text.strip():
            # nothing in the documents answers this one
            draft = Draft(f"{not_answered(reading.lang)}\n{where_to_ask(reading.region, reading.lang)}",
                          outcome="not_stated")
        return _say_what_is_not_stated(one, draft, reading.question, own=question.near or question.asked)

    def _on_its_own_words(self, question: OneQuestion, draft: Draft, hits: list[Hit], search, answer, read):
        """``draft`` and ``hits``, or, when a provision ``draft`` quotes is none of those the question's own
        words find (the message's story drowns it: a student couple's story bringing the students' part-time
        work to "does my mother-in-law staying with us register?"), the answer to the question read with
        only the story's sentences sharing a word with it (who it asks of, what she did): when that answer
        quotes a provision its own words find and, if ``draft`` quotes one too, quotes only such provisions,
        with as many deadlines."""
        own_hits = search(read(question.near or question.asked))
        found = {h.provision.key for h in own_hits}
        cited = {p.key for p in draft.cited}
        if not own_hits or own_hits[0].score < self.retriever.min_score or cited <= found:
            return draft, hits
        story = question.alone.removesuffix(question.asked) if question.alone.endswith(question.asked) else ""
        words = {t for t in tokenize(question.asked) if len(t) >= 2}
        told = [s for s in sentences_of(story) if words & set(tokenize(s))]
        if not told:
            return draft, hits  # (a question sharing no word with the story, "罚款大概多少？", is asked of all of it)
        mine = read(" ".join([*told, question.asked]))
        mine_hits = search(mine)
        other = answer(mine, mine_hits)
        keys = {p.key for p in other.cited}
        if keys & found and (not cited & found or keys <= found and len(other.deadlines) >= len(draft.deadlines)):
            return other, mine_hits
        return draft, hits

    def _open_time_named(self, reading: Reading, hits: list[Hit]) -> list[Hit]:
        """The hits using a time limit left open that a sentence of the question names and asks the
        measure of ("is 'promptly' an actual cut-off?", "“及时”是几天？"), best first; [] when none."""
        # (in a sentence ending as a question: "证件没及时去续，后来被罚了款。" tells, whatever opens it)
        asking = " ".join(s for s in sentences_of(asking_sentences(reading.question))
                          if s.rstrip().endswith(("?", "？")))
        named = [t for t in open_terms() if t.by_time and t.names.search(asking) and left_open(asking, t.corpus)]
        if not named:
            return []
        # (the one the answer followed up cited first, "the 'promptly' you quoted", then those the search found)
        cited = [found[0] for t in named for doc, article in t.provisions if reading.cited_before(doc, article)
                 and (found := self.retriever.lookup(article, doc))]
        if cited:
            return [Hit(provision=p, score=hits[0].score if hits else 1.0, rank=i) for i, p in enumerate(cited, 1)]
        return [h for h in hits if any((h.provision.doc_id, h.provision.article) in t.provisions for t in named)]

    def _named_in_story_only(self, one: Reading, hits: list[Hit], own: Reading, own_hits: list[Hit]) -> list[Hit] | None:
        """``own_hits`` when the deadline rule ``one`` (a question read with its message's story) gets is
        named by none of the words of ``own`` (the question with only its own part of the message) and
        ``own`` gets another rule its words name, counted from a date of its own, or names a duty due
        with no number of days ("1) Must the company tell the police she resigned, and by what date?": the
        employer's report, due promptly, data/open_terms.json 'by_time'); None otherwise."""
        theirs = choose_rule(own, self.rules, own_hits)
        if theirs.rule is None or theirs.keywords <= 0 or theirs.event is None:
            # (the close provision stating what the question tells happened, his leaving, before the best)
            best = (for_the_case_told(own, own_hits) or own_hits[0]) if own_hits else None
            top = best.provision if best is not None else None
            if top is None or not any(t.by_time and (top.doc_id, top.article) in t.provisions for t in open_terms()):
                return None
            theirs = None
        chosen = choose_rule(one, self.rules, hits).rule
        if chosen is None and theirs is None:
            return own_hits  # (nor a "which date?" of the story's dates)
        if chosen is None or (theirs is not None and chosen.id == theirs.rule.id):
            return None
        named = rule_evidence(own, self.rules, own_hits).get(chosen.id)
        return own_hits if named is None or named.keywords <= 0 else None

    def _following_earlier(
        self, one: Reading, question: OneQuestion, draft: Draft, earlier: Sequence[Draft],
        consulted: dict[str, Provision],
    ) -> Draft:
        """``draft``, the answer to ``question``, as the answers before it (``earlier``) bear on it:
        the penalty linked to a duty an earlier answer quoted ("(1) By when must he leave? (2) What
        is the fine if he does not?"), and the longest period counted from a day an earlier answer
        computed ("(2) How far could the stay be extended?")."""
        given = [d for e in earlier for d in e.deadlines]
        given_days = {(g.rule_id, g.date) for g in given}
        kinds = linked_kinds(question.asked, told=question.alone)
        quoted_before = [p for e in earlier for p in e.cited]
        linked = self._linked_draft(one, quoted_before, kinds, consulted) if kinds else None
        # ("and the fine for a late report?" after the employer's report no article punishes)
        told = question.with_before or question.alone
        if linked is None and not has_domain_words(without_asks(question.asked, asked(question.asked))) \
                and (none := self._none_linked(one, quoted_before, draft, kinds, told)):
            return none
        if linked is not None:
            # (a date this question asks that no earlier answer gave stays: "最晚哪天？逾期会罚吗？")
            new = any((d.rule_id, d.date) not in given_days for d in draft.deadlines)
            if not (new and asks_for_date(question.asked)):
                draft = linked
            elif not {p.key for p in linked.cited} <= {p.key for p in draft.cited}:
                draft = merge_drafts(draft, [linked])
        if asks_for_limit(question.asked) and (known := self._known_days(given)):
            limits = self._limits(one, known, consulted)
            if limits:
                draft = merge_drafts(draft, limits) if draft.deadlines else merge_drafts(limits[0], limits[1:])
        return draft

    def _which_card(
        self, reading: Reading, candidates: tuple[Card, ...], hits: list[Hit], consulted: dict[str, Provision]
    ) -> Draft:
        """A card named loosely by a question about both places: ask which it is, and quote what
        each card's document says to the question meanwhile."""
        chosen = []
        for card in candidates:
            found = [h for h in hits if h.provision.doc_id == card.doc_id]
            found = found or self.retriever.search(reading.search_query, k=1, doc_id=card.doc_id)
            if found:
                chosen.append(found[0].provision)
        consulted.update({p.key: p for p in chosen})
        draft = self._lookup(reading, chosen)
        draft.text = f"{which_card_line(candidates, reading.lang)}\n{draft.text}"
        draft.outcome = "clarify"
        return draft

    def _which_measure(
        self, reading: Reading, measures: tuple[Measure, ...], consulted: dict[str, Provision]
    ) -> Draft:
        """A measure (or a document) named by a loose word ("deported", 被限制了, "my work card"): ask
        which it was, and quote the provision of each meanwhile (a guide's section for a guide)."""
        chosen: list[Provision] = []
        if reading.region:  # (a question about one place is asked about that place's documents only)
            places = {p.doc_id: p.jurisdiction for p in self.retriever.provisions}
            measures = tuple(m for m in measures if places.get(m.doc_id, reading.region) == reading.region) or measures
        for measure in measures:
            if measure.article is None:
                found = [p for p in self.retriever.provisions
                         if p.doc_id == measure.doc_id and p.article is None and p.section == measure.section]  # fmt: skip
            else:
                found = self.retriever.lookup(measure.article, measure.doc_id)
            if found and found[0] not in chosen:
                chosen.append(found[0])
        consulted.update({p.key: p for p in chosen})
        draft = self._lookup(reading, chosen)
        draft.text = f"{which_measure_line(measures, reading.lang)}\n{draft.text}"
        draft.outcome = "clarify"
        return draft

    def _answer_draft(
        self, reading: Reading, hits: list[Hit], consulted: dict[str, Provision], most: int = MOST_PARTS
    ) -> Draft:
        """The answer to one question: its deadline computed, its "which one?", or the provisions
        (at most ``most``) that answer it."""

        # A time limit the documents leave open, named where the sentence asks how long it allows ("that
        # 'promptly' report: how many days is that?"): the provisions using it answer, whatever dates
        # the conversation holds (data/open_terms.json 'by_time').
        if (using := self._open_time_named(reading, hits)):
            consulted.update({h.provision.key: h.provision for h in using})
            return self._lookup(reading, [h.provision for h in using[:most]])

        # Deadlines.
        choice = choose_rule(reading, self.rules, hits)
        rule = choice.rule
        if rule is not None and (theirs := self._rule_for_the_age_or_case_told(reading, rule)) is not None:
            # "she is 71: will they hold her that long too?": the Law takes the young and the old out of
            # detention for examination (Art. 61 item (3)); the restriction replacing it, and its limit, is theirs
            choice = dataclasses.replace(choice, rule=theirs, also=())
            rule = theirs
        if (rule is not None or choice.abstains) and (theirs := self._rule_of_the_event_asked(reading, rule, hits)) is not None:
            # "公公5月12日从开罗过来，直接住进我们租的公寓。住进来，要不要登记？哪天之前？": the move the asking
            # sentence tells is counted by the registration's rule, not the entry's residence permit
            choice, rule, told_event = theirs, theirs.rule, theirs.event
        else:
            told_event = None
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
        period = asks_for_period(reading.question)
        if rule is not None and not reading.dates and not choice.abstains and (period or (
                reading.asks_deadline and not reading.previous_dates
                and _NAMES_A_DEADLINE.search(asking_sentences(reading.question)))):
            # "How many days after entry ...?", or "what is the deadline for it?" with no date to count
            # from: the period of a rule the question plainly names is the answer; its article leads
            # (the part stating the period, when the question words no period), and the date it gives
            # is offered.
            provision = self._provision_of(rule)
            retrieved = {(h.provision.doc_id, h.provision.article) for h in hits}
            if provision is not None and choice.keywords >= RULE_ON_TOPIC and (rule.doc_id, rule.article) in retrieved \
                    and not _an_events_step_first(reading, rule, hits):
                consulted[provision.key] = provision
                phrase = str(getattr(rule, "phrase_zh" if reading.lang == "zh" else "phrase", "") or "")
                read = reading if period else dataclasses.replace(reading, question=f"{reading.question} {phrase}")
                draft = self._lookup(read, [provision])
                if rule.kind not in {"maximum"}:
                    draft.text += "\n" + date_hint(rule, reading.lang)
                return draft
        if rule is not None and not reading.dates and not choice.abstains \
                and choice.candidates and choice.candidates[0].rule is rule \
                and choice.keywords >= RULE_ON_TOPIC and choice.candidates[0].evidence.asked_keywords > 0 \
                and asks_procedure(asking_sentences(reading.question)) and rule.kind not in {"maximum"}:
            # "What is the procedure to renew my residence permit?": the rule's article and its period,
            # then the steps the links give for it (what to submit, the receipt and decision, who may file);
            # the sentence asking the procedure names the rule's matter (a renewal the story only tells of,
            # beside a lost card asked about, is not it)
            if (steps := self._procedure_draft(reading, rule, consulted)) is not None:
                return steps
        # A date in a question that asks for none ("refused entry yesterday: may they?") starts no
        # computation and no "which deadline?"; nor does a "which one?" offering one rule the question
        # hardly names and none of whose dates is that rule's event (a visa's last day of validity, a
        # lost visa's replacement read as a receipt). The question is answered from the texts.
        # ("Landed ten days ago: my deadline?" still asks: its date is the one rule's event.)
        # (asking within how many days, with the event dated, "新护照3月16日签发，多少天内要去办？", asks the day too)
        asks_no_date = not (reading.asks_deadline or reading.reuses_previous
                            or (reading.dates and rule is not None and not choice.abstains
                                and _WITHIN_DAYS.search(asking_sentences(reading.question))))
        one_weak_candidate = choice.abstains and len(choice.candidates) == 1 and choice.reason == "low_score" \
            and choice.candidates[0].evidence.role_fit <= 0
        # Nor does a "which date?" when each date's words tell an event no period starts from (a last
        # working day, a resignation, a stolen passport: data/date_roles.json 'starts_nothing') and the
        # sentence that asks plainly names none of the rules offered.
        inert = load_role_cues().inert
        dates_of_other_events = choice.abstains and choice.reason == "role" and bool(choice.candidates) \
            and all(c.evidence.role_fit < 0 and c.evidence.asked_keywords < RULE_ON_TOPIC for c in choice.candidates) \
            and all(r.role in inert for r in dated_roles(reading))
        # Nor does a rule the sentence that asks does not plainly name, when the best provision states the
        # step of an event the message tells and that sentence asks of (a student who dropped out, whose
        # permit lapsed in June: "was the school bound to report it, and within what time?"), or names it only
        # beside the event itself ("within what time must the widow report the death? 30 days, like a
        # permit after entry?")
        asking = asking_sentences(reading.question)
        of_an_event = rule is not None and _an_events_step_first(reading, rule, hits) and (
            bool(events_told(asking, steps_only=True, uncounted=True))
            or not any(c.rule is rule and c.evidence.asked_keywords >= RULE_ON_TOPIC for c in choice.candidates))
        if asks_no_date or one_weak_candidate or dates_of_other_events or of_an_event:
            choice = dataclasses.replace(choice, rule=None, reason="", candidates=(), event=None, also=(), via=None)
            rule = None
        if choice.reason == "close" and self._one_day_for_all(reading, choice):
            # rules close in score that give the same day from the same date (a port visa's longest stay
            # and the stay its holder says it states, both 30 days): no need to ask which
            choice = dataclasses.replace(choice, rule=choice.candidates[0].rule, reason="", candidates=())
            rule = choice.rule
        if choice.abstains:  # the question does not clearly date one rule's event: ask which
            provisions = {c.rule.id: self._provision_of(c.rule) for c in choice.candidates}
            consulted.update({p.key: p for p in provisions.values() if p is not None})
            cards = self._cards_loosely_named(reading, choice)
            consulted.update({p.key: p for _, p in cards})
            return compose_clarification(reading, choice, provisions, self._each_reading(reading, choice, cards), cards)
        if rule is not None:
            provision = self._provision_of(rule)
            # (an event the asking sentence tells is counted from the day its own clause dates)
            event, when = event_date(reading, rule) if told_event is None \
                else (told_event, told_event.found.resolve(reading.today, prefer_for(rule.kind, reading, told_event.found)))
            step = self._deadline_draft(reading, *choice.via, consulted) if choice.via else None
            if step is not None and (when is None or (event is not None and event.role is None)):
                # this rule counts from another's computed date (a date whose words give it no role
                # is no better: "closed Oct 1-8" is not the end of the stay)
                when = step.deadlines[0].date
            if provision is not None and when is not None:
                consulted[provision.key] = provision
                try:
                    deadline = self._compute(reading, rule, when, _counted_from(rule, event, reading.lang))
                    untold = event.found.text if event is not None and event.role is None and step is None else None
                    # (a part of a month, "下个月中旬", is counted from its first day; the day its last gives is said too)
                    loose = self._loose_note(reading, rule, event, when) if event is not None and step is None else None
                    assumed = " ".join(filter(None, [_assumed(rule, event, when, reading.lang), loose and loose[1]]))
                    draft = compose_deadline(reading, rule, deadline, provision, self.titles_zh, untold, assumed or None)
                    draft = self._with_counting(reading, rule, draft, consulted)
                    draft.deadlines += [loose[0]] if loose else []
                    draft = _for_the_residence_visa(reading, rule, event, draft)
                    draft = self._with_lapsed(reading, rule, when, draft, consulted)
                    if event is not None and (choice.each or each_ambiguous_date(reading, event)):
                        draft = self._each_from(reading, rule, draft, event, deadline, choice.each)
                    more = [step] + [self._deadline_draft(reading, r, d, consulted) for r, d in choice.also]
                    known = [(rule, "event", when), (rule, "result", deadline.date)]
                    if step is not None and choice.via:
                        known.append((choice.via[0], "result", step.deadlines[0].date))
                    more += self._limits(reading, known, consulted)
                    draft = merge_drafts(compare_actions(reading, rule, deadline, draft), [m for m in more if m])
                    # The parts of the question that ask no date ("…, and does my mother-in-law need to
                    # register?") get the provision that answers each.
                    parts = [p for p in question_parts(reading.question) if not asks_for_date(p)]
                    return self._with_other_parts(reading, draft, parts, consulted)
                except DeadlineError as exc:
                    log.info("no deadline for %s on %s: %s", rule.id, when, exc)
            # No date, but the question is plainly about this rule: quote its article.
            top_keys = [(h.provision.doc_id, h.provision.article) for h in hits]
            # (a rule only a case named by its own words makes a candidate, an expulsion, is named already,
            # unless the question names another measure beside it: "repatriated or expelled: which bars longer?")
            others = alternatives_named(reading.question, rule.doc_id, rule.article)
            named = choice.keywords >= RULE_ON_TOPIC or (getattr(rule, "named_only", False) and not others)
            on_topic = named and (rule.doc_id, rule.article) in top_keys[:2]
            # A deadline question whose date could not be read is still about this rule.
            on_topic = on_topic or bool(reading.date_problems and reading.asks_deadline)
            if provision is not None and when is None and on_topic \
                    and not _an_events_step_first(reading, rule, hits):
                consulted[provision.key] = provision
                draft = self._lookup(reading, [provision])
                if reading.asks_deadline and rule.kind not in {"maximum"}:
                    draft.text += "\n" + date_hint(rule, reading.lang)
                return draft

        # A deadline asked about in a place whose documents set none (a mainland rule would
        # have answered it): say so, and quote what that place's documents do say.
        # (what to do, asked of nothing dated, "外雇证之后要怎么办？", asks no deadline: no note of one)
        if rule is None and reading.region and reading.asks_deadline \
                and (reading.dates or asks_for_date(asking_sentences(reading.question))):
            elsewhere = choose_rule(reading, self.rules, hits, any_region=True).best
            from_elsewhere = elsewhere is not None and getattr(elsewhere, "region", None) != reading.region
            local = [h for h in hits if h.provision.jurisdiction == reading.region]
            # A dated question about a place whose documents set no deadline at all (Macao) gets the
            # note too; a place with rules of its own (the mainland) was only not matched to one.
            rules_here = any(getattr(r, "region", "CN") == reading.region for r in self.rules)
            if (from_elsewhere or (reading.dates and not rules_here)) and local:
                # (what it does say is chosen as for any question: a kind of fact asked, an office's
                # address, comes from the provision stating it; each part gets its provision)
                chosen = choose_provisions(reading, self._with_what_is_asked(reading, local, consulted))
                draft = self._lookup(reading, chosen[:most])
                draft = self._with_other_parts(reading, draft, question_parts(reading.question), consulted)
                draft.text = no_deadline_note(reading, reading.region) + "\n" + draft.text
                return draft

        # A penalty asked for with no act named ("罚款多少？"): the penalties differ by act, so ask
        # which one, and show the nearest that state one meanwhile.
        kinds = [k for k in asked(reading.question) if k.name == "penalty"]
        if kinds and not reading.previous and not tokenize(without_asks(reading.question, kinds)):
            stating = [h for h in self._with_what_is_asked(reading, hits, consulted)
                       if states_kind(h.provision, kinds, reading.question)]
            if len(stating) > 1:
                draft = self._lookup(reading, [h.provision for h in stating[:MOST_PARTS]])
                ask = ("请问是哪一种违法行为？不同行为的处罚不同，例如：" if reading.lang == "zh"
                       else "Which act do you mean? The penalties differ from one act to another, for example:")
                draft.text = f"{ask}\n{draft.text}"
                draft.outcome = "clarify"
                return draft

        # Everything else: quote the provisions that answer it; a question asking several things
        # gets the provision that answers each.
        chosen = choose_provisions(reading, self._with_what_is_asked(reading, self._duty_first(reading, hits), consulted),
                                   self._punishes)
        draft = self._lookup(reading, chosen[:most])
        return self._with_other_parts(reading, draft, question_parts(reading.question), consulted)

    def _procedure_draft(self, reading: Reading, rule, consulted: dict[str, Provision]) -> Draft | None:
        """A matter's procedure, step by step, for a question asking it of ``rule``'s matter: the rule's
        provision where it states the period, with the date it would give offered, then the parts
        ``corpus/links.json`` links to it as steps (``asked.json`` 'procedure'); None when it links to no step."""
        provision = self._provision_of(rule)
        if provision is None:
            return None
        steps = self._linked_draft(reading, [provision], procedure_steps(), consulted, also=reading.question)
        if steps is None:
            return None
        consulted[provision.key] = provision
        phrase = str(getattr(rule, "phrase_zh" if reading.lang == "zh" else "phrase", "") or "")
        first = self._lookup(dataclasses.replace(reading, question=f"{reading.question} {phrase}"), [provision])
        first.text += "\n" + date_hint(rule, reading.lang)
        lead = "按所收录文件的规定，办理步骤依次如下：" if reading.lang == "zh" else "The steps, in order, as the documents set them out:"
        first.text = f"{lead}\n{first.text}"
        return merge_drafts(first, [steps])

    def _with_other_parts(self, reading: Reading, draft: Draft, parts: Sequence[str], consulted: dict[str, Provision]) -> Draft:
        """``draft`` and, for each of the question's ``parts`` (its several questions), the provision
        that answers that part best, quoted where it speaks to that part, when the draft does not
        quote it already: up to ``MOST_PARTS`` provisions in all."""
        if len(question_parts(reading.question)) < 2:
            return draft
        # Each part is searched with the story the message tells (what it does not ask): "when may
        # she return?" read with "she was sent home"; when that finds only what is quoted already,
        # the part alone.
        asking = asking_clauses(reading.question)
        story = " ".join(c for c in clauses_of(reading.question) if c not in asking)
        for part in parts:
            # (the part is read in its message: "which visa would his wife get?" of a man working here)
            part_reading = dataclasses.replace(reading, question=part, refs=[], message=reading.question)
            if _already_stated(part, draft):
                # "…, and which office handles it?" when the quoted article names the office: its sentence that does
                draft = self._with_more_of_the_cited(part_reading, draft)
                continue
            if len(draft.cited) >= MOST_PARTS:
                break
            # a part asking what a quoted provision links to (its breach's penalty) gets the linked part first
            before = len(draft.cited)
            draft = self._with_linked_parts(part_reading, draft, consulted)
            if len(draft.cited) > before:
                continue
            if _goes_on_with_the_matter(part):
                # "…, is that ok?", "能不能放完假再去？", "法条上是怎么说的": a part naming nothing of its
                # own asks on about the matter quoted; a search of the story would only find another one
                draft = self._with_more_of_the_cited(part_reading, draft)
                continue
            provision, cited = None, None
            # (a part asking for a penalty, "罚款上限是多少？", is answered by a provision stating one: the
            # best found that does comes first, above the procedure the story also names)
            kinds = [k for k in asked(part) if k.choose]
            for text in dict.fromkeys([f"{story} {part}" if story not in part else part, part]):
                found = self.retriever.search(dataclasses.replace(reading, question=text).standalone_query, k=TOP_K)
                if reading.region:  # one place per answer: a Macao question gets no mainland part
                    found = [h for h in found if h.provision.jurisdiction == reading.region]
                if kinds:
                    stating = [h for h in found
                               if h.score >= self.retriever.min_score and states_kind(h.provision, kinds, part)]  # fmt: skip
                    found = stating + [h for h in found if h not in stating]
                if found and found[0].score >= self.retriever.min_score:
                    if found[0].provision not in draft.cited:
                        provision = found[0].provision
                        break
                    cited = cited or found[0].provision
            if provision is None:
                if cited is not None:  # the part is answered by another paragraph of a provision already quoted
                    draft = self._with_more_of_the_cited(part_reading, draft, cited)
                continue
            consulted[provision.key] = provision
            draft = merge_drafts(draft, [self._lookup(part_reading, [provision])])
        return draft

    def _with_linked_parts(self, reading: Reading, draft: Draft, consulted: dict[str, Provision]) -> Draft:
        """``draft`` and, when the question asks a further question about a provision the draft
        quotes (what follows a missed duty, "晚了会罚吗？"; what to bring; who may file for the
        applicant; whether the stay is lawful while the passport is held; how long it takes), the part
        of the provision linked to it for that question (``corpus/links.json``), unless it is quoted
        already: up to ``MOST_PARTS`` more provisions."""
        if draft.outcome != "answered" or not draft.cited:
            return draft
        asking = asking_clauses(asking_sentences(reading.question))
        kinds = linked_kinds(asking, told=reading.question)
        # (the visa the answer names picks its own item of a list the link leads to: what an S1 visa's
        # application submits)
        named = sorted(visas_named(draft.text.splitlines()[0])) if draft.text else []
        letters = " ".join(f"{v} visa {v}字签证" for v in named)
        linked = self._linked_draft(reading, draft.cited, kinds, consulted, items=letters)
        if linked is None and (none := self._none_linked(reading, draft.cited, draft, kinds, reading.question)):
            return none
        if linked is None and reading.answered_refs:
            return self._linked_to_the_answer_before(reading, draft, asking, kinds, consulted)
        return merge_drafts(draft, [linked]) if linked is not None else draft

    def _linked_to_the_answer_before(
        self, reading: Reading, draft: Draft, asking: str, kinds: list[str], consulted: dict[str, Provision]
    ) -> Draft:
        """``draft``, the answer to a follow-up asking on about what the answer before it quoted ("any
        penalty if we miss it?" after the registration duty: a penalty asked there is the one for missing
        that duty), with the part linked to that provision first; ``draft`` alone when it quotes a
        provision and the part linked to it already."""
        if "penalty" not in kinds and any(k.name == "penalty" for k in asked(asking)):
            kinds = ["penalty", *kinds]
        if self._linked_parts(draft.cited, kinds, among_them=True):
            return draft
        before = [p for r in reading.answered_refs for p in self.retriever.lookup(r.article, r.doc_id)]
        if draft.deadlines:
            linked = self._linked_draft(reading, before, kinds, consulted)
            return merge_drafts(linked, [draft]) if linked is not None else draft
        # (a linked provision the search found too is quoted once, at the part the link names and the
        # question's own words pick: "那雇人的一方呢？", the employer's paragraph of the penalty)
        linked = self._linked_draft(reading, before, kinds, consulted, also=reading.question)
        if linked is None:
            return draft
        rest = [p for p in draft.cited if p not in linked.cited]
        return merge_drafts(linked, [self._lookup(reading, rest)] if rest else [])

    def _known_days(self, deadlines: Sequence[Deadline]) -> list[tuple[Any, str, dt.date]]:
        """(rule, "event" or "result", day) for each of the computed ``deadlines``."""
        known: list[tuple[Any, str, dt.date]] = []
        for d in deadlines:
            if d.rule_id:
                rule = get_rule(d.rule_id, self.rules)
                if d.event is not None:
                    known.append((rule, "event", d.event.date() if isinstance(d.event, dt.datetime) else d.event))
                known.append((rule, "result", d.date))
        return known

    def _linked_parts(
        self, sources: Sequence[Provision], kinds: Sequence[str], among_them: bool = False, said: str = ""
    ) -> dict[tuple[str, int], list[str]]:
        """(doc, article) -> the words of each part ``corpus/links.json`` links to ``sources`` for the
        ``kinds`` of further question asked, for the provisions not among the sources (``among_them``:
        for those among them), of the links holding for a message reading ``said``."""
        cited = {(p.doc_id, p.article) for p in sources}
        wanted: dict[tuple[str, int], list[str]] = {}
        for kind in kinds:
            for p in sources:
                for link in self.links.of(p.doc_id, p.article, kind):
                    if not link.states_none and ((link.doc_id, link.article) in cited) == among_them \
                            and link.holds_for(said):
                        wanted.setdefault((link.doc_id, link.article), []).append(link.text)
        return wanted

    def _none_linked(
        self, reading: Reading, sources: Sequence[Provision], draft: Draft, kinds: Sequence[str], told: str
    ) -> Draft | None:
        """The answer saying the documents state no penalty for missing a duty of ``sources`` that
        ``corpus/links.json`` links to nothing ("what's the fine if we report late?" after the employer's
        report), with that duty quoted, in place of ``draft`` when ``told`` (the message) names the duty
        and all ``draft`` quotes besides is penalties for other acts; None otherwise."""
        if "penalty" not in kinds:
            return None
        duties = [p for p in sources if any(link.states_none and link.said_in(told)
                                            for link in self.links.of(p.doc_id, p.article, "penalty"))]  # fmt: skip
        if not duties or any(p not in duties and not self._of_penalties(p) for p in draft.cited):
            return None
        duty = duties[0]
        quoted = self._lookup(reading, [duty])
        line = no_penalty_line(duty.label_zh if reading.lang == "zh" else duty.label, reading.lang)
        quoted.text = f"{line} {marker(duty)}\n{quoted.text}\n{where_to_ask(duty.jurisdiction, reading.lang)}"
        quoted.outcome = "not_stated"
        return quoted

    @cached_property
    def _penalty_chapters(self) -> set[tuple[str, str]]:
        """(doc, chapter) of the provisions penalties are linked to (the Law's legal liability)."""
        targets = {(link.doc_id, link.article) for link in self.links.all if link.kind == "penalty" and not link.states_none}
        return {(p.doc_id, chapter) for p in self.retriever.provisions
                if (p.doc_id, p.article) in targets and (chapter := p.chapter or p.chapter_zh)}  # fmt: skip

    def _of_penalties(self, provision: Provision) -> bool:
        """Whether ``provision`` is of the chapter penalties are linked to (how fines are paid too)."""
        return (provision.doc_id, provision.chapter or provision.chapter_zh) in self._penalty_chapters

    def _linked_draft(
        self, reading: Reading, sources: Sequence[Provision], kinds: Sequence[str], consulted: dict[str, Provision],
        also: str = "", items: str = "",
    ) -> Draft | None:
        """The parts of provisions that ``corpus/links.json`` links to ``sources`` for the ``kinds``
        of further question asked (the penalty for breaching them, ...), those not among the
        sources, each read in the words the links quote (and ``also``'s), with the part ``items`` names
        besides (the item of a visa's letter, in a list of what each visa's application submits); None
        when there is none."""
        wanted = self._linked_parts(sources, kinds, said=reading.message or reading.question)
        drafts = []
        for (doc_id, article), texts in list(wanted.items())[:MOST_PARTS]:
            provision = next(iter(self.retriever.lookup(article, doc_id)), None)
            if provision is None:
                continue
            consulted[provision.key] = provision
            # the part quoted is the one the links name, read in the words they quote, and the part stating
            # a case the question asks of besides ("公司会被怎么罚？": the employer's paragraph of the fine)
            part_reading = dataclasses.replace(reading, question=" ".join([*dict.fromkeys(texts), also]).strip(), refs=[])
            drafts.append(self._lookup(part_reading, [provision]))
            if items:
                drafts[-1] = self._with_more_of_the_cited(dataclasses.replace(part_reading, question=items), drafts[-1], provision)
            for case in cases_asked(reading.question):
                if any(case in x.text for x in provision.texts) and case not in drafts[-1].quotes.get(provision.key, ""):
                    drafts.append(self._lookup(dataclasses.replace(part_reading, question=case), [provision]))
        return merge_drafts(drafts[0], drafts[1:]) if drafts else None

    def _with_more_of_the_cited(self, part_reading: Reading, draft: Draft, provision: Provision | None = None) -> Draft:
        """``draft`` and, when a provision it cites (``provision``, or the cited one whose text speaks
        to the part best) has a sentence answering the part that the draft does not quote yet, that
        sentence quoted too ("…, and may the border inspection ask the agency for a guarantee?": the
        article's third paragraph, beside the first quoted for the period)."""
        score = SentencePicker.clause_scorer(part_reading.question)
        if provision is None:
            fits = {p.key: max((score(s) for t in p.texts for s in SentencePicker.text_sentences(t.text)), default=0.0)
                    for p in draft.cited}  # fmt: skip
            best = max(fits.values(), default=0.0)
            provision = next((p for p in draft.cited if best > 0 and fits[p.key] == best), None)
        if provision is None:
            return draft
        more = self._lookup(part_reading, [provision])
        quote = more.quoted.get(provision.key)
        new = [piece for piece in (quote.pieces if quote else []) if piece not in draft.text and score(piece) > 0]
        if not new:
            return draft
        if provision in draft.cited and (quote.lang == part_reading.lang or part_reading.lang not in provision.languages):
            # a provision quoted already gets only the sentences it adds, not its summary, heading and
            # quote again (a lost card's reissue, then what the reissue gives, from the same section);
            # one quoted in another language than the reader's where it has the reader's (a translation
            # older than the text in force) keeps its notes and both texts
            before = draft.quoted.get(provision.key)
            # (every piece of its quote not quoted yet: a list's item comes with its lead-in)
            new = unquoted_rest(quote.pieces, [*(before.pieces if before else []), *re.findall(r"“([^”]+)”", draft.text)])
            if not new:
                return draft
            more.text = also_quoted(new, provision, part_reading.lang, more.text, draft.text)
            # (what the answer quotes of it is now both parts, of the provision as a whole: what the quoted
            # text states is read in all of it)
            if before is not None:
                both = dataclasses.replace(before, pieces=[*before.pieces, *new], pinpoint=None,
                                           official_pieces=[*before.official_pieces, *quote.official_pieces])
                draft.quoted[provision.key], draft.quotes[provision.key] = both, both.text
        return merge_drafts(draft, [more])

    def _duty_first(self, reading: Reading, hits: list[Hit]) -> list[Hit]:
        """``hits`` with, when the best is a penalty (``corpus/links.json``: the act it punishes) for
        breaching the duty of another hit and the question asks for no penalty, that duty first: "can
        the crew go ashore, and what must they do?" finds the fine for going ashore without temporary
        entry (Law Art. 82) above temporary entry itself (Art. 23), which answers it; the penalty
        stays among the hits, after it."""
        # (a follow-up going on with a penalty asked before, "and the agency that placed him?", asks one too;
        # a message speaking of the fine, "is it 500 a day?", is about the penalty whatever it asks)
        said = f"{reading.previous or ''} {reading.question}"
        if len(hits) < 2 or any(k.name == "penalty" for k in asked(said)) or _SPEAKS_OF_A_PENALTY.search(said):
            return hits
        best = hits[0].provision
        if left_open(reading.question, [t.text for t in best.texts]):
            return hits  # (a measure the penalty's own words leave open, "how many days count as 'serious'?")
        duty = next((h for h in hits[1:] if any((link.doc_id, link.article) == (best.doc_id, best.article)
                                                for link in self.links.of(h.provision.doc_id, h.provision.article, "penalty"))),
                    None)  # fmt: skip
        if duty is None:
            return hits
        first = duty.model_copy(update={"score": hits[0].score})
        return [h.model_copy(update={"rank": i}) for i, h in enumerate([first, *(h for h in hits if h is not duty)], 1)]

    def _punishes(self, penalty: Provision, duty: Provision) -> bool:
        """Whether ``penalty`` is the penalty ``corpus/links.json`` gives for breaching ``duty``'s rule."""
        return any((link.doc_id, link.article) == (penalty.doc_id, penalty.article)
                   for link in self.links.of(duty.doc_id, duty.article, "penalty"))  # fmt: skip

    def _with_what_is_asked(self, reading: Reading, hits: list[Hit], consulted: dict[str, Provision]) -> list[Hit]:
        """The hits, and when the question asks for a kind of fact that guides the choice (a
        penalty) and none of them states it, the best deeper hits that do (the penalty article
        of the rule the question is about often ranks below the rule itself)."""
        kinds = choosing_kinds(reading)
        if not kinds or not hits:
            return hits
        # (what another place's provisions state answers nothing here: they are not quoted)
        place = reading.region or hits[0].provision.jurisdiction
        hits = self._with_linked_hits(hits, [k.name for k in kinds], place)
        consulted.update({h.provision.key: h.provision for h in hits})
        local = [h for h in hits if h.provision.jurisdiction == place]
        context = holders_context(reading)
        if any(k.holders_named(reading.question, context) for k in kinds):
            # (the holders the question speaks of have a provision of their own: it must be among them)
            def stating(p: Provision) -> bool:
                return states_for_holders(p, kinds, reading.question, context)
        else:
            def stating(p: Provision) -> bool:
                return states_kind(p, kinds, reading.question)
        if any(stating(h.provision) for h in local):
            return hits
        seen = {h.provision.key for h in hits}
        deeper = [h for h in self.retriever.search(reading.search_query, k=DEEPER_K) if h.provision.key not in seen]
        more = [h for h in deeper if h.provision.jurisdiction == place and stating(h.provision)][:2]
        consulted.update({h.provision.key: h.provision for h in more})
        return list(hits) + more

    def _with_linked_hits(self, hits: list[Hit], kinds: Sequence[str], place: str) -> list[Hit]:
        """The hits, each provision ``corpus/links.json`` links to a hit of ``place`` for one of the
        ``kinds`` of fact asked (the penalty for breaching the duty found) scoring as the best hit
        linking to it: asked what working without a permit costs, the search finds the duty (Law
        Art. 43) and the links name its penalty (Art. 80), which ranks beside it, not below a
        provision that only mentions a fine."""
        support: dict[tuple[str, int], float] = {}
        for h in hits:
            if h.provision.jurisdiction != place:
                continue
            for kind in kinds:
                for link in self.links.of(h.provision.doc_id, h.provision.article, kind):
                    key = (link.doc_id, link.article)
                    support[key] = max(support.get(key, h.score), h.score)
        if not support:
            return hits
        out: list[Hit] = []
        for h in hits:
            lifted = support.pop((h.provision.doc_id, h.provision.article), None)
            out.append(h.model_copy(update={"score": lifted}) if lifted is not None and lifted > h.score else h)
        for (doc_id, article), score in support.items():
            provision = next(iter(self.retriever.lookup(article, doc_id)), None)
            if provision is not None:
                out.append(Hit(provision=provision, score=score, rank=len(out) + 1))
        return sorted(out, key=lambda h: -h.score)

    def _each_from(
        self, reading: Reading, rule, draft: Draft, event: RoledDate, deadline, others: Sequence[RoledDate]
    ) -> Draft:
        """``draft`` (``rule`` counted from ``event``) with the rule counted from each of the other dates
        of its event the question lists, every day beside the words that gave its date; a listed date
        that reads two ways ("9/10") is counted both ways, each said to be one reading."""
        found = [(r.found, r, False) for r in others]
        found += [(f, None, True) for f in each_ambiguous_date(reading, event)]
        listed = [(event.found.start, date_label(reading.question, event.found.start, event.found.end), deadline)]
        for f, roled, either in found:
            when = f.resolve(reading.today, prefer_for(rule.kind, reading, f))
            if when is None:
                continue
            try:
                day = self._compute(reading, rule, when, _counted_from(rule, roled, reading.lang))
            except DeadlineError as exc:
                log.info("no deadline for %s on %s: %s", rule.id, when, exc)
                continue
            label = date_label(reading.question, f.start, f.end)
            if either:
                label += reading_note(f, reading.lang)
            listed.append((f.start, label, day))
        if len(listed) < 2:
            return draft
        first = listed[0]
        listed.sort(key=lambda entry: entry[0])
        return compose_each(reading, rule, draft, [(label, d) for _, label, d in listed], listed.index(first))

    def _each_reading(self, reading: Reading, choice, cards: Sequence = ()) -> dict[str, Deadline]:
        """For a choice left open between rules that each take the question's date as their event
        ("my visa expires on 15 December": the visa's stay, or the residence permit people call a
        visa?), every candidate's date counted from it; empty unless every one can be computed. So
        for a date of a thing named loosely that may be a card (``cards``): "his permit expires on
        31 July" is the residence permit's expiry, or the work permit card's."""
        each_date = choice.reason == "close" or (choice.reason == "subject" and cards)
        if not each_date or len(choice.candidates) + len(cards) < 2:
            return {}
        if any(c.evidence.role_fit < 1 or c.rule.kind == "maximum" for c in choice.candidates):
            return {}
        counted = self._counted_each(reading, choice.candidates)
        return {rule_id: deadline for rule_id, (_, deadline) in counted.items()} if counted else {}

    def _cards_loosely_named(self, reading: Reading, choice) -> list[tuple[Card, Provision]]:
        """The cards a thing the message names only loosely ("his permit", 我的证) may be, with their
        guides' first provisions, when the answer asks which thing a date is of; none when the message
        names the thing (a residence permit, a visa) or a card by its name."""
        if choice.reason not in ("close", "subject", "low_score") or not names_loosely(reading.context):
            return []
        if subjects_in(reading.context) - {"passport"}:
            return []
        return [(card, first) for card in cards_of(reading.region)
                if (first := self._first_provision_of(card.doc_id)) is not None]  # fmt: skip

    def _one_day_for_all(self, reading: Reading, choice) -> bool:
        """Whether every candidate of ``choice`` counts from the same date of the question to the same day."""
        counted = self._counted_each(reading, choice.candidates)
        return counted is not None and len({(when, d.date) for when, d in counted.values()}) == 1

    def _counted_each(self, reading: Reading, candidates) -> dict[str, tuple[dt.date, Deadline]] | None:
        """Each candidate rule counted from the question's date of its event: rule id -> (that day, the
        deadline); None when one of them has no such date or cannot be computed."""
        roled = dated_roles(reading)
        out: dict[str, tuple[dt.date, Deadline]] = {}
        for c in candidates:
            event = date_for(c.rule, roled)
            when = resolve_for(reading, c.rule, event) if event is not None else None
            if when is None:
                return None
            try:
                out[c.rule.id] = (when, self._compute(reading, c.rule, when, _counted_from(c.rule, event, reading.lang)))
            except DeadlineError as exc:
                log.info("no deadline for %s on %s: %s", c.rule.id, when, exc)
                return None
        return out

    def _deadline_draft(self, reading: Reading, rule, roled, consulted: dict[str, Provision]) -> Draft | None:
        """The computed deadline of a further rule the question asks about, from its own date."""
        when = resolve_for(reading, rule, roled)
        return None if when is None else self._draft_from(reading, rule, when, consulted)

    def _with_lapsed(self, reading: Reading, rule, when: dt.date, draft: Draft, consulted: dict[str, Provision]) -> Draft:
        """``draft`` told, after its computed day, that the permitted stay the rule counts back from ended
        before today, with the provisions on staying on after it (rules.json 'lapsed': illegal residence
        and its penalty); unchanged when the end is still ahead, the message tells an application or a
        departure, or another of its questions asks the penalty."""
        if not rule.lapsed or when >= reading.today or any(
                role in ("filing", "departure") for r in dated_roles(reading) for role in (r.role, *r.roles)):
            return draft  # (an application told, or a departure: no one stays on)
        message = reading.message
        if message and message != reading.question and any(k.name == "penalty" for k in asked(message)):
            return draft  # another question of the message asks the penalty: it is answered there
        provisions = [found[0] for doc, article in rule.lapsed if (found := self.retriever.lookup(article, doc))]
        if not provisions:
            return draft
        consulted.update({p.key: p for p in provisions})
        quoted = self._lookup(dataclasses.replace(reading, question=rule.lapsed_words), provisions)
        lead = lapsed_note(rule, when, reading.lang)
        first, _, rest = draft.text.partition("\n")
        draft.text = f"{first}\n{lead}\n{rest}" if rest else f"{first}\n{lead}"
        return merge_drafts(draft, [quoted])

    def _loose_note(self, reading: Reading, rule, event: RoledDate, when: dt.date) -> tuple[Deadline, str] | None:
        """For an event dated by a part of a month ("下个月中旬"), counted from its first day: the day
        its last day would give, and the line saying so, so the span of possible days is said; None for
        an event dated by a day."""
        if not event.found.loose:
            return None
        last = event.found.span_end(when)
        if last <= when:
            return None
        try:
            at_last = self._compute(reading, rule, last)
        except DeadlineError:
            return None
        return at_last, loose_note(when, last, at_last, reading.lang)

    def _draft_from(self, reading: Reading, rule, when: dt.date, consulted: dict[str, Provision]) -> Draft | None:
        """The computed deadline of ``rule`` counted from ``when``, composed with its provision."""
        provision = self._provision_of(rule)
        if provision is None:
            return None
        try:
            deadline = self._compute(reading, rule, when)
        except DeadlineError as exc:
            log.info("no deadline for %s on %s: %s", rule.id, when, exc)
            return None
        consulted[provision.key] = provision
        return self._with_counting(reading, rule, compose_deadline(reading, rule, deadline, provision, self.titles_zh), consulted)

    def _with_counting(self, reading: Reading, rule, draft: Draft, consulted: dict[str, Provision]) -> Draft:
        """``draft``, a deadline computed under ``rule``, with the provision saying how the rule's period
        counts (rules.json 'counted_by') quoted and cited, unless the draft cites it already."""
        by = next((r for r in self.rules if r.id == getattr(rule, "counted_by", "")), None)
        provision = self._provision_of(by) if by is not None else None
        if provision is None or provision in draft.cited:
            return draft
        consulted[provision.key] = provision
        return with_counting(reading, by, provision, draft)

    def _compute(self, reading: Reading, rule, when: dt.date, counted_from: str | None = None):
        """``rule`` counted from ``when`` (at the time of day the question gives, for a rule in hours),
        with the period the question gives where the rule takes one, in the reader's language."""
        return compute_deadline(
            rule, _with_time(reading, when, rule.kind), amount=self._amount(reading, rule),
            lang=reading.lang, holidays_dir=self.settings.holidays_dir, counted_from=counted_from,
        )  # fmt: skip

    def _guard(
        self, reading: Reading, draft: Draft, consulted: dict[str, Provision], history: History,
        *, check_named_articles: bool,
    ) -> Answer:  # fmt: skip
        checked = check_citations(draft.text, consulted, check_named_articles=check_named_articles)
        # Claim by claim: numbers, periods, dates, articles, laws, links (the same checks offline,
        # where they never fire). ``check_named_articles`` marks a model's text.
        model_text = check_named_articles
        claims = check_claims(
            checked.text, consulted, deadlines=draft.deadlines, library=self._library(),
            asked_articles=set() if model_text else {r.article for r in reading.refs},
            trusted_numbers=set() if model_text else self._composer_numbers(),
            question="" if model_text else reading.question,
        )  # fmt: skip
        allowed: set[dt.date] = set()
        if not model_text:
            # The offline composer repeats the question's dates; a model's text may not.
            # A date written without its year or month is repeated back in whichever reading the
            # answer took it in (a plan "on the 30th" is the coming 30th, a filing the last one).
            allowed |= dates_in(reading.question, reading.today, READINGS)
            # (and a day written without its month, in the month written before it: "… 15 January … the 12th")
            allowed |= {other for f in reading.dates for prefer in READINGS if (day := f.resolve(reading.today, prefer))
                        and (other := month_read_before(reading, f, day)) is not None}
            for turn in history:
                allowed |= dates_in(str(turn.get("content", "")), reading.today, READINGS)
            # The rules catalogue is a source too: its summaries give worked examples.
            allowed |= dates_in(self._rules_text, reading.today)
        for p in consulted.values():
            for text in dict.fromkeys([p.text, *(t.text for t in p.texts), *(t.text for t in p.summaries)]):
                allowed |= dates_in(text, reading.today)  # every text and summary an answer may draw on
            allowed |= {day for t in p.texts for day in (t.in_force, t.until) if day is not None}
        dated = check_dates(
            claims.text, allowed=allowed, deadlines=draft.deadlines, today=reading.today,
            # (the offline composer quotes the question's own date words back, "“on Sunday” is taken
            # as the date of entry": read again on today's calendar they may be another day)
            written={p.text for p in reading.date_problems} | (set() if model_text else {f.text for f in reading.dates}),
        )  # fmt: skip
        removed = checked.removed + claims.removed
        dated_text, date_notices = dated.text, dated.notices
        if model_text:
            kept = drop_unverified(dated_text)
            dated_text, removed = kept.text, removed + kept.removed
            date_notices = [n for n in date_notices if not n.startswith("The date ")]
        still_cited = {consulted[m.group("key")].label for m in MARKER.finditer(dated_text)
                       if m.group("key") in consulted}
        citations = []
        for c in checked.citations:
            if c.label not in still_cited:
                continue  # its statement was removed
            quote = draft.quotes.get(c.key)
            provision = consulted.get(c.key)
            if quote and provision and all(quote_in(q, provision.all_text()) for q in quote.split(" … ")):
                c = c.model_copy(update={"quote": quote, **_quote_fields(draft.quoted.get(c.key), provision)})
            elif provision is not None:
                c = c.model_copy(update={"languages": provision.languages})
            citations.append(c)
        notices = [f"Removed: {line}." for line in removed] + date_notices
        text = render_markers(dated_text, consulted)
        if model_text and citations:
            text = with_deadlines_shown(text, draft.deadlines, reading.lang)
        return Answer(
            text=text, citations=citations, deadlines=draft.deadlines, notices=notices, outcome=draft.outcome
        )

    def _composer_numbers(self) -> set[float]:
        """Numbers the offline composer's own sentences may state: article numbers and ranges,
        document counts, the rules catalogue's worked examples."""
        numbers = getattr(self, "_composer_numbers_cache", None)
        if numbers is None:
            library = self._library()
            numbers = numbers_in(self._rules_text) | numbers_in(" ".join(self.titles_zh.values()))
            numbers |= {float(n) for arts in library.articles.values() for n in arts}
            numbers |= {float(n) for n in range(len(library.articles) + 1)}
            numbers |= numbers_in(" ".join(library.names))
            # Where to ask (the 12367 hotline) and item numbers of a pinpoint ("Art. 6(13)").
            numbers |= numbers_in(" ".join(where_to_ask(region, lang) for region in ("CN", "MO") for lang in ("en", "zh")))
            numbers |= {float(n) for n in range(1, 21)}
            self._composer_numbers_cache = numbers
        return numbers

    def _library(self) -> Library:
        library = getattr(self, "_library_cache", None)
        if library is None:
            library = self._library_cache = Library.of(self.retriever.provisions, self.titles_zh)
        return library

    # -- helpers -----------------------------------------------------------------------

    def _search(self, reading: Reading) -> list[Hit]:
        """Retrieve for the question (``_retrieve``); provisions addressed to Chinese citizens (their
        exit, an exit ban on them, a citizen sent back from abroad) come after those for foreigners
        unless the conversation names a Chinese citizen: regchat's readers are foreigners and those
        who employ or help them, and "deported: when may I come back?" is a foreigner's question. So
        do provisions addressed to a group of foreigners the conversation names none of (students);
        a message telling of a document lost, stolen or damaged gets the provision stating that case
        (``_with_the_mishaps_provisions``). A provision a term the question quotes names (a service's
        name copied from an official page) comes first (``_quoted_first``)."""
        return self._quoted_first(reading, self._named_alone_first(reading, self._searched(reading)))

    def _named_alone_first(self, reading: Reading, hits: list[Hit]) -> list[Hit]:
        """``hits`` with the provision the sentences that ask name by a term pointing at it alone
        (``Glossary.reached_alone``: "our agent says he can get a VOA", the port visa, Law Art. 20)
        first, scored as the best, when a long story kept it out of the hits: of the place the best hit
        is about, stating the kind of fact asked if one is, and only one (two such names leave the order
        to the search)."""
        asking = asking_with_referents(reading.question)
        named = self.retriever.glossary.reached_alone(asking) if hits else set()
        if len(named) != 1 or (key := next(iter(named))) in {h.provision.key for h in hits}:
            return hits  # (among the hits, the search's order stands: what is asked of it may be elsewhere)
        if any(f"{link.doc_id}#{link.article}" == key for h in hits for link in self.links.of(h.provision.doc_id, h.provision.article)):
            return hits  # (a hit's link brings it beside that hit: a transit passenger's temporary entry)
        provision = next((p for p in self.retriever.provisions if p.key == key), None)
        if provision is None or provision.jurisdiction != hits[0].provision.jurisdiction or names_a_card(reading.question):
            return hits  # (a card's guide speaks of the card a message names: its fees are no permit's)
        # (nor when it states none of the kinds of fact asked: who pays for a repatriation is another's)
        kinds = [k for k in asked(asking) if k.choose]
        if kinds and not states_kind(provision, kinds, asking):
            return hits
        first = Hit(provision=provision, score=hits[0].score, rank=1)
        rest = hits[: TOP_K - 1]
        return [h.model_copy(update={"rank": i}) for i, h in enumerate([first, *rest], 1)]

    def _quoted_first(self, reading: Reading, hits: list[Hit]) -> list[Hit]:
        """``hits`` with those whose provision a term the question quotes names first ("a status called
        'Special Authorization to Stay'": the guide's only section using it), scored as the best."""
        named = named_by_quotes(reading.question, self.retriever.provisions) if hits else set()
        first = [h for h in hits if h.provision.key in named]
        if not first or hits[0] in first:
            return hits
        top = hits[0].score
        lifted = [h.model_copy(update={"score": max(h.score, top)}) for h in first]
        rest = [h for h in hits if h.provision.key not in named]
        return [h.model_copy(update={"rank": i}) for i, h in enumerate([*lifted, *rest], 1)]

    def _searched(self, reading: Reading) -> list[Hit]:
        hits = self._retrieve(reading)
        unasked = self._cards_unasked(reading)
        if unasked and any(h.provision.doc_id in unasked for h in hits):
            # each of the guide's places is open to the next provision a deeper search finds
            guides = [h for h in hits if h.provision.doc_id in unasked]
            kept = [h for h in hits if h.provision.doc_id not in unasked]
            seen = {h.provision.key for h in kept}
            deeper = [h for h in self._retrieve(reading, UNASKED_DEPTH)
                      if h.provision.doc_id not in unasked and h.provision.key not in seen]  # fmt: skip
            discounted = [h.model_copy(update={"score": h.score * CARD_UNASKED_DISCOUNT}) for h in guides]
            hits = _reranked([*kept, *deeper[: len(guides)], *discounted], TOP_K)
        if hits and (befallen := documents_befallen(reading.question, reading.previous)):
            hits = self._with_the_mishaps_provisions(reading, hits, befallen, unasked)
        # (an event told in a sentence that asks: "他太太上个月生了个女儿，宝宝要办什么登记？"; one the
        # story only tells, "we just had a baby" before asking a grandmother's visa, is no matter asked)
        if hits and (events := events_told(reading.question, asking_with_referents(reading.question))):
            hits = self._with_the_events_provisions(hits, events)
        theirs = set() if names_a_citizen(reading.context) else \
            {h.provision.key for h in hits if h.provision.key in self._citizens_provisions}
        # (the list of visas, for a message whose questions ask of another thing, no visa: a visa its
        # story tells, "they came on S1 visas: must they carry passports on day trips?", is who asks, not what is asked)
        asking = asking_sentences(reading.question)
        listed = {h.provision.key for h in hits if not h.exact and h.provision.key in self._visa_lists} \
            if subjects_in(asking) and not names_a_visa(asking) else set()
        # (a provision addressed to students alone, for a message naming no student: Regulations Art. 22)
        others = {h.provision.key for h in hits if self._addressed_to_others(h.provision, reading.context)}
        discounted = theirs | listed | others
        if not discounted:
            return hits
        scored = [h.model_copy(update={"score": h.score * CITIZENS_DISCOUNT}) if h.provision.key in discounted
                  else h for h in hits]  # fmt: skip
        return _reranked(scored)

    def _with_the_mishaps_provisions(
        self, reading: Reading, hits: list[Hit], befallen: tuple[Words, ...], unasked: frozenset[str]
    ) -> list[Hit]:
        """``hits`` for a message telling of documents lost, stolen or damaged: for each document
        whose case no hit states (with what the message asks follows it: a reissue), the provision a
        deeper search finds that states it and scores close to the best (a residence permit's
        reissue, Law Art. 35), the fittest first, takes one of the last places (a guide to a card the
        message does not ask about is not searched for)."""
        follows = follows_asked(asking_sentences(reading.question))
        deeper: list[Hit] | None = None
        added: list[Hit] = []
        # (what is asked stated already for one document told: another only by a provision doing so too)
        least = 3 if any(mishap_fit(h.provision, befallen, follows) >= 3 for h in hits) else 2
        for document in befallen:
            fit = max(mishap_fit(h.provision, (document,), follows) for h in [*hits, *added])
            if fit >= 3:
                continue
            if deeper is None:
                seen = {h.provision.key for h in hits}
                deeper = [h for h in self._retrieve(reading, MISHAP_DEPTH) if h.provision.key not in seen
                          and h.provision.doc_id not in unasked and h.score >= MISHAP_MARGIN * hits[0].score]  # fmt: skip
            fitting = [(f, h.score, h) for h in deeper
                       if h not in added and (f := mishap_fit(h.provision, (document,), follows)) > fit and f >= least]  # fmt: skip
            if fitting:
                added.append(max(fitting, key=lambda c: c[:2])[2])
                continue
            # None close, and no hit stating what is asked for any document told: the provision stating
            # the case and what is asked of it (a residence permit's reissue), found by the case in the
            # texts' own words, of the place the best hit is about, takes a place scored as close as a
            # deeper hit must be. (A lost card asked of beside a permit's renewal loses no permit: the
            # card's reissue, found already, answers.)
            if least >= 3:
                continue
            found = self._found_in_own_words(
                case_words(document, follows), [*hits, *added], MISHAP_MARGIN * hits[0].score,
                lambda p: p.doc_id not in unasked and mishap_fit(p, (document,), follows) >= 3 > fit,
            )  # fmt: skip
            if found is not None:
                added.append(found)
        if not added:
            return hits
        return _reranked([*hits[: TOP_K - len(added)], *added])

    def _with_the_events_provisions(self, hits: list[Hit], events: tuple[str, ...]) -> list[Hit]:
        """``hits`` for a message telling an event that brings a step of its own (a birth, a death;
        ``events``: the official texts' words stating it): the provision stating it, of the place the
        best hit is about, among the hits or else found by a search with those words (taking the last
        place), scored as close as a provision stating a case told must be to be quoted first (a baby's
        registration, Law Art. 40, for "我太太上个月生了个女儿，要办什么登记？", which shares more words
        with a lodger's)."""
        def states(provision: Provision) -> bool:
            return provision.jurisdiction == hits[0].provision.jurisdiction and singles_out(provision, cases=events)

        floor = KIND_MARGIN * hits[0].score
        if (found := next((h for h in hits if states(h.provision)), None)) is not None:
            if found.score >= floor:
                return hits
            lifted = found.model_copy(update={"score": floor})
            return _reranked([lifted if h is found else h for h in hits])
        added = self._found_in_own_words(" ".join(events), hits, floor, states)
        return hits if added is None else _reranked([*hits[: TOP_K - 1], added])

    def _found_in_own_words(
        self, words: str, taken: Sequence[Hit], floor: float, fits: Callable[[Provision], bool]
    ) -> Hit | None:
        """The best hit of a search with the texts' own words for a case told (居留证件 遗失 补发;
        出生证明) that ``fits`` and is not ``taken`` already, of the place the best of ``taken`` is about,
        scored at least ``floor``: that search's scores say nothing beside the question's own."""
        seen = {h.provision.key for h in taken}
        place = taken[0].provision.jurisdiction
        found = next((h for h in self.retriever.search(words, k=TOP_K)
                      if h.provision.key not in seen and h.provision.jurisdiction == place and fits(h.provision)), None)  # fmt: skip
        return None if found is None else found.model_copy(update={"score": max(found.score, floor)})

    def _cards_unasked(self, reading: Reading) -> frozenset[str]:
        """The guides to cards a message does not ask about: it names a residence permit, a visa or a
        passport and no card (nor what a card permits), so a card's guide comes after the provisions
        on what it names ("my residence permit was stolen" is Law Art. 35, not the work permit card's
        reissue), and is searched deeper for them; unless the guide is all there is for the place
        the question is about (Macao's card)."""
        if not subjects_in(reading.context) & _OTHER_DOCUMENTS:
            return frozenset()
        only = self._only_documents()
        return frozenset(card.doc_id for card in cards_not_asked_about(reading.context)
                         if not (reading.region == card.place and card.doc_id in only))  # fmt: skip

    def _only_documents(self) -> frozenset[str]:
        """The documents that are all the corpus has for their place."""
        places: dict[str, set[str]] = {}
        for p in self.retriever.provisions:
            places.setdefault(p.jurisdiction, set()).add(p.doc_id)
        return frozenset(next(iter(docs)) for docs in places.values() if len(docs) == 1)

    def _first_provision_of(self, doc_id: str) -> Provision | None:
        return min((p for p in self.retriever.provisions if p.doc_id == doc_id), key=lambda p: p.ordinal, default=None)

    def _addressed_to_others(self, provision: Provision, message: str) -> bool:
        """Whether ``provision`` is addressed to a group of foreigners ``message`` names none of."""
        official = provision.official_text()
        return official is not None and bool(unnamed_addressees(official.text, message))

    @cached_property
    def _citizens_provisions(self) -> frozenset[str]:
        """The provisions addressed to Chinese citizens, read once from their official text."""
        return frozenset(p.key for p in self.retriever.provisions if governs_citizens(_official_or_own(p)))

    @cached_property
    def _visa_lists(self) -> frozenset[str]:
        """The provisions going through the visa categories (Regulations Arts. 6 and 7), read once."""
        return frozenset(p.key for p in self.retriever.provisions if lists_visa_categories(_official_or_own(p)))

    def _retrieve(self, reading: Reading, k: int = TOP_K) -> list[Hit]:
        """Retrieve for the question; a follow-up also with the turn it follows, best score per provision."""
        hits = self.retriever.search(reading.search_query, k=k)
        if not reading.follow_up:
            if asking := reading.asking_query:
                # A story told apart from the question: a provision found by the question alone counts
                # nearly as much as one the whole message finds (each provision keeps its better score).
                alone = [h.model_copy(update={"score": h.score * ASKING_ALONE})
                         for h in self.retriever.search(asking, k=k)]  # fmt: skip
                hits = _reranked(_best_of(hits, alone).values(), k)
            return self._with_the_conversations_place(reading, hits)
        if reading.carried_subject:
            # The question names no subject of its own ("And which papers does that take?"):
            # a provision must fit both the earlier turn (its main subject) and the question
            # with that subject ("... residence permit"), so the two searches are averaged.
            pair = f"{reading.standalone_query} {reading.carried_subject}"
            best = _averaged(self.retriever.search(reading.search_query, k=2 * k),
                             self.retriever.search(pair, k=2 * k))  # fmt: skip
            return _reranked(best.values(), k)
        # The question's own words count a little more than the turn it follows; a provision the
        # answer before cited, which the question's own words also reach, a little more again: the
        # conversation is about it ("这种签证能待多少天？" after an answer on port visas).
        earlier = [h.model_copy(update={"score": h.score * FOLLOW_UP_DISCOUNT}) for h in hits]
        own = [
            h.model_copy(update={"score": h.score * ANSWERED_BOOST})
            if reading.cited_before(h.provision.doc_id, h.provision.article) else h
            for h in self.retriever.search(reading.standalone_query, k=2 * k)
            if h.rank <= k or reading.cited_before(h.provision.doc_id, h.provision.article)
        ]
        return _reranked(_best_of(earlier, own).values(), k)

    def _with_the_conversations_place(self, reading: Reading, hits: list[Hit]) -> list[Hit]:
        """A message that names no place, in a conversation about one (Macao), searched where the
        conversation is when its own search found nothing there: that place's best hits first."""
        region = reading.previous_place
        if not region or place_of(reading.question) or any(h.provision.jurisdiction == region for h in hits):
            return hits
        docs = {p.doc_id for p in self.retriever.provisions if p.jurisdiction == region}
        local = [h for d in sorted(docs) for h in self.retriever.search(reading.search_query, k=2, doc_id=d)]
        local = sorted((h for h in local if h.score >= self.retriever.min_score), key=lambda h: -h.score)[:2]
        seen = {h.provision.key for h in local}
        merged = local + [h for h in hits if h.provision.key not in seen]
        return [h.model_copy(update={"rank": i}) for i, h in enumerate(merged[:TOP_K], 1)]

    def _which_deadline(self, reading: Reading) -> Draft:
        """'How long do I have?' and nothing else: ask what the deadline is for, naming the steps the
        rules set a deadline for (the catalogue's first, in its order)."""
        steps = [r for r in self.rules if asks_user_action(r)][:3]
        if reading.lang == "zh":
            named = "；".join(r.result_zh for r in steps)
            text = f"请问是哪一项期限？请告诉我要办的是什么事（例如：{named}）以及起算的日期，我再为您计算。"
        else:
            named = "; ".join(r.result_en for r in steps)
            text = f"Which deadline do you mean? Tell me what it is for (for example: {named}) and the date it counts from, and I will compute it."
        return Draft(text=text, outcome="clarify")

    def _the_one_meant(self, reading: Reading, found: list[Provision]) -> list[Provision]:
        """An article number several documents have, named without its document: when the rest of
        the question says what it is about, the article whose text retrieval finds for that rest is
        the one meant; a bare "What does Article 33 say?" keeps every document's."""
        if len(found) < 2 or any(r.doc_id for r in reading.refs):
            return found
        rest = EN_ARTICLE_REF.sub(" ", ZH_ARTICLE_REF.sub(" ", reading.question))
        if not has_domain_words(rest):
            return found
        if not has_domain_words(without_asking(rest)):
            return found  # "the deadline in Article 33": the rest only asks, it names no topic
        keys = {p.key for p in found}
        every = len(self.retriever.provisions)  # each candidate's own score, however far down it ranks
        ranked = [h for h in self.retriever.search(rest, k=every) if not h.exact]
        scores = {h.provision.key: h.score for h in ranked if h.provision.key in keys}
        if not scores:
            return found
        best = max(scores, key=scores.get)
        runner_up = max((v for k, v in scores.items() if k != best), default=0.0)
        # The one meant: the rest of the question is about it before any other provision and fits
        # the other documents' article clearly less, or fits that article far less.
        margin = ONE_MEANT_MARGIN if ranked[0].provision.key == best else CLEARLY_MEANT_MARGIN
        if runner_up >= margin * scores[best]:
            return found  # the rest fits more than one of them ("the deadline in Article 33"): keep each
        return [p for p in found if p.key == best]

    def _rule_of_the_event_asked(self, reading: Reading, rule: Any, hits: Sequence[Hit]) -> RuleChoice | None:
        """The choice among the rules whose provision states the step of an event the sentences that ask
        tell, a step some rule counts (data/events.json 'counted': a move into a home, a birth), when the
        rule chosen (``rule``) is not one of them or none is (the choice asks which); None when there is
        none, or it dates nothing."""
        asking = asking_sentences(reading.question)
        counted = set(events_told(asking, steps_only=True)) - set(events_told(asking, steps_only=True, uncounted=True))
        if not counted:
            return None
        def states(r, words: set[str]) -> bool:
            provision = self._provision_of(r)
            return provision is not None and any(word in provision.all_text() for word in words)
        # (a rule counting the step of this event, or of another one some rule counts, stays: "那最晚是哪天？"
        # of a baby's registration, beside a grandmother moving in, is still the baby's)
        if rule is not None and states(rule, {word for e in events() if e.counted for word in e.stated}):
            return None
        theirs = [r for r in self.rules if states(r, counted)]
        if not theirs:
            return None
        choice = choose_rule(reading, theirs, hits)
        if choice.rule is not None and not choice.abstains:
            return choice
        # (the event the asking sentence tells is the evidence its words do not give: the one rule stating
        # its step counts it, from the date the question gives its event)
        roled = dated_roles(reading)
        if len(theirs) == 1 and (event := _dated_where_told(reading.question, roled, counted) or date_for(theirs[0], roled)) is not None:
            return RuleChoice(theirs[0], event=event)
        return None

    def _rule_for_the_age_or_case_told(self, reading: Reading, rule) -> Any:
        """The rule counting from the same date as ``rule`` whose provision singles out an age the
        question tells, or states a case it tells of the measure it speaks of, when ``rule``'s provision
        does not (a 71-year-old held, or a pregnant woman: the restriction of activities, Law Art. 61,
        not detention for examination, Art. 60; data/loose_terms.json); None otherwise."""
        ages = ages_told(reading.question)
        cases = cases_of_measures_spoken(reading.question)
        own = self._provision_of(rule)
        if not (ages or cases) or own is None or singles_out(own, ages=ages, cases=cases):
            return None
        roled = dated_roles(reading)
        if (dated := date_for(rule, roled)) is None:
            return None
        for other in self.rules:
            provision = self._provision_of(other)
            if provision is not None and provision.key != own.key and singles_out(provision, ages=ages, cases=cases) \
                    and date_for(other, roled) is dated:
                return other
        return None

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
        return stay_amount(rule, reading)

    def _limits(
        self, reading: Reading, known: Sequence[tuple[Any, str, dt.date]], consulted: dict[str, Provision]
    ) -> list[Draft]:
        """For a question that also asks how far a period may go ("…, and until when may the stay be
        extended?"), the longest periods (rules of kind "maximum") counted from a day the answer
        already has: ``known`` holds (rule, "event" or "result", day) for each rule computed."""
        if not asks_for_limit(reading.question):
            return []
        done = {rule.id for rule, _, _ in known}
        drafts = []
        for limit in self.rules:
            if limit.kind != "maximum" or limit.id in done or limit.region != (reading.region or limit.region):
                continue
            day = next((d for rule, side, d in known if counts_from(limit, rule, side)), None)
            if day is None or (limit.amount is None and self._amount(reading, limit) is None):
                continue
            draft = self._draft_from(reading, limit, day, consulted)
            if draft is not None:
                drafts.append(draft)
                done.add(limit.id)
        return drafts

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


# (a question mark inside brackets asks nothing of its own: "who guarantees him (the school? his
# parents?) while he is here?" is one question)
_ASKS = re.compile(r"(?:[(（][^()（）?？]*[?？][^()（）]*[)）]|[^?？])*[?？]")
# A further question joined to one by a comma: "By when must it be filed, and which office takes it?".
_JOINED_ASK = re.compile(
    r"[,，;；]\s*(?:and|also|plus)\s+(?=(?:how|what|which|when|where|who|whether|can|could|may|do|does|"
    r"did|is|are|should|must|will|would)\b)|[，；;]\s*(?:还有|另外|以及|顺便问一下|顺便问)"
    # (without a comma, "when" with its verb after "and" opens a question of a date beside another:
    # "Which papers go with it and by when must she file?")
    r"|(?<=\w)\s+and\s+(?=(?:by when|when)\s+(?:must|do|does|did|is|are|should|can|could|will|would|shall|may)\b)",
    re.I,
)


def question_parts(question: str) -> list[str]:
    """The questions a message asks: each ending with a question mark ("Which office handles it? And
    which papers go with it?"), each joined to another by a comma (", and which office takes it?"), and a last
    one left without its mark ("…来得及吗？会不会罚款"); one part when it asks one thing."""
    marked, rest, rest_asks = _asked_pieces(question)
    # (a short question after another is elliptic, "谁来登记？": it is not searched on its own)
    parts = [p for p, _ in marked if len(p) >= 8] + ([rest] if rest_asks else [])
    return parts if len(parts) > 1 else [question]


def _asked_pieces(question: str) -> tuple[list[tuple[str, bool]], str, bool]:
    """The pieces of ``question`` that end in a question (its mark, or a comma before a further
    question), short ones included, each with whether a comma joins it to the one before; the
    text after the last mark; and whether that text is a last question left without its mark."""
    parts: list[tuple[str, bool]] = []
    end = 0
    for m in _ASKS.finditer(question):
        pieces = [p.strip() for p in _JOINED_ASK.split(m.group())]
        parts += [(p, i > 0) for i, p in enumerate(pieces) if p]
        end = m.end()
    rest = question[end:].strip()
    # (questions left without their marks after the last one, each asking in its words, are each
    # one: "… for how many days?? isnt she too young for that, she is 15. and can we appeal it")
    rest_sentences = sentences_of(rest) if parts else []
    if len(asking := [s for s in rest_sentences if has_asking_words(s)]) > 1:
        told = ""
        for sentence in rest_sentences:
            told = f"{told} {sentence}".strip()
            if sentence in asking:
                parts.append((told, False))
                told = ""
        return parts, told, False
    return parts, rest, bool(parts) and is_interrogative(rest) and len(rest) >= 4


@dataclasses.dataclass(frozen=True)
class OneQuestion:
    """One of the questions a message asks: its own words (``asked``) and the question as it would
    be asked alone (``alone``): the message's story, then those words."""

    asked: str
    alone: str
    with_before: str | None = None  # ... read with the question before it too
    near: str | None = None  # ... with only what the message tells between the question before it and it
    someone_else: bool = False  # ... names someone the story tells of whom the question before it does not


def each_question(message: str) -> list[OneQuestion]:
    """The questions ``message`` asks, each as it would be asked alone: the sentences of the message
    that ask nothing (its story: who, which permit, which dates), in their order, then that
    question's own sentence. A question that only adds to the one before it ("最晚哪天？", ", and how
    much per day?") goes with it; one naming nothing of the domain ("If not, what happens?") in a
    message whose story names nothing either is read with the one before it; ``with_before`` is
    the question read with the one before it in any case (a date asked of nothing one rule has may
    be the earlier question's). One entry when the message asks one thing."""
    if len(question_parts(message)) < 2:
        return [OneQuestion(message, message)]
    told: list[str] = []
    own: list[str] = []
    nearby: list[str] = []  # what each question's own part of the message tells before it
    just_before: list[int | None] = []  # the story's sentence right before each question, if any
    marked, rest, rest_asks = _asked_pieces(message)
    numbered = numbers_its_questions(message)
    for part, joined in marked + ([(rest, False)] if rest_asks else []):
        *before, last = sentences_of(part) or [part]
        told += before
        # (a question with its own list number, "2) When must she leave?", is one of its own)
        if own and not before and not _LISTED.match(last) and _goes_with_the_one_before(last, joined):
            own[-1] = f"{own[-1]} {last}" if re.search(r"\w", last) else own[-1] + last
        else:
            own.append(last)
            just_before.append(len(told) - 1 if before else None)
            # (under a list number, its own part begins there: what comes before it is the message's story)
            # (numbers before a question that has none list what the story tells, "① Mr A's permit ends …
            # ② Ms B's …", not the question's own part)
            listed = [i for i, b in enumerate(before) if _LISTED.match(b)] if numbered else []
            mine = before[listed[-1]:] if listed else [] if _LISTED.match(last) else before
            nearby.append(" ".join(_LISTED.sub("", b).strip() or b for b in mine))
    if rest and not rest_asks:
        told += sentences_of(rest)
    if told and settles_the_matter(told[0]) and message.lstrip().startswith(told[0]):
        # ("Got it, HR will report. And him: may he start at the new firm?"): the matter the message opens
        # by settling is no story of its questions
        nearby[0] = nearby[0].removeprefix(told[0]).strip()
        just_before = [None if j in (None, 0) else j - 1 for j in just_before]
        del told[0]
    # A doubt with nothing of its own that asks by its mark alone, before a question ("心里没底？最晚哪天
    # 交？"), goes with that question: not answered alone with whatever the story finds.
    i = 0
    while i < len(own) - 1:
        doubt = _LISTED.sub("", own[i])
        goes_on = _goes_on_with_the_matter(doubt)
        if i and _LISTED.match(own[i + 1]) and not _LISTED.match(own[i]) and goes_on:
            # (before the next list number, it goes on with the item it stands under: "①要登记吗？
            # 是本人去办还是房东去？②不办呢？")
            own[i - 1], nearby[i - 1] = f"{own[i - 1]} {own[i]}", f"{nearby[i - 1]} {nearby[i]}".strip()
            del own[i], nearby[i], just_before[i]
        elif goes_on and not has_asking_words(doubt):
            own[i + 1], nearby[i + 1] = f"{own[i]} {own[i + 1]}", f"{nearby[i]} {nearby[i + 1]}".strip()
            just_before[i + 1] = just_before[i] if just_before[i] is not None else just_before[i + 1]
            del own[i], nearby[i], just_before[i]
        else:
            i += 1
    story = " ".join(told)
    out: list[OneQuestion] = []
    for text, near, j in zip(own, nearby, just_before):
        asked = _LISTED.sub("", text).strip() or text
        alone = asked
        # (a story or a question naming only who, "德国客户", "其中一个外国人", tells no matter of its own)
        if out and not has_domain_words(asked, persons=False) and not has_domain_words(story, persons=False):
            alone = f"{out[-1].asked} {asked}"  # "If not, what happens if he does?"
        before = f"{story} {out[-1].asked} {asked}".strip() if out else None
        # (the story's sentence right before the question stays right before it: "…so we plan to go on
        # the 20th. Is that OK?" asks of that sentence, not of what the message tells after)
        # (a question naming someone the story tells apart from others is read without what it tells of the
        # others only: the husband's expiry counts no deadline in the question about the daughter)
        # (who the question asks of is named where it asks: "my wife is still in bed after the birth; may I
        # go alone?" asks of the asker going alone, whoever the clause before it names)
        of_whom = asking_clauses(asked)
        if not persons_named(of_whom) and not _ASKER.search(of_whom):
            of_whom = asked  # (a clause asking with no subject, "他老婆能不能延期，最晚哪天？", asks of the one its question names)
        kept = their_own_story(told, of_whom)
        if kept is not None:
            before = None  # (nor with the question before it, about another person)
        order = [k for k in range(len(told)) if k != j] + ([] if j is None else [j])
        own_story = " ".join(told[k] if kept is None else kept[k] for k in order if kept is None or k in kept)
        someone_else = bool(out) and asks_of_someone_else(told, of_whom, out[-1].asked)
        out.append(OneQuestion(asked, f"{own_story} {alone}".strip(), before, f"{near} {asked}".strip(), someone_else))
    return out if len(out) > 1 else [OneQuestion(message, message)]


# The asker named as the subject of a clause: "may I go alone?", "我可以自己去吗": who it asks of.
_ASKER = re.compile(r"\b(?:I|me|my|we|us|our)\b|我", re.I)


def numbers_its_questions(message: str) -> bool:
    """Whether ``message`` asks two or more questions each under its own list number ("1) … 2) …",
    "（1）…（2）…", "一是…二是…")."""
    def listed(part: str) -> bool:
        # (under its number, or with the number on the sentence telling its own case before it: "2) He moves
        # out on the 20th. Anything to do?"; not numbers listing the story's cases before one question)
        sentences = [s.strip() for s in sentences_of(part)] or [part.strip()]
        numbered = [s for s in sentences if _LISTED.match(s)]
        return bool(_LISTED.match(sentences[-1])) or len(numbered) == 1 \
            and sentences.index(numbered[0]) == len(sentences) - 2

    return sum(listed(part) for part in question_parts(message)) >= 2


def _goes_with_the_one_before(question: str, joined: bool) -> bool:
    """Whether a question only adds to the one before it: a stray mark ("??"), a short question
    ("要去哪里交？"), one a comma joins to it naming nothing of the domain (", and how much per
    day?"), or one asking for a date or a length of time about nothing it names ("最晚可能是哪天？",
    "how long do I have"); a step named without its matter names nothing (", and by when must we
    file?": file for what the question before it asks about)."""
    bare = _STEP_ONLY.sub(" ", question)
    return len(question) < 8 or (joined and not has_domain_words(bare)) \
        or (asks_for_date(question) and not has_domain_words(without_asking(bare)))


# A step named without what it is for: "to apply", "the deadline", "递交申请".
_STEP_ONLY = re.compile(r"\b(?:apply|applying|application|file|filing|submit|deadline)\b|申请|递交|截止|最晚|期限", re.I)


# The number of a listed question ("(2)", "2）", "2.", "二、") at its start (not a date's month: "9.28交的").
_LISTED = re.compile(
    r"^(?:[^:：?？]{0,12}[:：]\s*)?\W*?(?:[(（]?(?:\d{1,2}|[a-hA-H])[)）]|\d{1,2}(?:、|\.(?!\d))|[(（]?[一二三四五六七八九十][)）、]"
    r"|[一二三四五六七八九十]是|[\u2460-\u2473\u2776-\u277f])\s*"  # (circled numbers: ①, ❷)
)


# The asker says they do not know which document an article number belongs to.
_WHICH_DOCUMENT = re.compile(
    r"\bwhich (?:law|regulations?|document|act|rules?|one)\b|\b(?:no idea|not sure|don't know|do not know) which\b|"
    r"哪个第|哪一个第|哪部|哪一部|哪个法|哪个条例|哪个文件|不知道是哪|不清楚是哪",
    re.I,
)


def _dates_an_event(reading: Reading) -> bool:
    """Whether a date of the question is told as the date of an event some period of the documents
    starts from (an order to leave, a removal, an entry), not only of events none starts from (being
    stopped at the border, a job's end: data/date_roles.json 'starts_nothing') or of nothing said."""
    inert = load_role_cues().inert
    return any(r.role is not None and r.role not in inert for r in dated_roles(reading))


def _asks_which_document(reading: Reading) -> bool:
    return not any(r.doc_id for r in reading.refs) and bool(_WHICH_DOCUMENT.search(reading.question))


def _already_stated(part: str, draft: Draft) -> bool:
    """Whether ``part`` asks for kinds of fact (a figure, a fee, an office) that the provisions the
    draft quotes already state: another provision would only answer it again, or worse."""
    kinds = asked(part)
    if not kinds or not draft.cited:
        return False
    # (every kind asked, whether or not a missing one is ever reported: a visa category no quoted text
    # gives is not stated by the residence-permit article beside it)
    texts = _cited_texts(draft)
    return all(any(k.stated_in(t, part) for t in texts) for k in kinds)


def _assumed(rule, event: RoledDate | None, day: dt.date, lang: str) -> str | None:
    """The line saying the rule's event is taken to fall on the day of another the question dates
    (an arrival at a home on the day of entry: rules.json 'assumed_from'), and what holds otherwise;
    the day (``day``) given as a date, whatever words the question dated it with ("next Saturday")."""
    assumed = getattr(rule, "assumed_from", "")
    if event is None or not assumed or event.role != assumed or event.role in rule_roles(rule):
        return None
    return str(getattr(rule, "assumed_zh" if lang == "zh" else "assumed_en", "")).format(date=day_in(day, lang)) or None


# The line before provisions quoted in the other language than the reader's, by that language.
_OTHER_LANGUAGE = {
    "zh": "The official Chinese text (以下为官方中文文本):",
    "en": "以下为英文文本（非官方译文，以中文文本为准）：",
}


def _counted_from(rule, event: RoledDate | None, lang: str) -> str | None:
    """The step saying what the date counted from is, when the question dates the rule's event by
    a day of the role its article counts from instead (the day a detained foreigner's identity was
    established, Law Arts. 60-61) and the rule quotes the words that say so."""
    counted, words = getattr(rule, "counts_from", ""), getattr(rule, "counts_from_zh", "")
    if event is None or not counted or event.role != counted or not words:
        return None
    label = load_role_cues().label(counted, lang)
    if lang == "zh":
        return f"起算日：{label}，{rule.label_zh}：“{words}”。"
    return f"Counted from {label}, as {rule.label} says: “{words}”."


def _cited_texts(draft: Draft) -> list[str]:
    """Every text (each language and version) of the provisions the draft cites."""
    return [t.text for p in draft.cited for t in p.texts] + [p.text for p in draft.cited]


_PART_PINPOINT = re.compile(r"\(\d{1,2}\)$|第（[一二三四五六七八九十]+）项$|\bparas?\. [\d, -]+$|款$")


def _answering_texts(draft: Draft) -> list[str]:
    """What the cited provisions say to the question: of a provision quoted at one item of a list
    (Regulations Art. 6(6), the K visa) or at one paragraph, that part (an item with its lead-in), in
    each language quoted, for the other parts speak of other cases (a child "under 18" in the S1 item
    is no age limit of the K visa; a birth's sixty days, Law Art. 40 para. 1, no time limit for
    reporting a death, para. 2); every text of any other provision."""
    out = []
    for p in draft.cited:
        quote = draft.quoted.get(p.key)
        if quote is not None and quote.pinpoint and _PART_PINPOINT.search(quote.pinpoint):
            out += [quote.text, " … ".join(quote.official_pieces)]
        else:
            out += [t.text for t in p.texts] + [p.text]
    return [t for t in out if t]


def _say_what_is_not_stated(reading: Reading, draft: Draft, message: str | None = None, own: str | None = None) -> Draft:
    """A question asking for a kind of fact (a fee, a processing time, an office's contact) that no
    quoted provision states: the first line says so, the provisions follow, then where to ask.
    ``message``: the whole message a question is one of several of (what it tells of who asks);
    ``own``: that question's own words, read with the one before it (``reading``) to find its
    provisions: what it asks is read in its own words, not in the one before it, answered there."""
    if not draft.cited or draft.outcome == "clarify":
        return draft
    texts = _answering_texts(draft)
    # What is asked is read in the clauses that ask: wages the story mentions ("the company owes
    # its workers' wages; may he be stopped from leaving?") are not a question about wages.
    sentences = asking_sentences(own or reading.question)
    # A standard the quoted provisions use without measuring it, asked how far it goes ("how many
    # days of overstay make it serious?"), is left open. It is read in the whole sentence that asks,
    # not its asking clauses: "a colleague says transit allows 240 hours, is it true?" asks of the
    # clause that tells. Its line says what figure is missing, so "that figure" is not said too.
    # A computed deadline answers what is asked of time; a fee or an office asked beside it ("最晚哪天申请？
    # 要多少钱？") is still not stated, and said so above the computation, which stays as it is: what the
    # clauses asking no date and weighing none ask ("最晚哪天要交钱？" asks when, not how much;
    # "等30号发工资再交可以吗？" weighs a plan against it, and asks no wage).
    if draft.deadlines:
        opened = []
        sentences = " ".join(c for c in clauses_of(asking_clauses(sentences)) if _clause_asks_no_date(c, reading.today))
    else:
        opened = left_open(sentences, texts, reading.question)
    # (a clause asking whether a claim holds asks about the claim: "they say there's a grace period, is it true?")
    missing = [k for k in unstated(asked_with_claims(sentences), texts)
               if not (opened and (k.name == GENERIC or k.said_by_open_terms))
               and not (draft.deadlines and (k.of_time or not k.unstated))] + opened
    if draft.deadlines and not missing:
        return draft
    if draft.outcome == "not_stated":  # (a line of its own says no penalty is stated: _none_linked)
        missing = [k for k in missing if k.name != "penalty"]
    if not missing:
        if whose_relative_unsaid(reading.question, reading.previous) and (
            message is None or whose_relative_unsaid(message, reading.previous)
        ):
            # which visa a relative takes, and whose family the relative joins is not said: asked back
            first, sources, draft.outcome = whose_relative_line(reading.question, reading.lang), list(draft.quotes), "clarify"
        else:
            first, sources = _first_line(reading, draft, message)
        if first:
            # The figures come from the quoted provisions: the line cites them, so the claim checks
            # find its numbers in their texts.
            cited = " ".join(marker(p) for p in draft.cited if p.key in sources)
            draft.text = f"{first} {cited}".rstrip() + f"\n{draft.text}"
        return draft
    region = next((p.jurisdiction for p in draft.cited), None) if reading.region is None else reading.region
    draft.text = f"{not_stated_line(missing, reading.lang)}\n{draft.text}\n{where_to_ask(region, reading.lang)}"
    draft.outcome = "not_stated"
    return draft


def _clause_asks_no_date(clause: str, today: dt.date) -> bool:
    return has_asking_words(clause) and not asks_for_date(clause) and not dates_in(clause, today)


def _first_line(reading: Reading, draft: Draft, message: str | None = None) -> tuple[str | None, list[str]]:
    """The line that states what the question asks for (a visa letter, a period, an amount) as the
    quoted texts give it, and the provisions it comes from. A question asking several things gets
    it for the first part that asks for one, from the quoted provision that answers that part best:
    a figure of another part's provision would answer the wrong question. ``message``: the whole
    message the question is one of several of, whose story may tell the case asked about."""
    told = message if message and message != reading.question else ""
    def pieces(q) -> list[str]:
        return q.pieces[1:] if q.pinpoint and len(q.pieces) > 1 else q.pieces

    parts = question_parts(reading.question)
    restated = "\n".join(line for line in draft.text.splitlines() if line.startswith(tuple(IN_SHORT.values())))
    if len(parts) < 2 or len(draft.quoted) < 2:
        score = SentencePicker.clause_scorer(without_visa_letters(reading.question))
        items = [piece for q in draft.quoted.values() for piece in pieces(q)]
        first = short_answer(
            reading.question, " ".join(draft.quotes.values()), reading.lang, parts=items, score=score,
            earlier=reading.previous, restated=restated, told=told,
        )  # fmt: skip
        return first, list(draft.quotes)
    for part in parts:
        score = SentencePicker.clause_scorer(without_visa_letters(part))
        # only a provision that states what the part asks for (a visa's letter) can answer it
        stating = {k: q for k, q in draft.quoted.items() if short_answer(part, draft.quotes[k], reading.lang)}
        candidates = stating or draft.quoted
        fit = {k: max((score(piece) for piece in [*pieces(q), draft.quotes[k]]), default=0.0) for k, q in candidates.items()}
        top = max(fit.values())
        # the provisions that speak to this part in its words best, or every one when none does
        keys = [k for k, v in fit.items() if v == top] if top > 0 else list(candidates)
        items = [piece for k in keys for piece in pieces(draft.quoted[k])]
        first = short_answer(  # (a part's case may be told anywhere in the message: "… I've lived here 4 years")
            part, " ".join(draft.quotes[k] for k in keys), reading.lang, parts=items, score=score, earlier=reading.previous,
            restated=restated, told=told or reading.question,
        )
        if first:
            return first, keys
    return None, []


def _quote_fields(quote, provision: Provision) -> dict:
    """What a citation records about its quote: the part, the language, whether it is a translation,
    the official original, the version relied on and the languages the provision has."""
    fields: dict = {"languages": provision.languages}
    if quote is None:
        return fields
    reader = quote.reader_lang or quote.lang
    summary = summary_for(provision, reader) if quote.lang != reader else None
    return fields | {
        "summary": summary.text if summary is not None else "",
        "pinpoint": quote.pinpoint,
        "quote_lang": quote.lang,
        "translation": quote.translation,
        "original": quote.original,
        "version": quote.version,
    }


# Asking within how many days a step is due ("多少天内要去办？", "within how many days must we file?"):
# the period of a deadline, not how long something lasts or takes ("办下来要多久？", "超过多少天算严重？").
_WITHIN_DAYS = re.compile(
    r"(?:多少|几)(?:个工作)?[天日]内|\bwithin how many (?:working )?days\b|\bhow many days (?:do|does|have|has) \w+ (?:got|have)\b",
    re.I,
)


def _an_events_step_first(reading: Reading, rule, hits: Sequence[Hit]) -> bool:
    """Whether a close provision (as close as one stating a case told must be to be quoted first) states
    the step of an event the question tells and asks of, a step without a period of its own (no rule
    counts it: data/events.json 'counted'), and is not ``rule``'s: "he may quit before his permit ends:
    what must the company do, within how many days?" asks of the employer's report (Regulations Art.
    26, due promptly), not of the permit's renewal its words also name."""
    stated = events_told(reading.question, asking_sentences(reading.question), steps_only=True, uncounted=True)
    if not hits or not stated:
        return False
    stating = next((h for h in hits if any(word in h.provision.all_text() for word in stated)), None)
    return stating is not None and stating.score >= KIND_MARGIN * hits[0].score \
        and (stating.provision.doc_id, stating.provision.article) != (rule.doc_id, rule.article)


def _dated_where_told(text: str, roled: Sequence[Any], stated: set[str]) -> Any:
    """The date of ``text`` written in the clause telling a counted event (data/events.json 'counted': "昨天
    晚上（21号）从宿舍搬到同学租的房子里", a move; "宝宝9月3号出生", a birth), nearest before the event's words:
    the day that event happened, whatever else the message dates (the permit's expiry); None when no
    such clause holds a date of no other role. ``stated``: the words stating the step asked of, whose
    event's clause is read (not a birth's, when the move is asked of)."""
    told = [e for e in events() if e.counted and set(e.stated) & stated]
    for at in sorted(m.start() for e in told for m in e.told.finditer(text)):
        start = max(text.rfind(mark, 0, at) for mark in _CLAUSE_MARKS) + 1
        end = min((i for i in (text.find(mark, at) for mark in _CLAUSE_MARKS) if i >= 0), default=len(text))
        near = [r for r in roled if r.role is None and start <= r.found.start < end]
        if near:
            return min(near, key=lambda r: abs(at - r.found.end))
    return None


_CLAUSE_MARKS = "，,。；;！!？?\n"


def _goes_on_with_the_matter(part: str) -> bool:
    """Whether a part of a message that asks several things names no subject of its own, asks no
    kind of fact (a penalty, an office, a fee, whether one may work: "周末兼职不要紧吧？") and no date,
    tells no duty missed ("what if I don't?"), speaks of no measure in loose words ("might they
    deport him?") and tells no event asked of ("he moves in with a friend: anything to do?"): "is that
    ok?", "会不会赶不上？", "有什么要求吗？" go on with the matter the question before them is about."""
    return not (has_domain_words(part) or asked(part) or asks_for_date(part) or tells_a_breach(part)
                or says_a_measure(part) or events_told(part, asking_sentences(part)))


def _for_the_residence_visa(reading: Reading, rule, event, draft: Draft) -> Draft:
    """A residence permit's deadline from the entry on a visa named by its letter alone ("came in on a
    Q visa"): the line after the date says it is the residence visa's (Q1), not the visit's (Q2)."""
    if event is None or event.role != "entry" or "residence" not in subjects_in(str(getattr(rule, "result_en", ""))):
        return draft
    family = unnumbered_family(reading.context)
    if family is None:
        return draft
    first, _, rest = draft.text.partition("\n")
    draft.text = "\n".join([first, residence_line(family, reading.lang), rest])
    return draft


# Words naming a deadline as what is asked ("what is the deadline for it?", "最晚哪天？"), not only a time
# ("when I apply, is a printout needed?").
_NAMES_A_DEADLINE = re.compile(r"\bdeadlines?\b|\bby when\b|\blatest\b|\bcut-?off\b|最晚|最迟|截止|期限|之前要", re.I)


# Words naming a penalty, whatever is asked of it: a fine (罚), a warning, detention.
_SPEAKS_OF_A_PENALTY = re.compile(r"罚|警告|拘留|\bfine[sd]?\b|\bpenalt(?:y|ies)\b|\bwarning\b|\bdetention\b", re.I)


def _read_text(text: str, *, asked: bool) -> str:
    """A turn's text as it is read: simplified, written Cantonese in standard Chinese, abbreviations
    spelled out, terms written in pinyin in Chinese, and one a user asks (``asked``) parted by spaces
    given its marks."""
    text = in_everyday_sense(read_pinyin(spell_out(standard_written(simplified(text)))))
    return punctuated(text, is_interrogative) if asked else text


def _reranked(hits: Iterable[Hit], most: int | None = None) -> list[Hit]:
    """``hits`` best score first (at most ``most``), their ranks numbered anew."""
    ranked = sorted(hits, key=lambda h: -h.score)[:most]
    return [h.model_copy(update={"rank": i}) for i, h in enumerate(ranked, 1)]


def _best_of(first: Sequence[Hit], second: Sequence[Hit]) -> dict[str, Hit]:
    """Per provision, the hit with the higher score of two searches."""
    out: dict[str, Hit] = {}
    for h in [*first, *second]:
        if h.provision.key not in out or h.score > out[h.provision.key].score:
            out[h.provision.key] = h
    return out


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
    """For hour-based rules, the clock time the question gives for that day ("at 21:00", "晚上8点")."""
    if kind != "hours":
        return day
    from .dates import time_of_day

    clock = time_of_day(reading.question, day, reading.today)
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
