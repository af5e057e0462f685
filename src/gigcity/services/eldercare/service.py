"""Meals for the elderly (助老送餐): the service the platform holds (`platform.eldercare`),
assembled from its parts."""

from __future__ import annotations

from functools import cached_property

from gigcity.services.eldercare.clashes import CLASH_JOB, MenuClashes
from gigcity.services.eldercare.doorchecks import DOORCHECK_JOBS, ESCALATE_JOB, DoorChecks
from gigcity.services.eldercare.family import Families
from gigcity.services.eldercare.generation import GENERATE_JOB
from gigcity.services.eldercare.rounds import Rounds
from gigcity.services.eldercare.statements import Statements
from gigcity.services.eldercare.volunteers import VolunteerTasks
from gigcity.services.jobs import JobArgs, JobSpec

ELDERCARE_JOBS: list[JobSpec] = [GENERATE_JOB, *DOORCHECK_JOBS, CLASH_JOB]


class EldercareService(Families, Rounds, DoorChecks, Statements):
    """Canteens, enrolment, families, subscriptions, the daily meals, the rounds, the door
    checks and their alerts, the funders' statements and the exports."""

    @cached_property
    def volunteers(self) -> VolunteerTasks:
        """The volunteers' task register (one per service, like its other parts)."""
        return VolunteerTasks(self)

    def run_job(self, task: str, args: JobArgs, last_attempt: bool) -> None:
        if task == GENERATE_JOB.name:
            self.generate_due()
        elif task == ESCALATE_JOB.name:
            self.escalate()
        elif task == CLASH_JOB.name:
            MenuClashes(self).announce()
        else:
            raise ValueError(f"no eldercare job is called {task!r}")
