"""Who may see and act on which report.

Reporters see the reports they are credited with; grid officers see and act on the reports
of their own sub-district; district admins see and act on everything, and alone review held
reports. Platforms (API keys) see the reports they filed. Nobody else sees who reported.
"""

from __future__ import annotations

from gigcity.db.models import Report
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Forbidden

STAFF_ROLES = frozenset({Role.officer, Role.admin})


def is_staff(principal: Principal) -> bool:
    return principal.role in STAFF_ROLES


def is_public(report: Report) -> bool:
    """Whether the public sees the report (as `public.visible()` selects): not held, and not
    rejected as not valid."""
    return not report.held and not (
        report.status == "rejected" and report.reject_reason == "invalid"
    )


def is_officer_of(principal: Principal, report: Report) -> bool:
    return (
        principal.role == Role.officer
        and principal.subdistrict is not None
        and principal.subdistrict == report.subdistrict
    )


def can_view(principal: Principal, report: Report, credited: bool) -> bool:
    if principal.role == Role.admin or credited:
        return True
    if principal.role == Role.platform:
        return principal.api_key_id is not None and principal.api_key_id == report.api_key_id
    return is_officer_of(principal, report) or (
        principal.role == Role.officer and report.assignee_id == principal.account_id
    )


def check_can_act(principal: Principal, report: Report) -> None:
    if principal.role == Role.admin:
        return
    if report.held:
        raise Forbidden(N_("Held reports are reviewed by district admins."))
    if principal.role == Role.officer:
        if is_officer_of(principal, report):
            return
        raise Forbidden(N_("Grid officers may only act within their own sub-district."))
    raise Forbidden(N_("Only grid officers and district admins handle reports."))


def check_admin(principal: Principal) -> None:
    if principal.role != Role.admin:
        raise Forbidden(N_("Only district admins may do this."))
