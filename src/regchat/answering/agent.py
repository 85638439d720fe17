"""LLM mode: a chat model behind any OpenAI-compatible endpoint answers from
the retrieved provisions, with the deadline tools and a search tool.

Retrieval runs first; the model sees the provisions with their ids (and any
deadline already computed for the question), may call tools for a few rounds,
and writes an answer with citation markers. The engine then runs the same
guardrails as in offline mode. Endpoint failures and timeouts surface as
``ModelError``; the engine answers offline instead.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import httpx
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel, Field

from ..deadlines import format_deadline
from ..deadlines.tools import make_tools
from ..documents import Deadline, Hit, Provision
from ..errors import ModelError
from ..settings import Settings
from .clarify import Clarification
from .offline import IN_SHORT, Draft
from .questions import Reading

log = logging.getLogger(__name__)

MAX_ROUNDS = 4
CONTEXT_PROVISIONS = 4
CONTEXT_CHARS = 1200

SYSTEM_PROMPT = """You answer questions about entry, stay, residence and work permits of foreigners \
in mainland China and Macao, using only the provisions given to you.
- After every statement, cite the provision it comes from with its id in square brackets, \
for example [cn-exit-entry-law#30]. Use only ids given to you or returned by the search tool.
- When you rely on the wording, quote it exactly in double quotes, in the provision's language.
- Never calculate a date yourself. Use a date already computed for you, or call compute_deadline \
(or another date tool) and state the date it returns.
- If the provisions do not answer the question, say so in one sentence.
- Answer in {language}, briefly."""

LANGUAGE = {"en": "English", "zh": "Chinese (简体中文)"}


class SearchArgs(BaseModel):
    query: str = Field(description="What to look for in the regulations, in English or Chinese")


def make_search_tool(retriever, k: int = 3) -> BaseTool:
    """A tool that searches the regulations and returns provisions with the ids to cite."""

    def search_regulations(query: str) -> tuple[str, list[Provision]]:
        hits = retriever.search(query, k=k)
        if not hits:
            return "No provisions found.", []
        provisions = [h.provision for h in hits]
        return "\n\n".join(_provision_block(p) for p in provisions), provisions

    return StructuredTool.from_function(
        func=search_regulations,
        name="search_regulations",
        description="Search the regulations for provisions about a topic. Returns provisions, each with the id "
        "to cite in square brackets, e.g. [cn-foreigner-entry-exit-regulations#18].",
        args_schema=SearchArgs,
        response_format="content_and_artifact",
    )


def build_chat_model(settings: Settings):
    """A ChatOpenAI client for the endpoint in ``settings.llm``."""
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        base_url=settings.llm,
        model=settings.llm_model,
        api_key=settings.llm_api_key.get_secret_value(),
        timeout=min(settings.llm_timeout, settings.answer_budget),
        max_retries=0,
        temperature=0,
    )


def _provision_block(p: Provision) -> str:
    """Each text of the provision: the official Chinese text (authentic) and the English translation
    where there is one; a quote in either language is checked verbatim."""
    def cut(text: str) -> str:
        return text if len(text) <= CONTEXT_CHARS else text[:CONTEXT_CHARS] + " ..."

    blocks = []
    for lang in p.languages:
        version = p.text_in(lang)
        if version is None:
            continue
        what = "official text" if version.official else "unofficial translation"
        blocks.append(f"({lang}, {what}{', version ' + version.version if version.version else ''})\n{cut(version.text)}")
    for summary in p.summaries:
        if p.summary_in(summary.lang) is summary:
            blocks.append(f"({summary.lang}, summary, not a translation: never quote it)\n{cut(summary.text)}")
    body = "\n".join(blocks) or cut(p.text)
    return f"[{p.key}] {p.label} / {p.label_zh}\n{body}"


def _context(reading: Reading, hits: Sequence[Hit], offline: Draft) -> str:
    provisions: list[Provision] = list(offline.cited)
    for h in hits:
        if h.provision not in provisions:
            provisions.append(h.provision)
    parts = ["Provisions:"] + [_provision_block(p) for p in provisions[:CONTEXT_PROVISIONS]]
    plain = [line for line in offline.text.splitlines() if line.startswith(tuple(IN_SHORT.values()))]
    if plain:
        parts.append("The parts that answer, in plain words (restatements, not the law: never quote them):\n"
                     + "\n".join(plain))
    for d in offline.deadlines:
        parts.append("Computed by the deadline calculator:\n" + format_deadline(d, reading.lang))
    if isinstance(offline, Clarification):
        parts.append(offline.for_model())
    parts.append(f"Today is {reading.today.isoformat()}.")
    parts.append(f"Question: {reading.question}")
    return "\n\n".join(parts)


def _history_messages(history: Sequence[Mapping[str, object]]) -> list[BaseMessage]:
    out: list[BaseMessage] = []
    for turn in list(history)[-4:]:
        content = str(turn.get("content", ""))
        out.append(HumanMessage(content) if turn.get("role") == "user" else AIMessage(content))
    return out


def _model_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [httpx.HTTPError, OSError, TimeoutError]
    try:
        import openai

        errors.append(openai.APIError)
    except ImportError:  # pragma: no cover - langchain-openai depends on openai
        pass
    return tuple(errors)


NEW_ROUND = object()  # marks the start of a model call: text streamed before it was a tool round's


@dataclass
class AgentState:
    """What the agent has gathered so far: provisions it may cite, computed deadlines, its final text."""

    consulted: dict[str, Provision] = field(default_factory=dict)
    deadlines: list[Deadline] = field(default_factory=list)
    text: str = ""

    @classmethod
    def start(cls, hits: Sequence[Hit], offline: Draft) -> "AgentState":
        consulted = {p.key: p for p in offline.cited}
        consulted.update({h.provision.key: h.provision for h in hits})
        return cls(consulted=consulted)


def agent_events(
    model,
    reading: Reading,
    hits: Sequence[Hit],
    offline: Draft,
    retriever,
    rules: Sequence,
    settings: Settings,
    history: Sequence[Mapping[str, object]] = (),
    state: AgentState | None = None,
) -> Iterator[object]:
    """Run the model with tools, yielding its text as it streams (and ``NEW_ROUND`` before each
    model call); ``state`` collects the provisions it may cite, the tools' deadlines and the final text."""
    state = state if state is not None else AgentState.start(hits, offline)
    tools = make_tools(rules=list(rules), holidays_dir=settings.holidays_dir, lang=reading.lang)
    tools.append(make_search_tool(retriever))
    by_name = {t.name: t for t in tools}
    messages: list[BaseMessage] = [
        SystemMessage(SYSTEM_PROMPT.format(language=LANGUAGE[reading.lang])),
        *_history_messages(history),
        HumanMessage(_context(reading, hits, offline)),
    ]
    try:
        bound = model.bind_tools(tools)
    except NotImplementedError:
        bound = model
    reply: AIMessage | None = None
    for _ in range(MAX_ROUNDS):
        yield NEW_ROUND
        reply = None
        try:
            gathered = None
            for chunk in bound.stream(messages):
                gathered = chunk if gathered is None else gathered + chunk
                piece = _text(chunk, strip=False)
                if piece:
                    yield piece
        except _model_errors() as exc:
            raise ModelError(_describe(exc)) from exc
        reply = AIMessage(content=gathered.content, tool_calls=gathered.tool_calls) if gathered else AIMessage("")
        messages.append(reply)
        if not reply.tool_calls:
            break
        for call in reply.tool_calls:
            tool = by_name.get(call["name"])
            if tool is None:
                result = ToolMessage(f"Error: there is no tool {call['name']!r}.", tool_call_id=call["id"] or "")
            else:
                result = tool.invoke({**call, "type": "tool_call"})
            artifact = getattr(result, "artifact", None)
            if isinstance(artifact, Deadline):
                state.deadlines.append(artifact)
                if artifact.citation and artifact.citation.article is not None:
                    for p in retriever.lookup(artifact.citation.article, artifact.citation.doc_id):
                        state.consulted[p.key] = p
            elif isinstance(artifact, list):
                state.consulted.update({p.key: p for p in artifact if isinstance(p, Provision)})
            messages.append(result)
    state.text = _text(reply)
    # Dates the calculator computed for this question before the model ran count as tool
    # results when the model states them.
    for d in offline.deadlines:
        stated = d.date.isoformat() in state.text or (d.act_by and d.act_by.isoformat() in state.text)
        if d not in state.deadlines and stated:
            state.deadlines.append(d)


def run_agent(model, reading, hits, offline, retriever, rules, settings, history=()) -> tuple[Draft, dict[str, Provision]]:
    """The agent without streaming: its final text (with markers), deadlines and citable provisions."""
    state = AgentState.start(hits, offline)
    for _ in agent_events(model, reading, hits, offline, retriever, rules, settings, history, state):
        pass
    return Draft(text=state.text, deadlines=state.deadlines), state.consulted


def _text(reply, strip: bool = True) -> str:
    if reply is None:
        return ""
    content = reply.content
    if isinstance(content, list):
        content = "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    content = str(content or "")
    return content.strip() if strip else content


def _describe(exc: BaseException) -> str:
    name = type(exc).__name__
    if "Timeout" in name:
        return "timed out"
    if "Connection" in name or isinstance(exc, (ConnectionError, httpx.ConnectError)):
        return "connection failed"
    return name
