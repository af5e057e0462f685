"""The rulebook schema: the agreement's clauses as typed, validated, immutable data.

Every value is in a declared unit: money in integer fen (`_fen`), durations in whole
minutes (`_min`, readable for negotiators), distances in metres (`_m`), weights in grams
(`_g`), shares in whole percent (`_pct`). A clause is named by its dotted field path, e.g.
`fatigue.continuous_work_limit_min`; decisions cite that path and the rulebook id+version.
"""

from __future__ import annotations

from datetime import date, time
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    Strict,
    ValidationInfo,
    field_validator,
    model_validator,
)

from gigcity.rules.messages import fault, say
from gigcity.rules.reasons import Reason


def _money_not_negative(value: int) -> int:
    if value < 0:
        raise fault("rulebook.money_negative", value=str(value))
    return value


def _clock_time_from_text(value: Any) -> Any:
    # Unquoted 22:00 is a base-60 integer (1320) in YAML 1.1: insist on quoted text.
    if isinstance(value, time):
        return value
    if not isinstance(value, str):
        raise fault("rulebook.clock_time_text", value=repr(value))
    return value


Fen = Annotated[int, Strict(), AfterValidator(_money_not_negative)]
Minutes = Annotated[int, Strict(), Field(ge=0)]
PositiveMinutes = Annotated[int, Strict(), Field(gt=0)]
Metres = Annotated[int, Strict(), Field(ge=0)]
Grams = Annotated[int, Strict(), Field(ge=0)]
Percent = Annotated[int, Strict(), Field(ge=0, le=100)]
Points = Annotated[int, Strict()]
Flag = Annotated[bool, Strict()]
ClockTime = Annotated[
    time,
    BeforeValidator(_clock_time_from_text),
    PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str),
]

LatenessCause = Literal[
    "traffic_control",
    "weather_alert",
    "merchant_delay",
    "lift_out_of_order",
    "customer_unreachable",
]
ActiveTime = Literal["on_order", "online"]


class Clauses(BaseModel):
    """Base of every rulebook section: unknown keys are errors, values never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Party(Clauses):
    name: str = Field(min_length=1, description="Who signed")
    role: str = Field(min_length=1, description="Their part in the agreement")


class DistanceTier(Clauses):
    above_m: Metres = Field(description="The tier pays for the part of the trip above this")
    step_fen: Fen = Field(description="Paid once when the trip is longer than above_m")
    fen_per_km: Fen = Field(description="Paid per km above above_m")


class WeightTier(Clauses):
    above_g: Grams = Field(description="The tier pays for the weight above this")
    step_fen: Fen = Field(description="Paid once when the order weighs more than above_g")
    fen_per_kg: Fen = Field(description="Paid per kg above above_g")


class StairsPay(Clauses):
    free_floors: Annotated[int, Strict(), Field(ge=0)] = Field(
        description="Floors climbed without a lift that are not paid"
    )
    fen_per_floor: Fen = Field(description="Paid per floor climbed beyond the free floors")


class NightSurcharge(Clauses):
    start: ClockTime = Field(description="Night begins (local time)")
    end: ClockTime = Field(description="Night ends (local time, may be after midnight)")
    surcharge_fen: Fen = Field(description="Paid per order priced at night")

    @model_validator(mode="after")
    def _not_empty(self) -> NightSurcharge:
        if self.start == self.end:
            raise fault("rulebook.night_empty")
        return self


class DetourPay(Clauses):
    fen_per_km: Fen = Field(description="Paid per extra km a temporary traffic control forces")
    fen_per_min: Fen = Field(description="Paid per extra minute a traffic control forces")


def _tiers_ascending(tiers: tuple[Any, ...], key: str, unit: str) -> None:
    for index in range(1, len(tiers)):
        before, here = getattr(tiers[index - 1], key), getattr(tiers[index], key)
        if here <= before:
            raise fault(
                "rulebook.tiers_order",
                index=str(index),
                here=str(here),
                unit=unit,
                previous=str(index - 1),
                before=str(before),
                key=key,
            )


class PricingRules(Clauses):
    source: str = Field("", description="The agreement's words this section implements")
    base_fare_fen: Fen = Field(description="Paid for every order")
    distance_tiers: tuple[DistanceTier, ...] = Field(description="Pay by trip distance")
    weight_tiers: tuple[WeightTier, ...] = Field(description="Pay for heavy orders")
    bulky_fen: Fen = Field(description="Paid for a bulky order")
    stairs: StairsPay = Field(description="Pay for floors climbed without a lift")
    old_estate_fen: Fen = Field(description="Paid for a delivery into an old estate")
    night: NightSurcharge | None = Field(description="Night surcharge (none: no surcharge)")
    bad_weather_fen: Fen = Field(description="Paid per order under a weather alert")
    traffic_control_detour: DetourPay = Field(
        description="Compensation for detours forced by temporary traffic control"
    )

    @field_validator("distance_tiers")
    @classmethod
    def _distance_sorted(cls, tiers: tuple[DistanceTier, ...]) -> tuple[DistanceTier, ...]:
        _tiers_ascending(tiers, "above_m", "m")
        return tiers

    @field_validator("weight_tiers")
    @classmethod
    def _weight_sorted(cls, tiers: tuple[WeightTier, ...]) -> tuple[WeightTier, ...]:
        _tiers_ascending(tiers, "above_g", "g")
        return tiers


class GuaranteeRules(Clauses):
    source: str = Field("", description="The agreement's words this section implements")
    hourly_minimum_fen: Fen = Field(description="Least pay per hour of active time (0: none)")
    active_time: ActiveTime = Field(
        description="Active time counted: on_order (accepted to delivered) or online (any)"
    )


class ServiceScoreRules(Clauses):
    source: str = Field("", description="The agreement's words this section implements")
    on_time_points: Points = Field(description="Score points for an on-time delivery")
    late_points: Points = Field(description="Score points for a late delivery")
    exempt_late_points: Points = Field(description="Score points for a late delivery, exempt")
    exempt_causes: tuple[LatenessCause, ...] = Field(
        description="Causes of lateness that are not the rider's fault"
    )
    late_grace_min: Minutes = Field(description="Minutes past the promise before it is late")
    lateness_deducts_money: Flag = Field(description="Whether lateness may ever cost money")
    late_fine_fen_per_min: Fen = Field(description="Fine per minute late")
    late_fine_cap_fen: Fen | None = Field(description="Largest fine for one order")

    @field_validator("exempt_causes")
    @classmethod
    def _no_repeats(cls, causes: tuple[LatenessCause, ...]) -> tuple[LatenessCause, ...]:
        repeated = sorted({cause for cause in causes if causes.count(cause) > 1})
        if repeated:
            raise fault("rulebook.listed_twice", items=", ".join(repeated))
        return causes

    @field_validator("late_fine_fen_per_min")
    @classmethod
    def _fine_needs_switch(cls, fine: int, info: ValidationInfo) -> int:
        if fine > 0 and info.data.get("lateness_deducts_money") is False:
            raise fault("rulebook.fine_contradicts_switch", fine=str(fine))
        return fine

    @field_validator("late_fine_cap_fen")
    @classmethod
    def _fine_needs_cap(cls, cap: int | None, info: ValidationInfo) -> int | None:
        if cap is None and info.data.get("late_fine_fen_per_min", 0) > 0:
            raise fault("rulebook.fine_needs_cap")
        return cap


class FatigueRules(Clauses):
    source: str = Field("", description="The agreement's words this section implements")
    continuous_work_limit_min: PositiveMinutes | None = Field(
        description="Longest continuous work before a rest is due (none: no limit)"
    )
    gap_counts_as_rest_from_min: PositiveMinutes = Field(
        description="A gap without work at least this long stops the clock; shorter gaps count"
        " as work"
    )
    min_rest_min: PositiveMinutes = Field(
        description="A rest at least this long resets the continuous-work clock"
    )
    daily_confirmation_after_min: PositiveMinutes | None = Field(
        description="Work in a day beyond this needs the rider's confirmation (none: never)"
    )
    weekly_rest_days: Annotated[int, Strict(), Field(ge=0, le=7)] = Field(
        description="Days without work required in any 7 consecutive days"
    )

    @field_validator("min_rest_min")
    @classmethod
    def _rest_long_enough(cls, rest: int, info: ValidationInfo) -> int:
        gap = info.data.get("gap_counts_as_rest_from_min")
        if gap is not None and rest < gap:
            raise fault("rulebook.rest_shorter_than_gap", rest=str(rest), gap=str(gap))
        return rest


class CombiningRules(Clauses):
    source: str = Field("", description="The agreement's words this section implements")
    max_extra_min: Minutes | None = Field(
        description="Most extra minutes an order may suffer in a combined trip (none: no limit)"
    )
    max_extra_distance_pct: Annotated[int, Strict(), Field(ge=0)] | None = Field(
        description="Most extra distance, in % of the order's own trip (none: no limit)"
    )
    target_on_route_pct: Percent | None = Field(
        description="Share of combined orders that must be genuinely on the way"
    )

    def allows(self, solo_s: float, combined_s: float, solo_m: float, combined_m: float) -> bool:
        """The on-route test without reasons, for the dispatcher's inner loop."""
        if self.max_extra_min is not None and combined_s - solo_s > self.max_extra_min * 60:
            return False
        limit = self.max_extra_distance_pct
        return limit is None or (combined_m - solo_m) * 100 <= limit * solo_m


class EtaRules(Clauses):
    source: str = Field("", description="The agreement's words this section implements")
    include_signal_waits: Flag = Field(description="Promises include waits at traffic lights")
    include_closures: Flag = Field(description="Promises include traffic-control detours")
    include_predicted_prep: Flag = Field(description="Promises include predicted preparation")
    promise_buffer_min: Minutes = Field(description="Minutes added to every promise")


_FINE_CAP = "service_score.late_fine_cap_fen"


class Rulebook(Clauses):
    """One version of an agreement (or of the practice it replaced), clause by clause."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Rulebook name")
    version: Annotated[int, Strict(), Field(ge=1)] = Field(description="Version of this rulebook")
    title: str = Field(min_length=1, description="Title (English)")
    title_zh: str | None = Field(
        None, min_length=1, description="Title in Chinese (required when a rulebook is loaded)"
    )
    parties: tuple[Party, ...] = Field(min_length=1, description="Parties")
    effective_from: date = Field(description="In force from")
    effective_until: date | None = Field(description="In force until (none: open-ended)")
    assumptions: tuple[str, ...] = Field(
        (), description="Clauses whose values are our assumptions, not the agreement's"
    )
    pricing: PricingRules
    guarantee: GuaranteeRules
    service_score: ServiceScoreRules
    fatigue: FatigueRules
    combining: CombiningRules
    eta: EtaRules

    @field_validator("effective_until")
    @classmethod
    def _ends_after_start(cls, until: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("effective_from")
        if until is not None and start is not None and until < start:
            raise fault("rulebook.ends_before_start", until=str(until), start=str(start))
        return until

    @field_validator("assumptions")
    @classmethod
    def _assumptions_name_clauses(cls, paths: tuple[str, ...]) -> tuple[str, ...]:
        known = set(clause_paths())
        unknown = [path for path in paths if path not in known]
        if unknown:
            raise fault("rulebook.not_clauses", paths=", ".join(unknown))
        return paths

    @model_validator(mode="after")
    def _titled_in_chinese(self, info: ValidationInfo) -> Rulebook:
        # Versions stored before Chinese titles were required are read with `stored`.
        stored = bool(info.context and info.context.get("stored"))
        if self.title_zh is None and not stored:
            raise fault("rulebook.title_zh_needed", path="title_zh")
        return self

    @model_validator(mode="after")
    def _fine_within_order_pay(self) -> Rulebook:
        # A fine larger than the smallest order's pay could make a day's pay negative.
        cap = self.service_score.late_fine_cap_fen
        if cap is not None and cap > self.pricing.base_fare_fen:
            raise fault(
                "rulebook.fine_cap_over_fare",
                path=_FINE_CAP,
                cap=str(cap),
                fare=str(self.pricing.base_fare_fen),
            )
        return self

    @property
    def ref(self) -> str:
        """`id@version`, e.g. `putuo-2025@1`."""
        return f"{self.id}@{self.version}"

    def cite(self, clause: str, message_id: str, **params: Any) -> Reason:
        """A reason that names `clause` of this rulebook version and says why, as the
        message `message_id` with `params` (see `gigcity.rules.messages`)."""
        message = say(message_id, **params)
        return Reason(
            rulebook=self.id,
            version=self.version,
            clause=clause,
            text=message.english(),
            message=message,
        )

    def title_in(self, locale: str) -> str:
        """The rulebook's title in `locale` (`zh_CN` or English); English when a version
        published before Chinese titles were required has none."""
        if locale.startswith("zh") and self.title_zh:
            return self.title_zh
        return self.title


SECTIONS: tuple[str, ...] = ("pricing", "guarantee", "service_score", "fatigue", "combining", "eta")


@cache
def clause_paths(model: type[BaseModel] = Rulebook, prefix: str = "") -> tuple[str, ...]:
    """Every clause of the schema by dotted path (`source` texts, `assumptions` and the
    Chinese title are notes)."""
    paths: list[str] = []
    for name, field in model.model_fields.items():
        if name in ("source", "assumptions", "title_zh"):
            continue
        path = f"{prefix}{name}"
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, Clauses):
            paths.extend(clause_paths(annotation, f"{path}."))
        else:
            paths.append(path)
    return tuple(paths)
