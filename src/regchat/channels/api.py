"""The HTTP API: ``POST /api/ask`` (regchat's own JSON), ``GET /healthz``, and an
OpenAI-compatible ``POST /v1/chat/completions`` + ``GET /v1/models`` so that any
chat front end can use regchat as its model, citations included.

This is an edge: regchat's errors become HTTP statuses here, and every error
body has one shape, the one OpenAI clients already understand::

    {"error": {"message": "...", "type": "invalid_request_error", "param": "question", "code": "..."}}
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any, Literal

import httpx
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.exceptions import HTTPException as StarletteHTTPException

from regchat import bounds
from regchat.answering.guardrails import split_sentences
from regchat.calendar_export import with_ics_links
from regchat.channels.engine import LazyEngine
from regchat.documents import Answer
from regchat.errors import ConfigError, DeadlineError, IndexNotReady, ModelError, QuestionTooLong, RegchatError
from regchat.settings import Settings

log = logging.getLogger("regchat.api")

#: Longest question accepted, in characters and UTF-8 bytes: the bounds every channel shares.
MAX_QUESTION_CHARS = bounds.MAX_QUESTION_CHARS
MAX_QUESTION_BYTES = bounds.MAX_QUESTION_BYTES
#: Longest earlier turn accepted in ``history``, in characters.
MAX_TURN_CHARS = 8000
#: Most earlier turns accepted in ``history`` (the OpenAI endpoint keeps the latest ones).
MAX_HISTORY_TURNS = 40
#: Largest request body accepted by the API routes, in bytes (a full history in Chinese fits).
MAX_BODY_BYTES = 1024 * 1024

MODEL_ID = "regchat"


# --- request and response models -------------------------------------------


def _unicode_text(value: Any) -> Any:
    """Refuse text that cannot be written as UTF-8 (lone surrogates from ``\\ud800`` escapes)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("must be valid Unicode text (it contains a lone surrogate)") from None
    return value


def _iso_date(value: Any) -> Any:
    """Accept only ``YYYY-MM-DD`` strings (pydantic alone would also take numbers as timestamps)."""
    if value is None or isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError("must be a date written YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a date written YYYY-MM-DD") from None


class Turn(BaseModel):
    """One earlier message of the conversation."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: str = Field(max_length=MAX_TURN_CHARS)

    @field_validator("content")
    @classmethod
    def _unicode(cls, value: str) -> str:
        return _unicode_text(value)


class AskRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "question": "I came into China with a Z visa on 2026-03-02. By when must I apply for a residence permit?",
                    "history": [],
                    "today": "2026-11-22",
                }
            ]
        },
    )

    question: str = Field(
        min_length=1, max_length=MAX_QUESTION_CHARS, description="The question, in English or Chinese"
    )
    history: list[Turn] = Field(
        default_factory=list, max_length=MAX_HISTORY_TURNS, description="Earlier turns, oldest first"
    )
    today: dt.date | None = Field(
        default=None, description="The date relative deadlines count from (YYYY-MM-DD); default: today in China"
    )

    @field_validator("question")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        value = _unicode_text(value.strip())
        try:
            return bounds.check_question(value)
        except QuestionTooLong as exc:
            raise ValueError(str(exc)) from None

    @field_validator("today", mode="before")
    @classmethod
    def _iso_today(cls, value: Any) -> Any:
        return _iso_date(value)


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None


class ChatMessageIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None

    @field_validator("content")
    @classmethod
    def _unicode(cls, value: Any) -> Any:
        if isinstance(value, list):
            for part in value:
                _unicode_text(part.text)
            return value
        return _unicode_text(value)

    @property
    def text(self) -> str:
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        return "".join(part.text or "" for part in self.content if part.type == "text")


class ChatCompletionRequest(BaseModel):
    """An OpenAI chat-completion request; sampling options are accepted and ignored."""

    model_config = ConfigDict(extra="allow")

    model: str = MODEL_ID
    messages: list[ChatMessageIn] = Field(min_length=1)
    stream: bool = False
    today: dt.date | None = Field(default=None, description="regchat extension: the date deadlines count from")

    @field_validator("today", mode="before")
    @classmethod
    def _iso_today(cls, value: Any) -> Any:
        return _iso_date(value)


class ApiError(Exception):
    """An error with its HTTP status, raised by the endpoints and rendered by ``error_response``."""

    def __init__(self, status: int, message: str, *, type: str = "invalid_request_error", param: str | None = None,
                 code: str | None = None):
        super().__init__(message)
        self.status, self.message, self.type, self.param, self.code = status, message, type, param, code


def error_body(message: str, *, type: str, param: str | None = None, code: str | None = None) -> dict:
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


def error_response(exc: ApiError) -> JSONResponse:
    return JSONResponse(error_body(exc.message, type=exc.type, param=exc.param, code=exc.code), status_code=exc.status)


def map_error(exc: RegchatError) -> ApiError:
    """regchat's errors as HTTP errors."""
    if isinstance(exc, IndexNotReady):
        return ApiError(503, f"The regulation index is not ready: {exc}", type="service_unavailable",
                        code="index_not_ready")
    if isinstance(exc, ModelError):
        return ApiError(502, f"The language model failed: {exc}", type="upstream_error", code="model_error")
    if isinstance(exc, DeadlineError):
        return ApiError(422, str(exc), code="deadline_error")
    if isinstance(exc, QuestionTooLong):
        return ApiError(422, str(exc), param="question", code="question_too_long")
    if isinstance(exc, ConfigError):
        return ApiError(500, f"regchat is misconfigured: {exc}", type="server_error", code="config_error")
    return ApiError(500, str(exc), type="server_error", code="regchat_error")


# --- readable validation errors -----------------------------------------------


def _field_name(loc: tuple) -> str:
    parts = [str(p) for p in loc if p != "body"]
    return ".".join(parts) if parts else "body"


def _describe(error: dict) -> str:
    field = _field_name(tuple(error.get("loc", ())))
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "string_too_long":
        got = len(error["input"]) if isinstance(error.get("input"), str) else None
        tail = f" (got {got})" if got is not None else ""
        return f"{field} is too long: at most {ctx.get('max_length')} characters{tail}"
    if kind == "string_too_short":
        return f"{field} must not be empty"
    if kind == "missing":
        return f"{field} is required" if field != "body" else "the request body is missing"
    if kind == "extra_forbidden":
        return f"{field} is not a known field"
    if kind == "too_long":
        return f"{field} has too many items: at most {ctx.get('max_length')}"
    if kind == "too_short":
        return f"{field} must not be empty"
    msg = str(error.get("msg", "is invalid"))
    msg = msg.removeprefix("Value error, ")
    return f"{field}: {msg}"


async def _validation_handler(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = list(exc.errors())
    broken = next((e for e in errors if e.get("type") == "json_invalid"), None)
    if broken is not None:
        detail = (broken.get("ctx") or {}).get("error", "")
        return JSONResponse(
            error_body(f"The request body is not valid JSON ({detail}).", type="invalid_request_error",
                       code="json_invalid"),
            status_code=400,
        )
    first = errors[0] if errors else {"loc": ("body",), "msg": "is invalid"}
    message = "; ".join(_describe(e) for e in errors) or "invalid request"
    body = error_body(message, type="invalid_request_error", param=_field_name(tuple(first.get("loc", ()))),
                      code="invalid_request")
    body["detail"] = _plain(errors)  # FastAPI's usual list, for clients that read it
    return JSONResponse(body, status_code=422)


def _plain(errors: list[dict]) -> list[dict]:
    """Validation errors without the raw input echoed back (a 20 kB question need not come back)."""
    return [{"loc": list(e.get("loc", ())), "type": e.get("type"), "msg": e.get("msg")} for e in errors]


async def _api_error_handler(request: Request, exc: ApiError) -> JSONResponse:
    return error_response(exc)


async def _regchat_error_handler(request: Request, exc: RegchatError) -> JSONResponse:
    return error_response(map_error(exc))


async def _http_error_handler(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    message = str(exc.detail)
    if exc.status_code == 413:
        message = f"The request body is too large: at most {MAX_BODY_BYTES} bytes."
    return JSONResponse(error_body(message, type="invalid_request_error"), status_code=exc.status_code,
                        headers=getattr(exc, "headers", None))


def install_error_handlers(app: FastAPI) -> None:
    """Give every API error the one readable shape (including FastAPI's own 422s)."""
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(ApiError, _api_error_handler)
    app.add_exception_handler(RegchatError, _regchat_error_handler)
    app.add_exception_handler(StarletteHTTPException, _http_error_handler)


# --- rendering answers for chat front ends -------------------------------------


def sources_footer(answer: Answer) -> str:
    """The answer's notices, then its citations as a plain-text list: what follows the answer text
    in an OpenAI message."""
    footer = "".join(f"\n\n({notice})" for notice in answer.notices)
    if answer.citations:
        head = "来源：" if answer.lang == "zh" else "Sources:"
        footer += "\n\n" + head + "\n" + "\n".join(f"- {c.label}" for c in answer.citations)
    return footer


#: Between streamed text the checks later replaced and the checked answer (a stream cannot take text back).
REPLACED = {"en": "\n\n---\nChecked answer:\n", "zh": "\n\n---\n核对后的答案：\n"}


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def stream_tail(sent: str, final: str) -> str | None:
    """What to send after the streamed ``sent`` so that the reader sees ``final`` once: the
    sentences of ``final`` not already shown (spacing aside), or None when ``sent`` holds
    something ``final`` does not (the checks took it back)."""
    if final.startswith(sent):
        return final[len(sent):]
    shown, whole = _squeeze(sent), _squeeze(final)
    if any(_squeeze(part) not in whole for part in split_sentences(sent) if _squeeze(part)):
        return None
    missing = [part for part in split_sentences(final) if _squeeze(part) and _squeeze(part) not in shown]
    return ("\n\n" + "".join(missing).strip()) if missing else ""


def regchat_extra(answer: Answer) -> dict[str, Any]:
    """The extra ``regchat`` field of an OpenAI response: everything a front end needs to show sources."""
    return {
        "id": answer.id,
        "citations": [c.model_dump(mode="json") for c in answer.citations],
        "deadlines": [d.model_dump(mode="json") for d in with_ics_links(answer).deadlines],
        "refused": answer.refused,
        "mode": answer.mode,
        "lang": answer.lang,
        "notices": answer.notices,
    }


def _question_and_history(request: ChatCompletionRequest) -> tuple[str, list[dict]]:
    last = request.messages[-1]
    if last.role != "user":
        raise ApiError(422, "the last message must come from the user", param="messages")
    question = last.text.strip()
    if not question:
        raise ApiError(422, "the last user message has no text", param="messages")
    try:
        bounds.check_question(question)
    except QuestionTooLong as exc:
        raise ApiError(422, f"{exc} (got {exc.chars} characters, {exc.size} bytes)", param="messages",
                       code="question_too_long") from None
    history = [
        {"role": m.role, "content": m.text[:MAX_TURN_CHARS]}
        for m in request.messages[:-1]
        if m.role in ("user", "assistant") and m.text.strip()
    ]
    return question, history[-MAX_HISTORY_TURNS:]


def _sse(payload: dict | str) -> str:
    data = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    return f"data: {data}\n\n"


# --- the router ---------------------------------------------------------------------


def probe_model(settings: Settings, timeout: float = 2.0) -> dict[str, Any]:
    """Model status for the health check: offline, or whether the LLM endpoint answers ``GET /models``."""
    if settings.llm is None:
        return {"mode": "offline", "ready": True}
    status: dict[str, Any] = {"mode": "llm", "endpoint": settings.llm, "model": settings.llm_model}
    try:
        response = httpx.get(settings.llm.rstrip("/") + "/models", timeout=timeout,
                             headers={"Authorization": f"Bearer {settings.llm_api_key.get_secret_value()}"})
        status["ready"] = response.status_code < 500
        if not status["ready"]:
            status["error"] = f"HTTP {response.status_code}"
    except httpx.HTTPError as exc:
        status["ready"] = False
        status["error"] = f"{type(exc).__name__}: {exc}"
    return status


def build_router(engine: LazyEngine, settings: Settings, clock: Callable[[], dt.date]) -> APIRouter:
    """The API routes, answering with ``engine``; ``clock`` gives today's date when a request has none."""
    router = APIRouter(max_body_size=MAX_BODY_BYTES)

    def ask_engine(question: str, history: list[dict], today: dt.date | None) -> Answer:
        try:
            return with_ics_links(engine.answer(question, history=history, today=today or clock()))
        except RegchatError as exc:
            raise map_error(exc) from exc
        except Exception:
            log.exception("answering failed")  # the question is not logged: personal data
            raise ApiError(500, "regchat failed while answering; the server log has the details.",
                           type="server_error", code="internal_error") from None

    @router.post("/api/ask", response_model=Answer, tags=["regchat"],
                 summary="Answer a question, with citations and computed deadlines",
                 responses={400: {"description": "Body is not JSON"}, 422: {"description": "Invalid request"},
                            503: {"description": "Index not built yet"}})
    def ask(request: AskRequest) -> Answer:
        history = [t.model_dump() for t in request.history]
        return ask_engine(request.question, history, request.today)

    @router.get("/healthz", tags=["regchat"], summary="Index and model status; 200 only when regchat can answer")
    def healthz() -> JSONResponse:
        """``ok``: everything answers. ``degraded`` (still 200): the model endpoint is down, so answers are
        composed offline from the regulations. ``unavailable`` (503): no index, nothing can be answered."""
        index = engine.status()
        model = probe_model(settings)
        if not index["ready"]:
            status = "unavailable"
        else:
            status = "ok" if model["ready"] else "degraded"
        body = {"status": status, "mode": settings.mode, "index": index, "model": model}
        if not index["ready"]:
            body["hint"] = "Build the index with `regchat ingest` (or `make run`)."
        elif not model["ready"]:
            body["hint"] = "The model endpoint (REGCHAT_LLM) does not answer: answers are composed offline."
        return JSONResponse(body, status_code=503 if status == "unavailable" else 200)

    @router.get("/v1/models", tags=["openai"], summary="OpenAI-compatible model list")
    def models() -> dict:
        return {"object": "list",
                "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "regchat"}]}

    @router.post("/v1/chat/completions", tags=["openai"], summary="OpenAI-compatible chat completion",
                 response_model=None)
    def chat_completions(request: ChatCompletionRequest) -> JSONResponse | StreamingResponse:
        question, history = _question_and_history(request)
        today = request.today or clock()
        completion_id = f"chatcmpl-{uuid.uuid4().hex}"
        created = int(time.time())
        model = request.model or MODEL_ID

        if not request.stream:
            answer = ask_engine(question, history, today)
            return JSONResponse({
                "id": completion_id, "object": "chat.completion", "created": created, "model": model,
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": answer.text + sources_footer(answer)}}],
                "usage": None,
                "regchat": regchat_extra(answer),
            })

        try:
            engine.get()  # a missing index is a 503 before the stream starts, not an error inside it
        except RegchatError as exc:
            raise map_error(exc) from exc

        def chunk(delta: dict, finish: str | None = None, **extra: Any) -> str:
            return _sse({"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": model,
                         "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra})

        def events() -> Iterator[str]:
            yield chunk({"role": "assistant", "content": ""})
            sent = ""
            try:
                for item in engine.stream(question, history=history, today=today):
                    if isinstance(item, str):
                        if item:
                            sent += item
                            yield chunk({"content": item})
                        continue
                    answer = item
                    rest = stream_tail(sent, answer.text)
                    if rest is None:  # the checks took back text already shown: send the checked one
                        rest = REPLACED.get(answer.lang, REPLACED["en"]) + answer.text
                    tail = rest + sources_footer(answer)
                    if tail:
                        yield chunk({"content": tail})
                    yield chunk({}, "stop", regchat=regchat_extra(answer))
                    break
            except RegchatError as exc:
                err = map_error(exc)
                yield _sse(error_body(err.message, type=err.type, code=err.code))
            except Exception:
                log.exception("streaming an answer failed")
                yield _sse(error_body("regchat failed while answering; the server log has the details.",
                                      type="server_error", code="internal_error"))
            yield _sse("[DONE]")

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    return router


__all__ = [
    "MAX_QUESTION_CHARS", "MAX_QUESTION_BYTES", "MAX_HISTORY_TURNS", "MAX_TURN_CHARS", "MAX_BODY_BYTES",
    "AskRequest", "ChatCompletionRequest",
    "build_router", "install_error_handlers", "map_error", "sources_footer", "regchat_extra", "probe_model",
]
