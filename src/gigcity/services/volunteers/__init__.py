"""Volunteer teams (issue 20): teams, activities, sign-ups, hours confirmed by the leader,
certificates, hazard reports credited to a team on patrol."""

from gigcity.services.volunteers.service import VolunteersService

__all__ = ["VolunteersService"]
