"""Connection and request hardening for the one server, below the routes:

* ``HeaderTimeoutH11`` (uvicorn's HTTP/1.1 protocol with a header timeout): a
  connection that has not finished sending a request's headers within
  ``header_timeout`` seconds of connecting, or of its previous response, is
  closed, so clients trickling headers cannot hold connections open;
* ``BodyTimeout`` (ASGI middleware): a request body must arrive whole within
  ``body_timeout`` seconds and ``max_body`` bytes, or the request is answered
  ``408`` / ``413`` (the API's JSON error shape) without reaching the app;
* ``refuse_uploads``: the browser chat takes no files, so the UI's upload
  route answers ``403`` and nothing is written to disk.
"""

from __future__ import annotations

import asyncio
import json
import logging

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("regchat.server")

HEADER_TIMEOUT = 10.0
BODY_TIMEOUT = 15.0
MAX_BODY = 1024 * 1024


class HeaderTimeoutH11(H11Protocol):
    """uvicorn's h11 protocol, closing connections whose request headers do not arrive in time."""

    header_timeout = HEADER_TIMEOUT

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm_header_timer()

    def connection_lost(self, exc) -> None:
        timer = getattr(self, "_header_timer", None)
        if timer is not None:
            timer.cancel()
        super().connection_lost(exc)

    def _arm_header_timer(self) -> None:
        timer = getattr(self, "_header_timer", None)
        if timer is not None:
            timer.cancel()
        waiting_since = self.cycle
        self._header_timer = self.loop.call_later(self.header_timeout, self._header_timeout_expired, waiting_since)

    def _header_timeout_expired(self, waiting_since) -> None:
        # A new request whose headers are complete has its own cycle by now.
        if self.cycle is waiting_since and not self.transport.is_closing():
            self.transport.close()


def header_timeout_protocol(seconds: float) -> type[H11Protocol]:
    return type("HeaderTimeoutH11", (HeaderTimeoutH11,), {"header_timeout": seconds})


class BodyTimeout:
    """Reads each request body in full, within ``timeout`` seconds and ``max_body`` bytes, before the app."""

    def __init__(self, app, *, timeout: float = BODY_TIMEOUT, max_body: int = MAX_BODY):
        self.app, self.timeout, self.max_body = app, timeout, max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            return await self._refuse(send, 413, "request body too large")
        messages, size = [], 0
        loop = asyncio.get_running_loop()
        end = loop.time() + self.timeout
        while True:
            try:
                message = await asyncio.wait_for(receive(), max(0.0, end - loop.time()))
            except TimeoutError:
                return await self._refuse(send, 408, "request body too slow")
            if message["type"] == "http.disconnect":
                return
            messages.append(message)
            size += len(message.get("body", b""))
            if size > self.max_body:
                return await self._refuse(send, 413, "request body too large")
            if not message.get("more_body", False):
                break
        replay = iter(messages)

        async def replayed():
            for message in replay:
                return message
            return await receive()

        return await self.app(scope, replayed, send)

    async def _refuse(self, send, status: int, reason: str) -> None:
        if status == 413:
            reason = f"The request body is too large: at most {self.max_body} bytes."
        else:
            reason = f"The request body did not arrive within {self.timeout:g} seconds."
        body = json.dumps({"error": {"message": reason, "type": "invalid_request_error", "param": None,
                                     "code": None}}).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


def refuse_uploads(app: FastAPI) -> None:
    """Routes taking the chat UI's upload paths before the UI does (mount it after this)."""

    async def refused() -> PlainTextResponse:
        return PlainTextResponse("file uploads are not accepted", status_code=403)

    for path in ("/gradio_api/upload", "/upload", "/gradio_api/upload_progress"):
        app.add_api_route(path, refused, methods=["POST", "GET"], include_in_schema=False)
