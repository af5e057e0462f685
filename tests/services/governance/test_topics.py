"""Hotline complaints sorted into delivery-related topics by rules staff can edit: realistic
complaint texts land in their topic with the rule and words shown, unrelated ones in none,
and a bad rule is refused with a message naming what is wrong (in Chinese too)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigcity.i18n import translations
from gigcity.services.errors import InvalidInput
from gigcity.services.governance.topics import (
    DEFAULT_RULES,
    DELIVERY,
    MAX_WORD_CHARS,
    MAX_WORDS,
    TOPIC_TITLES,
    Classified,
    Topic,
    TopicClassifier,
    TopicRule,
)

DEFAULT = TopicClassifier(DEFAULT_RULES)


def zh(message: str) -> str:
    return translations("zh_CN").gettext(message)


@pytest.mark.parametrize(
    ("text", "topic", "rule", "shown"),
    [
        (
            "铜川路1888号环宇城东门，每天中午外卖骑手的电瓶车乱停放，行人只能走机动车道。",
            Topic.parking,
            "parking",
            {"外卖", "骑手", "乱停放"},
        ),
        (
            "外卖小哥骑电动车在人行道上逆行，差点撞到老人，请交警管一管。",
            Topic.pavement,
            "pavement-traffic",
            {"外卖", "逆行"},
        ),
        (
            "快递员骑车冲上人行道，行人躲闪不及。",
            Topic.pavement,
            "pavement-riding",
            {"快递员", "骑车", "人行道"},
        ),
        (
            "半夜饿了么骑手在楼下按喇叭，吵得老人睡不着。",
            Topic.noise,
            "noise",
            {"饿了么", "骑手", "喇叭", "睡不着"},
        ),
        (
            "小区消防通道停满了外卖员的电动车，一旦着火后果不堪设想。",
            Topic.passage,
            "passage-fire",
            {"外卖员", "消防通道", "停满"},
        ),
        (
            "楼道里堆满快递，单元门也被堵住了，老人进出很不方便。",
            Topic.passage,
            "passage-blocked",
            {"快递", "楼道", "堆满", "堵住"},
        ),
        (
            "小区保安不让外卖员进门，双方在门口发生争吵，还互相辱骂。",
            Topic.conflict,
            "conflict-quarrel",
            {"外卖员", "争吵", "辱骂"},
        ),
        (
            "门卫不让美团骑手进小区送餐，骑手只能在门口等顾客下楼。",
            Topic.conflict,
            "conflict-gate",
            {"美团", "骑手", "门卫", "不让"},
        ),
        (
            "快递员把包裹放在门口就走了，也没有打电话通知。",
            Topic.other,
            "other-delivery",
            {"快递员"},
        ),
    ],
)
def test_complaints_land_in_their_topic_with_the_rule_and_words(
    text: str, topic: Topic, rule: str, shown: set[str]
) -> None:
    got = DEFAULT.classify(text)
    assert (got.topic, got.rule_id) == (topic, rule)
    assert shown <= set(got.words)
    assert all(w in text for w in got.words)  # only words that are really there are shown


@pytest.mark.parametrize(
    "text",
    [
        "邻居家装修噪音很大，晚上十点还在施工。",
        "小区门口共享单车乱停放，占用人行道。",
        "楼道里堆满杂物，堵塞消防通道。",
        "保安和业主发生争吵。",
        "",
        "   ",
    ],
)
def test_complaints_not_about_deliveries_get_no_topic(text: str) -> None:
    assert DEFAULT.classify(text) == Classified(topic=None, rule_id=None, words=())


def test_every_default_rule_needs_a_delivery_word_and_other_comes_last() -> None:
    delivery = set(DELIVERY)
    for rule in DEFAULT_RULES:
        assert any(set(group) <= delivery for group in rule.groups), rule.id
    last = max(DEFAULT_RULES, key=lambda r: r.priority)
    assert (last.topic, last.groups) == (Topic.other, (DELIVERY,))
    assert {r.topic for r in DEFAULT_RULES} == set(Topic)


def test_a_two_character_word_is_found_where_jieba_cuts_across_it() -> None:
    # jieba reads 东门外卖 as 东门外|卖 without being told better; the complaint is still
    # about a delivery.
    text = "东门外卖电瓶车乱停放"
    assert "外卖" in DEFAULT.found(text)
    assert DEFAULT.classify(text).topic == Topic.parking


def test_a_one_character_word_must_be_a_whole_word() -> None:
    noise = TopicRule.validated("noise", "noise", [["骑手"], ["吵"]])
    classifier = TopicClassifier([noise])
    assert classifier.classify("骑手在楼下打电话很吵").words == ("骑手", "吵")
    assert classifier.classify("骑手在楼下吵架").topic is None  # 吵架 is a quarrel
    riding = TopicClassifier([TopicRule.validated("ride", "pavement", [["骑"], ["人行道"]])])
    assert riding.classify("外卖员骑上人行道").topic == Topic.pavement
    assert riding.classify("骑手把车停在人行道").topic is None  # 骑 only inside 骑手


def test_a_quarrel_is_a_conflict_before_it_is_noise() -> None:
    got = DEFAULT.classify("外卖骑手在楼下大声吵架，影响居民休息。")
    assert (got.topic, got.rule_id) == (Topic.conflict, "conflict-quarrel")


def test_an_exclusion_word_stops_its_rule() -> None:
    rule = TopicRule.validated(
        "parking", Topic.parking, [["外卖"], ["停车"]], exclude=["停车场"], priority=1
    )
    classifier = TopicClassifier([rule])
    assert classifier.classify("外卖电动车随意停车").rule_id == "parking"
    assert classifier.classify("外卖电动车在停车场里停车").topic is None
    # The default guard rule: 保安 inside 确保安全 is no guard.
    guards = DEFAULT.classify("外卖平台应确保安全，不让骑手超时")
    assert guards.rule_id != "conflict-gate"


def test_the_first_rule_by_priority_then_id_wins() -> None:
    a = TopicRule.validated("a-noise", "noise", [["骑手"]], priority=5)
    b = TopicRule.validated("b-parking", "parking", [["骑手"]], priority=5)
    c = TopicRule.validated("c-conflict", "conflict", [["骑手"]], priority=1)
    assert TopicClassifier([a, b]).classify("骑手").rule_id == "a-noise"
    assert TopicClassifier([b, a]).classify("骑手").rule_id == "a-noise"
    assert TopicClassifier([a, b, c]).classify("骑手").rule_id == "c-conflict"


def test_text_and_words_are_compared_without_width_case_or_spaces() -> None:
    rule = TopicRule.validated("max", "other", [["ＭＡＸ骑手"]])
    classifier = TopicClassifier([rule])
    assert rule.groups == (("max骑手",),)
    assert classifier.classify("环宇城 Max 骑 手").words == ("max骑手",)
    spaced = "外 卖 骑 手　乱 停 放"  # with an ideographic space too
    assert DEFAULT.classify(spaced).topic == Topic.parking


def test_segment_gives_the_words_without_punctuation() -> None:
    words = DEFAULT.segment("外卖骑手，电瓶车乱停放！")
    assert "骑手" in words
    assert "乱停放" in words  # a rule word comes out whole
    assert not {"，", "！"} & set(words)


def test_threads_classifying_at_first_use_agree() -> None:
    rule = TopicRule.validated("threads", "noise", [["快递员"], ["吵"]])
    classifier = TopicClassifier([rule])  # a word set no tokenizer was built for yet
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(classifier.classify, ["快递员半夜很吵"] * 32))
    assert {(r.topic, r.words) for r in results} == {(Topic.noise, ("快递员", "吵"))}


# --- rules staff write --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field", "msgid_part"),
    [
        ({"groups": [["外卖"], []]}, "groups", "group {group} has no words"),
        ({"groups": []}, "groups", "needs at least one group"),
        ({"groups": [["外卖 骑手"]]}, "groups", "contains a space"),
        ({"groups": [["外卖"]], "exclude": ["停车 场"]}, "exclude", "contains a space"),
        ({"groups": [["外" * (MAX_WORD_CHARS + 1)]]}, "groups", "longer than {max}"),
        ({"groups": [["外卖"], [""]]}, "groups", "a word is empty"),
        ({"topic": "litter"}, "topic", "there is no topic"),
        ({"id": "Bad Id"}, "id", "id is 1 to {max}"),
        ({"id": ""}, "id", "id is 1 to {max}"),
        ({"priority": "first"}, "priority", "whole number"),
        ({"groups": "外卖"}, "groups", "list of lists"),
        ({"groups": [["外卖"]], "exclude": "停车场"}, "exclude", "words to exclude must be a list"),
        (
            {"groups": [[f"词{i}" for i in range(MAX_WORDS + 1)]]},
            "groups",
            "{count} words; at most {max}",
        ),
        ({"groups": [["外卖"]] * 11}, "groups", "{count} groups; at most {max}"),
    ],
)
def test_a_bad_rule_is_refused_by_name(
    kwargs: dict[str, object], field: str, msgid_part: str
) -> None:
    given_rule: dict[str, object] = {"id": "r1", "topic": "parking", "groups": [["外卖"]]}
    given_rule.update(kwargs)
    with pytest.raises(InvalidInput) as caught:
        TopicRule.validated(**given_rule)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert msgid_part in caught.value.message
    assert zh(caught.value.message) != caught.value.message  # it has a Chinese wording
    caught.value.message.format(**caught.value.params)  # the parameters fill it in


def test_a_classifier_checks_rules_built_directly_and_refuses_two_with_one_id() -> None:
    with pytest.raises(InvalidInput, match="group 1 has no words"):
        TopicClassifier([TopicRule(id="r", topic=Topic.noise, groups=((),))])
    rule = TopicRule.validated("r", "noise", [["骑手"]])
    with pytest.raises(InvalidInput) as caught:
        TopicClassifier([rule, rule])
    assert zh(caught.value.message) != caught.value.message


def test_topics_have_titles_in_both_languages() -> None:
    assert set(TOPIC_TITLES) == set(Topic)
    for title in TOPIC_TITLES.values():
        assert zh(title) != title


# --- properties ---------------------------------------------------------------------------

HAN = "外卖骑手快递送餐停车通道楼道喇叭保安争吵逆行人行电瓶门卫小区东南西北"
words = st.text(alphabet=HAN, min_size=2, max_size=5)
filler = st.text(alphabet="，。的了在很" + HAN, max_size=10)


@settings(max_examples=60, deadline=None)
@given(
    groups=st.lists(st.lists(words, min_size=1, max_size=4), min_size=1, max_size=4),
    picks=st.lists(st.integers(min_value=0, max_value=3), min_size=4, max_size=4),
    before=filler,
    after=filler,
)
def test_a_rule_whose_words_are_all_in_the_text_fires(
    groups: list[list[str]], picks: list[int], before: str, after: str
) -> None:
    rule = TopicRule.validated("prop", "other", groups)
    chosen = [group[pick % len(group)] for group, pick in zip(groups, picks, strict=False)]
    text = before + "，".join(chosen) + after
    got = TopicClassifier([rule]).classify(text)
    assert (got.topic, got.rule_id) == (Topic.other, "prop")
    assert set(chosen) <= set(got.words)


@settings(max_examples=60, deadline=None)
@given(
    text=st.sampled_from(
        [
            "外卖骑手的电瓶车乱停放，人行道过不去",
            "快递员骑车在人行道上逆行",
            "美团骑手半夜按喇叭",
            "楼道被外卖电动车堵住了",
            "门卫不让骑手进门，双方争吵",
            "邻居装修噪音很大",
        ]
    ),
    spaces=st.lists(st.integers(min_value=0, max_value=30), max_size=6),
)
def test_spaces_and_full_width_letters_do_not_change_the_topic(
    text: str, spaces: list[int]
) -> None:
    spaced = text
    for at in sorted(spaces, reverse=True):
        spaced = spaced[:at] + " " + spaced[at:]
    spaced = spaced.replace(",", "，")
    assert DEFAULT.classify(spaced) == DEFAULT.classify(text)
