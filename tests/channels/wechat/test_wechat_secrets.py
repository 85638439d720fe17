"""Secrets never reach a log line: a full push cycle (token fetch, a stale token, a second
fetch, the push) with every logger at DEBUG, the HTTP client's request lines included."""

from __future__ import annotations

import asyncio
import logging

import httpx

from regchat.channels.wechat import build_router
from regchat.logs import REDACTED, redact
from regchat.settings import Settings

SECRETS = dict(wechat_token="tok3n-callback", wechat_aes_key="abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
               wechat_app_secret="app-secret-4e1d9b", llm_api_key="sk-model-key-77aa0c")


def test_credential_parameters_and_known_secrets_are_redacted():
    line = ("GET https://api.weixin.qq.com/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=abc123 "
            "access_token=TOKEN-9 Authorization: Bearer sk-live-1 redis://:pw0rd@host:6379/0 my-own-secret")
    cleaned = redact(line, ["my-own-secret"])
    for secret in ("abc123", "TOKEN-9", "sk-live-1", "pw0rd", "my-own-secret"):
        assert secret not in cleaned
    assert "appid=wx1" in cleaned and cleaned.count(REDACTED) == 5


def test_settings_hold_secrets_as_secret_types():
    settings = Settings(_env_file=None, **SECRETS)
    shown = repr(settings) + str(settings.model_dump())
    for value in SECRETS.values():
        assert value not in shown
    assert sorted(settings.secret_values()) == sorted(SECRETS.values())


def test_a_full_push_cycle_logs_no_secret(push_api, tmp_path, caplog):
    api, url = push_api
    api.fail_next = [40001]  # the first token is refused: a second one is fetched
    settings = Settings(_env_file=None, data_dir=tmp_path, wechat_app_id="wxlogs", wechat_api_base=url, **SECRETS)
    router = build_router(settings, engine=None)
    logging.getLogger("httpx").setLevel(logging.DEBUG)  # even if someone turns request logging back on
    caplog.set_level(logging.DEBUG)

    async def push():
        async with httpx.AsyncClient() as client:
            outbox = router.outbox
            outbox.push("wechat:msg:o_logs:1", ["hello"], channel="wechat", user="o_logs")
            await outbox.run_once()
            await client.aclose()

    try:
        asyncio.run(push())
    finally:
        logging.getLogger("httpx").setLevel(logging.WARNING)
    assert api.texts_for("o_logs") == ["hello"] and len(api.token_requests) == 2
    log = caplog.text
    assert "HTTP Request" in log and "cgi-bin/token" in log  # the request lines were there to leak
    for secret in [*SECRETS.values(), "TOKEN-1", "TOKEN-2"]:
        assert secret not in log, secret

