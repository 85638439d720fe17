"""Pushing messages to a user outside the 5-second reply window.

* Official Account: the customer-service message API
  (``POST {api_base}/cgi-bin/message/custom/send``), access token from
  ``GET {api_base}/cgi-bin/token``.
* WeCom app: the application message API (``POST {api_base}/cgi-bin/message/send``
  with the ``agentid``), access token from ``GET {api_base}/cgi-bin/gettoken``.

The access token is cached (in the state store when one is given, so that
every worker shares one token) until shortly before it expires, and fetched
again when the API reports it invalid or expired (errcodes 40001, 40014,
42001). One ``send_text`` call retries at once only what certainly did not
reach the platform (a connection that could not be opened, "system busy", a
stale token); everything else raises ``DeliveryError``, whose ``final`` says
whether trying later can help (the outbox retries those with backoff).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import httpx

from regchat.errors import ConfigError, RegchatError
from regchat.state import StateStore

log = logging.getLogger("regchat.wechat")

TOKEN_ERRORS = frozenset({40001, 40014, 42001})
"""Invalid credential, invalid access_token, access_token expired: fetch a new token and try again."""
BUSY = -1
"""System busy: nothing was done, try again shortly."""


FINAL = frozenset({45015, 45047})
"""Outside the 48-hour window after the user's last message; customer-service quota used up."""


class DeliveryError(RegchatError):
    """A message could not be pushed to the user. ``final``: trying again later cannot help."""

    def __init__(self, message: str, *, final: bool = False):
        super().__init__(message)
        self.final = final


@dataclass(frozen=True)
class PushAccount:
    """Who pushes: an Official Account (app id + secret) or a WeCom app (corp id + secret + agent id)."""

    platform: Literal["wechat", "wecom"]
    api_base: str
    app_id: str
    secret: str
    agent_id: int | None = None

    def __post_init__(self) -> None:
        if not self.app_id or not self.secret:
            raise ConfigError("Pushing messages needs the AppID / CorpID and its secret.")
        if self.platform == "wecom" and self.agent_id is None:
            raise ConfigError("Pushing WeCom app messages needs REGCHAT_WECOM_AGENT_ID.")

    def token_request(self) -> tuple[str, dict[str, str]]:
        base = self.api_base.rstrip("/")
        if self.platform == "wechat":
            return f"{base}/cgi-bin/token", {"grant_type": "client_credential", "appid": self.app_id,
                                             "secret": self.secret}
        return f"{base}/cgi-bin/gettoken", {"corpid": self.app_id, "corpsecret": self.secret}

    def send_url(self) -> str:
        path = "/cgi-bin/message/custom/send" if self.platform == "wechat" else "/cgi-bin/message/send"
        return self.api_base.rstrip("/") + path

    def text_payload(self, user: str, content: str) -> dict:
        payload: dict = {"touser": user, "msgtype": "text", "text": {"content": content}}
        if self.platform == "wecom":
            payload["agentid"] = self.agent_id
        return payload


class AccessToken:
    """The account's access token, fetched once and shared until it expires.

    With a ``store`` the token is kept there, so that several workers use one
    token (each fetch makes the previous token expire within minutes)."""

    def __init__(self, account: PushAccount, client: httpx.AsyncClient, clock: Callable[[], float], *,
                 margin: float = 300.0, store: StateStore | None = None):
        self.account, self._client, self._clock, self.margin = account, client, clock, margin
        self._store = store
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()
        self.fetches = 0

    @property
    def _key(self) -> str:
        return f"token:{self.account.platform}:{self.account.app_id}"

    async def get(self) -> str:
        async with self._lock:
            if self._store is not None and (self._token is None or self._clock() >= self._expires_at):
                shared = self._store.get(self._key)
                if shared:
                    expires_at, _, token = shared.partition(" ")
                    if self._clock() < float(expires_at):
                        self._token, self._expires_at = token, float(expires_at)
            if self._token is None or self._clock() >= self._expires_at:
                await self._fetch()
                if self._store is not None:
                    self._store.put(self._key, f"{self._expires_at!r} {self._token}",
                                    ttl=max(1.0, self._expires_at - self._clock()))
            assert self._token is not None
            return self._token

    def invalidate(self, token: str) -> None:
        """Forget ``token`` (if it is still the current one) so the next ``get`` fetches a new one."""
        if self._token == token:
            self._token = None
        if self._store is not None:
            shared = self._store.get(self._key)
            if shared and shared.partition(" ")[2] == token:
                self._store.delete(self._key, only_if=shared)

    async def _fetch(self) -> None:
        url, params = self.account.token_request()
        try:
            response = await self._client.get(url, params=params)
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise DeliveryError(f"access token request failed: {type(exc).__name__}") from exc
        token = data.get("access_token") if isinstance(data, dict) else None
        if not token:
            code = data.get("errcode") if isinstance(data, dict) else "none"
            raise DeliveryError(f"access token refused: errcode {code}")
        self.fetches += 1
        self._token = str(token)
        self._expires_at = self._clock() + max(60.0, float(data.get("expires_in", 7200)) - self.margin)


class Pusher:
    """Sends text messages to a user through the account's push API."""

    def __init__(self, account: PushAccount, client: httpx.AsyncClient, clock: Callable[[], float], *,
                 attempts: int = 3, backoff: float = 0.5, store: StateStore | None = None):
        self.account, self._client = account, client
        self.token = AccessToken(account, client, clock, store=store)
        self.attempts, self.backoff = attempts, backoff
        self.sent = 0

    async def send_text(self, user: str, content: str) -> None:
        """Send one text message; raises ``DeliveryError`` when it cannot be sent."""
        body = json.dumps(self.account.text_payload(user, content), ensure_ascii=False).encode("utf-8")
        last = "no attempt"
        for attempt in range(self.attempts):
            if attempt:
                await asyncio.sleep(self.backoff * attempt)
            token = await self.token.get()
            try:
                response = await self._client.post(
                    self.account.send_url(), params={"access_token": token}, content=body,
                    headers={"Content-Type": "application/json; charset=utf-8"},
                )
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:  # never reached the platform
                last = type(exc).__name__
                continue
            except httpx.HTTPError as exc:  # outcome unknown: the outbox tries again later
                raise DeliveryError(f"push outcome unknown ({type(exc).__name__})") from exc
            if response.status_code != 200:
                raise DeliveryError(f"push answered HTTP {response.status_code}")
            try:
                data = response.json()
                code = int(data["errcode"])
            except (ValueError, TypeError, KeyError, IndexError) as exc:
                raise DeliveryError("push answered without a JSON object with an errcode") from exc
            if code == 0:
                self.sent += 1
                return
            last = f"errcode {code}"
            if code in TOKEN_ERRORS:
                self.token.invalidate(token)
                continue
            if code == BUSY:
                continue
            raise DeliveryError(f"push refused: {last}", final=code in FINAL or code > 0)
        raise DeliveryError(f"push failed: {last}")
