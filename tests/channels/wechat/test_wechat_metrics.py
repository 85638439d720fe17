"""WeChat counters on /metrics: messages, platform retries, passive vs pushed replies."""

import asyncio

import httpx
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from wechat_harness import ScriptedEngine, WeChatSimulator, text_xml

from regchat.channels.server import create_app
from regchat.settings import Settings


def test_wechat_retries_and_passive_replies_are_counted(tmp_path):
    app = create_app(Settings(_env_file=None, llm="offline", data_dir=tmp_path, wechat_token="tok"), ScriptedEngine(),
                     warm_up=False)

    async def talk():
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://wx.test")
        wechat = WeChatSimulator(client, "/wechat", "tok")
        first = await wechat.push(text_xml("o_a", "When must I renew?", "3001"), tries=1)
        # The reply was lost on the way: WeChat tries the same message again, and gets the same answer.
        retried = await wechat.push(text_xml("o_a", "When must I renew?", "3001"), tries=1)
        other = await wechat.push(text_xml("o_b", "我的工作许可什么时候到期？", "3002"), tries=1)
        await client.aclose()
        return first, retried, other

    first, retried, other = asyncio.run(talk())
    assert first.reply == retried.reply and "Answer to: When must I renew?" in first.reply and other.reply
    with TestClient(app) as client:
        text = client.get("/metrics").text
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for family in text_string_to_metric_families(text) for s in family.samples}

    def value(name, **labels):
        return samples.get((name, tuple(sorted(labels.items()))), 0.0)

    assert value("regchat_wechat_messages_total", channel="wechat") == 2
    assert value("regchat_wechat_retries_total", channel="wechat") == 1
    assert value("regchat_wechat_replies_total", channel="wechat", how="passive") == 2
    assert value("regchat_wechat_replies_total", channel="wechat", how="pushed") == 0
    assert value("regchat_wechat_push_failures_total", channel="wechat") == 0
    assert value("regchat_answers_total", channel="wechat", outcome="answered") == 2  # the retry is not re-answered
    assert value("regchat_index_ready") == 0  # a scripted engine has no index
