"""Why a gate check allowed or denied: a reason code (stored in the log and counted) and its
words for the guard's screen, translated at the edge (messages catalog)."""

from __future__ import annotations

from enum import StrEnum

from gigcity.i18n import N_, gettext


class Reason(StrEnum):
    pass_ok = "pass_ok"  # a valid rotating code of a valid pass
    order_code_ok = "order_code_ok"  # a valid one-time order code
    unknown_gate = "unknown_gate"
    gate_not_for_riders = "gate_not_for_riders"
    malformed = "malformed"  # not a pass's QR payload, not an order code
    unknown_pass = "unknown_pass"
    wrong_estate = "wrong_estate"
    pass_revoked = "pass_revoked"
    not_certified = "not_certified"
    certification_expired = "certification_expired"
    certification_revoked = "certification_revoked"
    code_wrong = "code_wrong"
    code_expired = "code_expired"
    code_used = "code_used"
    order_mismatch = "order_mismatch"
    too_many_attempts = "too_many_attempts"


ALLOWING = frozenset({Reason.pass_ok, Reason.order_code_ok})

REASON_TEXTS: dict[Reason, str] = {
    Reason.pass_ok: N_("Certified rider with a valid gate pass."),
    Reason.order_code_ok: N_("Certified rider with a valid one-time order code."),
    Reason.unknown_gate: N_("This gate is not known for this estate."),
    Reason.gate_not_for_riders: N_("Riders may not pass through this gate with a gate pass."),
    Reason.malformed: N_("This is neither a gate pass code nor an order code."),
    Reason.unknown_pass: N_("No such gate pass."),
    Reason.wrong_estate: N_("This pass or code is for another estate."),
    Reason.pass_revoked: N_("This gate pass has been revoked."),
    Reason.not_certified: N_("The rider is not certified."),
    Reason.certification_expired: N_("The rider's certification has expired."),
    Reason.certification_revoked: N_("The rider's certification has been revoked."),
    Reason.code_wrong: N_("The code is wrong."),
    Reason.code_expired: N_("The code has expired; ask the rider to refresh the pass."),
    Reason.code_used: N_("This code has been used already."),
    Reason.order_mismatch: N_("This code was issued for another order."),
    Reason.too_many_attempts: N_("Too many wrong codes for this pass; try again in a few minutes."),
}


def reason_text(reason: Reason, locale: str) -> str:
    return gettext(locale, REASON_TEXTS[reason])
