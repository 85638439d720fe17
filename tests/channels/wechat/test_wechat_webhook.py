"""The /wechat and /wecom endpoints in each mode, driven like WeChat drives them,
with requests built by wechatpy where it can build them."""

import asyncio
import datetime as dt
import time

import httpx
from fastapi import FastAPI
from wechat_harness import (
    BILLION_LAUGHS, ScriptedEngine, WeChatSimulator, event_xml, fresh_state_dir, media_xml, text_xml,
)
from wechatpy.crypto import WeChatCrypto as WechatpyAppCrypto
from wechatpy.enterprise.crypto import WeChatCrypto as WechatpyCorpCrypto

from regchat.channels.wechat import Limits, build_router
from regchat.channels.wechat.crypto import MessageCrypto, signature
from regchat.channels.wechat.messages import parse_xml
from regchat.channels.wechat.responder import TEXTS
from regchat.settings import Settings

TOKEN, APP_ID, AES_KEY = "regchat-token", "wx2c2769f8efd9abc2", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
NOW = 1_790_000_000.0  # 2026-09-21 22:13 in Beijing


def settings(**over) -> Settings:
    base = dict(wechat_token=None, wechat_aes_key=None, wechat_app_id=None, wechat_app_secret=None,
                wecom_token=None, wecom_aes_key=None, wecom_corp_id=None, wecom_secret=None, wecom_agent_id=None)
    return Settings(_env_file=None, **{"data_dir": fresh_state_dir(), **base, **over})


class Harness:
    def __init__(self, settings_: Settings, engine=None, clock=lambda: NOW, limits=Limits()):
        self.engine = engine or ScriptedEngine()
        self.router = build_router(settings_, self.engine, clock=clock, limits=limits,
                                   http_client=httpx.AsyncClient())
        app = FastAPI()
        app.include_router(self.router)
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://wx.test")
        self.clock = clock

    def wechat(self, crypto=None) -> WeChatSimulator:
        return WeChatSimulator(self.client, "/wechat", TOKEN, crypto=crypto, clock=self.clock)


def run(coro):
    return asyncio.run(coro)


# ----------------------------------------------------------------------------- plaintext mode
class TestPlaintextMode:
    def test_url_verification_returns_echostr(self):
        h = Harness(settings(wechat_token=TOKEN))
        params = {"signature": signature(TOKEN, "1790000000", "n1"), "timestamp": "1790000000", "nonce": "n1",
                  "echostr": "8841237890"}
        response = run(h.client.get("/wechat", params=params))
        assert response.status_code == 200 and response.text == "8841237890"

    def test_text_message_gets_a_passive_reply_from_the_engine(self):
        h = Harness(settings(wechat_token=TOKEN))
        delivery = run(h.wechat().push(text_xml("o_alice", "When must I renew?", "1001")))
        assert delivery.tries == 1
        assert "Answer to: When must I renew?" in delivery.reply
        assert "act by 2026-11-13" in delivery.reply and "Art. 30" in delivery.reply
        [(question, history, today)] = h.engine.calls
        assert question == "When must I renew?" and history == () and today == dt.date(2026, 9, 21)

    def test_forged_signature_is_forbidden_and_not_answered(self):
        h = Harness(settings(wechat_token=TOKEN))
        sim = h.wechat()
        params, body = sim.signed(text_xml("o_alice", "hi", "1002"))
        params["signature"] = signature("not-the-token", params["timestamp"], params["nonce"])
        response = run(h.client.post("/wechat", params=params, content=body))
        assert (response.status_code, response.text) == (403, "forbidden")
        assert h.engine.calls == []

    def test_stale_request_is_forbidden(self):
        h = Harness(settings(wechat_token=TOKEN))
        params, body = h.wechat().signed(text_xml("o_alice", "hi", "1003"), timestamp=str(int(NOW) - 301))
        response = run(h.client.post("/wechat", params=params, content=body))
        assert response.status_code == 403 and h.engine.calls == []

    def test_replayed_nonce_with_another_message_is_forbidden(self):
        h = Harness(settings(wechat_token=TOKEN))
        sim = h.wechat()

        async def scenario():
            params, body = sim.signed(text_xml("o_alice", "first", "1004"), nonce="samenonce")
            first = await h.client.post("/wechat", params=params, content=body)
            again = await h.client.post("/wechat", params=params, content=body)  # identical: a retry
            _, other = sim.signed(text_xml("o_alice", "transfer money", "1005"), nonce="samenonce")
            replay = await h.client.post("/wechat", params=params, content=other)
            return first, again, replay

        first, again, replay = run(scenario())
        assert first.status_code == 200 and again.status_code == 200
        assert sim.read_reply(first) == sim.read_reply(again)
        assert (replay.status_code, replay.text) == (403, "forbidden")
        assert [c[0] for c in h.engine.calls] == ["first"]

    def test_xml_bomb_is_refused_quickly(self):
        h = Harness(settings(wechat_token=TOKEN))
        params, body = h.wechat().signed(BILLION_LAUGHS)
        started = time.perf_counter()
        response = run(h.client.post("/wechat", params=params, content=body))
        assert (response.status_code, response.text) == (400, "bad request")
        assert time.perf_counter() - started < 0.5

    def test_oversized_body_is_refused(self):
        h = Harness(settings(wechat_token=TOKEN), limits=Limits(max_body=1024))
        params, body = h.wechat().signed(text_xml("o_alice", "x" * 2000, "1006"))
        response = run(h.client.post("/wechat", params=params, content=body))
        assert response.status_code == 400 and h.engine.calls == []

    def test_missing_parameters_and_garbage_never_leak_a_trace(self):
        h = Harness(settings(wechat_token=TOKEN))
        for params in ({}, {"timestamp": "x", "nonce": "n", "signature": "s"}):
            response = run(h.client.post("/wechat", params=params, content=b"\x00\xff"))
            assert response.status_code in (400, 403) and response.text in ("bad request", "forbidden")

    def test_encrypted_push_without_a_key_is_a_bad_request(self):
        h = Harness(settings(wechat_token=TOKEN))
        params, body = h.wechat(MessageCrypto(TOKEN, AES_KEY, APP_ID)).signed(text_xml("o", "hi", "1007"))
        assert run(h.client.post("/wechat", params=params, content=body)).status_code == 400


# ----------------------------------------------------------------------------- compatible and safe
class TestEncryptedModes:
    encrypted = dict(wechat_token=TOKEN, wechat_aes_key=AES_KEY, wechat_app_id=APP_ID)

    def test_safe_mode_request_built_by_wechatpy_and_reply_read_by_wechatpy(self):
        h = Harness(settings(**self.encrypted))
        theirs = WechatpyAppCrypto(TOKEN, AES_KEY, APP_ID)
        envelope = parse_xml(theirs.encrypt_message(text_xml("o_bob", "居留许可怎么延期？", "2001"), "n2001",
                                                    "1790000000"))
        body = f"<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[{envelope['Encrypt']}]]></Encrypt></xml>"
        params = {"signature": signature(TOKEN, "1790000000", "n2001"), "timestamp": "1790000000",
                  "nonce": "n2001", "encrypt_type": "aes", "msg_signature": envelope["MsgSignature"]}
        response = run(h.client.post("/wechat", params=params, content=body))
        assert response.status_code == 200
        reply = parse_xml(response.content)
        plain = theirs.decrypt_message(response.text, reply["MsgSignature"], reply["TimeStamp"], reply["Nonce"])
        fields = parse_xml(plain)
        assert fields["ToUserName"] == "o_bob" and "居留许可怎么延期" in fields["Content"]

    def test_compatible_mode_trusts_only_the_encrypted_copy(self):
        h = Harness(settings(**self.encrypted))
        crypto = MessageCrypto(TOKEN, AES_KEY, APP_ID)
        encrypted = crypto.encrypt(text_xml("o_bob", "the real question", "2002"))
        body = (f"<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[o_bob]]></FromUserName>"
                f"<CreateTime>1790000000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
                f"<Content><![CDATA[a tampered plaintext copy]]></Content><MsgId>2002</MsgId>"
                f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>")
        params = {"signature": signature(TOKEN, "1790000000", "n2002"), "timestamp": "1790000000",
                  "nonce": "n2002", "encrypt_type": "aes",
                  "msg_signature": crypto.msg_signature("1790000000", "n2002", encrypted)}
        response = run(h.client.post("/wechat", params=params, content=body))
        assert response.status_code == 200
        assert [c[0] for c in h.engine.calls] == ["the real question"]
        assert "the real question" in h.wechat(crypto).read_reply(response)

    def test_plaintext_push_is_refused_once_a_key_is_configured(self):
        h = Harness(settings(**self.encrypted))
        params, body = h.wechat().signed(text_xml("o_bob", "hi", "2003"))
        assert run(h.client.post("/wechat", params=params, content=body)).status_code == 403

    def test_message_for_another_app_is_forbidden(self):
        h = Harness(settings(**self.encrypted))
        params, body = h.wechat(MessageCrypto(TOKEN, AES_KEY, "wxsomeoneelse")).signed(text_xml("o", "hi", "2004"))
        assert run(h.client.post("/wechat", params=params, content=body)).status_code == 403
        assert h.engine.calls == []

    def test_bad_msg_signature_is_forbidden(self):
        h = Harness(settings(**self.encrypted))
        params, body = h.wechat(MessageCrypto(TOKEN, AES_KEY, APP_ID)).signed(text_xml("o", "hi", "2005"))
        params["msg_signature"] = "0" * 40
        assert run(h.client.post("/wechat", params=params, content=body)).status_code == 403


# ----------------------------------------------------------------------------- WeCom
class TestWeCom:
    token, key, corp = "123456", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", "wx49f0ab532d5d035a"

    def harness(self, clock=lambda: NOW, corp=None):
        return Harness(settings(wecom_token=self.token, wecom_aes_key=self.key, wecom_corp_id=corp or self.corp),
                       clock=clock)

    def test_url_verification_decrypts_wechatpys_echostr(self):
        h = self.harness(clock=lambda: 1411443780.0)
        echo = "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=="
        params = {"msg_signature": "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", "timestamp": "1411443780",
                  "nonce": "437374425", "echostr": echo}
        response = run(h.client.get("/wecom", params=params))
        expected = WechatpyCorpCrypto(self.token, self.key, self.corp).check_signature(
            params["msg_signature"], "1411443780", "437374425", echo)
        assert response.status_code == 200 and response.text == expected
        params["nonce"] = "437374424"
        assert run(h.client.get("/wecom", params=params)).status_code == 403

    def test_encrypted_message_from_wechatpy_gets_an_encrypted_reply(self):
        h = self.harness()
        theirs = WechatpyCorpCrypto(self.token, self.key, self.corp)
        inner = text_xml("zhangsan", "Can I work on an S visa?", "3001").replace(
            "</xml>", "<AgentID>1000002</AgentID></xml>")
        envelope = parse_xml(theirs.encrypt_message(inner, "n3001", "1790000000"))
        body = (f"<xml><ToUserName><![CDATA[{self.corp}]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID>"
                f"<Encrypt><![CDATA[{envelope['Encrypt']}]]></Encrypt></xml>")
        params = {"msg_signature": envelope["MsgSignature"], "timestamp": "1790000000", "nonce": "n3001"}
        response = run(h.client.post("/wecom", params=params, content=body))
        assert response.status_code == 200
        reply = parse_xml(response.content)
        fields = parse_xml(theirs.decrypt_message(response.text, reply["MsgSignature"], reply["TimeStamp"],
                                                  reply["Nonce"]))
        assert fields["ToUserName"] == "zhangsan" and "Can I work on an S visa?" in fields["Content"]

    def test_another_corps_message_is_forbidden(self):
        h = self.harness()
        sim = WeChatSimulator(h.client, "/wecom", self.token, crypto=MessageCrypto(self.token, self.key, "wwother"),
                              wecom=True, clock=lambda: NOW)
        params, body = sim.signed(text_xml("zhangsan", "hi", "3002"))
        assert run(h.client.post("/wecom", params=params, content=body)).status_code == 403

    def test_plaintext_body_is_refused(self):
        h = self.harness()
        params = {"msg_signature": signature(self.token, "1790000000", "n"), "timestamp": "1790000000", "nonce": "n"}
        response = run(h.client.post("/wecom", params=params, content=text_xml("zhangsan", "hi", "3003").encode()))
        assert (response.status_code, response.text) == (400, "bad request") and h.engine.calls == []


def test_disabled_endpoints_say_what_to_configure():
    h = Harness(settings())
    wechat = run(h.client.get("/wechat"))
    wecom = run(h.client.post("/wecom", content=b"<xml/>"))
    assert wechat.status_code == 404 and "REGCHAT_WECHAT_TOKEN" in wechat.text
    assert wecom.status_code == 404 and "REGCHAT_WECOM_CORP_ID" in wecom.text


# ----------------------------------------------------------------------------- conversation behaviour
class TestConversation:
    def test_non_text_messages_get_help_or_success(self):
        h = Harness(settings(wechat_token=TOKEN))
        sim = h.wechat()

        async def scenario():
            image = await sim.push(media_xml("o_c", "image", "4001", "<PicUrl><![CDATA[http://x/p.jpg]]></PicUrl>"))
            location = await sim.push(media_xml("o_c", "location", "4002", "<Label><![CDATA[Beijing]]></Label>"))
            subscribe = await sim.push(event_xml("o_c", "subscribe"))
            unsubscribe = await sim.push(event_xml("o_c", "unsubscribe", create_time=1_790_000_001))
            voice = await sim.push(media_xml("o_c", "voice", "4003",
                                             "<Recognition><![CDATA[签证过期了怎么办？]]></Recognition>"))
            silent_voice = await sim.push(media_xml("o_c", "voice", "4004"))
            return image, location, subscribe, unsubscribe, voice, silent_voice

        image, location, subscribe, unsubscribe, voice, silent_voice = run(scenario())
        assert image.reply == location.reply == silent_voice.reply == TEXTS["text_only"]
        assert subscribe.reply == TEXTS["welcome"]
        assert unsubscribe.reply is None and unsubscribe.statuses == [200]
        assert "签证过期了怎么办" in voice.reply
        assert [c[0] for c in h.engine.calls] == ["签证过期了怎么办？"]

    def test_follow_ups_carry_the_conversation(self):
        h = Harness(settings(wechat_token=TOKEN))
        sim = h.wechat()

        async def scenario():
            await sim.push(text_xml("o_d", "My permit expires 15 Dec.", "5001"))
            await sim.push(text_xml("o_d", "And if it is a holiday?", "5002"))
            await sim.push(text_xml("o_e", "Unrelated user", "5003"))

        run(scenario())
        (_, first, _), (_, second, _), (_, other, _) = h.engine.calls
        assert first == () and other == ()
        assert [t["role"] for t in second] == ["user", "assistant"]
        assert second[0]["content"] == "My permit expires 15 Dec." and "Answer to" in second[1]["content"]

    def test_rate_limit_answers_politely_without_the_engine(self):
        h = Harness(settings(wechat_token=TOKEN), limits=Limits(rate_limit=2, rate_period=60))
        sim = h.wechat()

        async def scenario():
            return [await sim.push(text_xml("o_f", f"q{i}", f"600{i}")) for i in range(3)] + [
                await sim.push(text_xml("o_f", "第四个问题", "6009"))]

        replies = [d.reply for d in run(scenario())]
        assert len(h.engine.calls) == 2
        assert "wait about 60 seconds" in replies[2] and "约60秒" in replies[3]

    def test_engine_failure_still_gets_a_polite_answer(self):
        def script(question):
            raise RuntimeError("model endpoint exploded")

        h = Harness(settings(wechat_token=TOKEN), engine=ScriptedEngine(script))
        delivery = run(h.wechat().push(text_xml("o_g", "你好，请问签证问题", "7001")))
        assert delivery.reply == TEXTS["failed_zh"] and delivery.statuses == [200]


def test_retried_event_gets_the_same_single_welcome():
    h = Harness(settings(wechat_token=TOKEN))
    sim = h.wechat()

    async def scenario():
        return [await sim.push(event_xml("o_new", "subscribe", create_time=1_790_000_100)) for _ in range(2)]

    first, retry = run(scenario())
    assert first.reply == retry.reply == TEXTS["welcome"]
    assert h.router.wechat.stats["messages"] == 1 and h.engine.calls == []


def test_mounted_on_the_regchat_app():
    from regchat.channels.server import create_app

    app = create_app(settings(wechat_token=TOKEN), ScriptedEngine(), warm_up=False)

    async def scenario():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://wx.test") as client:
            delivery = await WeChatSimulator(client, "/wechat", TOKEN).push(text_xml("o_app", "Via the app?", "8801"))
            return delivery, await client.get("/wecom")

    delivery, wecom = run(scenario())
    assert "Via the app?" in delivery.reply and wecom.status_code == 404
