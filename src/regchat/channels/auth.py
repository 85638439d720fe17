"""Who may use the server: API keys on the API, a login in front of the browser chat.

* ``REGCHAT_API_KEYS`` (one or more, comma-separated): ``/api/*`` and ``/v1/*``
  answer only requests with ``Authorization: Bearer <key>`` (what the official
  ``openai`` client sends as its ``api_key``); others get a 401 in the API's one
  error shape.
* ``REGCHAT_UI_USERS`` (``user:password`` pairs, comma-separated): everything
  else but the webhooks (the chat page, its Gradio API, the chat's calendar
  links) needs a login at ``/login``, kept in a signed session cookie.
  Passwords are kept only as scrypt hashes; a pair may give the hash itself
  (``regchat hash-password``) so that no plain password sits in the settings.
* ``REGCHAT_METRICS_KEY``: ``/metrics`` and ``/healthz`` need it as a bearer
  token; without it they stay open (monitoring usually has no account).
* ``/wechat`` and ``/wecom`` are always open: every callback is signed.

With nothing set everything is open, which is fine on 127.0.0.1;
``open_access_warning`` says so when the server listens further.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import secrets
import time
from collections.abc import Callable, Iterable
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import SecretStr

from regchat.errors import ConfigError
from regchat.settings import Settings

SESSION_COOKIE = "regchat_session"
SESSION_SECONDS = 12 * 3600
LOGIN_PATH, LOGOUT_PATH = "/login", "/logout"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
#: Failed logins allowed per user name, and per client address, within ``LOGIN_WINDOW`` seconds.
LOGIN_FAILURES = {"user": 5, "client": 20}
LOGIN_WINDOW = 300.0
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


# --- passwords ---------------------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """``scrypt$N$r$p$salt$hash``: what ``REGCHAT_UI_USERS`` may hold instead of a password."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, maxmem=64 * 1024 * 1024, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        expected = _unb64(digest)
        got = hashlib.scrypt(password.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(expected), maxmem=64 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def parse_users(value: SecretStr | str | None) -> dict[str, str]:
    """``user:password`` (or ``user:scrypt$...``) pairs -> {user: hash}; ``ConfigError`` for a bad pair."""
    raw = value.get_secret_value() if isinstance(value, SecretStr) else (value or "")
    users: dict[str, str] = {}
    for number, pair in enumerate((p.strip() for p in raw.split(",")), 1):
        if not pair:
            continue
        user, sep, password = pair.partition(":")
        user = user.strip()
        if not sep or not user or not password:
            raise ConfigError(f"REGCHAT_UI_USERS: entry {number} must look like user:password")
        if user in users:
            raise ConfigError(f"REGCHAT_UI_USERS: user {user!r} is given twice")
        users[user] = password if password.startswith("scrypt$") else hash_password(password)
    return users


# --- keys and sessions --------------------------------------------------------------------------------------


class ApiKeys:
    """Bearer keys, kept as SHA-256 digests and compared in constant time."""

    def __init__(self, keys: Iterable[SecretStr | str]):
        self._digests = [hashlib.sha256(_secret(k).encode()).digest() for k in keys if _secret(k)]

    def __bool__(self) -> bool:
        return bool(self._digests)

    def accepts(self, token: str | None) -> bool:
        if not token:
            return False
        digest = hashlib.sha256(token.encode()).digest()
        return any([hmac.compare_digest(digest, d) for d in self._digests])  # no short circuit: constant time


def _secret(value: SecretStr | str) -> str:
    return (value.get_secret_value() if isinstance(value, SecretStr) else value).strip()


class Sessions:
    """Signed session tokens ``user.expiry.signature``; the key lives only in this process."""

    def __init__(self, *, key: bytes | None = None, seconds: int = SESSION_SECONDS,
                 clock: Callable[[], float] = time.time):
        self._key = key or secrets.token_bytes(32)
        self.seconds, self.clock = seconds, clock

    def _sign(self, payload: str) -> str:
        return _b64(hmac.new(self._key, payload.encode(), hashlib.sha256).digest())

    def issue(self, user: str) -> str:
        payload = f"{_b64(user.encode())}.{int(self.clock()) + self.seconds}"
        return f"{payload}.{self._sign(payload)}"

    def user_of(self, token: str | None) -> str | None:
        if not token or token.count(".") != 2:
            return None
        payload, signature = token.rsplit(".", 1)
        if not hmac.compare_digest(signature, self._sign(payload)):
            return None
        user, expiry = payload.split(".")
        try:
            if int(expiry) < self.clock():
                return None
            return _unb64(user).decode()
        except (ValueError, UnicodeDecodeError):
            return None


# --- the gate ------------------------------------------------------------------------------------------------


def _bearer(headers: dict[bytes, bytes]) -> str | None:
    value = headers.get(b"authorization", b"").decode("latin-1").strip()
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def _cookie(headers: dict[bytes, bytes], name: str) -> str | None:
    for part in headers.get(b"cookie", b"").decode("latin-1").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def _is_api(path: str) -> bool:
    return path in ("/api", "/v1") or path.startswith(("/api/", "/v1/"))


@dataclass
class Access:
    """The access settings, ready to check (passwords hashed, keys digested)."""

    api_keys: ApiKeys
    users: dict[str, str]
    metrics_key: ApiKeys
    sessions: Sessions
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, deque] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings, sessions: Sessions | None = None) -> "Access":
        return cls(
            api_keys=ApiKeys(settings.api_keys),
            users=parse_users(settings.ui_users),
            metrics_key=ApiKeys([settings.metrics_key] if settings.metrics_key else []),
            sessions=sessions or Sessions(),
        )

    def check_login(self, user: str, password: str) -> bool:
        stored = self.users.get(user)
        if stored is None:
            verify_password(password, hash_password("-"))  # same time for unknown users
            return False
        return verify_password(password, stored)

    def login_wait(self, user: str, client: str) -> float:
        """Seconds before ``user`` may try again from ``client`` (0: now), after too many failures."""
        now, wait = self.clock(), 0.0
        for kind, key in (("user", user), ("client", client)):
            times = self._failures.get(f"{kind}:{key}")
            while times and now - times[0] > LOGIN_WINDOW:
                times.popleft()
            if times and len(times) >= LOGIN_FAILURES[kind]:
                wait = max(wait, LOGIN_WINDOW - (now - times[0]))
        return wait

    def login_failed(self, user: str, client: str) -> None:
        for kind, key in (("user", user), ("client", client)):
            self._failures.setdefault(f"{kind}:{key}", deque(maxlen=LOGIN_FAILURES[kind])).append(self.clock())
        if len(self._failures) > 10_000:  # forget the oldest entries rather than grow without end
            for stale in list(self._failures)[:5_000]:
                del self._failures[stale]

    def session_user(self, request: Request) -> str | None:
        """The logged-in user of a request (``None`` without a valid session)."""
        return self.sessions.user_of(request.cookies.get(SESSION_COOKIE))


def _api_refusal(message: str, code: str) -> Response:
    body = {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": code}}
    return Response(json.dumps(body), status_code=401, media_type="application/json",
                    headers={"WWW-Authenticate": 'Bearer realm="regchat"'})


class AccessControl:
    """ASGI middleware applying ``Access`` to every request before the app sees it."""

    def __init__(self, app, access: Access):
        self.app, self.access = app, access

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        refusal = self.refusal(scope)
        if refusal is None:
            return await self.app(scope, receive, send)
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": 1008})
        return await refusal(scope, receive, send)

    def refusal(self, scope) -> Response | None:
        path = scope.get("path", "")
        headers = dict(scope.get("headers") or [])
        access = self.access
        if _is_api(path):
            if not access.api_keys:
                return None
            token = _bearer(headers)
            if token is None:
                return _api_refusal("This server needs an API key: send the header 'Authorization: Bearer <key>' "
                                    "(the openai client's api_key).", "missing_api_key")
            if not access.api_keys.accepts(token):
                return _api_refusal("The API key is not valid.", "invalid_api_key")
            return None
        if path in ("/metrics", "/healthz"):
            if not access.metrics_key or access.metrics_key.accepts(_bearer(headers)):
                return None
            return _api_refusal("/metrics and /healthz need the metrics key: 'Authorization: Bearer <key>'.",
                                "invalid_metrics_key")
        if path in ("/wechat", "/wecom", LOGIN_PATH, LOGOUT_PATH) or not access.users:
            return None
        if access.sessions.user_of(_cookie(headers, SESSION_COOKIE)) is not None:
            return None
        wants_page = scope["type"] == "http" and scope.get("method") == "GET" and \
            b"text/html" in headers.get(b"accept", b"")
        if wants_page:
            target = path + (f"?{scope['query_string'].decode('latin-1')}" if scope.get("query_string") else "")
            return RedirectResponse(f"{LOGIN_PATH}?{urlencode({'next': target})}", status_code=303)
        return Response("Log in first: " + LOGIN_PATH, status_code=401, media_type="text/plain")


# --- the login page -------------------------------------------------------------------------------------------

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>regchat: log in</title>
<style>
 body {{ font-family: ui-sans-serif, system-ui, "Noto Sans CJK SC", sans-serif; background: #f5f7f7;
        display: grid; place-items: center; min-height: 100vh; margin: 0; }}
 form {{ background: white; padding: 2rem; border-radius: 12px; box-shadow: 0 2px 12px #0002; width: 20rem; }}
 h1 {{ margin: 0 0 1rem; font-size: 1.4rem; color: #0f766e; }}
 label {{ display: block; margin: .8rem 0 .3rem; }}
 input {{ width: 100%; box-sizing: border-box; padding: .5rem; border: 1px solid #ccc; border-radius: 6px; }}
 button {{ margin-top: 1.2rem; width: 100%; padding: .6rem; border: 0; border-radius: 6px; background: #0f766e;
          color: white; font-size: 1rem; cursor: pointer; }}
 .error {{ color: #b91c1c; margin: 0 0 .5rem; }}
</style></head>
<body><form method="post" action="{action}">
<h1>regchat</h1>{error}
<label for="username">User name / 用户名</label><input id="username" name="username" autocomplete="username" required>
<label for="password">Password / 密码</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<input type="hidden" name="next" value="{next}">
<button type="submit">Log in / 登录</button>
</form></body></html>
"""


def _safe_next(target: str | None) -> str:
    """Only a path on this server (never ``//host`` or a full URL)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def login_page(next_path: str, error: str = "") -> str:
    block = f'<p class="error">{html.escape(error)}</p>' if error else ""
    return _PAGE.format(action=LOGIN_PATH, error=block, next=html.escape(_safe_next(next_path), quote=True))


def build_router(access: Access) -> APIRouter:
    """``GET/POST /login`` and ``GET /logout`` (only mounted when there are chat users)."""
    router = APIRouter(include_in_schema=False)

    @router.get(LOGIN_PATH)
    def login_form(next: str = "/") -> HTMLResponse:
        return HTMLResponse(login_page(next))

    @router.post(LOGIN_PATH)
    async def login(request: Request) -> Response:
        form = await request.form()
        user, password = str(form.get("username", "")), str(form.get("password", ""))
        target = _safe_next(str(form.get("next", "/")))
        client = request.client.host if request.client else "-"
        wait = access.login_wait(user, client)
        if wait:
            minutes = max(1, round(wait / 60))
            return HTMLResponse(login_page(target, f"Too many failed logins: try again in {minutes} minute(s). / "
                                                   f"登录失败次数过多，请{minutes}分钟后再试。"), status_code=429)
        if not access.check_login(user, password):
            access.login_failed(user, client)
            return HTMLResponse(login_page(target, "Wrong user name or password. / 用户名或密码错误。"),
                                status_code=401)
        response = RedirectResponse(quote(target, safe="/?=&%:.-_~"), status_code=303)
        response.set_cookie(SESSION_COOKIE, access.sessions.issue(user), max_age=access.sessions.seconds,
                            httponly=True, samesite="lax", secure=request.url.scheme == "https", path="/")
        return response

    @router.get(LOGOUT_PATH)
    def logout() -> Response:
        response = RedirectResponse(LOGIN_PATH, status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    return router


def open_access_warning(settings: Settings, host: str | None = None) -> str | None:
    """A warning when the server listens beyond this machine with parts left open; ``None`` otherwise."""
    host = host or settings.host
    if host in LOOPBACK:
        return None
    open_parts = []
    if not settings.api_keys:
        open_parts.append("the API (/api, /v1) has no keys (set REGCHAT_API_KEYS)")
    if settings.ui_users is None or not settings.ui_users.get_secret_value().strip():
        open_parts.append("the browser chat has no login (set REGCHAT_UI_USERS)")
    if len(open_parts) < 2:
        return None
    return f"regchat listens on {host}, beyond this machine, and anyone who can reach it can use it: " + \
        "; ".join(open_parts) + "."


__all__ = ["Access", "AccessControl", "ApiKeys", "Sessions", "build_router", "hash_password", "open_access_warning",
           "parse_users", "verify_password"]
