"""Who a message names: one person's story is not another's question."""

from regchat.answering.persons import asks_of_someone_else, persons_named, their_own_story


def test_the_people_a_message_names_are_read_by_kind_in_both_languages():
    assert persons_named("My husband works here; our daughter studies in Wuhan.") == {"spouse", "daughter"}
    assert persons_named("我婆婆下个月来，老公的签证也快到期了") == {"mother-in-law", "spouse"}


def test_a_title_with_a_name_is_that_person_and_no_husband():
    assert persons_named("王先生的居留许可下周到期") == {"titled:王"}
    assert persons_named("Mr Okafor joined us in May") == {"titled:okafor"}
    assert persons_named("我先生在深圳上班") == {"spouse"}


def test_a_question_about_someone_the_story_tells_apart_is_read_without_the_others_sentences():
    story = ["My husband's permit expires on 20 January 2027.", "Our daughter graduated last week.", "We live in Suzhou."]
    assert their_own_story(story, "Anything to do about our daughter?") == {1: story[1], 2: story[2]}


def test_a_broader_word_covers_the_people_it_may_mean():
    story = ["Our son starts school in March.", "Our daughter was born on 2 May."]
    assert their_own_story(story, "By when must we register the baby?") is None
    assert their_own_story(story, "And our son, what does he need?") == {0: story[0]}


def test_the_story_stays_whole_when_it_does_not_name_the_person_asked_about():
    # (a daughter joining her father: his work here says whose family she joins)
    story = ["My husband works in Shanghai on a Z visa that ends on 5 January."]
    assert their_own_story(story, "Which visa should our daughter get?") is None
    assert their_own_story(story, "When must we apply?") is None


def test_a_question_naming_someone_the_one_before_did_not_asks_of_that_person():
    story = ["我老公的居留许可1月10日到期。", "我妈妈下周来，住我们家。"]
    assert asks_of_someone_else(story, "我妈妈来了要办什么？", "他哪天前要申请？")
    assert not asks_of_someone_else(story, "那我老公呢，要交什么材料？", "我老公哪天前要申请？")
    assert not asks_of_someone_else(story, "要交什么材料？", "他哪天前要申请？")


def test_a_sentence_telling_of_two_people_is_read_clause_by_clause():
    # (a clause naming no one goes with the person the clause before it names: the stay is the wife's)
    story = ["我是公司HR。", "我们有个法国员工，居留许可1月15日到期，他老婆是S2签证11月20日入境的，停留期90天。"]
    assert their_own_story(story, "他老婆最晚哪天申请延期？") == {0: story[0], 1: "他老婆是S2签证11月20日入境的，停留期90天。"}
    assert their_own_story(story, "员工最晚哪天申请延期？") == {0: story[0], 1: "我们有个法国员工，居留许可1月15日到期。"}
    assert asks_of_someone_else(story, "他老婆最晚哪天申请延期？", "员工最晚哪天申请延期？")
