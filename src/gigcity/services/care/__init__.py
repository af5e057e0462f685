"""Rest and care (issue 17), psychological support and meals: the 24-hour hotline, an
anonymous PHQ-2/GAD-2 self-check that stores no identity, call-backs for those who leave a
number (encrypted, every read logged, deleted 30 days after the call), group sessions with
a capacity no race can pass, and rider set meals and free-water fridges near a worker."""

from gigcity.services.care.schemas import (
    CallbackAccepted,
    CallbackDone,
    CallbackIn,
    CallbackOut,
    OfferIn,
    OfferKind,
    OfferOut,
    OfferUpdate,
    Outcome,
    OutcomeIn,
    ScoreOut,
    SelfCheckCountOut,
    SelfCheckIn,
    SelfCheckOut,
    SessionIn,
    SessionOut,
    Window,
)
from gigcity.services.care.screening import ANSWERS, CUTOFF, QUESTIONS, STEM, Band, Instrument
from gigcity.services.care.service import CareService

__all__ = [
    "ANSWERS",
    "CUTOFF",
    "QUESTIONS",
    "STEM",
    "Band",
    "CallbackAccepted",
    "CallbackDone",
    "CallbackIn",
    "CallbackOut",
    "CareService",
    "Instrument",
    "OfferIn",
    "OfferKind",
    "OfferOut",
    "OfferUpdate",
    "Outcome",
    "OutcomeIn",
    "ScoreOut",
    "SelfCheckCountOut",
    "SelfCheckIn",
    "SelfCheckOut",
    "SessionIn",
    "SessionOut",
    "Window",
]
