"""Tokens for lexical matching: what counts as a word of a question."""

from regchat.tokens import tokenize


def test_fillers_and_function_words_of_chat_are_no_words_of_a_question():
    assert tokenize("I'm just not sure, ok? Next week maybe") == ["sure", "week"]
    assert tokenize("我们现在已经入境了") == ["入境"]


def test_words_that_carry_a_rules_meaning_stay():
    assert tokenize("apply before expiry, within 30 days, without a visa, first entry, last day") == [
        "appli", "befor", "expir", "within", "30", "day", "without", "visa", "first", "enter", "last", "day",
    ]
