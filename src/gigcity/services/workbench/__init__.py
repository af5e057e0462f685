"""The negotiation workbench on the platform: comparison runs as background jobs."""

from gigcity.services.workbench.engine import (
    CompareDays,
    Comparison,
    Progress,
    WorkbenchEngine,
)
from gigcity.services.workbench.schemas import (
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
    "MAX_ORDERS",
    "STARTERS",
    "Choice",
    "CompareDays",
    "Comparison",
    "Plot",
    "Progress",
    "RunCreate",
    "RunOut",
    "RunResult",
    "RunStatus",
    "WorkbenchEngine",
    "WorkbenchOptions",
    "WorkbenchService",
]
