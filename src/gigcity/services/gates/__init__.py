"""Gate passes without face data: certified riders (who vouched, until when), a pass per
estate shown as a rotating RFC 6238 code, one-time order codes, the gate controllers' check
and its log (30 days, then only counts). Nothing biometric is stored."""

from gigcity.services.gates.reasons import REASON_TEXTS, Reason, reason_text
from gigcity.services.gates.schemas import (
    CertificationIn,
    CertificationOut,
    CheckIn,
    CheckOut,
    CountOut,
    DecisionOut,
    OrderCodeIn,
    OrderCodeOut,
    PassCodeOut,
    PassesOut,
    PassOut,
)
from gigcity.services.gates.service import DECISIONS_KEPT, GatesService

__all__ = [
    "DECISIONS_KEPT",
    "REASON_TEXTS",
    "CertificationIn",
    "CertificationOut",
    "CheckIn",
    "CheckOut",
    "CountOut",
    "DecisionOut",
    "GatesService",
    "OrderCodeIn",
    "OrderCodeOut",
    "PassCodeOut",
    "PassOut",
    "PassesOut",
    "Reason",
    "reason_text",
]
