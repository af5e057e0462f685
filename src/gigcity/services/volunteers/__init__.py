"""Volunteer teams (issue 20): teams, activities, sign-ups, hours confirmed by the leader,
certificates, hazard reports credited to a team on patrol."""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gigcity.services.volunteers.service import VolunteersService


# The service (and the certificate's drawing) is imported on first use of its name: the
# report intake imports `credit` on every start and must not pay for the rest.
def __getattr__(name: str) -> Any:
    if name == "VolunteersService":
        from gigcity.services.volunteers.service import VolunteersService

        return VolunteersService
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["VolunteersService"]
