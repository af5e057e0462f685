"""Delivery-time promises: which waits the estimate must include, and the buffer on top."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from gigcity.rules.messages import say
from gigcity.rules.model import Rulebook
from gigcity.rules.reasons import Reason


class EtaPromise(BaseModel):
    """How long a delivery is promised to take, and which clauses shaped the promise."""

    model_config = ConfigDict(frozen=True)

    total_s: float
    reasons: tuple[Reason, ...]


def eta_promise(
    rulebook: Rulebook,
    *,
    travel_s: float,
    signal_wait_s: float = 0.0,
    closure_extra_s: float = 0.0,
    prep_s: float = 0.0,
) -> EtaPromise:
    """The promised duration: travel, plus each wait the rulebook says the estimate includes.

    A wait the rulebook leaves out still happens on the street; leaving it out of the promise
    is what makes riders late through no fault of their own.
    """
    rules = rulebook.eta
    total = travel_s
    reasons: list[Reason] = []
    parts = (
        (
            "eta.include_predicted_prep",
            "eta.part.prep",
            rules.include_predicted_prep,
            prep_s,
        ),
        (
            "eta.include_signal_waits",
            "eta.part.signals",
            rules.include_signal_waits,
            signal_wait_s,
        ),
        (
            "eta.include_closures",
            "eta.part.closures",
            rules.include_closures,
            closure_extra_s,
        ),
    )
    for clause, label, included, seconds in parts:
        if included:
            total += seconds
        verdict = "eta.included" if included else "eta.not_included"
        reasons.append(rulebook.cite(clause, verdict, wait_s=seconds, part=say(label)))
    buffer_s = rules.promise_buffer_min * 60
    total += buffer_s
    reasons.append(rulebook.cite("eta.promise_buffer_min", "eta.buffer", buffer_s=buffer_s))
    return EtaPromise(total_s=total, reasons=tuple(reasons))


def promise_method(rulebook: Rulebook) -> str:
    """How a promise is made under `rulebook`, in a decision log's words (`eta_method`):
    "travel" and each part the rules add ("signals", "closures", "prep", "buffer")."""
    rules = rulebook.eta
    parts = ["travel"]
    parts += ["signals"] if rules.include_signal_waits else []
    parts += ["closures"] if rules.include_closures else []
    parts += ["prep"] if rules.include_predicted_prep else []
    parts += ["buffer"] if rules.promise_buffer_min else []
    return "+".join(parts)
