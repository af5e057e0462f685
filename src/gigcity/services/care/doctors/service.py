"""Family doctors: the service the platform holds (`platform.doctors`), assembled from its
parts."""

from __future__ import annotations

import logging

from gigcity.services.care.doctors.centres import Centres
from gigcity.services.care.doctors.readings import Readings
from gigcity.services.care.doctors.retention import doctors_retention_rules
from gigcity.services.care.doctors.signups import Signups
from gigcity.services.care.doctors.slots import Slots
from gigcity.services.jobs import JobArgs, JobSpec
from gigcity.services.retention import RetentionRule

log = logging.getLogger("gigcity.doctors")

# Daily at 18:00 Shanghai time (cron times are UTC): the evening before a check-up.
REMIND_JOB = JobSpec("doctors.remind", cron="0 10 * * *")
DOCTORS_JOBS: list[JobSpec] = [REMIND_JOB]


class DoctorsService(Centres, Signups, Slots, Readings):
    """Health centres and their doctors, sign-ups, check-up slots, consented readings."""

    def run_job(self, task: str, args: JobArgs, last_attempt: bool) -> None:
        if task == REMIND_JOB.name:
            tomorrow, due = self.send_reminders()
            log.info("doctors: %d check-up reminders, %d check-ups due told", tomorrow, due)
        else:
            raise ValueError(f"no doctors job is called {task!r}")

    def retention_rules(self) -> list[RetentionRule]:
        return doctors_retention_rules(self)
