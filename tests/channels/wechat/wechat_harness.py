"""Test doubles for the WeChat callbacks: a scripted engine, a WeChat server
simulator that retries like the real one, a loopback push API, and a way to
run an ASGI app on a real 127.0.0.1 socket."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import secrets
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from regchat.channels.wechat.crypto import MessageCrypto, signature
from regchat.channels.wechat.messages import parse_xml
from regchat.documents import Answer, Citation, Deadline

ACCOUNT = "gh_regchat"


def fresh_state_dir() -> Path:
    """A data directory of its own, so that each router starts with an empty state store."""
    return Path(tempfile.mkdtemp(prefix="regchat-wechat-state-"))

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<xml><Content>&lol9;</Content></xml>"""


class ScriptedEngine:
    """An engine whose choices are scripted: how long it thinks and what it says.

    ``script(question) -> (seconds, Answer)``; the default answers every
    question at once, citing Art. 30, with one computed date."""

    def __init__(self, script: Callable[[str], tuple[float, Answer]] | None = None):
        self.script = script or (lambda q: (0.0, sample_answer(q)))
        self.calls: list[tuple[str, tuple, dt.date | None]] = []
        self._lock = threading.Lock()

    def answer(self, question, history=(), today=None) -> Answer:
        with self._lock:
            self.calls.append((question, tuple(history), today))
        seconds, answer = self.script(question)
        time.sleep(seconds)
        return answer


def sample_answer(question: str, *, text: str | None = None, lang: str = "en") -> Answer:
    return Answer(
        text=text or f"**Answer** to: {question}. Apply at least 30 days before the permit expires.",
        lang=lang,
        citations=[Citation(doc_id="cn-exit-entry-law", article=30,
                            label="Exit and Entry Administration Law, Art. 30")],
        deadlines=[Deadline(date=dt.date(2026, 11, 15), weekday="Sunday", is_working_day=False,
                            act_by=dt.date(2026, 11, 13), kind="before_expiry",
                            steps=["2026-12-15 minus 30 days = 2026-11-15 (Sunday)"])],
    )


def text_xml(user: str, content: str, msg_id: str, create_time: int = 1_790_000_000) -> str:
    return (f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
            f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>")


def event_xml(user: str, event: str, create_time: int = 1_790_000_000) -> str:
    return (f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
            f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            f"<Event><![CDATA[{event}]]></Event></xml>")


def media_xml(user: str, msg_type: str, msg_id: str, extra: str = "") -> str:
    return (f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
            f"<CreateTime>1790000000</CreateTime><MsgType><![CDATA[{msg_type}]]></MsgType>{extra}"
            f"<MsgId>{msg_id}</MsgId></xml>")


@dataclass
class Delivery:
    """What one push of a message by the simulator produced."""

    tries: int = 0
    reply: str | None = None  # the passive reply the user saw, if any
    statuses: list[int] = field(default_factory=list)


class WeChatSimulator:
    """Pushes messages to a callback URL the way WeChat does: signs each try,
    waits ``timeout`` seconds for it, retries up to ``tries`` times, and shows
    the user the first passive reply that arrives in time."""

    def __init__(self, client: httpx.AsyncClient, url: str, token: str, *, crypto: MessageCrypto | None = None,
                 wecom: bool = False, timeout: float = 5.0, tries: int = 3, clock: Callable[[], float] = time.time):
        self.client, self.url, self.token, self.crypto = client, url, token, crypto
        self.wecom, self.timeout, self.tries, self.clock = wecom, timeout, tries, clock

    def signed(self, xml: str, *, timestamp: str | None = None, nonce: str | None = None) -> tuple[dict, bytes]:
        ts = timestamp or str(int(self.clock()))
        nonce = nonce or secrets.token_hex(8)
        params = {"timestamp": ts, "nonce": nonce}
        if not self.wecom:
            params["signature"] = signature(self.token, ts, nonce)
        if self.crypto is None:
            return params, xml.encode("utf-8")
        encrypted = self.crypto.encrypt(xml)
        params["msg_signature"] = self.crypto.msg_signature(ts, nonce, encrypted)
        if not self.wecom:
            params["encrypt_type"] = "aes"
        body = f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        return params, body.encode("utf-8")

    def read_reply(self, response: httpx.Response) -> str | None:
        """The text the user sees from a callback response (None for ``success`` / empty)."""
        if response.text in ("", "success"):
            return None
        fields = parse_xml(response.content)
        if self.crypto is not None:
            assert fields["MsgSignature"] == self.crypto.msg_signature(fields["TimeStamp"], fields["Nonce"],
                                                                       fields["Encrypt"])
            fields = parse_xml(self.crypto.decrypt(fields["Encrypt"]))
        assert fields["MsgType"] == "text"
        return fields["Content"]

    async def push(self, xml: str, *, tries: int | None = None) -> Delivery:
        delivery = Delivery()
        for _ in range(tries or self.tries):
            delivery.tries += 1
            params, body = self.signed(xml)
            try:
                response = await asyncio.wait_for(self.client.post(self.url, params=params, content=body),
                                                  self.timeout)
            except TimeoutError:
                continue
            delivery.statuses.append(response.status_code)
            assert response.status_code == 200, response.text
            delivery.reply = self.read_reply(response)
            return delivery
        return delivery


class PushApi:
    """A loopback stand-in for api.weixin.qq.com / qyapi.weixin.qq.com: issues
    access tokens, records pushed messages, and can be told to fail."""

    def __init__(self):
        self.sent: list[dict] = []
        self.token_requests: list[dict] = []
        # How to answer the next sends: an errcode, "http500", "malformed" (a ``[]`` body),
        # "no errcode" (an HTTP 422 with some other JSON) or
        # "stall" (no answer for ``stall_seconds``); nothing is recorded as sent for these.
        self.fail_next: list[int | str] = []
        self.fail_rate = 0.0  # beyond fail_next: this share of sends fails at random (seeded)
        self.stall_seconds = 3.0
        self.expires_in = 7200
        self.attempts = 0
        self._random = random.Random(12)
        self._serial = 0
        self.app = FastAPI()

        @self.app.get("/cgi-bin/token")
        async def token(request: Request):
            return self._issue(dict(request.query_params))

        @self.app.get("/cgi-bin/gettoken")
        async def gettoken(request: Request):
            return self._issue(dict(request.query_params))

        @self.app.post("/cgi-bin/message/custom/send")
        async def custom_send(request: Request):
            return await self._send(request, "wechat")

        @self.app.post("/cgi-bin/message/send")
        async def app_send(request: Request):
            return await self._send(request, "wecom")

    def _issue(self, params: dict) -> dict:
        self.token_requests.append(params)
        self._serial += 1
        return {"errcode": 0, "access_token": f"TOKEN-{self._serial}", "expires_in": self.expires_in}

    async def _send(self, request: Request, platform: str) -> dict:
        token = request.query_params.get("access_token")
        if token != f"TOKEN-{self._serial}":
            return {"errcode": 40001, "errmsg": "invalid credential"}
        self.attempts += 1
        fault = self.fail_next.pop(0) if self.fail_next else None
        if fault is None and self.fail_rate and self._random.random() < self.fail_rate:
            fault = self._random.choice([-1, "http500", "malformed", "stall"])
        if fault == "http500":
            return JSONResponse({"errcode": -1, "errmsg": "internal"}, status_code=500)
        if fault == "malformed":
            return JSONResponse([])
        if fault == "no errcode":
            return JSONResponse({"detail": "not what the platform answers"}, status_code=422)
        if fault == "stall":
            await asyncio.sleep(self.stall_seconds)
            return JSONResponse({"errcode": -1, "errmsg": "too late"})
        if fault is not None:
            return {"errcode": fault, "errmsg": "scripted failure"}
        payload = await request.json()
        self.sent.append({"platform": platform, "raw": (await request.body()).decode("utf-8"), **payload})
        return {"errcode": 0, "errmsg": "ok"}

    def texts_for(self, user: str) -> list[str]:
        return [m["text"]["content"] for m in self.sent if m["touser"] == user]


@contextmanager
def serve(app, port: int = 0) -> Iterator[tuple[str, asyncio.AbstractEventLoop]]:
    """Run ``app`` with uvicorn on 127.0.0.1 (a free port unless given); yields (base URL, server loop)."""
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_until_complete, args=(server.serve(),), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", loop
    finally:
        server.should_exit = True
        thread.join(timeout=15)
