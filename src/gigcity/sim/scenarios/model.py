"""A Putuo day as data: merchants, orders, riders, weather alerts and traffic-control closures.

A scenario is an MDRP instance (restaurants, orders, couriers and parameters, exactly as in
the Grubhub files) plus the fields the district's rules talk about: order weight, bulky goods,
floors and lifts, old estates, merchant delays, mall pickups, rider kinds, rest-day history,
weather alerts and temporary traffic control. Times are whole minutes from the scenario's
local midnight (`_min`) or seconds (`_s`); places are metres on the scenario's plane.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from gigcity.sim.mdrp.instance import Instance
from gigcity.sim.scenarios.estate_day import EstateDay

ScenarioKind = Literal["weekday", "weekend", "rainy"]
MerchantKind = Literal["street", "mall"]
RiderKind = Literal["full_time", "crowdsourced", "part_time"]
EstateKind = Literal["walkup", "complex", "highrise", "office"]

FORMAT_VERSION = 1


class ScenarioError(ValueError):
    """A scenario that cannot be generated or read; the message says what is wrong."""


@dataclass(frozen=True, slots=True)
class Plane:
    """The local metric plane: x, y metres east and north of (origin_lon, origin_lat)."""

    origin_lon: float
    origin_lat: float
    metres_per_degree_lon: float
    metres_per_degree_lat: float

    def to_xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            (lon - self.origin_lon) * self.metres_per_degree_lon,
            (lat - self.origin_lat) * self.metres_per_degree_lat,
        )

    def to_lon_lat(self, x: float, y: float) -> tuple[float, float]:
        return (
            self.origin_lon + x / self.metres_per_degree_lon,
            self.origin_lat + y / self.metres_per_degree_lat,
        )


@dataclass(frozen=True, slots=True)
class MerchantDetails:
    merchant_id: str
    kind: MerchantKind
    area: str
    """Sub-district code (the dispatch area whose riders serve this merchant)."""
    pickup_extra_s: int
    """Extra time at pickup (a mall without rider lifts or parking); unknown to dispatch."""
    non_food: bool


@dataclass(frozen=True, slots=True)
class OrderDetails:
    order_id: str
    weight_g: int
    bulky: bool
    floor: int
    has_lift: bool
    lift_out_of_order: bool
    """The building has a lift but it was out of order: the rider climbs."""
    old_estate: bool
    large_complex: bool
    customer_unreachable: bool
    prep_delay_min: int
    """The kitchen finishes this many minutes after the ready time it announced."""
    predicted_delay_min: int
    """What a preparation-time model predicts of that delay at placement."""

    @property
    def floors_climbed(self) -> int:
        return 0 if self.has_lift and not self.lift_out_of_order else self.floor - 1


@dataclass(frozen=True, slots=True)
class RiderDetails:
    rider_id: str
    kind: RiderKind
    area: str
    """Sub-district code of the rider's station: they take orders of its merchants."""
    days_worked_before: int
    """Consecutive days worked right before this day (6: a weekly rest day is due today)."""
    confirms_overtime: bool
    """Would confirm working beyond the daily threshold when asked."""


@dataclass(frozen=True, slots=True)
class WeatherAlert:
    start_min: int
    end_min: int
    level: str
    speed_factor: float
    """Travel takes 1/speed_factor as long while the alert is on."""

    def active(self, at_s: float) -> bool:
        return self.start_min * 60 <= at_s < self.end_min * 60


@dataclass(frozen=True, slots=True)
class Closure:
    """Temporary traffic control: a disc riders must go around while it is in force."""

    closure_id: str
    x: float
    y: float
    radius_m: float
    start_min: int
    end_min: int
    delay_s: int
    """Extra time at the control point (marshals, a crossing) for a trip that meets it."""

    def active(self, at_s: float) -> bool:
        return self.start_min * 60 <= at_s < self.end_min * 60


@dataclass(frozen=True, slots=True)
class ServiceDetails:
    """Seconds a rider spends beyond the MDRP's service times, by what the order needs."""

    per_floor_up_s: int
    per_floor_down_s: int
    old_estate_s: int
    large_complex_s: int
    unreachable_s: int


@dataclass(frozen=True, slots=True)
class TravelSettings:
    """How the default travel model moves a rider across the plane."""

    speed_m_per_min: float
    """Moving speed of an e-bike along streets."""
    route_factor: float
    """Street distance per straight-line metre."""
    signal_s_per_km: float
    """Expected waiting at traffic lights per street kilometre."""
    rain_speed_factor: float
    """Speed factor all day (1.0 dry; below 1 on a rainy day)."""


@dataclass(frozen=True, slots=True)
class Scenario:
    """One day: the MDRP instance and everything the rules need besides."""

    name: str
    kind: ScenarioKind
    seed: int
    instance: Instance
    plane: Plane
    areas: tuple[str, ...]
    merchants: dict[str, MerchantDetails]
    orders: dict[str, OrderDetails]
    riders: dict[str, RiderDetails]
    weather: tuple[WeatherAlert, ...]
    closures: tuple[Closure, ...]
    service: ServiceDetails
    travel: TravelSettings
    notes: tuple[str, ...] = ()
    estate: EstateDay | None = None
    """The orders addressed into a giant estate (scenario putuo-estate), if any."""

    def weather_alert_at(self, at_s: float) -> bool:
        return any(alert.active(at_s) for alert in self.weather)

    def dropoff_extra_s(self, order_id: str) -> tuple[float, float]:
        """Seconds before the handover (find, climb, wait) and after it (walk down)."""
        details = self.orders[order_id]
        service = self.service
        floors = details.floors_climbed
        before = floors * service.per_floor_up_s
        before += service.old_estate_s if details.old_estate else 0
        before += service.large_complex_s if details.large_complex else 0
        before += service.unreachable_s if details.customer_unreachable else 0
        return float(before), float(floors * service.per_floor_down_s)
