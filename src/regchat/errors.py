"""regchat's own errors. The core raises these; only the edges (CLI, HTTP API,
chat UI, WeChat webhooks) turn them into messages for people.

    RegchatError
    ├── ConfigError          bad or missing settings
    ├── DocumentError        a source file cannot be used (names the file and why)
    ├── IndexNotReady        no index yet, or the index store cannot be reached
    ├── DeadlineError        bad input to the date calculator (not a date, unknown rule, ...)
    ├── QuestionTooLong      a question over the length bounds (``regchat.bounds``)
    ├── ModelError           the language-model endpoint failed or timed out
    └── StateError           the state store (SQLite file or Redis) cannot be used
"""

from __future__ import annotations

from pathlib import Path


class RegchatError(Exception):
    """Base class: the message is meant for a person."""


class ConfigError(RegchatError):
    pass


class DocumentError(RegchatError):
    def __init__(self, path: Path | str, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class IndexNotReady(RegchatError):
    pass


class DeadlineError(RegchatError):
    pass


class ModelError(RegchatError):
    pass


class StateError(RegchatError):
    pass


class QuestionTooLong(RegchatError):
    def __init__(self, message: str, *, chars: int, size: int):
        self.chars, self.size = chars, size
        super().__init__(message)
