"""The negotiation workbench on the platform: comparison runs as background jobs."""

from gigcity.services.workbench.engine import (
    CompareDays,
    Comparison,
    EqualServiceDays,
    Progress,
    SearchProgress,
    WorkbenchEngine,
)
from gigcity.services.workbench.schemas import (
    MAX_EQUAL_SERVICE_ORDERS,
    MAX_ORDERS,
    Choice,
    Plot,
    RunCreate,
    RunOut,
    RunResult,
    RunStatus,
    WorkbenchOptions,
)
from gigcity.services.workbench.service import STARTERS, WorkbenchService

__all__ = [
    "MAX_EQUAL_SERVICE_ORDERS",
    "MAX_ORDERS",
    "STARTERS",
    "Choice",
    "CompareDays",
    "Comparison",
    "EqualServiceDays",
    "Plot",
    "Progress",
    "RunCreate",
    "RunOut",
    "RunResult",
    "RunStatus",
    "SearchProgress",
    "WorkbenchEngine",
    "WorkbenchOptions",
    "WorkbenchService",
]
