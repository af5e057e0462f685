"""Which delivery-related topic a 12345 hotline complaint is about, by rules staff can edit.

A rule is groups of words over the complaint's text as jieba segments it: it fires when
every group has at least one of its words in the text and none of its `exclude` words is.
The first rule by (priority, id) that fires decides the topic; no rule firing means the
complaint is not about deliveries at all. Every default rule has a delivery-context group
(外卖, 骑手, 快递员 …), so a complaint about a neighbour's e-bike stays out.

When is a word "in the text"? The text and the words are normalised alike (NFKC, case
folded, whitespace removed), then:

- a word of two or more characters is found wherever it occurs in the text. jieba's
  segmentation around a word depends on its neighbours (东门外卖 comes out as 东门外|卖,
  外卖员 as one word), so asking for a segmented word would miss complaints a reader sees
  at once; the price is the rare accidental overlap (保安 inside 确保安全), which a rule
  answers with an `exclude` word;
- a word of one character must be a whole segmented word: 吵 fires on 很吵 (很|吵) but not
  on 吵架, and 骑 on 骑上人行道 (骑|上|人行道) but not on 骑手.

Segmentation uses a private jieba tokenizer (never jieba's global one) that knows the
rules' words, so they come out whole, and cuts without jieba's HMM (which would glue 很|吵
into an unknown word 很吵). jieba's dictionary is loaded once per process, at first use
(about a second); a classifier segments a text only when a one-character word occurs in
it, so 100,000 complaints of 60-70 characters take about 8-10 s on one core.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

from gigcity.i18n import N_
from gigcity.services.errors import InvalidInput


class Topic(StrEnum):
    parking = "parking"  # e-bikes parked badly
    pavement = "pavement"  # riding on pavements, against the traffic, too fast
    noise = "noise"
    passage = "passage"  # fire passages, corridors and gates blocked
    conflict = "conflict"  # disputes with residents, guards, customers
    other = "other"  # about deliveries, none of the above


TOPIC_TITLES: dict[Topic, str] = {
    Topic.parking: N_("Parking"),
    Topic.pavement: N_("Riding on pavements"),
    Topic.noise: N_("Noise"),
    Topic.passage: N_("Blocked passages"),
    Topic.conflict: N_("Delivery conflicts"),
    Topic.other: N_("Other delivery-related"),
}

MAX_WORD_CHARS = 20
MAX_WORDS = 200  # in one rule, groups and exclusions together
MAX_GROUPS = 10
MAX_ID_CHARS = 40
_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The form texts and words are compared in: NFKC (full-width letters and digits become
    ASCII), case folded, no whitespace."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text).casefold())


@dataclass(frozen=True)
class TopicRule:
    """Fires when each group has a word in the text and no `exclude` word is there.

    Build one from staff's input with `TopicRule.validated`, which normalises the words
    and says what is wrong; a classifier checks the rules it is given the same way."""

    id: str
    topic: Topic
    groups: tuple[tuple[str, ...], ...]
    exclude: tuple[str, ...] = ()
    priority: int = 100  # lower first

    @classmethod
    def validated(
        cls,
        id: str,
        topic: Topic | str,
        groups: Iterable[Iterable[str]],
        exclude: Iterable[str] = (),
        priority: int = 100,
    ) -> TopicRule:
        """A rule from loose input, or InvalidInput naming the field and the problem."""
        if not isinstance(id, str) or not 0 < len(id) <= MAX_ID_CHARS or not _ID.fullmatch(id):
            raise InvalidInput(
                N_(
                    "A topic rule's id is 1 to {max} lower-case letters, digits, dashes or "
                    "underscores; “{id}” is not."
                ),
                field="id",
                id=id,
                max=MAX_ID_CHARS,
            )
        try:
            the_topic = Topic(topic)
        except ValueError:
            raise InvalidInput(
                N_("Rule {rule}: there is no topic “{topic}” (known: {known})."),
                field="topic",
                rule=id,
                topic=topic,
                known=", ".join(t.value for t in Topic),
            ) from None
        if isinstance(priority, bool) or not isinstance(priority, int):
            raise InvalidInput(
                N_("Rule {rule}: the priority must be a whole number."),
                field="priority",
                rule=id,
            )
        clean_groups = tuple(
            tuple(_checked_word(id, "groups", w) for w in _words(id, "groups", g))
            for g in _groups(id, groups)
        )
        if not clean_groups:
            raise InvalidInput(
                N_("Rule {rule} needs at least one group of words."), field="groups", rule=id
            )
        if len(clean_groups) > MAX_GROUPS:
            raise InvalidInput(
                N_("Rule {rule} has {count} groups; at most {max} are allowed."),
                field="groups",
                rule=id,
                count=len(clean_groups),
                max=MAX_GROUPS,
            )
        for number, group in enumerate(clean_groups, start=1):
            if not group:
                raise InvalidInput(
                    N_("Rule {rule}: group {group} has no words."),
                    field="groups",
                    rule=id,
                    group=number,
                )
        clean_exclude = tuple(
            _checked_word(id, "exclude", w) for w in _words(id, "exclude", exclude)
        )
        count = sum(len(g) for g in clean_groups) + len(clean_exclude)
        if count > MAX_WORDS:
            raise InvalidInput(
                N_("Rule {rule} has {count} words; at most {max} are allowed."),
                field="groups",
                rule=id,
                count=count,
                max=MAX_WORDS,
            )
        return cls(
            id=id,
            topic=the_topic,
            groups=tuple(_unique(g) for g in clean_groups),
            exclude=_unique(clean_exclude),
            priority=priority,
        )

    def revalidated(self) -> TopicRule:
        """This rule checked and normalised as `validated` does (for rules built directly)."""
        return TopicRule.validated(self.id, self.topic, self.groups, self.exclude, self.priority)

    @property
    def words(self) -> frozenset[str]:
        return frozenset(w for g in self.groups for w in g) | frozenset(self.exclude)


_NOT_GROUPS = N_("Rule {rule}: the groups must be a list of lists of words.")
_NOT_WORDS = {
    "groups": _NOT_GROUPS,
    "exclude": N_("Rule {rule}: the words to exclude must be a list of words."),
}


def _groups(rule: str, groups: Any) -> list[Any]:
    if isinstance(groups, str) or not isinstance(groups, Iterable):
        raise InvalidInput(_NOT_GROUPS, field="groups", rule=rule)
    return list(groups)


def _words(rule: str, field: str, words: Any) -> list[Any]:
    """A list of words (a plain string is one word too many ways: refused)."""
    if isinstance(words, str) or not isinstance(words, Iterable):
        raise InvalidInput(_NOT_WORDS[field], field=field, rule=rule)
    return list(words)


def _checked_word(rule: str, field: str, word: Any) -> str:
    if not isinstance(word, str) or not word.strip():
        raise InvalidInput(N_("Rule {rule}: a word is empty."), field=field, rule=rule)
    if _SPACE.search(word.strip()):
        raise InvalidInput(
            N_("Rule {rule}: the word “{word}” contains a space."),
            field=field,
            rule=rule,
            word=word,
        )
    clean = normalise(word)
    if len(clean) > MAX_WORD_CHARS:
        raise InvalidInput(
            N_("Rule {rule}: the word “{word}” is longer than {max} characters."),
            field=field,
            rule=rule,
            word=word,
            max=MAX_WORD_CHARS,
        )
    return clean


def _inside(word: str, words: frozenset[str]) -> frozenset[str]:
    """The words of `words` that occur in `word` (itself included): at most 210 substrings
    of a 20-character word, however many words the rules have."""
    n = len(word)
    return frozenset(word[i:j] for i in range(n) for j in range(i + 1, n + 1) if word[i:j] in words)


def _unique(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(words))


@dataclass(frozen=True)
class Classified:
    """The topic of a complaint (None: not about deliveries), the rule that said so and the
    words it fired on, to show staff why."""

    topic: Topic | None
    rule_id: str | None
    words: tuple[str, ...] = ()


NOT_DELIVERY = Classified(topic=None, rule_id=None)


@dataclass(frozen=True)
class _Compiled:
    rule: TopicRule
    groups: tuple[frozenset[str], ...]
    exclude: frozenset[str]
    words: frozenset[str]


class TopicClassifier:
    """Classifies complaint texts by `rules`: the first by (priority, id) that fires."""

    def __init__(self, rules: Sequence[TopicRule]) -> None:
        checked = sorted((r.revalidated() for r in rules), key=lambda r: (r.priority, r.id))
        seen: set[str] = set()
        for rule in checked:
            if rule.id in seen:
                raise InvalidInput(
                    N_("Two topic rules have the id {rule}."), field="id", rule=rule.id
                )
            seen.add(rule.id)
        self.rules: tuple[TopicRule, ...] = tuple(checked)
        self._compiled = tuple(
            _Compiled(r, tuple(frozenset(g) for g in r.groups), frozenset(r.exclude), r.words)
            for r in checked
        )
        words: frozenset[str] = frozenset().union(*(r.words for r in checked))
        self._words = words
        self._single = frozenset(w for w in words if len(w) == 1)
        # Every word that occurs in the text is a prefix of the longest word starting where
        # it starts, so one scan for the longest word at each position finds them all.
        longest_first = sorted(words, key=lambda w: (-len(w), w))
        self._scan = (
            re.compile("(?=(" + "|".join(map(re.escape, longest_first)) + "))") if words else None
        )
        self._inside = {w: _inside(w, words) for w in words}
        self._tokenizer: Any = None  # at the first text that needs it

    def segment(self, text: str) -> list[str]:
        """The words of `text` (normalised) as this classifier's tokenizer cuts them,
        without punctuation."""
        return [w for w in self._cut(normalise(text)) if any(c.isalnum() for c in w)]

    def _cut(self, norm: str) -> list[str]:
        # Without jieba's HMM: it may glue single characters it does not know into a new
        # word (很|吵 → 很吵), and it is the slower half of jieba.
        if self._tokenizer is None:
            self._tokenizer = _tokenizer(self._words)
        words: list[str] = self._tokenizer.lcut(norm, HMM=False)
        return words

    def _present(self, norm: str) -> set[str]:
        """The rules' words occurring in `norm` as substrings."""
        present: set[str] = set()
        if self._scan is not None:
            for m in self._scan.finditer(norm):
                present |= self._inside[m.group(1)]
        return present

    def found(self, text: str) -> frozenset[str]:
        """The rules' words that are in `text` (see the module's note for what that means)."""
        norm = normalise(text)
        present = self._present(norm)
        singles = present & self._single
        if singles:
            present -= singles - set(self._cut(norm))
        return frozenset(present)

    def classify(self, text: str) -> Classified:
        norm = normalise(text)
        present = self._present(norm)
        if not present:
            return NOT_DELIVERY
        # A one-character word needs the segmentation; most texts are decided without it.
        cut: set[str] | None = None

        def has(words: frozenset[str]) -> bool:
            nonlocal cut
            hits = words & present
            if not hits or hits - self._single:
                return bool(hits)
            if cut is None:
                cut = set(self._cut(norm))
            return bool(hits & cut)

        for c in self._compiled:
            if c.exclude and has(c.exclude):
                continue
            if all(has(g) for g in c.groups):
                if cut is None and any(w in present for w in self._single & c.words):
                    cut = set(self._cut(norm))
                found = present if cut is None else present - (self._single - cut)
                words = _unique(w for g in c.rule.groups for w in g if w in found)
                return Classified(topic=c.rule.topic, rule_id=c.rule.id, words=words)
        return NOT_DELIVERY


# --- the tokenizer -----------------------------------------------------------------------

_lock = threading.Lock()
# jieba ships no type hints: its tokenizer is Any here.
_base: Any = None


def _base_tokenizer() -> Any:
    """jieba's dictionary, loaded once per process (about a second)."""
    global _base
    with _lock:
        if _base is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict" lines
            base = jieba.Tokenizer()
            base.initialize()
            _base = base
        return _base


_tokenizer_lock = threading.Lock()


def _tokenizer(words: frozenset[str]) -> Any:
    with _tokenizer_lock:
        return _tokenizer_knowing(words)


@lru_cache(maxsize=2)  # about 15 MB each: the current rules and the last
def _tokenizer_knowing(words: frozenset[str]) -> Any:
    """A tokenizer of its own for one set of rule words: a copy of the base dictionary
    (tens of milliseconds) with the words added, so that editing the rules never changes
    how older classifiers cut, and jieba's global tokenizer is left alone."""
    import jieba

    base = _base_tokenizer()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ = dict(base.FREQ)
    tokenizer.total = base.total
    tokenizer.initialized = True
    for word in sorted(words):  # sorted: the frequencies jieba suggests depend on order
        tokenizer.add_word(word)
    return tokenizer


# --- the default rules -------------------------------------------------------------------

DELIVERY = (
    "外卖", "外卖员", "外卖小哥", "骑手", "送餐", "送餐员", "快递", "快递员", "快递小哥",
    "配送员", "送货员", "派件", "闪送", "跑腿", "美团", "饿了么", "蜂鸟", "顺丰", "京东快递",
    "盒马", "叮咚买菜",
)  # fmt: skip

_RULES: tuple[tuple[str, Topic, tuple[tuple[str, ...], ...], tuple[str, ...], int], ...] = (
    (
        "conflict-quarrel",
        Topic.conflict,
        (
            DELIVERY,
            (
                "争吵", "吵架", "冲突", "辱骂", "谩骂", "骂人", "对骂", "打架", "殴打", "动手",
                "推搡", "口角", "争执", "纠纷", "威胁", "态度恶劣", "态度差", "刁难",
            ),
        ),
        (),
        10,
    ),
    (
        "conflict-gate",
        Topic.conflict,
        (
            DELIVERY,
            ("保安", "门卫", "物业", "居民", "业主", "顾客", "客户", "商家"),
            ("不让进", "不让", "不准", "阻拦", "拦住", "拦下", "禁止进入", "为难", "矛盾"),
        ),
        ("确保安全",),  # 保安 inside 确保安全 is no guard
        11,
    ),
    (
        "passage-fire",
        Topic.passage,
        (
            DELIVERY,
            ("消防通道", "生命通道", "安全通道", "疏散通道", "安全出口", "消防车道"),
            (
                "占用", "占据", "堵", "堵塞", "堵住", "堵死", "挡住", "阻塞", "堆放", "堆满",
                "停", "停放", "停满", "停车", "乱停", "违停", "充电",
            ),
        ),
        (),
        20,
    ),
    (
        "passage-blocked",
        Topic.passage,
        (
            DELIVERY,
            (
                "通道", "楼道", "走廊", "过道", "楼梯", "出入口", "单元门", "大门", "车库入口",
                "门禁",
            ),
            (
                "堵", "堵塞", "堵住", "堵死", "占用", "挡住", "阻塞", "堆放", "堆满",
                "无法通行", "进不去", "出不去", "不能通行",
            ),
        ),
        (),
        21,
    ),
    (
        "passage-charging",
        Topic.passage,
        (DELIVERY, ("楼道", "走廊", "过道", "电梯", "楼梯", "室内"), ("充电", "飞线")),
        (),
        22,
    ),
    (
        "pavement-traffic",
        Topic.pavement,
        (
            DELIVERY,
            (
                "逆行", "飞车", "超速", "车速快", "车速很快", "车速太快", "闯红灯", "横冲直撞",
                "抢道", "蛇形", "危险驾驶", "快速骑行",
            ),
        ),
        (),
        30,
    ),
    (
        "pavement-riding",
        Topic.pavement,
        (
            DELIVERY,
            ("骑", "骑行", "骑车", "开", "开车", "行驶", "穿行", "冲上"),
            ("人行道", "步行道", "盲道", "步行街", "斑马线", "绿化带", "广场"),
        ),
        (),
        31,
    ),
    (
        "pavement-danger",
        Topic.pavement,
        (
            DELIVERY,
            ("骑", "骑行", "骑车", "穿行", "穿过", "冲过"),
            ("危险", "安全隐患", "撞到", "撞倒", "撞伤", "差点撞", "躲闪", "吓"),
        ),
        (),
        32,
    ),
    (
        "parking",
        Topic.parking,
        (
            DELIVERY,
            (
                "乱停", "乱停放", "乱停乱放", "违停", "违规停放", "随意停放", "停放", "停车",
                "停满", "停在", "停得", "乱放", "占道", "占用人行道", "横七竖八",
            ),
        ),
        (),
        40,
    ),
    (
        "noise",
        Topic.noise,
        (
            DELIVERY,
            (
                "噪音", "噪声", "吵", "吵闹", "喧哗", "大声", "喇叭", "鸣笛", "按喇叭", "喊叫",
                "大喊", "扰民", "外放", "吵醒", "睡不着", "睡不好", "声音很大", "声音太大",
                "声音大", "影响休息", "提示音",
            ),
        ),
        (),
        50,
    ),
    ("other-delivery", Topic.other, (DELIVERY,), (), 900),
)  # fmt: skip

DEFAULT_RULES: tuple[TopicRule, ...] = tuple(
    TopicRule.validated(rid, topic, groups, exclude, priority)
    for rid, topic, groups, exclude, priority in _RULES
)
"""The shipped rules for Shanghai hotline language about riders and couriers; staff start
from them and edit."""
