"""What the engine says, as message ids with parameters: translated where they are shown.

The rules engine never writes a sentence for a person to read in one fixed language. It
produces a `Message`: an id from `MESSAGES` and named parameters. The edge (API, pages, CLI)
renders it in the reader's language; the English template here is also the msgid of the
translation catalogue (`locales/<lang>/LC_MESSAGES/rules.po`).

A parameter's unit is declared by its name, like a clause's: `_fen` money in fen, `_s` a
duration in seconds, `_min` whole minutes, `_m` metres, `_g` grams, `_at` a time on the
clock (seconds since a local midnight, day > 0 allowed), `_pct` whole percent, `_points`
signed service-score points. Other numbers and text are shown as they are (order ids,
counts). A parameter may itself be a message (a lateness cause) or a tuple of messages
(the bands of a tier), shown as a list in the reader's language.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from gigcity.rules.units import duration, grams, metres, minutes, yuan

DAY_S = 86_400

# Every message the engine may produce: id -> English template (the msgid).
MESSAGES: dict[str, str] = {
    # meal rounds for the elderly: why a meal is not brought by its familiar rider
    "meal_rounds.primary_absent": "Primary rider {primary} is not on today's rounds",
    "meal_rounds.primary_resting": (
        "Primary rider {primary} must rest under the rulebook and has no trip before {deadline_at}"
    ),
    "meal_rounds.primary_full": (
        "Primary rider {primary}'s trips have no room for it within the box, the "
        "{limit_min}-minute hot-meal limit and the {deadline_at} deadline"
    ),
    "meal_rounds.rest": (
        "A rest the rulebook requires comes first: this box leaves the kitchen at {depart_at}"
    ),
    "meal_rounds.no_familiar_rider": (
        "Neither the primary rider {primary} nor the backup {backup} can bring it today"
    ),
    "meal_rounds.too_far": (
        "The door is {door_s} from the kitchen, beyond the {limit_min}-minute hot-meal limit"
    ),
    "meal_rounds.after_deadline": (
        "Even the first trip cannot reach the door before the lunch peak at {deadline_at}"
    ),
    "meal_rounds.no_room": (
        "Neither {primary} nor {backup} has room for it within the box, the "
        "{limit_min}-minute hot-meal limit, the rest rules and the {deadline_at} deadline"
    ),
    "meal_rounds.other_rider": (
        "Neither familiar rider ({primary}, {backup}) can bring it before {deadline_at}: "
        "another rider of the canteen brings it, hot"
    ),
    "meal_rounds.no_rider_has_room": (
        "No rider of the canteen has room for it within the box, the {limit_min}-minute "
        "hot-meal limit, the rest rules and the {deadline_at} deadline"
    ),
    # pricing: one per line of an order's quote
    "pricing.base_fare": "Base fare",
    "pricing.distance": "Distance {distance_m}: {bands}",
    "pricing.distance_band": "{length_m} at {rate_fen}/km",
    "pricing.weight": "Weight {weight_g}: {bands}",
    "pricing.weight_band": "{weight_g} at {rate_fen}/kg",
    "pricing.tier_steps": "{steps_fen} in tier steps",
    "pricing.bulky": "Bulky order",
    "pricing.stairs": (
        "Stairs: {climbed} floors climbed without a lift, {free} unpaid, "
        "{paid} paid at {rate_fen} each"
    ),
    "pricing.old_estate": "Delivery into an old estate",
    "pricing.night": "Night surcharge",
    "pricing.bad_weather": "Weather alert",
    "pricing.detour": "Traffic-control detour: {detour_m} and {detour_s} extra",
    # the day statement
    "statement.order": "Order {order_id}",
    "statement.order_no_id": "Order (no id)",
    "statement.late_fine": "Late-delivery fine, order {order_id}",
    "statement.hourly_minimum": (
        "Hourly minimum: {active_s} active ({counted}) × {rate_fen}/h = {guaranteed_fen}; "
        "earned {earned_fen}; top-up {top_up_fen}"
    ),
    "active_time.on_order": "on order",
    "active_time.online": "online",
    # the service score
    "score.on_time": "On time: {change_points}",
    "score.on_time_in_grace": "On time ({late_s} past the promise): {change_points}",
    "score.excused": "Late by {late_s}, excused: {cause} ({change_points})",
    "score.late": "Late by {late_s}: {change_points}",
    "score.late_not_excused": (
        "Late by {late_s} ({cause} is not an excused cause): {change_points}"
    ),
    "score.no_fine": "No fine: lateness never costs money",
    "score.fine": "Fine: {late_minutes} min late at {rate_fen}/min = {fine_fen}",
    "score.fine_capped": "Fine capped at {cap_fen}",
    "cause.traffic_control": "traffic control",
    "cause.weather_alert": "weather alert",
    "cause.merchant_delay": "merchant delay",
    "cause.lift_out_of_order": "lift out of order",
    "cause.customer_unreachable": "customer unreachable",
    # the fatigue clock
    "fatigue.no_limit": "No continuous-work limit",
    "fatigue.within_limit": "{continuous_s} of continuous work, within {limit_min}",
    "fatigue.over_limit": (
        "Would make {continuous_s} of continuous work, over {limit_min}: rest due"
    ),
    "fatigue.rest_first": "A rest of {rest_min} first; orders again from {until_at}",
    "fatigue.no_daily_limit": "No daily limit",
    "fatigue.daily_within": "{worked_s} of work in the day, within {threshold_min}",
    "fatigue.daily_confirmed": (
        "{worked_s} of work in the day, beyond {threshold_min}: confirmed by the rider"
    ),
    "fatigue.daily_needs_confirmation": (
        "Would make {worked_s} of work in the day, beyond {threshold_min}: "
        "needs the rider's confirmation"
    ),
    "fatigue.no_rest_day": "No rest day required",
    "fatigue.weekly_refused_day": (
        "Working on day {day} would leave fewer than {required} rest day(s) in some 7 "
        "consecutive days"
    ),
    "fatigue.weekly_refused_days": (
        "Working on days {first}-{last} would leave fewer than {required} rest day(s) in "
        "some 7 consecutive days"
    ),
    "fatigue.weekly_kept": "At least {required} rest day(s) a week kept",
    "fatigue.status_rest_due": "{continuous_s} of continuous work: rest due now",
    "fatigue.status_rest_at": (
        "{continuous_s} of continuous work: rest due at {due_at} if working on"
    ),
    "fatigue.status_confirm": "{worked_s} worked today: more needs confirmation",
    "fatigue.status_rest_day": "Today must be a rest day",
    "fatigue.stretch_within": (
        "{continuous_s} of continuous work from {start_at} to {end_at}, within {limit_min}"
    ),
    "fatigue.stretch_breach": (
        "{continuous_s} of continuous work from {start_at} to {end_at} without a rest: "
        "{over_s} over {limit_min}; a rest of {rest_min} was due at {due_at}"
    ),
    "fatigue.rest_taken": "Rest of {rest_s} from {start_at} to {end_at}",
    "fatigue.rest_owed": "A rest of {rest_min} is owed now",
    "fatigue.rule": (
        "After {limit_s} of continuous work a rest of at least {rest_s} is due; "
        "no orders are dispatched during it."
    ),
    "fatigue.rule_no_limit": "This rulebook sets no limit on continuous work.",
    # promises (ETA)
    "eta.included": "{wait_s} of {part} included",
    "eta.not_included": "{wait_s} of {part} not included",
    "eta.part.prep": "predicted preparation",
    "eta.part.signals": "traffic-light waits",
    "eta.part.closures": "traffic-control detours",
    "eta.buffer": "{buffer_s} buffer",
    # combining orders
    "combining.no_time_limit": "No limit on extra minutes",
    "combining.time_within": "{extra_s} extra, within {limit_min}",
    "combining.time_over": "{extra_s} extra, over {limit_min}",
    "combining.no_distance_limit": "No limit on extra distance",
    "combining.distance_within": "{extra_pct} extra distance, within {limit_pct}",
    "combining.distance_over": "{extra_pct} extra distance, over {limit_pct}",
    "combining.distance_m_within": "{extra_m} extra distance, within {limit_pct}",
    "combining.distance_m_over": "{extra_m} extra distance, over {limit_pct}",
    # a rulebook that cannot be used (plain numbers: the English reads as it always has)
    "rulebook.money_negative": "money must not be negative (got {value} fen; 1 yuan = 100 fen)",
    "rulebook.clock_time_text": "write a clock time as quoted text, e.g. '22:00' (got {value})",
    "rulebook.night_empty": "start and end are equal: the night window would be empty",
    "rulebook.tiers_order": (
        "tiers overlap or are out of order: tier {index} starts above {here} {unit}, which is "
        "not above tier {previous} ({before} {unit}); list tiers by increasing {key}, each once"
    ),
    "rulebook.listed_twice": "listed more than once: {items}",
    "rulebook.fine_contradicts_switch": (
        "a fine of {fine} fen per minute contradicts lateness_deducts_money: false"
    ),
    "rulebook.fine_needs_cap": "fines per minute need a cap per order (late_fine_cap_fen)",
    "rulebook.rest_shorter_than_gap": (
        "a rest of {rest} min is shorter than gap_counts_as_rest_from_min ({gap} min): such a "
        "rest would still count as continuous work"
    ),
    "rulebook.ends_before_start": "{until} is before effective_from ({start})",
    "rulebook.not_clauses": "not clauses of a rulebook: {paths}",
    "rulebook.title_zh_needed": (
        "a rulebook needs its title in Chinese as well as in English (title)"
    ),
    "rulebook.fine_cap_over_fare": (
        "a cap of {cap} fen exceeds pricing.base_fare_fen ({fare} fen): one fine could exceed "
        "an order's pay"
    ),
    "rulebook.not_yaml": "not valid YAML",  # the parser's English details stay in `message`
    "rulebook.not_mapping": "a rulebook is a mapping of keys to values",
    "rulebook.duplicate_key": "key appears twice in the same mapping (the last would silently win)",
    "rulebook.unknown_key": "unknown key {key}",  # `message` adds the keys allowed there
    "rulebook.missing_key": "required key is missing",
}


class Message(BaseModel):
    """A message id and its parameters: what the engine means, in no language yet."""

    model_config = ConfigDict(frozen=True)

    id: str
    params: dict[str, Param] = {}

    @field_validator("id")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in MESSAGES:
            raise ValueError(f"unknown message id {value!r}: add it to rules.messages.MESSAGES")
        return value

    @property
    def template(self) -> str:
        """The English template, which is also the catalogue's msgid."""
        return MESSAGES[self.id]

    def english(self) -> str:
        """The message in English, formatted with the engine's own units."""
        return render(self, lambda template: template, english_value)


Param = int | float | str | Message | tuple[Message, ...]
Message.model_rebuild()


class RuleFault(ValueError):
    """What makes a rulebook unusable, as a message (shown in the reader's language by the
    edge; `str()` is the English). `path` names the clause when a check spans sections."""

    def __init__(self, message: Message, path: str | None = None) -> None:
        self.message = message
        self.path = path
        text = message.english()
        super().__init__(f"{path}: {text}" if path else text)


def fault(message_id: str, path: str | None = None, **params: Any) -> RuleFault:
    """A RuleFault saying `message_id` with `params` (about `path`, if given)."""
    return RuleFault(say(message_id, **params), path)


def say(message_id: str, **params: Any) -> Message:
    """A message by id with its parameters (nested messages and tuples of them allowed).

    The engine builds many of these (a dispatcher's every decision): the id is checked here
    and the parameters, built by the engine itself, are not validated again."""
    if message_id not in MESSAGES:
        raise ValueError(f"unknown message id {message_id!r}: add it to rules.messages.MESSAGES")
    return Message.model_construct(id=message_id, params=params)


def clock_text(at_s: float) -> str:
    """Seconds on the clock as `HH:MM`, with the day when it is not day 0."""
    day, second = divmod(int(at_s), DAY_S)
    text = f"{second // 3600:02d}:{second // 60 % 60:02d}"
    return f"{text} (day {day})" if day else text


def english_value(name: str, value: Any) -> str:
    """One parameter in English, by the unit its name declares."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return str(value)
    if name.endswith("_fen"):
        return yuan(int(value))
    if name.endswith("_s"):
        return duration(value)
    if name.endswith("_min"):
        return minutes(int(value))
    if name.endswith("_m"):
        return metres(int(value))
    if name.endswith("_g"):
        return grams(int(value))
    if name.endswith("_at"):
        return clock_text(value)
    if name.endswith("_pct"):
        return f"{value:.0f} %"
    if name.endswith("_points"):
        return f"{int(value):+d}"
    return str(value)


def render(
    message: Message,
    translate: Any,
    value_text: Any,
    separator: str = ", ",
) -> str:
    """`message` as text: `translate(template)` gives the template in the reader's language,
    `value_text(name, value)` one parameter; nested messages are rendered the same way."""
    filled: dict[str, str] = {}
    for name, value in message.params.items():
        if isinstance(value, Message):
            filled[name] = render(value, translate, value_text, separator)
        elif isinstance(value, tuple | list):
            filled[name] = separator.join(
                render(item, translate, value_text, separator)
                if isinstance(item, Message)
                else value_text(name, item)
                for item in value
            )
        else:
            filled[name] = value_text(name, value)
    return str(translate(message.template)).format(**filled)
