"""A hazard report filed by a volunteer on an activity, credited to the team: called by the
report intake in the report's own transaction, so the report and its credit are stored
together or not at all. One statement (INSERT ... SELECT over the sign-up's unique key and
the activity's primary key): the report path stays as fast as it is."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import DateTime, Integer, insert, literal, select
from sqlalchemy.orm import Session

from gigcity.db.models import VolunteerActivity, VolunteerReportCredit, VolunteerSignup
from gigcity.i18n import N_
from gigcity.services.errors import InvalidInput

# A patrol's report counts a little before it starts and a while after it ends (the
# volunteer files it on the way back, or the signal came back late).
SLACK_BEFORE = timedelta(minutes=30)
SLACK_AFTER = timedelta(hours=1)
N_NOT_ON_ACTIVITY = N_(
    "A report is credited to a volunteer activity only by a volunteer signed up for it, "
    "while it is under way."
)


def credit_report(
    session: Session, account_id: int, activity_id: int, report_id: int, now: datetime
) -> None:
    """Credit report `report_id` to the team of activity `activity_id`, or refuse (422 on
    `volunteer_activity_id`) unless the filer is signed up for it and it is under way."""
    chosen = (
        select(
            literal(report_id, Integer),
            VolunteerActivity.team_id,
            VolunteerActivity.id,
            literal(now, DateTime(timezone=True)),
        )
        .join(VolunteerSignup, VolunteerSignup.activity_id == VolunteerActivity.id)
        .where(
            VolunteerActivity.id == activity_id,
            VolunteerSignup.account_id == account_id,
            VolunteerActivity.cancelled_at.is_(None),
            VolunteerActivity.starts_at <= now + SLACK_BEFORE,
            VolunteerActivity.ends_at >= now - SLACK_AFTER,
        )
    )
    columns = ["report_id", "team_id", "activity_id", "at"]
    # RETURNING: an INSERT ... SELECT's row count is not reported by every driver.
    written = session.execute(
        insert(VolunteerReportCredit)
        .from_select(columns, chosen)
        .returning(VolunteerReportCredit.id)
    ).scalar_one_or_none()
    if written is None:
        raise InvalidInput(N_NOT_ON_ACTIVITY, field="volunteer_activity_id")
