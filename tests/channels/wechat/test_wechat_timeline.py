"""The 5-second rule on real sockets: WeChat's tries, timeouts and retries against a
slow scripted engine, with the push API as a loopback fake. Every message is answered
exactly once: by one passive reply the user sees, or by pushed messages, never both,
never neither.

Time is scaled down: WeChat's 5 s per try becomes 1 s, our 4.5 s reply window 0.5 s.
"""

import asyncio
import random

import httpx
import pytest
from fastapi import FastAPI
from wechat_harness import ScriptedEngine, WeChatSimulator, fresh_state_dir, sample_answer, serve, text_xml

from regchat.channels.wechat import Limits, Timing, build_router
from regchat.channels.wechat.crypto import MessageCrypto
from regchat.settings import Settings

pytestmark = pytest.mark.slow

TOKEN, APP_ID, AES_KEY = "regchat-token", "wx2c2769f8efd9abc2", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
TIMING = Timing(reply_within=0.5, platform_timeout=1.0, tries=3, hold_margin=0.3, retry_grace=0.4,
                remainder_delay=0.05)
LONG = "外国人应当在居留证件有效期届满三十日前申请延长居留期限。" * 120  # about 10 KB: six messages


def script(question: str):
    """'<seconds>s ...' thinks that long; 'long ...' answers at length."""
    seconds = float(question.split("s ", 1)[0]) if question[0].isdigit() else 0.0
    if question.startswith("long"):
        return 0.05, sample_answer(question, text=LONG, lang="zh")
    return seconds, sample_answer(question)


class Platform:
    """The webhook app on a real socket, the simulated WeChat server, and the push API."""

    def __init__(self, push_url: str, *, encrypted: bool = False, can_push: bool = True):
        self.engine = ScriptedEngine(script)
        extra = dict(wechat_aes_key=AES_KEY) if encrypted else {}
        settings = Settings(_env_file=None, data_dir=fresh_state_dir(), wechat_token=TOKEN, wechat_app_id=APP_ID,
                            wechat_app_secret="secret" if can_push else None,
                            wechat_api_base=push_url, **extra)
        self.router = build_router(settings, self.engine, timing=TIMING, limits=Limits(engine_threads=32))
        self.app = FastAPI()
        self.app.include_router(self.router)
        self.crypto = MessageCrypto(TOKEN, AES_KEY, APP_ID) if encrypted else None

    def run(self, scenario):
        """Run ``scenario(simulator)`` against the served app; wait for every push to finish."""
        with serve(self.app) as (url, loop):
            async def main():
                async with httpx.AsyncClient(base_url=url) as client:
                    sim = WeChatSimulator(client, "/wechat", TOKEN, crypto=self.crypto,
                                          timeout=TIMING.platform_timeout)
                    return await scenario(sim)

            result = asyncio.run(main())
            asyncio.run_coroutine_threadsafe(self.router.drain(), loop).result(timeout=20)
        return result

    @property
    def stats(self):
        return self.router.wechat.stats


@pytest.fixture
def platform(push_api):
    api, url = push_api
    return Platform(url), api


def test_fast_answer_is_the_first_tries_passive_reply(platform):
    p, api = platform
    delivery = p.run(lambda sim: sim.push(text_xml("o_fast", "0.05s renew?", "1")))
    assert delivery.tries == 1 and "Answer to: 0.05s renew?" in delivery.reply
    assert api.sent == [] and p.stats["engine_calls"] == 1


def test_slow_answer_is_served_to_a_retry_from_the_cache(platform):
    p, api = platform
    delivery = p.run(lambda sim: sim.push(text_xml("o_mid", "0.7s renew?", "2")))
    assert delivery.tries == 2 and "Answer to: 0.7s renew?" in delivery.reply
    assert api.sent == [] and p.stats["engine_calls"] == 1 and p.stats["passive"] == 1


def test_answer_ready_before_the_last_try_is_its_passive_reply(platform):
    p, api = platform
    delivery = p.run(lambda sim: sim.push(text_xml("o_late", "1.6s renew?", "3")))
    assert delivery.tries == 3 and "Answer to: 1.6s renew?" in delivery.reply
    assert api.sent == [] and p.stats["engine_calls"] == 1


def test_answer_not_ready_when_the_last_try_arrives_is_pushed_not_risked(platform):
    p, api = platform
    delivery = p.run(lambda sim: sim.push(text_xml("o_later", "2.2s renew?", "33")))
    assert delivery.tries == 3 and delivery.reply is None
    assert len(api.texts_for("o_later")) == 1 and p.stats["passive"] == 0


def test_too_slow_for_every_try_says_success_then_pushes_once(platform):
    p, api = platform
    delivery = p.run(lambda sim: sim.push(text_xml("o_slow", "3.0s renew?", "4")))
    assert delivery.tries == 3 and delivery.reply is None and delivery.statuses == [200]
    [pushed] = api.texts_for("o_slow")
    assert "Answer to: 3.0s renew?" in pushed and "Art. 30" in pushed and "2026-11-13" in pushed
    assert p.stats["engine_calls"] == 1 and p.stats["pushed_answers"] == 1


def test_when_wechat_stops_retrying_the_answer_is_pushed(platform):
    p, api = platform
    delivery = p.run(lambda sim: sim.push(text_xml("o_lost", "0.7s renew?", "5"), tries=1))
    assert delivery.reply is None
    assert len(api.texts_for("o_lost")) == 1 and p.stats["passive"] == 0


def test_long_answer_first_part_passive_rest_pushed_in_order(platform):
    p, api = platform
    delivery = p.run(lambda sim: sim.push(text_xml("o_long", "long 居留延期？", "6")))
    pushed = api.texts_for("o_long")
    parts = [delivery.reply, *pushed]
    assert len(parts) >= 5 and all(len(m.encode()) <= 2048 for m in parts)
    assert "2026-11-15" in parts[0] and "依据" in parts[0]
    assert [m.rsplit("（", 1)[1] for m in parts] == [f"{i}/{len(parts)}）" for i in range(1, len(parts) + 1)]
    assert "".join(m.rsplit("\n（", 1)[0] for m in parts).count("三十日前") == 120


def test_many_concurrent_messages_each_answered_exactly_once(push_api):
    api, url = push_api
    p = Platform(url, encrypted=True)
    rng = random.Random(7)
    delays = [rng.choice(["0.05", "0.7", "1.6", "2.2", "3.0"]) for _ in range(24)]

    async def scenario(sim):
        return await asyncio.gather(*(
            sim.push(text_xml(f"o_user{i}", f"{d}s question {i}", f"90{i:02d}")) for i, d in enumerate(delays)))

    deliveries = p.run(scenario)
    for i, delivery in enumerate(deliveries):
        passive = [delivery.reply] if delivery.reply else []
        answers = passive + api.texts_for(f"o_user{i}")
        assert len(answers) == 1, (i, delays[i], answers)
        assert f"question {i}." in answers[0]
    assert p.stats["engine_calls"] == 24 == p.stats["messages"]
    assert p.stats["passive"] + p.stats["pushed_answers"] == 24


def test_without_push_credentials_a_hopeless_wait_gets_an_apology_not_silence(push_api):
    api, url = push_api
    p = Platform(url, can_push=False)
    delivery = p.run(lambda sim: sim.push(text_xml("o_nopush", "3.0s renew?", "7")))
    assert delivery.tries == 3 and "taking longer than usual" in delivery.reply
    assert api.sent == []


def test_wecom_slow_answer_is_pushed_as_an_app_message(push_api):
    api, url = push_api
    corp, key = "wwregchat0001", AES_KEY
    engine = ScriptedEngine(script)
    settings = Settings(_env_file=None, data_dir=fresh_state_dir(), wecom_token=TOKEN, wecom_aes_key=key, wecom_corp_id=corp,
                        wecom_secret="corpsecret", wecom_agent_id=1000002, wecom_api_base=url)
    router = build_router(settings, engine, timing=TIMING, limits=Limits(engine_threads=8))
    app = FastAPI()
    app.include_router(router)
    with serve(app) as (base, loop):
        async def main():
            async with httpx.AsyncClient(base_url=base) as client:
                sim = WeChatSimulator(client, "/wecom", TOKEN, crypto=MessageCrypto(TOKEN, key, corp), wecom=True,
                                      timeout=TIMING.platform_timeout)
                return await asyncio.gather(sim.push(text_xml("zhangsan", "3.0s S visa?", "801")),
                                            sim.push(text_xml("lisi", "0.05s Z visa?", "802")))

        slow, fast = asyncio.run(main())
        asyncio.run_coroutine_threadsafe(router.drain(), loop).result(timeout=20)
    assert slow.reply is None and "Z visa?" in fast.reply
    [pushed] = api.sent
    assert pushed["platform"] == "wecom" and pushed["touser"] == "zhangsan" and pushed["agentid"] == 1000002
    assert "S visa?" in pushed["text"]["content"]
    assert api.token_requests == [{"corpid": corp, "corpsecret": "corpsecret"}]


def test_a_passive_reply_lost_on_the_way_is_pushed_on_the_last_try(platform):
    """WeChat tries again only when a reply did not reach it in time; when every reply is lost,
    the answer is pushed once the last try comes."""
    p, api = platform

    async def scenario(sim):
        xml = text_xml("o_unlucky", "0.05s renew?", "41")
        for _ in range(TIMING.tries):
            params, body = sim.signed(xml)
            response = await sim.client.post(sim.url, params=params, content=body)
            assert response.status_code == 200  # the reply is lost on the way: WeChat tries again

    p.run(scenario)
    [pushed] = api.texts_for("o_unlucky")
    assert "Answer to: 0.05s renew?" in pushed and p.stats["engine_calls"] == 1
