"""Truck-driver stations: the service the platform holds (`platform.stations`), assembled
from its parts."""

from __future__ import annotations

from gigcity.services.care.stations.legal import Legal
from gigcity.services.care.stations.parking import Parking
from gigcity.services.care.stations.points import Points
from gigcity.services.care.stations.queues import Queues
from gigcity.services.care.stations.visits import VISITS_KEPT, Visits


class StationsService(Points, Visits, Queues, Parking, Legal):
    """Stations' services, visits at the desk, queues with expected waits, parking offers
    near the stations and the legal-aid window's roster, bookings and case notes."""


__all__ = ["VISITS_KEPT", "StationsService"]
