"""A rating typed right after an answer in WeChat ("👎", "不对") is recorded against that
answer, through the whole app: webhook, responder, answer ids, the feedback file."""

import asyncio

import httpx
from wechat_harness import ScriptedEngine, WeChatSimulator, text_xml

from regchat.channels.server import create_app
from regchat.feedback import ChatFeedback
from regchat.settings import Settings

TOKEN = "regchat-token"


def test_a_thumbs_down_is_recorded_against_the_answer_that_user_just_got(tmp_path):
    engine = ScriptedEngine()
    app = create_app(Settings(_env_file=None, llm="offline", data_dir=tmp_path, wechat_token=TOKEN), engine,
                     warm_up=False)
    store = app.state.feedback

    async def conversation():
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://wx.test")
        wechat = WeChatSimulator(client, "/wechat", TOKEN)
        alice = await wechat.push(text_xml("o_alice", "When must I renew my residence permit?", "2001"))
        bob = await wechat.push(text_xml("o_bob", "我的工作许可什么时候到期？", "2002"))
        alice_rates = await wechat.push(text_xml("o_alice", "👎 the date is wrong", "2003"))
        bob_rates = await wechat.push(text_xml("o_bob", "不对", "2004"))
        carol = await wechat.push(text_xml("o_carol", "👍", "2005"))  # carol got no answer: not a rating
        await client.aclose()
        return alice, bob, alice_rates, bob_rates, carol

    alice, bob, alice_rates, bob_rates, carol = asyncio.run(conversation())
    assert "Answer to: When must I renew" in alice.reply and "Answer to: 我的工作许可" in bob.reply
    assert alice_rates.reply == ChatFeedback.THANKS["down"] and bob_rates.reply == ChatFeedback.THANKS["down"]
    assert "Answer to: 👍" in carol.reply
    assert [call[0] for call in engine.calls] == [
        "When must I renew my residence permit?", "我的工作许可什么时候到期？", "👍"]
    by_user = {f.user: f for f in store.list()}
    assert set(by_user) == {"o_alice", "o_bob"}
    assert by_user["o_alice"].rating == "down" and by_user["o_alice"].comment == "the date is wrong"
    assert by_user["o_alice"].answer.question == "When must I renew my residence permit?"
    assert by_user["o_alice"].channel == "wechat"
    assert by_user["o_alice"].answer.answer.deadlines[0].act_by.isoformat() == "2026-11-13"
    assert by_user["o_bob"].answer.question == "我的工作许可什么时候到期？" and by_user["o_bob"].comment is None
    assert by_user["o_alice"].answer.id != by_user["o_bob"].answer.id
