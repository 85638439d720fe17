"""The callback endpoints: ``/wechat`` (Official Account) and ``/wecom`` (WeCom app).

Every request is checked before anything else happens: body size, timestamp
window, nonce format, signature (constant-time), then decryption and the
AppID / CorpID check, then safe XML parsing, then the nonce ledger. Any
failure is a plain-text 403 (not authentic, stale, replayed) or 400
(malformed), never a stack trace.

Modes of an Official Account:

* plaintext: only ``REGCHAT_WECHAT_TOKEN`` set; bodies are plain XML;
* compatible and safe: ``REGCHAT_WECHAT_AES_KEY`` and ``REGCHAT_WECHAT_APP_ID``
  set too; WeChat then adds ``encrypt_type=aes`` and ``msg_signature``, the
  message is taken from the ``<Encrypt>`` element, and replies are encrypted.
  Unencrypted pushes are refused once a key is configured.

A WeCom app callback is always encrypted (token, AES key and CorpID required).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.requests import ClientDisconnect

from regchat.feedback import ChatFeedback, FeedbackStore
from regchat.logs import install_redaction
from regchat.settings import Settings, reveal
from regchat.state import StateStore, StoredMemory, StoredRateLimiter, open_store

from .crypto import CallbackRejected, MessageCrypto, signature_matches
from .delivery import PushAccount, Pusher
from .guards import NonceLedger, check_nonce, check_timestamp
from .messages import Inbound, encrypted_field, parse_xml, text_reply_xml
from .outbox import Outbox, OutboxPolicy
from .responder import AnswersQuestions, Responder, Timing

log = logging.getLogger("regchat.wechat")


@dataclass(frozen=True)
class Limits:
    """Request hardening and per-user limits."""

    max_body: int = 64 * 1024
    timestamp_window: float = 300.0
    rate_limit: int = 10
    rate_period: float = 60.0
    memory_ttl: float = 1800.0
    memory_turns: int = 6
    engine_threads: int = 4
    drain_timeout: float = 10.0
    """At shutdown, how long to wait for pushes in progress (the rest stays in the outbox)."""


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise CallbackRejected("request body too large", 400)
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise CallbackRejected("request body too large", 400)
            chunks.append(chunk)
    except ClientDisconnect as exc:
        raise CallbackRejected("the client went away while sending", 400) from exc
    return b"".join(chunks)


def _verified_payload(crypto: MessageCrypto, body: bytes, msg_signature: str | None, timestamp: str,
                      nonce: str) -> str:
    """The decrypted message of an encrypted callback. The signature over the ``<Encrypt>``
    payload is checked before the XML is parsed: an unsigned body is never parsed."""
    if not msg_signature:
        raise CallbackRejected("missing msg_signature")
    encrypted = encrypted_field(body)
    if not signature_matches(msg_signature, crypto.token, timestamp, nonce, encrypted):
        raise CallbackRejected("bad msg_signature")
    if parse_xml(body).get("Encrypt", "") != encrypted:
        raise CallbackRejected("the encrypted payload is ambiguous", 400)
    return crypto.decrypt(encrypted)


def _refusal(exc: CallbackRejected) -> PlainTextResponse:
    return PlainTextResponse("forbidden" if exc.status == 403 else "bad request", status_code=exc.status)


class _Channel:
    """The state behind one endpoint."""

    def __init__(self, name: str, token: str, crypto: MessageCrypto | None, responder: Responder,
                 ledger: NonceLedger, clock: Callable[[], float], limits: Limits):
        self.name, self.token, self.crypto, self.responder = name, token, crypto, responder
        self.ledger, self.clock, self.limits = ledger, clock, limits

    def check_time(self, timestamp: str | None, nonce: str | None) -> tuple[str, str]:
        check_timestamp(timestamp, self.clock(), self.limits.timestamp_window)
        return str(timestamp), check_nonce(nonce)

    async def answer(self, inbound: Inbound, timestamp: str, nonce: str) -> Response:
        self.ledger.claim(timestamp, nonce, inbound.dedup_key)
        reply = await self.responder.respond(inbound)
        if reply is None:
            return PlainTextResponse("success")
        now = int(self.clock())
        xml = text_reply_xml(inbound, reply, now)
        if self.crypto is not None:
            xml = self.crypto.encrypted_reply(xml, str(now), nonce)
        return Response(xml, media_type="application/xml")


class CallbackRouter(APIRouter):
    """The callback routes, with the responders behind them (``None`` when an endpoint is disabled)."""

    wechat: Responder | None = None
    wecom: Responder | None = None
    outbox: Outbox | None = None

    async def drain(self, timeout: float = 30.0) -> None:
        """Wait until every answer being computed or pushed is done, and until the outbox has
        nothing ready to push (at most ``timeout`` seconds for that; what is left stays queued)."""
        for responder in (self.wechat, self.wecom):
            if responder is not None:
                await responder.drain()
        if self.outbox is None:
            return
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while loop.time() < end and any(i.status == "ready" for i in self.outbox.pending()):
            await self.outbox.run_once()
            await asyncio.sleep(min(self.outbox.policy.poll, 0.1))


def build_router(settings: Settings, engine: AnswersQuestions, *, http_client: httpx.AsyncClient | None = None,
                 clock: Callable[[], float] = time.time, timing: Timing = Timing(),
                 limits: Limits | None = None, store: StateStore | None = None,
                 policy: OutboxPolicy | None = None, feedback: FeedbackStore | None = None) -> CallbackRouter:
    """The ``/wechat`` and ``/wecom`` callback routes, answering with ``engine``.

    An endpoint whose settings are missing answers 404 saying what to set.
    ``http_client`` is used to push messages (one is created if not given);
    ``clock`` gives the wall-clock time in seconds; ``limits`` default to the
    rate-limit and memory settings; ``store`` (default: the one the settings
    name, opened when an endpoint is enabled) holds what the workers share;
    ``policy`` (default: from the settings) rules push retries. The router's
    lifespan runs the outbox worker, which first resumes what earlier
    processes left. ``feedback``, when given, records ratings typed right after an answer.
    """
    install_redaction(settings.secret_values())
    limits = limits or Limits(
        rate_limit=settings.wechat_rate_limit,
        rate_period=settings.wechat_rate_period,
        memory_ttl=settings.wechat_memory_ttl,
    )
    policy = policy or OutboxPolicy(attempts=settings.outbox_attempts, backoff=settings.outbox_backoff,
                                    lease=settings.outbox_lease)
    owns_client = http_client is None
    client = http_client or httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=5.0))
    ratings = ChatFeedback(feedback, clock) if feedback is not None else None
    enabled = bool(reveal(settings.wechat_token)) or bool(reveal(settings.wecom_token)
                                                          and reveal(settings.wecom_aes_key) and settings.wecom_corp_id)
    owns_store = store is None and enabled
    if owns_store:
        store = open_store(settings, clock=clock)
    outbox = Outbox(store, clock, policy) if store is not None else None

    def responder(name: str, account: PushAccount | None) -> Responder:
        assert store is not None and outbox is not None
        return Responder(
            engine, pusher=Pusher(account, client, clock, store=store) if account else None, clock=clock,
            timing=timing, memory=StoredMemory(store, ttl=limits.memory_ttl, max_turns=limits.memory_turns,
                                               prefix=name + ":"),
            limiter=StoredRateLimiter(store, clock, limit=limits.rate_limit, period=limits.rate_period,
                                      prefix=name + ":"),
            engine_threads=limits.engine_threads, name=name, store=store, outbox=outbox, feedback=ratings,
        )

    wechat: _Channel | None = None
    wechat_token, wechat_aes_key = reveal(settings.wechat_token), reveal(settings.wechat_aes_key)
    wechat_secret = reveal(settings.wechat_app_secret)
    if wechat_token:
        crypto = None
        if wechat_aes_key:
            crypto = MessageCrypto(wechat_token, wechat_aes_key, settings.wechat_app_id or "")
        account = None
        if settings.wechat_app_id and wechat_secret:
            account = PushAccount("wechat", settings.wechat_api_base, settings.wechat_app_id, wechat_secret)
        else:
            log.warning("wechat: no REGCHAT_WECHAT_APP_ID/APP_SECRET; slow or long answers cannot be pushed")
        wechat = _Channel("wechat", wechat_token, crypto, responder("wechat", account),
                          NonceLedger(clock, limits.timestamp_window), clock, limits)

    wecom: _Channel | None = None
    wecom_token, wecom_aes_key, wecom_secret = (reveal(settings.wecom_token), reveal(settings.wecom_aes_key),
                                                reveal(settings.wecom_secret))
    if wecom_token and wecom_aes_key and settings.wecom_corp_id:
        crypto = MessageCrypto(wecom_token, wecom_aes_key, settings.wecom_corp_id)
        account = None
        if wecom_secret and settings.wecom_agent_id is not None:
            account = PushAccount("wecom", settings.wecom_api_base, settings.wecom_corp_id, wecom_secret,
                                  settings.wecom_agent_id)
        else:
            log.warning("wecom: no REGCHAT_WECOM_SECRET/AGENT_ID; slow or long answers cannot be pushed")
        wecom = _Channel("wecom", wecom_token, crypto, responder("wecom", account),
                         NonceLedger(clock, limits.timestamp_window), clock, limits)

    @asynccontextmanager
    async def lifespan(_app):
        worker = asyncio.ensure_future(outbox.run_forever()) if outbox is not None else None
        try:
            yield
        finally:
            await router.drain(timeout=limits.drain_timeout)
            if worker is not None:
                worker.cancel()
                await asyncio.gather(worker, return_exceptions=True)
            if owns_client:
                await client.aclose()
            if owns_store and store is not None:
                store.close()

    router = CallbackRouter(lifespan=lifespan)
    router.wechat = wechat.responder if wechat else None
    router.wecom = wecom.responder if wecom else None
    router.outbox = outbox

    def disabled(what: str, needs: str) -> PlainTextResponse:
        return PlainTextResponse(f"{what} callbacks are not enabled on this server: set {needs}.", status_code=404)

    # -- Official Account -----------------------------------------------------
    @router.get("/wechat", include_in_schema=False)
    async def wechat_verify(request: Request) -> Response:
        if wechat is None:
            return disabled("WeChat Official Account", "REGCHAT_WECHAT_TOKEN")
        q = request.query_params
        try:
            timestamp, nonce = wechat.check_time(q.get("timestamp"), q.get("nonce"))
            if not signature_matches(q.get("signature"), wechat.token, timestamp, nonce):
                raise CallbackRejected("bad signature")
            echostr = q.get("echostr") or ""
            if not echostr:
                raise CallbackRejected("missing echostr", 400)
            wechat.ledger.claim(timestamp, nonce, "verify:" + echostr)
        except CallbackRejected as exc:
            log.info("wechat: refused URL check: %s", exc.reason)
            return _refusal(exc)
        return PlainTextResponse(echostr)

    @router.post("/wechat", include_in_schema=False)
    async def wechat_message(request: Request) -> Response:
        if wechat is None:
            return disabled("WeChat Official Account", "REGCHAT_WECHAT_TOKEN")
        q = request.query_params
        try:
            body = await _read_body(request, limits.max_body)
            timestamp, nonce = wechat.check_time(q.get("timestamp"), q.get("nonce"))
            if not signature_matches(q.get("signature"), wechat.token, timestamp, nonce):
                raise CallbackRejected("bad signature")
            encrypted = (q.get("encrypt_type") or "raw").lower() == "aes"
            if wechat.crypto is not None:
                if not encrypted:
                    raise CallbackRejected("unencrypted message, but an EncodingAESKey is configured")
                inner = _verified_payload(wechat.crypto, body, q.get("msg_signature"), timestamp, nonce)
                fields = parse_xml(inner.encode("utf-8"))
            else:
                if encrypted:
                    raise CallbackRejected("encrypted message, but no EncodingAESKey is configured", 400)
                fields = parse_xml(body)
            inbound = Inbound.from_fields(fields)
            return await wechat.answer(inbound, timestamp, nonce)
        except CallbackRejected as exc:
            log.info("wechat: refused message: %s", exc.reason)
            return _refusal(exc)

    # -- WeCom ------------------------------------------------------------------
    @router.get("/wecom", include_in_schema=False)
    async def wecom_verify(request: Request) -> Response:
        if wecom is None:
            return disabled("WeCom", "REGCHAT_WECOM_TOKEN, REGCHAT_WECOM_AES_KEY and REGCHAT_WECOM_CORP_ID")
        assert wecom.crypto is not None
        q = request.query_params
        try:
            timestamp, nonce = wecom.check_time(q.get("timestamp"), q.get("nonce"))
            echostr = q.get("echostr") or ""
            if not echostr:
                raise CallbackRejected("missing echostr", 400)
            plain = wecom.crypto.verify_and_decrypt(q.get("msg_signature"), timestamp, nonce, echostr)
            wecom.ledger.claim(timestamp, nonce, "verify:" + echostr)
        except CallbackRejected as exc:
            log.info("wecom: refused URL check: %s", exc.reason)
            return _refusal(exc)
        return PlainTextResponse(plain)

    @router.post("/wecom", include_in_schema=False)
    async def wecom_message(request: Request) -> Response:
        if wecom is None:
            return disabled("WeCom", "REGCHAT_WECOM_TOKEN, REGCHAT_WECOM_AES_KEY and REGCHAT_WECOM_CORP_ID")
        assert wecom.crypto is not None
        q = request.query_params
        try:
            body = await _read_body(request, limits.max_body)
            timestamp, nonce = wecom.check_time(q.get("timestamp"), q.get("nonce"))
            inner = _verified_payload(wecom.crypto, body, q.get("msg_signature"), timestamp, nonce)
            inbound = Inbound.from_fields(parse_xml(inner.encode("utf-8")))
            return await wecom.answer(inbound, timestamp, nonce)
        except CallbackRejected as exc:
            log.info("wecom: refused message: %s", exc.reason)
            return _refusal(exc)

    return router
