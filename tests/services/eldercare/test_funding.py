"""Who pays for a meal: splits that always add up to the price within every cap, rules that
say which field is wrong, and monthly statements that reconcile to the meals delivered."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from gigcity.services.eldercare.funding import (
    PAYERS,
    Funder,
    FundingRule,
    MealCharge,
    MealStatus,
    Share,
    Split,
    Title,
    load_funding_rule,
    monthly_statement,
    split,
)
from gigcity.services.errors import InvalidInput

PUTUO_LIKE = """
name: putuo-meals-2026
subsidy:
  low_income: {fixed_fen: 1000}
  over_80: {fixed_fen: 500}
  disabled: {per_mille: 500, cap_fen: 900}
  standard: {}
category_titles:
  low_income: {zh_CN: 低保、低收入, en: Low income}
  over_80: {zh_CN: 80岁以上, en: Aged 80 or over}
  disabled: {zh_CN: 失能, en: Disabled}
  standard: {zh_CN: 一般老人, en: Other older people}
enterprise: {fixed_fen: 200}
charity: {per_mille: 100}
copay_floor_fen: 100
copay_ceiling_fen: 800
"""


def putuo() -> FundingRule:
    return load_funding_rule(yaml.safe_load(PUTUO_LIKE))


def putuo_with(category: str, share: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(PUTUO_LIKE)
    data["subsidy"][category] = share
    return data


def test_a_rule_read_from_yaml_splits_a_15_yuan_meal_by_category() -> None:
    rule = putuo()
    assert rule.categories() == ["disabled", "low_income", "over_80", "standard"]
    assert rule.category_title("over_80", "zh_CN") == "80岁以上"
    assert rule.category_title("over_80", "en") == "Aged 80 or over"
    low = split(1500, "low_income", rule)
    # subsidy 10 yuan, enterprise 2 yuan, charity 10 % = 1.50; the older person pays 1.50
    assert (low.subsidy_fen, low.enterprise_fen, low.charity_fen, low.copay_fen) == (
        1000,
        200,
        150,
        150,
    )
    standard = split(1500, "standard", rule)
    # 11.50 would be left to pay; the ceiling of 8 yuan means the charity fund pays 3.50 more
    assert standard.copay_fen == 800
    assert standard.charity_fen == 150 + 350
    assert standard.rule == "putuo-meals-2026"


def test_the_copay_floor_is_kept_back_before_funders_pay() -> None:
    rule = putuo()
    meal = split(1200, "low_income", rule)
    # subsidy 10 + enterprise 2 would cover it all; the floor of 1 yuan stays with the person
    assert meal.copay_fen == 100
    assert meal.subsidy_fen == 1000
    assert meal.enterprise_fen == 100  # it pays what is left after the subsidy
    assert meal.charity_fen == 0
    cheap = split(60, "low_income", rule)
    assert cheap.copay_fen == 60  # a floor above the price: the person pays the price, no more


def test_a_cap_limits_a_share() -> None:
    meal = split(3000, "disabled", putuo())
    assert meal.subsidy_fen == 900  # half of 30 yuan, capped at 9


def test_rounding_remainders_go_to_the_named_funder() -> None:
    thirds = {"per_mille": 333}
    data: dict[str, Any] = {
        "name": "thirds",
        "subsidy": {"standard": {"per_mille": 334}},
        "category_titles": {"standard": {"zh_CN": "一般", "en": "Standard"}},
        "enterprise": thirds,
        "charity": thirds,
    }
    # 1001 fen: the shares add up to 1000 ‰, i.e. 1001 fen, but each rounds down (334+333+333)
    to_copay = split(1001, "standard", load_funding_rule(data))
    assert to_copay.parts() == {
        Funder.subsidy: 334,
        Funder.enterprise: 333,
        Funder.charity: 333,
        Funder.copay: 1,
    }
    to_subsidy = split(1001, "standard", load_funding_rule(data | {"remainder_to": "subsidy"}))
    assert to_subsidy.subsidy_fen == 335
    assert to_subsidy.copay_fen == 0


def test_payers_pay_in_the_rule_s_order_when_the_price_runs_out() -> None:
    data: dict[str, Any] = {
        "name": "order",
        "subsidy": {"standard": {"fixed_fen": 600}},
        "category_titles": {"standard": {"zh_CN": "一般", "en": "Standard"}},
        "enterprise": {"fixed_fen": 600},
    }
    first = split(1000, "standard", load_funding_rule(data))
    assert (first.subsidy_fen, first.enterprise_fen) == (600, 400)
    flipped = load_funding_rule(data | {"order": ["enterprise", "subsidy", "charity"]})
    second = split(1000, "standard", flipped)
    assert (second.subsidy_fen, second.enterprise_fen) == (400, 600)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (putuo_with("low_income", {"per_mille": 1200}), "subsidy.low_income.per_mille"),
        (putuo_with("over_80", {"per_mille": 950}), "subsidy.over_80.per_mille"),
        (putuo_with("Over 80", {}), "subsidy"),
        (putuo_with("veteran", {}), "category_titles.veteran"),
        (yaml.safe_load(PUTUO_LIKE) | {"enterprise": {"fixed_fen": "200"}}, "enterprise.fixed_fen"),
        (yaml.safe_load(PUTUO_LIKE) | {"enterprise": {"fixed_fen": -1}}, "enterprise.fixed_fen"),
        (yaml.safe_load(PUTUO_LIKE) | {"charity": {"cap_fen": 500}}, "charity.cap_fen"),
        (yaml.safe_load(PUTUO_LIKE) | {"copay_floor_fen": 900}, "copay_floor_fen"),
        (yaml.safe_load(PUTUO_LIKE) | {"subsidy": {}}, "subsidy"),
        (
            yaml.safe_load(PUTUO_LIKE) | {"order": ["subsidy", "subsidy", "charity"]},
            "order",
        ),
        (yaml.safe_load(PUTUO_LIKE) | {"ceiling_top_up": "copay"}, "ceiling_top_up"),
        (yaml.safe_load(PUTUO_LIKE) | {"subsidy_categories": {}}, "subsidy_categories"),
        (
            yaml.safe_load(PUTUO_LIKE) | {"category_titles": {"over_80": {"en": "Over 80"}}},
            "category_titles.over_80.zh_CN",
        ),
    ],
)
def test_a_bad_rule_is_refused_naming_the_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        load_funding_rule(data)
    assert caught.value.field == field
    assert field in str(caught.value)


def test_a_category_without_titles_is_refused() -> None:
    data = yaml.safe_load(PUTUO_LIKE)
    del data["category_titles"]["disabled"]
    with pytest.raises(InvalidInput) as caught:
        load_funding_rule(data)
    assert caught.value.field == "category_titles.disabled"
    assert "needs a title" in str(caught.value)


def test_an_unknown_category_or_a_bad_price_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        split(1500, "veteran", putuo())
    assert caught.value.field == "category"
    assert "veteran" in str(caught.value)
    with pytest.raises(InvalidInput) as caught:
        split(-1, "standard", putuo())
    assert caught.value.field == "price_fen"


@st.composite
def rules(draw: st.DrawFn) -> FundingRule:
    """Any valid rule: per-mille shares within 1000 ‰, caps anywhere, a floor and ceiling."""
    money = st.integers(0, 3000)
    caps = st.none() | money

    def share(per_mille_left: int, cap: st.SearchStrategy[int | None] = caps) -> Share:
        return Share(
            fixed_fen=draw(money),
            per_mille=draw(st.integers(0, per_mille_left)),
            cap_fen=draw(cap),
        )

    enterprise = share(1000)
    charity = share(1000 - enterprise.per_mille)
    left = 1000 - enterprise.per_mille - charity.per_mille
    names = draw(st.lists(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), min_size=1))
    subsidy = {name: share(left) for name in names}
    floor = draw(money)
    ceiling = draw(st.none() | st.integers(floor, 6000))
    top_up = draw(st.sampled_from(PAYERS))
    if ceiling is not None:  # whoever tops up the co-pay has no cap (the rule insists)
        if top_up is Funder.subsidy:
            subsidy = {n: s.model_copy(update={"cap_fen": None}) for n, s in subsidy.items()}
        elif top_up is Funder.enterprise:
            enterprise = enterprise.model_copy(update={"cap_fen": None})
        else:
            charity = charity.model_copy(update={"cap_fen": None})
    return FundingRule(
        name="drawn",
        subsidy=subsidy,
        category_titles={name: Title(zh_CN=name, en=name) for name in subsidy},
        enterprise=enterprise,
        charity=charity,
        order=tuple(draw(st.permutations(PAYERS))),
        remainder_to=draw(st.sampled_from(list(Funder))),
        copay_floor_fen=floor,
        copay_ceiling_fen=ceiling,
        ceiling_top_up=top_up,
    )


prices = st.integers(0, 1_000_000)


def shares_of(rule: FundingRule, category: str) -> dict[Funder, Share]:
    return {
        Funder.subsidy: rule.subsidy[category],
        Funder.enterprise: rule.enterprise,
        Funder.charity: rule.charity,
    }


@given(rule=rules(), price=prices, data=st.data())
def test_every_split_adds_up_within_caps_floor_and_ceiling(
    rule: FundingRule, price: int, data: st.DataObject
) -> None:
    category = data.draw(st.sampled_from(rule.categories()))
    meal = split(price, category, rule)
    parts = meal.parts()
    assert sum(parts.values()) == price
    assert all(fen >= 0 for fen in parts.values())
    for payer, share in shares_of(rule, category).items():
        if share.cap_fen is not None:
            assert parts[payer] <= share.cap_fen
    assert meal.copay_fen >= min(rule.copay_floor_fen, price)
    if rule.copay_ceiling_fen is not None:
        assert meal.copay_fen <= rule.copay_ceiling_fen


@given(rule=rules(), price=prices, data=st.data())
def test_a_funder_never_pays_more_than_it_is_due_unless_it_tops_up(
    rule: FundingRule, price: int, data: st.DataObject
) -> None:
    category = data.draw(st.sampled_from(rule.categories()))
    meal = split(price, category, rule)
    for payer, share in shares_of(rule, category).items():
        if payer is rule.ceiling_top_up and rule.copay_ceiling_fen is not None:
            continue
        rounding = 2 if payer is rule.remainder_to else 0
        assert meal.part(payer) <= share.due(price) + rounding


@given(rule=rules(), price=prices, data=st.data())
def test_the_same_meal_and_rule_give_the_same_split(
    rule: FundingRule, price: int, data: st.DataObject
) -> None:
    category = data.draw(st.sampled_from(rule.categories()))
    reloaded = load_funding_rule(rule.model_dump(mode="json"))
    assert reloaded == rule
    assert split(price, category, reloaded) == split(price, category, rule)


@given(
    rule=rules(),
    meals=st.lists(st.tuples(prices, st.sampled_from(list(MealStatus)), st.integers(0, 99))),
)
def test_a_statement_is_the_sum_of_the_delivered_meals_splits(
    rule: FundingRule, meals: list[tuple[int, MealStatus, int]]
) -> None:
    categories = rule.categories()
    charges = [
        MealCharge(
            meal_id=i, status=status, split=split(price, categories[pick % len(categories)], rule)
        )
        for i, (price, status, pick) in enumerate(meals)
    ]
    statement = monthly_statement(charges)
    delivered = [c.split for c in charges if c.status is MealStatus.delivered]
    for funder in Funder:
        assert statement.totals[funder] == sum(s.part(funder) for s in delivered)
    assert (
        statement.total_fen == statement.delivered_price_fen == sum(s.price_fen for s in delivered)
    )
    assert sum(statement.subsidy_by_category.values()) == statement.totals[Funder.subsidy]
    # every meal keeps its line, in order; one not delivered is charged nothing
    assert [line.meal_id for line in statement.lines] == list(range(len(meals)))
    for line in statement.lines:
        if line.status is not MealStatus.delivered:
            assert set(line.charged.values()) <= {0}
    assert sum(statement.meals_by_status.values()) == len(meals)


def test_a_cancelled_meal_stays_on_the_statement_at_no_charge() -> None:
    rule = putuo()
    charges = [
        MealCharge("m1", MealStatus.delivered, split(1500, "over_80", rule)),
        MealCharge("m2", MealStatus.cancelled, split(1500, "over_80", rule)),
    ]
    statement = monthly_statement(charges)
    assert statement.meals_by_status[MealStatus.cancelled] == 1
    cancelled = statement.lines[1]
    assert cancelled.meal_id == "m2"
    assert cancelled.price_fen == 1500
    assert sum(cancelled.charged.values()) == 0
    assert statement.total_fen == 1500
    assert statement.subsidy_by_category == {"over_80": 500}


def test_a_meal_listed_twice_is_not_charged_twice() -> None:
    meal = MealCharge(7, MealStatus.delivered, split(1500, "standard", putuo()))
    with pytest.raises(InvalidInput) as caught:
        monthly_statement([meal, meal])
    assert caught.value.field == "meals"


def test_a_split_that_does_not_add_up_cannot_be_made() -> None:
    with pytest.raises(ValueError, match="add up"):
        Split(1500, "standard", 1000, 200, 200, 200, "r")
    with pytest.raises(ValueError, match=">= 0"):
        Split(100, "standard", 200, 0, 0, -100, "r")
