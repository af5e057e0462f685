"""Streets on the platform: routes and ETAs, live traffic-signal phases, and the closures that
officers and admins keep (stored beside the street graph, within each officer's sub-district)."""

from gigcity.services.streets.closure_scope import OutsideSubdistrict, check_closure_scope
from gigcity.services.streets.closure_store import (
    ClosureChanged,
    ClosureStore,
    ClosuresVersion,
    file_stamp,
)
from gigcity.services.streets.service import (
    ClosureIn,
    ClosureOut,
    SignalsOut,
    StreetsService,
    StreetsUnavailable,
)

__all__ = [
    "ClosureChanged",
    "ClosureIn",
    "ClosureOut",
    "ClosureStore",
    "ClosuresVersion",
    "OutsideSubdistrict",
    "SignalsOut",
    "StreetsService",
    "StreetsUnavailable",
    "check_closure_scope",
    "file_stamp",
]
