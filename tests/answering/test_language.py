"""The language of a question and the words that do not state its matter."""

import pytest

from regchat.answering.language import asked_language, detect_language, simplified, standard_written, without_denied


@pytest.mark.parametrize(
    "text, gone, kept",
    [
        ("She wants to live here with me, not just visit.", "visit", "live here"),
        ("那如果不是欠工资，而是民事官司呢？", "欠工资", "民事官司"),
        ("He comes to work rather than study.", "study", "work"),
        ("是来工作，而不是旅游。", "旅游", "工作"),
        ("He is not a tourist but a worker.", "tourist", "worker"),
        ("His residence permit was stolen. Passport is safe at home.", "Passport", "residence permit"),
        ("外雇证被偷了，护照还在。", "护照", "外雇证"),
        # two documents said safe together are both out of the matter
        ("钱包里的工作许可证卡被偷了（护照和居留证件在家没丢）。", "护照", "工作许可证"),
        ("Only his card was stolen; his passport and residence permit are safe.", "passport", "card"),
    ],
)
def test_what_a_message_says_its_matter_is_not_is_left_out(text, gone, kept):
    said = without_denied(text)
    assert gone not in said and kept in said and len(said) == len(text)


@pytest.mark.parametrize(
    "text", ["不是首次入境的可以代办吗？", "是不是要交工资？", "This is not urgent. But thanks.", "My passport was stolen."]
)
def test_a_bare_denial_is_a_fact_of_the_case_and_stays(text):
    assert without_denied(text) == text


def test_a_question_carried_by_chinese_characters_is_chinese():
    assert detect_language("我的 residence permit 12月15日到期") == "zh"
    assert detect_language("When does my Z visa expire?") == "en"


@pytest.mark.parametrize(
    "text, gone, kept",
    [
        ("She will stay at our flat (not a hotel). Must we register her?", "hotel", "flat"),
        ("表姐住朋友家的小区里，不是宾馆，要登记吗？", "宾馆", "小区"),
        ("他不是学生，可以打工吗？", "学生", "打工"),
    ],
)
def test_what_a_place_or_person_is_said_not_to_be_is_no_fact_of_the_case(text, gone, kept):
    assert gone not in without_denied(text) and kept in without_denied(text)


@pytest.mark.parametrize("text", ["这不是违法吗？", "我还不是很清楚。", "是不是要先登记？"])
def test_a_question_asked_with_bu_shi_denies_nothing(text):
    assert without_denied(text) == text


@pytest.mark.parametrize(
    "question, lang, other",
    [
        ("Can you show me the Chinese wording of that rule?", "en", "zh"),
        ("What does it say in Chinese exactly?", "en", "zh"),
        ("英文原文怎么说？", "zh", "en"),
        ("这条规定的英文版是什么？", "zh", "en"),
        # a language named for anything but a provision's words asks for none
        ("Do I need to fill in the application form in Chinese?", "en", None),
        ("我不会说中文，可以找人陪同吗？", "zh", None),
    ],
)
def test_a_question_may_ask_for_a_provisions_words_in_the_other_language(question, lang, other):
    assert asked_language(question, lang) == other


@pytest.mark.parametrize(
    "cantonese, standard",
    [
        ("上星期六喺巴士上俾人偷咗銀包，藍卡都冇咗", "上星期六在巴士上被人偷了钱包，蓝卡都没有了"),
        ("佢下個月返菲律賓，要唔要去銷卡？去邊度辦？", "他下个月返菲律宾，要不要去销卡？去边度办？"),
        ("琴日老細話佢唔使再返工", "昨天老板话他不用再上班"),
        # thanks is read as thanks, not as a negation
        ("唔該晒🙏", "谢谢🙏"),
    ],
)
def test_written_cantonese_is_read_as_standard_chinese(cantonese, standard):
    assert standard_written(simplified(cantonese)) == standard


@pytest.mark.parametrize(
    "text",
    ["请点击返回，我们同意仲裁吗？你呢？", "我先去一点钟的会。", "一周来三天，给点补贴。", "My boss said no.", ""],
)
def test_standard_chinese_and_other_text_are_left_as_written(text):
    assert standard_written(text) == text
