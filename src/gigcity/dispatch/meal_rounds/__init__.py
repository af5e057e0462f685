"""Meals for the elderly: each community canteen's lunch rounds by familiar riders.

Pure: stops, riders and a travel model in; per rider, timed trips from the kitchen, and
every stop either in one trip or reported with its reason. Each round is a vehicle-routing
problem with time windows, solved by PyVRP; the rulebook's fatigue clock places the trips.
"""

from gigcity.dispatch.meal_rounds.model import (
    NOTES,
    MealStop,
    PlannedStop,
    RiderRounds,
    RoundNote,
    RoundRider,
    RoundsPlan,
    RoundsProblem,
    RoundTrip,
    UnassignedStop,
)
from gigcity.dispatch.meal_rounds.planner import plan_rounds

__all__ = [
    "NOTES",
    "MealStop",
    "PlannedStop",
    "RiderRounds",
    "RoundNote",
    "RoundRider",
    "RoundTrip",
    "RoundsPlan",
    "RoundsProblem",
    "UnassignedStop",
    "plan_rounds",
]
