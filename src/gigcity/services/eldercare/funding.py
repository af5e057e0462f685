"""Who pays for a meal: its price in fen split by rule between the government subsidy (by the
older person's subsidy category), an enterprise, the charity fund and the older person's
co-pay; and the month's statement per funder, counted from delivered meals only.

Pure and database-free: a rule is data (validated once at load, errors naming the field), a
split is integers that always add up to the price, and the same input gives the same split.

How a split is worked out (`split`):

1. Each payer (subsidy, enterprise, charity) is due `fixed_fen` plus `per_mille` of the
   price, rounded down. The fen the per-mille shares lose to rounding together (at most two)
   go to `remainder_to`.
2. The co-pay floor is kept back for the older person (never more than the price); the payers
   then take what they are due, in `order`, each up to its `cap_fen` and up to what is left.
3. The older person pays the rest; above `copay_ceiling_fen`, the `ceiling_top_up` payer
   (which therefore may have no cap) pays the difference.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from gigcity.i18n import N_
from gigcity.services.errors import InvalidInput


class Funder(StrEnum):
    subsidy = "subsidy"  # the government subsidy, by the older person's category
    enterprise = "enterprise"
    charity = "charity"  # the charity fund
    copay = "copay"  # the older person (or their family)


PAYERS = (Funder.subsidy, Funder.enterprise, Funder.charity)
"""The funders other than the older person, in the default order they pay."""

FUNDER_TEXTS: dict[Funder, str] = {
    Funder.subsidy: N_("Government subsidy"),
    Funder.enterprise: N_("Enterprise"),
    Funder.charity: N_("Charity fund"),
    Funder.copay: N_("Co-pay by the older person"),
}

Fen = Annotated[int, Field(strict=True, ge=0)]
_CATEGORY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class RuleFieldError(ValueError):
    """A rule check that spans fields, naming the one to change."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class Share(BaseModel):
    """What one payer is due for a meal: a fixed amount plus a share, up to a cap."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fixed_fen: Fen = 0
    per_mille: Annotated[int, Field(strict=True, ge=0, le=1000)] = 0
    cap_fen: Fen | None = None  # at most this much per meal; None: no cap

    def due(self, price_fen: int) -> int:
        """Fixed plus per-mille of the price, rounded down (before caps and the floor)."""
        return self.fixed_fen + price_fen * self.per_mille // 1000


class Title(BaseModel):
    """A category's name as pages and statements show it (never its id)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    zh_CN: str = Field(min_length=1)  # noqa: N815  (keyed by locale, as in clause_titles.yaml)
    en: str = Field(min_length=1)


class FundingRule(BaseModel):
    """One funding agreement, e.g. a sub-district's for a year. Categories are data: the
    subsidy for each is a `Share` under its id (`low_income`, `over_80`, ...), and its title
    in both languages is under the same id in `category_titles`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=80)
    subsidy: dict[str, Share] = Field(min_length=1)
    category_titles: dict[str, Title]
    enterprise: Share = Share()
    charity: Share = Share()
    order: tuple[Funder, Funder, Funder] = PAYERS
    remainder_to: Funder = Funder.copay
    copay_floor_fen: Fen = 0
    copay_ceiling_fen: Fen | None = None
    ceiling_top_up: Funder = Funder.charity

    @field_validator("subsidy")
    @classmethod
    def _category_names(cls, value: dict[str, Share]) -> dict[str, Share]:
        for name in value:
            if not _CATEGORY.match(name):
                raise ValueError(
                    f"category {name!r} must be a short id: lower-case letters, digits and "
                    "'_', starting with a letter (its words go in category_titles)"
                )
        return value

    @field_validator("order")
    @classmethod
    def _order_is_the_payers(
        cls, value: tuple[Funder, Funder, Funder]
    ) -> tuple[Funder, Funder, Funder]:
        if sorted(value) != sorted(PAYERS):
            raise ValueError("must list subsidy, enterprise and charity, each once")
        return value

    @field_validator("ceiling_top_up")
    @classmethod
    def _top_up_is_a_payer(cls, value: Funder) -> Funder:
        if value not in PAYERS:
            raise ValueError("must be subsidy, enterprise or charity")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        for category in sorted(set(self.subsidy) ^ set(self.category_titles)):
            missing = category in self.subsidy
            raise RuleFieldError(
                f"category_titles.{category}",
                "the category needs a title in Chinese and English (zh_CN, en)"
                if missing
                else "there is no such category under subsidy",
            )
        others = self.enterprise.per_mille + self.charity.per_mille
        for category, share in self.subsidy.items():
            if share.per_mille + others > 1000:
                raise RuleFieldError(
                    f"subsidy.{category}.per_mille",
                    f"with enterprise and charity the shares add up to "
                    f"{share.per_mille + others}‰; at most 1000‰ of a price can be shared",
                )
        ceiling = self.copay_ceiling_fen
        if ceiling is not None and self.copay_floor_fen > ceiling:
            raise RuleFieldError(
                "copay_floor_fen",
                f"the floor ({self.copay_floor_fen} fen) is above the ceiling ({ceiling} fen)",
            )
        if ceiling is not None:
            # Whoever tops up the co-pay must be able to pay any difference, or the ceiling
            # and the caps could not both hold for every price.
            for where, share in self._shares_of(self.ceiling_top_up):
                if share.cap_fen is not None:
                    raise RuleFieldError(
                        f"{where}.cap_fen",
                        f"must be empty: {self.ceiling_top_up} tops up the co-pay above "
                        "copay_ceiling_fen, so it cannot have a cap",
                    )
        return self

    def _shares_of(self, payer: Funder) -> list[tuple[str, Share]]:
        if payer is Funder.subsidy:
            return [(f"subsidy.{name}", share) for name, share in self.subsidy.items()]
        return [(payer.value, self.enterprise if payer is Funder.enterprise else self.charity)]

    def categories(self) -> list[str]:
        return sorted(self.subsidy)

    def category_title(self, category: str, locale: str) -> str:
        title = self.category_titles[category]
        return title.zh_CN if locale.startswith("zh") else title.en


def load_funding_rule(data: Mapping[str, Any] | FundingRule) -> FundingRule:
    """A funding rule from a mapping (as read from YAML or JSON), or InvalidInput naming the
    field at fault, e.g. `subsidy.over_80.per_mille`."""
    if isinstance(data, FundingRule):
        return data
    try:
        return FundingRule.model_validate(data)
    except ValidationError as exc:
        field, reason = _describe(exc)
        raise InvalidInput(
            N_("The funding rule is not valid: {reason}."), field=field, reason=reason
        ) from exc


def _describe(exc: ValidationError) -> tuple[str | None, str]:
    first: str | None = None
    parts = []
    for err in exc.errors():
        cause = (err.get("ctx") or {}).get("error")
        where = cause.field if isinstance(cause, RuleFieldError) else None
        loc = where or ".".join(str(p) for p in err["loc"])
        msg = str(err["msg"]).removeprefix("Value error, ")
        parts.append(msg if where or not loc else f"{loc}: {msg}")
        first = first or loc or None
    return first, "; ".join(parts)


@dataclass(frozen=True, slots=True)
class Split:
    """A meal's price in fen, by funder; the parts are never negative and add up to it."""

    price_fen: int
    category: str
    subsidy_fen: int
    enterprise_fen: int
    charity_fen: int
    copay_fen: int
    rule: str  # the FundingRule's name, so a statement says which agreement priced it

    def __post_init__(self) -> None:
        parts = self.parts().values()
        if any(p < 0 for p in parts) or sum(parts) != self.price_fen:
            raise ValueError(f"a split's parts must be >= 0 and add up to the price: {self}")

    def part(self, funder: Funder) -> int:
        return self.parts()[funder]

    def parts(self) -> dict[Funder, int]:
        return {
            Funder.subsidy: self.subsidy_fen,
            Funder.enterprise: self.enterprise_fen,
            Funder.charity: self.charity_fen,
            Funder.copay: self.copay_fen,
        }


def split(price_fen: int, category: str, rule: FundingRule) -> Split:
    """Split `price_fen` for an older person of subsidy `category` under `rule` (see the
    module's docstring for the steps)."""
    if isinstance(price_fen, bool) or not isinstance(price_fen, int) or price_fen < 0:
        raise InvalidInput(
            N_("A meal's price must be a whole number of fen, zero or more."), field="price_fen"
        )
    if category not in rule.subsidy:
        raise InvalidInput(
            N_("No subsidy category '{category}' in the funding rule {rule}."),
            field="category",
            category=category,
            rule=rule.name,
        )
    shares = {Funder.subsidy: rule.subsidy[category]}
    shares |= {Funder.enterprise: rule.enterprise, Funder.charity: rule.charity}
    due = {payer: share.due(price_fen) for payer, share in shares.items()}
    per_mille = sum(share.per_mille for share in shares.values())
    rounding = price_fen * per_mille // 1000 - sum(
        price_fen * share.per_mille // 1000 for share in shares.values()
    )
    if rule.remainder_to in due:
        due[rule.remainder_to] += rounding  # else the co-pay keeps it, as the rest

    left = price_fen - min(rule.copay_floor_fen, price_fen)
    paid = dict.fromkeys(PAYERS, 0)
    for payer in rule.order:
        cap = shares[payer].cap_fen
        take = min(due[payer], left if cap is None else min(cap, left))
        paid[payer] = take
        left -= take
    copay = price_fen - sum(paid.values())
    ceiling = rule.copay_ceiling_fen
    if ceiling is not None and copay > ceiling:
        paid[rule.ceiling_top_up] += copay - ceiling
        copay = ceiling
    return Split(
        price_fen=price_fen,
        category=category,
        subsidy_fen=paid[Funder.subsidy],
        enterprise_fen=paid[Funder.enterprise],
        charity_fen=paid[Funder.charity],
        copay_fen=copay,
        rule=rule.name,
    )


class MealStatus(StrEnum):
    delivered = "delivered"  # at the door: the funders pay
    cancelled = "cancelled"  # kept on the statement, charged nothing
    not_delivered = "not_delivered"  # ordered but never brought: charged nothing


@dataclass(frozen=True, slots=True)
class MealCharge:
    """One meal of the month as the statement sees it: its split was fixed when it was
    ordered, and only a delivered meal is charged."""

    meal_id: int | str
    status: MealStatus
    split: Split


@dataclass(frozen=True, slots=True)
class StatementLine:
    meal_id: int | str
    status: MealStatus
    category: str
    price_fen: int
    charged: dict[Funder, int]  # the split if delivered, else zero for every funder


@dataclass(frozen=True, slots=True)
class Statement:
    lines: tuple[StatementLine, ...]
    totals: dict[Funder, int]
    subsidy_by_category: dict[str, int]
    meals_by_status: dict[MealStatus, int]

    @property
    def total_fen(self) -> int:
        return sum(self.totals.values())

    @property
    def delivered_price_fen(self) -> int:
        """What the delivered meals cost; the funders' totals add up to exactly this."""
        return sum(line.price_fen for line in self.lines if line.status is MealStatus.delivered)


def monthly_statement(meals: Iterable[MealCharge]) -> Statement:
    """Per-funder totals of `meals` (the month's, chosen by the caller): every meal gets a
    line, in the order given; only delivered meals are charged, so the totals reconcile to
    the meals delivered. A meal listed twice is refused rather than charged twice."""
    lines = []
    seen: set[int | str] = set()
    totals = dict.fromkeys(Funder, 0)
    by_category: Counter[str] = Counter()
    by_status: Counter[MealStatus] = Counter()
    for meal in meals:
        if meal.meal_id in seen:
            raise InvalidInput(
                N_("Meal {meal} appears twice in the statement."), field="meals", meal=meal.meal_id
            )
        seen.add(meal.meal_id)
        status = MealStatus(meal.status)
        delivered = status is MealStatus.delivered
        charged = meal.split.parts() if delivered else dict.fromkeys(Funder, 0)
        for funder, fen in charged.items():
            totals[funder] += fen
        if delivered:
            by_category[meal.split.category] += meal.split.subsidy_fen
        by_status[status] += 1
        lines.append(
            StatementLine(
                meal_id=meal.meal_id,
                status=status,
                category=meal.split.category,
                price_fen=meal.split.price_fen,
                charged=charged,
            )
        )
    return Statement(
        lines=tuple(lines),
        totals=totals,
        subsidy_by_category=dict(sorted(by_category.items())),
        meals_by_status={status: by_status[status] for status in MealStatus},
    )
