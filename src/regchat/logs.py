"""The server's log: plain text lines, or one JSON object a line (``REGCHAT_LOG_FORMAT=json``).

A record's structured fields (``extra={"fields": {...}}``) become keys of the JSON
object. Questions are personal data: they are logged only when
``REGCHAT_LOG_QUESTIONS=1`` (the answering code leaves them out otherwise).

Secrets never reach a log line.

``install_redaction(secrets)`` wraps the log-record factory, so every record
of every logger (regchat's, uvicorn's, the HTTP client's) has its message
redacted when it is created: the secret values given (AppSecret, tokens, AES
keys, API keys, the state store's URL) and the value of every credential
query parameter (``secret``, ``corpsecret``, ``access_token``, ...) become
``[redacted]``. The HTTP client's per-request INFO lines are silenced too.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Iterable

from regchat.settings import Settings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", ...fields, "error"}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update({k: v for k, v in fields.items() if k not in entry})
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(settings: Settings, *, level: int = logging.INFO) -> logging.Handler:
    """Log to standard error in the configured format (replacing the root logger's handlers)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    return handler


def uvicorn_log_config(settings: Settings) -> dict | None:
    """uvicorn's own loggers through the root handler (so they follow the format too)."""
    if settings.log_format != "json":
        return None
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "loggers": {name: {"handlers": [], "propagate": True, "level": "INFO"}
                    for name in ("uvicorn", "uvicorn.error", "uvicorn.access")},
    }


REDACTED = "[redacted]"

_CREDENTIAL_PARAMS = re.compile(
    r"(?i)\b(secret|corpsecret|appsecret|access_token|api_key|apikey|key|token|password|encodingaeskey)"
    r"(=|%3D)([^&\s'\"<>]+)"
)
_BEARER = re.compile(r"(?i)\b(bearer\s+)([A-Za-z0-9._~+/=-]+)")
_URL_PASSWORD = re.compile(r"(?i)\b((?:redis|rediss|https?)://[^:/@\s]*:)([^@\s]+)(@)")

_installed: list[str] = []
_original_factory = logging.getLogRecordFactory()


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with the given secret values and every credential-looking value replaced."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            text = text.replace(secret, REDACTED)
    text = _CREDENTIAL_PARAMS.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    text = _BEARER.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    return _URL_PASSWORD.sub(lambda m: f"{m.group(1)}{REDACTED}{m.group(3)}", text)


def _factory(*args, **kwargs) -> logging.LogRecord:
    record = _original_factory(*args, **kwargs)
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a broken format string is logging's own business
        return record
    cleaned = redact(message, _installed)
    if cleaned != message:
        record.msg, record.args = cleaned, None
    return record


def install_redaction(secrets: Iterable[str] = ()) -> None:
    """Redact ``secrets`` (and credential parameters) from every log record from now on."""
    for secret in secrets:
        if secret and secret not in _installed:
            _installed.append(secret)
    logging.setLogRecordFactory(_factory)
    # One line per HTTP request, with the query string, is noise at best: keep warnings only.
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
