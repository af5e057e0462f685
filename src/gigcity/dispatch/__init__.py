"""Dispatch decisions, pure: state in, assignments and their reasons out."""

from gigcity.dispatch.bundling import Route, best_route
from gigcity.dispatch.config import DispatchConfig
from gigcity.dispatch.dispatcher import Dispatcher, clock
from gigcity.dispatch.meal_rounds import (
    MealStop,
    PlannedStop,
    RiderRounds,
    RoundNote,
    RoundRider,
    RoundsPlan,
    RoundsProblem,
    RoundTrip,
    UnassignedStop,
    plan_rounds,
)
from gigcity.dispatch.model import (
    Assignment,
    Block,
    CourierState,
    Decision,
    DispatchState,
    EstateAddress,
    Hold,
    PendingOrder,
    Reason,
    ServiceTimes,
)
from gigcity.dispatch.policy import (
    ALLOWED,
    UNLIMITED,
    DispatchPolicy,
    Unconstrained,
    Verdict,
    WorkWindow,
    may_assign_within_window,
)
from gigcity.dispatch.relay import (
    RelayCourier,
    RelayLeg,
    RelayPlan,
    RelaySettings,
    RelayTrip,
    assign_relay_legs,
    relay_legs,
)
from gigcity.dispatch.rulebook_policy import RulebookPolicy
from gigcity.dispatch.travel_matrix import travel_matrix_s, travel_pairs_s

__all__ = [
    "ALLOWED",
    "UNLIMITED",
    "Assignment",
    "Block",
    "CourierState",
    "Decision",
    "DispatchConfig",
    "DispatchPolicy",
    "DispatchState",
    "Dispatcher",
    "EstateAddress",
    "Hold",
    "MealStop",
    "PendingOrder",
    "PlannedStop",
    "Reason",
    "RelayCourier",
    "RelayLeg",
    "RelayPlan",
    "RelaySettings",
    "RelayTrip",
    "RiderRounds",
    "RoundNote",
    "RoundRider",
    "RoundTrip",
    "RoundsPlan",
    "RoundsProblem",
    "Route",
    "RulebookPolicy",
    "ServiceTimes",
    "UnassignedStop",
    "Unconstrained",
    "Verdict",
    "WorkWindow",
    "assign_relay_legs",
    "best_route",
    "clock",
    "may_assign_within_window",
    "plan_rounds",
    "relay_legs",
    "travel_matrix_s",
    "travel_pairs_s",
]
