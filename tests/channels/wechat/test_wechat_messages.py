"""Safe XML parsing, the inbound message model, reply XML, and answers rendered for WeChat."""

import datetime as dt
import time

import pytest

from wechat_harness import BILLION_LAUGHS

from regchat.channels.wechat.crypto import CallbackRejected
from regchat.channels.wechat.messages import (
    MAX_MESSAGE_BYTES, Inbound, cdata, deadline_line, parse_xml, plain_text, render_messages, split_text,
    text_reply_xml, utf8_len,
)
from regchat.documents import Answer, Citation, Deadline

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xml><Content>&xxe;</Content></xml>"""

ARTICLE_30 = ("外国人所持居留证件的有效期届满后需要继续在中国境内居留的，应当在居留证件有效期届满三十日前"
              "向公安机关出入境管理机构申请延长居留期限，并按照要求提交延期事由等材料。")


class TestParsing:
    def test_reads_the_children_of_the_xml_root(self):
        fields = parse_xml(b"<xml><ToUserName><![CDATA[gh]]></ToUserName><Content><![CDATA[a < b]]></Content>"
                           b"<MsgId>42</MsgId></xml>")
        assert fields == {"ToUserName": "gh", "Content": "a < b", "MsgId": "42"}

    def test_xml_bomb_is_refused_quickly(self):
        started = time.perf_counter()
        with pytest.raises(CallbackRejected) as refused:
            parse_xml(BILLION_LAUGHS.encode())
        assert refused.value.status == 400
        assert time.perf_counter() - started < 0.1

    def test_external_entities_are_refused(self):
        with pytest.raises(CallbackRejected):
            parse_xml(EXTERNAL_ENTITY.encode())

    @pytest.mark.parametrize("body", [b"", b"not xml", b"<xml><a></xml>", b"<root><a>1</a></root>"])
    def test_malformed_or_foreign_xml_is_a_bad_request(self, body):
        with pytest.raises(CallbackRejected) as refused:
            parse_xml(body)
        assert refused.value.status == 400


class TestInbound:
    def fields(self, **over):
        base = {"ToUserName": "gh", "FromUserName": "o_user", "CreateTime": "1790000000", "MsgType": "text",
                "Content": " hello ", "MsgId": "1234"}
        return {**base, **over}

    def test_text_message(self):
        msg = Inbound.from_fields(self.fields())
        assert msg.question == "hello" and msg.dedup_key == "msg:o_user:1234"

    def test_events_are_deduplicated_by_sender_and_time(self):
        fields = self.fields(MsgType="event", Event="subscribe")
        del fields["MsgId"]
        msg = Inbound.from_fields(fields)
        assert msg.dedup_key == "evt:o_user:1790000000:subscribe" and msg.question == ""

    def test_voice_uses_wechats_transcript(self):
        msg = Inbound.from_fields(self.fields(MsgType="voice", Content="", Recognition="居留许可怎么延期？"))
        assert msg.question == "居留许可怎么延期？"

    def test_required_fields(self):
        with pytest.raises(CallbackRejected):
            Inbound.from_fields(self.fields(FromUserName=""))
        with pytest.raises(CallbackRejected):
            Inbound.from_fields(self.fields(CreateTime="yesterday"))


class TestReplyXml:
    def test_swaps_sender_and_receiver_and_survives_cdata_terminators(self):
        msg = Inbound(to_user="gh", from_user="o_user", create_time=1, msg_type="text", content="q", msg_id="1")
        xml = text_reply_xml(msg, "a ]]> b <tag>", 1790000001)
        fields = parse_xml(xml.encode())
        assert fields == {"ToUserName": "o_user", "FromUserName": "gh", "CreateTime": "1790000001",
                          "MsgType": "text", "Content": "a ]]> b <tag>"}
        assert cdata("]]>") != "<![CDATA[]]>]]>"


class TestPlainText:
    def test_markdown_is_removed(self):
        md = "## Extension\n\n**Apply** at least *30 days* before expiry (see `Art. 30`).\n\n- one\n- two\n\n" \
             "[Source](https://example.org/law)"
        text = plain_text(md)
        for mark in ("#", "**", "`", "](", "\n- "):
            assert mark not in text
        assert "Apply at least 30 days before expiry (see Art. 30)." in text
        assert "• one\n• two" in text and "Source (https://example.org/law)" in text

    def test_arithmetic_and_bullets_in_text_survive(self):
        assert plain_text("2 * 3 = 6 and 4*5") == "2 * 3 = 6 and 4*5"


class TestSplitting:
    def test_long_chinese_text_is_cut_at_sentence_ends_within_2048_bytes(self):
        text = ARTICLE_30 * 40
        chunks = split_text(text)
        assert len(chunks) > 1
        assert all(utf8_len(c) <= MAX_MESSAGE_BYTES for c in chunks)
        assert all(c.endswith("。") for c in chunks)
        assert "".join(chunks) == text

    def test_english_sentences_are_kept_whole(self):
        sentence = "Apply for an extension at least 30 days before your residence permit expires. "
        chunks = split_text(sentence * 60)
        assert all(utf8_len(c) <= 2048 and c.endswith("expires.") for c in chunks)

    def test_question_and_exclamation_marks_end_sentences(self):
        chunks = split_text("要延期吗？" * 300 + "是的！" * 300, limit=100)
        assert all(c[-1] in "？！" and utf8_len(c) <= 100 for c in chunks)

    def test_a_sentence_longer_than_a_message_is_cut_between_characters(self):
        text = "中" * 1000  # 3000 bytes, no sentence end
        chunks = split_text(text)
        assert [utf8_len(c) for c in chunks] == [2046, 954]
        assert "".join(chunks) == text

    def test_first_chunk_can_have_a_smaller_budget(self):
        chunks = split_text("一二三四五。" * 100, limit=200, first_limit=60)
        assert utf8_len(chunks[0]) <= 60 and all(utf8_len(c) <= 200 for c in chunks[1:])


def answer(text: str, lang="en", n_citations=1) -> Answer:
    return Answer(
        text=text, lang=lang,
        citations=[Citation(doc_id="cn-exit-entry-law", article=30 + i,
                            label=f"Exit and Entry Administration Law, Art. {30 + i}") for i in range(n_citations)],
        deadlines=[Deadline(date=dt.date(2026, 11, 15), weekday="Sunday", is_working_day=False,
                            act_by=dt.date(2026, 11, 13), kind="before_expiry",
                            what="last day to apply to extend the residence permit", region="CN",
                            steps=["2026-12-15 minus 30 days = 2026-11-15", "Sunday: act by Friday 2026-11-13"])],
    )


class TestRenderAnswer:
    def test_short_answer_is_one_message_with_date_text_and_citation(self):
        [message] = render_messages(answer("You must apply **30 days** before expiry."))
        assert message.startswith(
            "Date: Last day to apply to extend the residence permit: 2026-11-15 (Sunday), not a working day; "
            "act by 2026-11-13"
        )
        assert "before_expiry" not in message
        assert "You must apply 30 days before expiry." in message
        assert "Sources: Exit and Entry Administration Law, Art. 30" in message
        assert "**" not in message

    def test_long_chinese_answer_keeps_date_and_citations_in_the_first_message(self):
        messages = render_messages(answer(ARTICLE_30 * 40, lang="zh", n_citations=3))
        assert len(messages) > 1
        assert all(utf8_len(m) <= MAX_MESSAGE_BYTES for m in messages)
        first = messages[0]
        assert "2026-11-15（星期日）" in first and "最迟办理日：2026-11-13" in first
        assert "依据：" in first and "Art. 32" in first
        assert all("依据" not in m for m in messages[1:])
        assert messages[0].endswith(f"（1/{len(messages)}）") and messages[-1].endswith(f"（{len(messages)}/{len(messages)}）")
        body = "".join(m.split("\n（")[0] for m in messages)
        assert body.count("三十日前") == 40  # nothing lost, nothing doubled

    def test_many_citations_never_push_the_first_message_over_the_limit(self):
        messages = render_messages(answer("Short. " * 400, n_citations=200))
        assert all(utf8_len(m) <= MAX_MESSAGE_BYTES for m in messages)
        assert "Art. 30" in messages[0] and "…" in messages[0]

    def test_refusal_without_citations(self):
        [message] = render_messages(Answer(text="I can only answer questions about the regulations.", refused=True))
        assert message == "I can only answer questions about the regulations."

    def test_deadline_line_for_a_working_day(self):
        d = Deadline(date=dt.date(2026, 11, 13), weekday="Friday", is_working_day=True)
        assert deadline_line(d) == "Date: 2026-11-13 (Friday)"
        assert deadline_line(d, "zh") == "日期：2026-11-13（星期五）"


class TestRenderComputedDeadline:
    """The first message names the date in words, as the deadline calculator describes it."""

    @pytest.mark.parametrize("lang, what", [("en", "Latest day to apply to extend"), ("zh", "申请延长居留期限")])
    def test_the_date_line_says_what_the_date_is_never_an_internal_code(self, lang, what):
        from regchat.deadlines import compute_deadline

        deadline = compute_deadline("law-32-extend-residence", dt.date(2027, 1, 31), lang=lang)
        message = render_messages(Answer(text="…", lang=lang, deadlines=[deadline]))[0]
        assert what in message.splitlines()[0]
        assert deadline.kind not in message
