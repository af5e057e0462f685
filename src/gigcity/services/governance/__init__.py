"""Governance by people's voice and data: complaints, voices, hotspots, measures, the
district dashboard (see docs/governance.md)."""

from gigcity.services.governance.complaints import IMPORT_JOB, MAX_FILE_BYTES, mask_phones
from gigcity.services.governance.pickups import (
    PickupBatch,
    PickupReceipt,
    PickupRefusal,
    PickupRow,
)
from gigcity.services.governance.schemas import (
    AliasOut,
    Classification,
    ComplaintOut,
    ComplaintPage,
    EffectOut,
    Hotspots,
    ImportOut,
    ImportStatus,
    MeasureIn,
    MeasureKind,
    MeasureOut,
    PlacedOut,
    Placing,
    Reclassified,
    RuleCreate,
    RuleIn,
    RuleOut,
    Subject,
    TryText,
)
from gigcity.services.governance.service import GovernanceService

GOVERNANCE_JOBS = [IMPORT_JOB]

__all__ = [
    "GOVERNANCE_JOBS",
    "IMPORT_JOB",
    "MAX_FILE_BYTES",
    "AliasOut",
    "Classification",
    "ComplaintOut",
    "ComplaintPage",
    "EffectOut",
    "GovernanceService",
    "Hotspots",
    "ImportOut",
    "ImportStatus",
    "MeasureIn",
    "MeasureKind",
    "MeasureOut",
    "PickupBatch",
    "PickupReceipt",
    "PickupRefusal",
    "PickupRow",
    "PlacedOut",
    "Placing",
    "Reclassified",
    "RuleCreate",
    "RuleIn",
    "RuleOut",
    "Subject",
    "TryText",
    "mask_phones",
]
