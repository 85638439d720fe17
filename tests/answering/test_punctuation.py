"""A Chinese message typed the way chats are, clauses parted by spaces and no question mark, is read
with its marks: each clause that asks is a question of its own."""

from __future__ import annotations

import pytest

from regchat.answering.punctuation import punctuated
from regchat.answering.questions import is_interrogative


def marks(text: str) -> str:
    return punctuated(text, is_interrogative)


def test_each_clause_that_asks_gets_a_question_mark_and_the_others_a_comma():
    assert marks("我朋友住我家 要登记吗 不登记会怎么样 他下周走") == "我朋友住我家，要登记吗？不登记会怎么样？他下周走。"


@pytest.mark.parametrize("clause", ["最多能延多久", "机票钱是谁出", "证丢了咋补", "要带啥材料"])
def test_the_words_chats_ask_with_make_a_clause_a_question(clause):
    assert f"{clause}？" in marks(f"居留证快到期了 {clause} 最晚哪天去办")


def test_a_number_heading_a_question_goes_with_it():
    assert marks("问两件事 1 最晚哪天去办 2 要带什么") == "问两件事，1 最晚哪天去办？2 要带什么？"


@pytest.mark.parametrize(
    "text",
    [
        "居留证快到期了，最晚哪天去办？ 要带什么",  # it has its question mark
        "How long can I stay on an L visa",  # no Chinese
        "居留证件最晚哪天要续签",  # one clause: nothing to part
        "那我太太的呢 她的是12月3号到期",  # one clause asks: one question
        "fined by the 出入境 on 29 Sept 最晚哪天交 where do I pay",  # mostly English
    ],
)
def test_a_message_with_its_marks_or_no_gap_between_chinese_clauses_is_left_as_it_is(text):
    assert marks(text) == text


def test_a_gap_between_latin_words_parts_no_clause():
    assert marks("拿的L visa 停留30天 最晚哪天走 能延期吗") == "拿的L visa，停留30天，最晚哪天走？能延期吗？"
