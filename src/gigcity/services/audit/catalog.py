"""The audit's checks, one per clause of the rulebook: what each is called, which clauses it
reads, what it counts, and how its requirement and a finding's evidence are told (English
msgids of the `messages` catalogue, formatted with a finding's `values`)."""

from __future__ import annotations

from dataclasses import dataclass

from gigcity.i18n import N_, gettext
from gigcity.services.audit.report_model import CheckResult, Finding


@dataclass(frozen=True, slots=True)
class CheckInfo:
    id: str
    clauses: tuple[str, ...]
    unit: str
    title: str
    requirement: str
    """Formatted with the check's `requirement` values."""
    evidence: str
    """Formatted with a finding's `values`."""


UNITS = {
    "rider-days": N_("rider-days"),
    "orders": N_("orders"),
    "days": N_("days"),
}

CHECKS: tuple[CheckInfo, ...] = (
    CheckInfo(
        "rest",
        (
            "fatigue.continuous_work_limit_min",
            "fatigue.min_rest_min",
            "fatigue.gap_counts_as_rest_from_min",
        ),
        "rider-days",
        N_("Rest after continuous delivery"),
        N_("A rest of at least {rest_min} min after {limit_min} min of continuous delivery."),
        N_(
            "{continuous_min} min of continuous delivery without the rest (limit {limit_min} "
            "min); the rest was due at {due}, {orders_after} orders were dispatched after it."
        ),
    ),
    CheckInfo(
        "daily_hours",
        ("fatigue.daily_confirmation_after_min",),
        "rider-days",
        N_("Work past the daily threshold only when confirmed"),
        N_("No work after {threshold_min} min in a day unless the rider confirmed it."),
        N_(
            "{worked_min} min worked in the day (threshold {threshold_min} min), "
            "none of it confirmed by the rider."
        ),
    ),
    CheckInfo(
        "lateness_deductions",
        (
            "service_score.lateness_deducts_money",
            "service_score.late_fine_fen_per_min",
            "service_score.late_fine_cap_fen",
            "service_score.exempt_causes",
            "service_score.late_grace_min",
        ),
        "orders",
        N_("No money taken for lateness"),
        N_(
            "Lateness costs service-score points, never money (at most {allowed_fen} fen "
            "where the rules allow a fine)."
        ),
        N_(
            "{deducted_fen} fen deducted for lateness ({late_min} min late); the rules allow "
            "{allowed_fen} fen."
        ),
    ),
    CheckInfo(
        "weight_pay",
        ("pricing.weight_tiers",),
        "orders",
        N_("Overweight orders paid their weight"),
        N_("Orders above {above_g} g are paid the weight supplement of the rules."),
        N_(
            "An order of {weight_g} g was paid {paid_fen} fen for its weight; the rules "
            "require {required_fen} fen."
        ),
    ),
    CheckInfo(
        "stairs_pay",
        ("pricing.stairs",),
        "orders",
        N_("Stair orders paid their floors"),
        N_("Each floor climbed on foot beyond {free_floors} is paid {rate_fen} fen."),
        N_(
            "{floors} floors climbed on foot were paid {paid_fen} fen; the rules require "
            "{required_fen} fen."
        ),
    ),
    CheckInfo(
        "bulky_pay",
        ("pricing.bulky_fen",),
        "orders",
        N_("Bulky orders paid their supplement"),
        N_("A bulky order is paid {rate_fen} fen more."),
        N_(
            "A bulky order was paid {paid_fen} fen for its bulk; the rules require "
            "{required_fen} fen."
        ),
    ),
    CheckInfo(
        "eta_honesty",
        (
            "eta.include_signal_waits",
            "eta.include_closures",
            "eta.include_predicted_prep",
            "eta.promise_buffer_min",
        ),
        "orders",
        N_("Delivery-time promises include what the rules require"),
        N_(
            "A promise is at least the riding time, the waits the rules name and "
            "{buffer_min} min of slack (tolerance {tolerance_s} s)."
        ),
        N_(
            "Promised {promised_min} min; the rules require at least {required_min} min "
            "({short_min} min short)."
        ),
    ),
    CheckInfo(
        "detour_pay",
        ("pricing.traffic_control_detour",),
        "orders",
        N_("Traffic-control detours paid"),
        N_(
            "A detour forced by traffic control is paid {per_km_fen} fen per km and "
            "{per_min_fen} fen per minute."
        ),
        N_(
            "A detour of {detour_m} m and {detour_min} min (event {event}) was paid "
            "{paid_fen} fen; the rules require {required_fen} fen."
        ),
    ),
    CheckInfo(
        "detour_time",
        ("service_score.exempt_causes",),
        "orders",
        N_("Traffic-control delays not counted against the rider"),
        N_("A delivery late only because of a traffic-control detour is not counted late."),
        N_(
            "Counted late by {late_min} min, within the {detour_min} min a traffic-control "
            "detour (event {event}) cost."
        ),
    ),
    CheckInfo(
        "on_route",
        (
            "combining.target_on_route_pct",
            "combining.max_extra_min",
            "combining.max_extra_distance_pct",
        ),
        "days",
        N_("Combined orders genuinely on the way"),
        N_(
            "More than {target_pct}% of combined orders on the way (at most {max_extra_min} "
            "min and {max_extra_pct}% further than alone)."
        ),
        N_(
            "{on_route_pct}% of {combined} combined orders were on the way (the rules "
            "require more than {target_pct}%); {off_route} were not."
        ),
    ),
    CheckInfo(
        "hourly_guarantee",
        ("guarantee.hourly_minimum_fen", "guarantee.active_time"),
        "rider-days",
        N_("Hourly pay at least the guarantee"),
        N_("Pay for a day is at least {rate_fen} fen per active hour."),
        N_(
            "{active_min} min active, paid {paid_fen} fen; the guarantee is {required_fen} "
            "fen ({short_fen} fen short)."
        ),
    ),
)

BY_ID = {info.id: info for info in CHECKS}


def check_title(check: str, locale: str) -> str:
    return gettext(locale, BY_ID[check].title)


def requirement_text(result: CheckResult, locale: str) -> str:
    return gettext(locale, BY_ID[result.check].requirement, **result.requirement)


def evidence_text(finding: Finding, locale: str) -> str:
    return gettext(locale, BY_ID[finding.check].evidence, **finding.values)


def unit_text(unit: str, locale: str) -> str:
    return gettext(locale, UNITS.get(unit, unit))
