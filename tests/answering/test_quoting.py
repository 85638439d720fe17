"""Choosing the part of a provision to quote: by the question's words, and among the parts that
share them, by how close the question comes to each part's questions in users' words."""

from __future__ import annotations

from regchat.answering.quoting import SECOND_PART, pick_parts
from regchat.parts import Part

PARTS = [
    Part(1, None, "A foreigner working illegally is fined; where serious, detained."),
    Part(2, None, "Whoever introduces a foreigner to illegal employment is fined per person."),
    Part(3, None, "An employer hiring a foreigner illegally is fined per person."),
]


def shared(*words):
    return lambda text: float(sum(w in text for w in words))


def test_the_part_sharing_most_words_is_quoted():
    assert pick_parts(PARTS, shared("employer", "fined")) == [PARTS[2]]


def test_among_parts_sharing_words_the_one_asked_about_in_such_words_comes_first():
    words = shared("fined", "foreigner")  # every part shares these two
    assert pick_parts(PARTS, words)[0] == PARTS[0]
    fit = {(1, None): 0.80, (2, None): 0.82, (3, None): 0.91}
    assert pick_parts(PARTS, words, fit) == [PARTS[2]]


def test_a_part_sharing_no_word_is_not_quoted_however_close_its_questions():
    fit = {(1, None): 0.80, (2, None): 0.95, (3, None): 0.81}
    assert PARTS[1] not in pick_parts(PARTS, shared("employer", "detained"), fit)


def test_fits_that_do_not_tell_the_parts_apart_change_nothing():
    words = shared("employer", "fined")
    assert pick_parts(PARTS, words, {(1, None): 0.9, (2, None): 0.9, (3, None): 0.9}) == pick_parts(PARTS, words)
    assert pick_parts(PARTS, words, {(3, None): 0.99}) == pick_parts(PARTS, words)


def test_no_shared_word_means_no_part_chosen():
    assert pick_parts(PARTS, shared("visa"), {(1, None): 0.9, (2, None): 0.5, (3, None): 0.4}) == []


def test_a_close_second_is_quoted_too():
    words = shared("fined", "per person")  # parts 2 and 3 share both
    fit = {(1, None): 0.70, (2, None): 0.89, (3, None): 0.90}
    assert pick_parts(PARTS, words, fit) == [PARTS[1], PARTS[2]] and SECOND_PART < 1

