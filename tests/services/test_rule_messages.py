"""The rules engine's messages at the edge: every message id in Chinese and English, each
parameter in the reader's units, money exact to the fen."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

from gigcity.i18n import format_money, translations
from gigcity.rules import (
    MESSAGES,
    Delivery,
    OrderFacts,
    day_statement,
    load_rulebook,
    quote_order,
    say,
    work_stretches,
)
from gigcity.services.rulebooks import message_text, value_text

RULES_PO = Path(__file__).resolve().parents[2] / "src/gigcity/locales/zh_CN/LC_MESSAGES/rules.po"
PUTUO = load_rulebook("putuo-2025")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
LATIN = re.compile(r"[A-Za-z]")
H, M = 3600, 60


@pytest.mark.parametrize("message_id", sorted(MESSAGES))
def test_every_message_id_has_chinese_and_english_text(message_id: str) -> None:
    """Fails for a new reason added to the engine without its Chinese translation."""
    english = MESSAGES[message_id]
    assert translations("en", "rules").gettext(english) == english
    chinese = translations("zh_CN", "rules").gettext(english)
    assert chinese != english, f"{message_id}: add its Chinese to rules.po"
    assert set(PLACEHOLDER.findall(chinese)) == set(PLACEHOLDER.findall(english)), message_id
    assert not LATIN.search(PLACEHOLDER.sub("", chinese)), f"{message_id}: {chinese}"


def test_the_catalogue_has_no_message_the_engine_no_longer_says() -> None:
    with RULES_PO.open("rb") as fh:
        catalogue = {m.id for m in read_po(fh) if m.id}
    assert catalogue == set(MESSAGES.values())


def test_a_quote_reads_in_chinese_with_chinese_units() -> None:
    order = OrderFacts(
        order_id="A7",
        distance_m=3800,
        weight_g=7000,
        floor=6,
        has_lift=False,
        at_s=23 * H,
        traffic_control_detour_m=800,
        traffic_control_detour_s=300,
    )
    texts = {line.clause: message_text(line.message, "zh_CN") for line in quote_order(PUTUO, order).lines if line.message}  # fmt: skip
    assert (
        texts["pricing.distance_tiers"] == "配送距离3.8公里：2公里按每公里¥1.00；800米按每公里¥1.50"
    )
    assert texts["pricing.weight_tiers"] == "订单重量7千克：2千克按每千克¥0.50；分档加价¥2.00"
    assert texts["pricing.stairs"] == "无电梯爬楼5层，其中2层不计补贴，3层按每层¥0.50计"
    assert texts["pricing.traffic_control_detour"] == "交通管制绕行：多骑800米，多用5分钟"
    for text in texts.values():
        assert not LATIN.search(text), text


def test_a_statement_and_its_scores_read_in_chinese() -> None:
    late = Delivery(
        order=OrderFacts(order_id="B1", distance_m=2400, at_s=11 * H),
        promised_at_s=12 * H,
        delivered_at_s=12 * H + 25 * M,
        late_cause="traffic_control",
    )
    on_time = Delivery(
        order=OrderFacts(order_id="B2", distance_m=900, at_s=13 * H),
        promised_at_s=14 * H,
        delivered_at_s=13 * H + 40 * M,
    )
    statement = day_statement(PUTUO, [late, on_time], [])
    reasons = [r for d in statement.deliveries for r in d.score.reasons]
    texts = [message_text(r.message, "zh_CN") for r in reasons if r.message]
    assert texts == ["超时25分钟，因交通管制免责（+0分）", "准时送达：+1分"]
    hourly = statement.lines[-1].message
    assert hourly is not None
    assert message_text(hourly, "zh_CN").startswith(
        "每小时最低收入：有效时长0秒（按接单配送时间计）"
    )
    english = message_text(hourly, "en")
    assert english == statement.lines[-1].text


def test_a_breach_reads_in_both_languages() -> None:
    work = [(9 * H, 11 * H), (11 * H + 10 * M, 14 * H + 20 * M), (15 * H, 16 * H)]
    breach = work_stretches(PUTUO, work)[0]
    main, rest = (r.message for r in breach.reasons)
    assert main is not None
    assert rest is not None
    assert message_text(main, "zh_CN") == (
        "09:00至14:20连续工作5小时20分钟，中间没有休息：超出240分钟（4小时）达1小时20分钟；"
        "本应在13:00休息20分钟"
    )
    assert message_text(rest, "zh_CN") == "14:20至15:00休息40分钟"
    assert message_text(main, "en") == breach.reasons[0].text


def test_a_clock_time_past_midnight_names_the_day() -> None:
    assert value_text("until_at", 86_400 + 70 * M, "zh_CN") == "次日01:10"
    assert value_text("until_at", 86_400 + 70 * M, "en") == "01:10 (day 1)"
    text = message_text(say("fatigue.rest_first", rest_min=20, until_at=86_400 + 70 * M), "zh_CN")
    assert text == "先休息20分钟；次日01:10起可再接单"


def _fen_back(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("-").removeprefix("¥").replace(",", "")
    return sign * int(Decimal(digits) * 100)


@given(st.integers(min_value=-(10**12), max_value=10**12), st.sampled_from(["zh_CN", "en"]))
def test_money_is_exact_to_the_fen_with_its_sign(fen: int, locale: str) -> None:
    text = format_money(fen, locale)
    assert _fen_back(text) == fen
    assert re.fullmatch(r"-?¥\d{1,3}(,\d{3})*\.\d{2}", text), text
    assert text.startswith("-") == (fen < 0)
    assert value_text("amount_fen", fen, locale) == text


@given(st.integers(min_value=0, max_value=7 * 86_400))
def test_durations_read_the_same_amount_in_both_languages(seconds: int) -> None:
    def minutes_of(text: str) -> int:
        hours = re.search(r"(\d+)(?: h|小时)", text)
        mins = re.search(r"(\d+)(?: min|分钟)", text)
        return (int(hours[1]) if hours else 0) * 60 + (int(mins[1]) if mins else 0)

    zh, en = value_text("wait_s", seconds, "zh_CN"), value_text("wait_s", seconds, "en")
    if seconds >= 60:
        assert minutes_of(zh) == minutes_of(en) == seconds // 60
    assert not LATIN.search(zh)
