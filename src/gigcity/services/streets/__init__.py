"""Streets on the platform: routes and ETAs, live traffic-signal phases, and the closures that
officers and admins keep (within each officer's sub-district), shared by every worker through
the database."""

from gigcity.services.streets.closure_scope import OutsideSubdistrict, check_closure_scope
from gigcity.services.streets.estimate import EstimateLinks, RouteEstimate, RouteOut
from gigcity.services.streets.service import (
    ClosureIn,
    ClosureOut,
    SignalsOut,
    StreetsService,
    StreetsUnavailable,
)
from gigcity.services.streets.state import ClosureChanged, ClosuresImport

__all__ = [
    "ClosureChanged",
    "ClosureIn",
    "ClosureOut",
    "ClosuresImport",
    "EstimateLinks",
    "OutsideSubdistrict",
    "RouteEstimate",
    "RouteOut",
    "SignalsOut",
    "StreetsService",
    "StreetsUnavailable",
    "check_closure_scope",
]
