"""Pushing messages through the customer-service (WeChat) and app-message (WeCom) APIs,
against a loopback fake of the platform on a real socket."""

import asyncio
import json

import httpx
import pytest

from regchat.channels.wechat.delivery import DeliveryError, PushAccount, Pusher
from regchat.errors import ConfigError


class Clock:
    now = 1_790_000_000.0

    def __call__(self):
        return self.now


def run(coro):
    return asyncio.run(coro)


async def _send(account, messages, clock=None):
    async with httpx.AsyncClient() as client:
        pusher = Pusher(account, client, clock or Clock(), backoff=0.01)
        for user, text in messages:
            await pusher.send_text(user, text)
        return pusher


def test_official_account_push_uses_the_cached_token(push_api):
    api, url = push_api
    account = PushAccount("wechat", url, "wxapp", "s3cret")
    pusher = run(_send(account, [("o_user", "第一条"), ("o_user", "second")]))
    assert [m["text"]["content"] for m in api.sent] == ["第一条", "second"]
    assert api.sent[0]["touser"] == "o_user" and api.sent[0]["msgtype"] == "text"
    assert "第一条" in api.sent[0]["raw"]  # UTF-8, not \\u escapes
    assert api.token_requests == [{"grant_type": "client_credential", "appid": "wxapp", "secret": "s3cret"}]
    assert pusher.sent == 2 and pusher.token.fetches == 1


def test_wecom_push_names_the_agent(push_api):
    api, url = push_api
    run(_send(PushAccount("wecom", url, "wwcorp", "s3cret", agent_id=1000002), [("zhangsan", "hi")]))
    [message] = api.sent
    assert message["platform"] == "wecom" and message["agentid"] == 1000002 and message["touser"] == "zhangsan"
    assert api.token_requests == [{"corpid": "wwcorp", "corpsecret": "s3cret"}]


@pytest.mark.parametrize("errcode", [40001, 42001, -1])
def test_stale_token_or_busy_platform_is_retried_once_more(push_api, errcode):
    api, url = push_api
    api.fail_next = [errcode]
    pusher = run(_send(PushAccount("wechat", url, "wxapp", "s"), [("o_user", "hello")]))
    assert [m["text"]["content"] for m in api.sent] == ["hello"]
    assert pusher.token.fetches == (2 if errcode != -1 else 1)


def test_expired_token_is_fetched_again(push_api):
    api, url = push_api
    clock = Clock()

    async def scenario():
        async with httpx.AsyncClient() as client:
            pusher = Pusher(PushAccount("wechat", url, "wxapp", "s"), client, clock)
            await pusher.send_text("u", "one")
            clock.now += 7200
            await pusher.send_text("u", "two")
            return pusher

    assert run(scenario()).token.fetches == 2 and len(api.sent) == 2


def test_a_refused_message_is_reported_not_retried(push_api):
    api, url = push_api
    api.fail_next = [45015]  # "response out of time limit": the user has not written in 48 hours
    with pytest.raises(DeliveryError, match="45015"):
        run(_send(PushAccount("wechat", url, "wxapp", "s"), [("o_user", "late")]))
    assert api.sent == [] and api.fail_next == []


def test_unreachable_platform_is_a_delivery_error():
    with pytest.raises(DeliveryError, match="token"):
        run(_send(PushAccount("wechat", "http://127.0.0.1:9", "wxapp", "s"), [("o_user", "x")]))


def test_push_accounts_need_their_ids():
    with pytest.raises(ConfigError):
        PushAccount("wechat", "http://x", "", "s")
    with pytest.raises(ConfigError, match="AGENT_ID"):
        PushAccount("wecom", "http://x", "ww", "s")
    assert json.loads(json.dumps(PushAccount("wecom", "http://x", "ww", "s", 7).text_payload("u", "t"))) == {
        "touser": "u", "msgtype": "text", "text": {"content": "t"}, "agentid": 7}
