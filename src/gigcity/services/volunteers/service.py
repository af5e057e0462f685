"""Volunteer teams on the database: teams, members and leaders, activities, sign-ups, hours
recorded and confirmed, certificates and their verification.

Who does what: district admins create teams and appoint leaders; a rider joins a team
themselves (a member at once) and may leave; a leader or admin removes members, schedules
and cancels activities. A team member signs up for an activity before it starts, within its
capacity, and may take the sign-up back until then. Once the activity has begun, the
volunteer (or a leader) records the minutes given, no more than the time since it began
and never more than its length; a leader of the team (or an admin) confirms them, but
never their own: another leader or an admin confirms a leader's hours. Only confirmed hours
count, and only they go on a certificate. Nothing is ranked: the answers carry a
volunteer's own hours and a team's totals, never a league table of people.

Across workers: a sign-up takes the activity's named lock, counts, and inserts (two riders
for the last place: one gets it, the other 409), the unique (activity, account) keeps one
sign-up a volunteer; recording, confirming and cancelling are conditional UPDATEs whose row
count is checked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, sessionmaker

from gigcity.db.models import (
    Account,
    Organisation,
    Report,
    VolunteerActivity,
    VolunteerMember,
    VolunteerReportCredit,
    VolunteerSignup,
    VolunteerTeam,
)
from gigcity.db.session import lock_named, transaction
from gigcity.geo.district import District
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.day_clock import DayClock
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.field_keys import CodeKey
from gigcity.services.organisation.certificate import Activity, Certificate, certificate_pdf
from gigcity.services.types import as_utc
from gigcity.services.volunteers.codes import EPOCH, CertificateRef, make_code, read_code
from gigcity.services.volunteers.schemas import (
    ActivityIn,
    ActivityKind,
    ActivityOut,
    CreditedReportOut,
    HoursState,
    MemberOut,
    MemberRole,
    MeOut,
    MyHoursOut,
    SignupOut,
    TeamDetailOut,
    TeamIn,
    TeamOut,
    VerifiedCertificate,
)

N_NO_TEAM = N_("No such volunteer team.")
N_TEAM_NAME = N_("A volunteer team of that name exists already.")
N_NO_ACCOUNT = N_("No such account.")
N_NO_ACTIVITY = N_("No such volunteer activity.")
N_NO_SIGNUP = N_("No such sign-up.")
N_NOT_ADMIN = N_("Only district admins create volunteer teams and appoint their leaders.")
N_NOT_LEADER = N_("Only the team's leaders and district admins do this.")
N_ONLY_RIDERS_JOIN = N_("Riders join volunteer teams themselves.")
N_NOT_MEMBER = N_("Join the team before signing up for its activities.")
N_NOT_A_MEMBER = N_("This account is not a member of the team.")
N_LEADER_STAYS = N_("A leader is removed from a team by a district admin.")
N_SUBDISTRICT = N_("{code} is not a sub-district of this district.")
N_NO_ORG = N_("No such organisation.")
N_ENDS = N_("An activity ends after it starts and lasts at most 24 hours.")
N_STARTS_PAST = N_("An activity is scheduled for a time still to come.")
N_CANCELLED = N_("This activity was cancelled.")
N_STARTED = N_("This activity has started; sign-ups are closed.")
N_FULL = N_("No places are left on this activity.")
N_OVERLAP = N_("You are signed up for “{title}” at the same time.")
N_CANCEL_STARTED = N_("A sign-up is taken back only before the activity starts.")
N_NOT_STARTED = N_("Hours are recorded once the activity has begun.")
N_TOO_LONG = N_("{minutes} minutes is more than the activity has lasted ({max} minutes).")
N_NOT_YOURS = N_("Only the volunteer, the team's leaders and district admins record hours.")
N_CONFIRMED_ALREADY = N_("These hours are confirmed already.")
N_OWN_HOURS = N_("A leader's own hours are confirmed by another leader or a district admin.")
N_NOTHING_TO_CONFIRM = N_("No hours are recorded yet, or they are confirmed already.")
N_ACTIVITY_OVER = N_("This activity is over or cancelled already.")
N_PERIOD = N_("The period ends before it starts.")
N_NO_TEAMS = N_("You are not in a volunteer team.")
N_NO_CERTIFICATE = N_("No certificate has this verification code.")

CODE_KEY = "volunteers_code_key"
MAX_LENGTH = timedelta(hours=24)  # one activity: the certificate's lines are one day each
UPCOMING_LIMIT = 100
LIST_LIMIT = 200
REPORTS_SHOWN = 20
ActivityRows = Select[VolunteerActivity, str, Any, bool]  # activity, team, sign-ups, mine
CERTIFICATE_KINDS = {ActivityKind.carry: "carrying"}  # the certificate's name for it


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


class VolunteersService:
    """Teams, activities, sign-ups and hours."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        district: District,
        clock: DayClock,
        *,
        signing_secret: str,
    ) -> None:
        self._factory = factory
        self._codes = frozenset(s.code for s in district.subdistricts)
        self.clock = clock
        self.now: Callable[[], datetime] = clock.now  # aware, UTC (tests set their own)
        # The key certificates' codes are signed with (read before a writing transaction).
        self._code_key = CodeKey(
            factory, signing_secret, dev_key=CODE_KEY, purpose="volunteer-certificate"
        )

    # -- teams and members ----------------------------------------------------------------

    def create_team(self, caller: Principal, body: TeamIn) -> TeamOut:
        _require_admin(caller)
        if body.subdistrict is not None and body.subdistrict not in self._codes:
            raise InvalidInput(N_SUBDISTRICT, field="subdistrict", code=body.subdistrict)
        with transaction(self._factory) as session:
            org_id = body.organisation_id
            if org_id is not None and session.get(Organisation, org_id) is None:
                raise InvalidInput(N_NO_ORG, field="organisation_id")
            team = VolunteerTeam(**body.model_dump(mode="json"))
            try:
                with session.begin_nested():
                    session.add(team)
            except IntegrityError:
                raise Conflict(N_TEAM_NAME, field="name") from None
            return self._teams(session, caller, [team.id])[0]

    def teams(self, caller: Principal) -> list[TeamOut]:
        with self._factory() as session:
            return self._teams(session, caller, None)

    def team(self, caller: Principal, team_id: int) -> TeamDetailOut:
        """A team: its totals, upcoming activities and credited reports; its members' names
        to its own members and admins."""
        with self._factory() as session:
            found = self._teams(session, caller, [team_id])
            if not found:
                raise NotFound(N_NO_TEAM)
            team = found[0]
            members = None
            if team.my_role is not None or caller.role == Role.admin:
                members = self._members(session, team_id)
            query = self._activities_query(caller).where(VolunteerActivity.team_id == team_id)
            return TeamDetailOut(
                team=team,
                members=members,
                activities=self._upcoming(session, query),
                reports=self._credited(session, team_id),
            )

    def appoint_leader(self, caller: Principal, team_id: int, account_id: int) -> MemberOut:
        """Make an account a leader of the team (a member already or not; idempotent)."""
        _require_admin(caller)
        with transaction(self._factory) as session:
            _team(session, team_id)
            if session.get(Account, account_id) is None:
                raise InvalidInput(N_NO_ACCOUNT, field="account_id")
            self._add_member(session, team_id, account_id)
            session.execute(
                update(VolunteerMember)
                .where(VolunteerMember.team_id == team_id, VolunteerMember.account_id == account_id)
                .values(role=MemberRole.leader.value)
                .execution_options(synchronize_session=False)
            )
            return self._member(session, team_id, account_id)

    def join(self, caller: Principal, team_id: int) -> MemberOut:
        """The calling rider joins the team (a member at once; joining again is the same)."""
        if caller.role != Role.rider or caller.account_id is None:
            raise Forbidden(N_ONLY_RIDERS_JOIN)
        with transaction(self._factory) as session:
            _team(session, team_id)
            self._add_member(session, team_id, caller.account_id)
            return self._member(session, team_id, caller.account_id)

    def remove_member(self, caller: Principal, team_id: int, account_id: int) -> None:
        """A member leaves, or a leader or admin removes them; leaders only by an admin."""
        with transaction(self._factory) as session:
            _team(session, team_id)
            if caller.account_id != account_id:
                self._require_leader(session, caller, team_id)
            where = [VolunteerMember.team_id == team_id, VolunteerMember.account_id == account_id]
            if caller.role != Role.admin:
                where.append(VolunteerMember.role == MemberRole.member.value)
            gone = session.execute(delete(VolunteerMember).where(*where))
            if gone.rowcount != 1:  # type: ignore[attr-defined]
                role = session.scalar(select(VolunteerMember.role).where(*where[:2]))
                raise Forbidden(N_LEADER_STAYS) if role else NotFound(N_NOT_A_MEMBER)

    def members(self, caller: Principal, team_id: int) -> list[MemberOut]:
        with self._factory() as session:
            _team(session, team_id)
            if caller.role != Role.admin and self._role(session, caller, team_id) is None:
                raise Forbidden(N_NOT_A_MEMBER)
            return self._members(session, team_id)

    # -- activities and sign-ups -----------------------------------------------------------

    def schedule(self, caller: Principal, team_id: int, body: ActivityIn) -> ActivityOut:
        starts, ends = self.clock.to_utc(body.starts_at), self.clock.to_utc(body.ends_at)
        if not starts < ends <= starts + MAX_LENGTH:
            raise InvalidInput(N_ENDS, field="ends_at")
        if starts <= self.now():
            raise InvalidInput(N_STARTS_PAST, field="starts_at")
        with transaction(self._factory) as session:
            _team(session, team_id)
            self._require_leader(session, caller, team_id)
            row = VolunteerActivity(
                team_id=team_id, created_by_id=caller.account_id, starts_at=starts, ends_at=ends,
                **body.model_dump(mode="json", exclude={"starts_at", "ends_at"}),
            )  # fmt: skip
            session.add(row)
            session.flush()
            return self._activity(session, caller, row.id)

    def cancel(self, caller: Principal, activity_id: int) -> ActivityOut:
        """Cancel an activity not over yet (the sign-ups stay, with no hours to give)."""
        with transaction(self._factory) as session:
            activity = _activity_row(session, activity_id)
            self._require_leader(session, caller, activity.team_id)
            done = session.execute(
                update(VolunteerActivity)
                .where(
                    VolunteerActivity.id == activity_id,
                    VolunteerActivity.cancelled_at.is_(None),
                    VolunteerActivity.ends_at > self.now(),
                )
                .values(cancelled_at=self.now())
                .execution_options(synchronize_session=False)
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                raise Conflict(N_ACTIVITY_OVER)
            return self._activity(session, caller, activity_id)

    def sign_up(self, caller: Principal, activity_id: int) -> SignupOut:
        """Sign the caller up (again: the sign-up held). The activity's lock makes count and
        insert one step across workers: of two callers for the last place one gets it."""
        account_id = _account(caller)
        with transaction(self._factory) as session:
            lock_named(session, f"vol-activity-{activity_id}")
            activity = _activity_row(session, activity_id)
            held = _signup_of(session, activity_id, account_id)
            if held is not None:
                return self._signups(session, [VolunteerSignup.id == held])[0]
            if self._role(session, caller, activity.team_id) is None:
                raise Forbidden(N_NOT_MEMBER)
            if activity.cancelled_at is not None:
                raise Conflict(N_CANCELLED)
            if as_utc(activity.starts_at) <= self.now():
                raise Conflict(N_STARTED)
            _check_free(session, account_id, activity)
            taken = session.scalar(
                select(func.count()).where(VolunteerSignup.activity_id == activity_id)
            )
            if (taken or 0) >= activity.capacity:
                raise Conflict(N_FULL)
            row = VolunteerSignup(
                activity_id=activity_id, account_id=account_id, signed_at=self.now()
            )
            session.add(row)
            session.flush()
            return self._signups(session, [VolunteerSignup.id == row.id])[0]

    def withdraw(self, caller: Principal, activity_id: int) -> None:
        """Take one's sign-up back, before the activity starts."""
        account_id = _account(caller)
        with transaction(self._factory) as session:
            activity = _activity_row(session, activity_id)
            if as_utc(activity.starts_at) <= self.now():
                raise Conflict(N_CANCEL_STARTED)
            gone = session.execute(
                delete(VolunteerSignup).where(
                    VolunteerSignup.activity_id == activity_id,
                    VolunteerSignup.account_id == account_id,
                )
            )
            if gone.rowcount != 1:  # type: ignore[attr-defined]
                raise NotFound(N_NO_SIGNUP)

    def activity_signups(self, caller: Principal, activity_id: int) -> list[SignupOut]:
        with self._factory() as session:
            activity = _activity_row(session, activity_id)
            self._require_leader(session, caller, activity.team_id)
            return self._signups(session, [VolunteerSignup.activity_id == activity_id])

    def team_hours(
        self, caller: Principal, team_id: int, state: HoursState | None = None
    ) -> list[SignupOut]:
        """Sign-ups of the team's activities begun already, for its leaders: what waits for
        confirmation (`waiting`), what nobody recorded yet, what is confirmed."""
        with self._factory() as session:
            _team(session, team_id)
            self._require_leader(session, caller, team_id)
            where = [
                VolunteerActivity.team_id == team_id,
                VolunteerActivity.starts_at <= self.now(),
                VolunteerActivity.cancelled_at.is_(None),
            ]
            if state == HoursState.unrecorded:
                where.append(VolunteerSignup.minutes.is_(None))
            elif state == HoursState.waiting:
                where += [
                    VolunteerSignup.minutes.is_not(None),
                    VolunteerSignup.confirmed_at.is_(None),
                ]
            elif state == HoursState.confirmed:
                where.append(VolunteerSignup.confirmed_at.is_not(None))
            return self._signups(session, where)

    # -- hours ----------------------------------------------------------------------------

    def record(self, caller: Principal, signup_id: int, minutes: int) -> SignupOut:
        """The minutes a volunteer gave, recorded by them or a leader; changeable until
        confirmed. No more than the activity has lasted so far, nor than its length."""
        with transaction(self._factory) as session:
            signup, activity = _signup_row(session, signup_id)
            if caller.account_id != signup.account_id:
                try:
                    self._require_leader(session, caller, activity.team_id)
                except Forbidden:
                    raise Forbidden(N_NOT_YOURS) from None
            if activity.cancelled_at is not None:
                raise Conflict(N_CANCELLED)
            starts, ends = as_utc(activity.starts_at), as_utc(activity.ends_at)
            now = self.now()
            if now < starts:
                raise Conflict(N_NOT_STARTED)
            most = _minutes(min(now, ends) - starts)
            if minutes > most:
                raise InvalidInput(N_TOO_LONG, field="minutes", minutes=minutes, max=most)
            done = session.execute(
                update(VolunteerSignup)
                .where(VolunteerSignup.id == signup_id, VolunteerSignup.confirmed_at.is_(None))
                .values(minutes=minutes, recorded_at=now)
                .execution_options(synchronize_session=False)
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                raise Conflict(N_CONFIRMED_ALREADY)
            return self._signups(session, [VolunteerSignup.id == signup_id])[0]

    def confirm(self, caller: Principal, signup_id: int) -> SignupOut:
        """A leader (or admin) confirms recorded hours, once; never a leader's own."""
        with transaction(self._factory) as session:
            signup, activity = _signup_row(session, signup_id)
            self._require_leader(session, caller, activity.team_id)
            if caller.account_id == signup.account_id:
                raise Forbidden(N_OWN_HOURS)
            done = session.execute(
                update(VolunteerSignup)
                .where(
                    VolunteerSignup.id == signup_id,
                    VolunteerSignup.minutes.is_not(None),
                    VolunteerSignup.confirmed_at.is_(None),
                )
                .values(confirmed_by_id=caller.account_id, confirmed_at=self.now())
                .execution_options(synchronize_session=False)
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                raise Conflict(N_NOTHING_TO_CONFIRM)
            return self._signups(session, [VolunteerSignup.id == signup_id])[0]

    # -- the volunteer's own view ----------------------------------------------------------

    def me(self, caller: Principal) -> MeOut:
        account_id = _account(caller)
        with self._factory() as session:
            mine = select(VolunteerMember.team_id).where(VolunteerMember.account_id == account_id)
            teams = self._teams(session, caller, list(session.scalars(mine)))
            query = self._activities_query(caller).where(VolunteerActivity.team_id.in_(mine))
            signups = self._signups(session, [VolunteerSignup.account_id == account_id])
            confirmed, waiting = _totals(session, account_id)
            return MeOut(
                teams=teams,
                activities=self._upcoming(session, query),
                hours=MyHoursOut(
                    confirmed_minutes=confirmed, waiting_minutes=waiting, signups=signups
                ),
            )

    # -- certificates -------------------------------------------------------------------------

    def certificate(
        self,
        caller: Principal,
        first: date | None,
        last: date | None,
        team_id: int | None,
        base_url: str,
        locale: str,
    ) -> tuple[bytes, str]:
        """The caller's certificate of hours for a period (by default the last 365 days up
        to today; never past today) as a PDF, and its verification code."""
        account_id = _account(caller)
        today = self.clock.day_of(self.now())
        last = min(last or today, today)
        first = max(first or last - timedelta(days=364), EPOCH)  # no records before it
        if last < first:
            raise InvalidInput(N_PERIOD, field="from")
        ref = CertificateRef(account_id, team_id or 0, first, last)
        code = make_code(self._code_key.key, ref)  # first: may write the instance secret
        with self._factory() as session:
            if team_id is not None:
                _team(session, team_id)
            name, teams, lines = self._record(session, ref)
        if not teams:
            raise NotFound(N_NO_TEAMS)
        cert = Certificate(
            volunteer=name,
            team="、".join(teams) if locale.startswith("zh") else ", ".join(teams),
            first=first,
            last=last,
            activities=tuple(lines),
            issued_on=today,
            verification_code=code,
            verification_url=f"{base_url.rstrip('/')}/volunteers/certificates/{code}",
        )
        return certificate_pdf(cert, locale), code

    def verify(self, code: str) -> VerifiedCertificate:
        """Public: the certificate a code names, with the confirmed hours as they stand."""
        ref = read_code(self._code_key.key, code)
        if ref is None:
            raise NotFound(N_NO_CERTIFICATE)
        with self._factory() as session:
            name, teams, lines = self._record(session, ref)
        if not name:
            raise NotFound(N_NO_CERTIFICATE)
        confirmed = [line for line in lines if line.confirmed]
        minutes = sum(line.minutes for line in confirmed)
        return VerifiedCertificate(
            code=make_code(self._code_key.key, ref),
            volunteer=name,
            teams=teams,
            first=ref.first,
            last=ref.last,
            confirmed_minutes=minutes,
            confirmed_hours=str((Decimal(minutes) / 60).quantize(Decimal("0.01"))),
            activities=len(confirmed),
        )

    def _record(
        self, session: Session, ref: CertificateRef
    ) -> tuple[str, list[str], list[Activity]]:
        """The volunteer's name, their teams (those of the period's activities, else those
        they belong to) and the activities of the period with recorded minutes."""
        name = session.scalar(select(Account.display_name).where(Account.id == ref.account_id))
        start = as_utc(self.clock.midnight(ref.first))
        end = as_utc(self.clock.midnight(ref.last + timedelta(days=1)))
        confirmer = aliased(Account)
        query = (
            select(VolunteerSignup, VolunteerActivity, VolunteerTeam.name, confirmer.display_name)
            .join(VolunteerActivity, VolunteerActivity.id == VolunteerSignup.activity_id)
            .join(VolunteerTeam, VolunteerTeam.id == VolunteerActivity.team_id)
            .outerjoin(confirmer, confirmer.id == VolunteerSignup.confirmed_by_id)
            .where(
                VolunteerSignup.account_id == ref.account_id,
                VolunteerSignup.minutes.is_not(None),
                VolunteerActivity.starts_at >= start,
                VolunteerActivity.starts_at < end,
            )
            .order_by(VolunteerActivity.starts_at)
        )
        if ref.team_id:
            query = query.where(VolunteerActivity.team_id == ref.team_id)
        lines: list[Activity] = []
        teams: list[str] = []
        for signup, activity, team_name, by in session.execute(query):
            kind = ActivityKind(activity.kind)
            lines.append(
                Activity(
                    day=self.clock.day_of(as_utc(activity.starts_at)),
                    kind=CERTIFICATE_KINDS.get(kind, kind.value),  # type: ignore[arg-type]
                    minutes=min(signup.minutes or 0, 24 * 60),
                    confirmed=signup.confirmed_at is not None,
                    # a confirming leader's account closed since: the hours still stand
                    confirmed_by=(by or "-") if signup.confirmed_at is not None else None,
                    title=activity.title,
                )
            )
            if team_name not in teams:
                teams.append(team_name)
        if not teams:
            held = select(VolunteerTeam.name).join(
                VolunteerMember, VolunteerMember.team_id == VolunteerTeam.id
            )
            held = held.where(VolunteerMember.account_id == ref.account_id)
            if ref.team_id:
                held = held.where(VolunteerTeam.id == ref.team_id)
            teams = list(session.scalars(held.order_by(VolunteerTeam.id)))
        return name or "", teams, lines

    # -- reading ----------------------------------------------------------------------------

    def _require_leader(self, session: Session, caller: Principal, team_id: int) -> None:
        if caller.role == Role.admin:
            return
        if self._role(session, caller, team_id) != MemberRole.leader:
            raise Forbidden(N_NOT_LEADER)

    @staticmethod
    def _role(session: Session, caller: Principal, team_id: int) -> MemberRole | None:
        if caller.account_id is None:
            return None
        role = session.scalar(
            select(VolunteerMember.role).where(
                VolunteerMember.team_id == team_id, VolunteerMember.account_id == caller.account_id
            )
        )
        return MemberRole(role) if role else None

    @staticmethod
    def _add_member(session: Session, team_id: int, account_id: int) -> None:
        """Add a member unless they are one (a concurrent join is the same join)."""
        exists = select(VolunteerMember.id).where(
            VolunteerMember.team_id == team_id, VolunteerMember.account_id == account_id
        )
        if session.scalar(exists) is not None:
            return
        try:
            with session.begin_nested():
                session.add(VolunteerMember(team_id=team_id, account_id=account_id))
        except IntegrityError:
            pass

    @staticmethod
    def _member(session: Session, team_id: int, account_id: int) -> MemberOut:
        row = session.execute(
            select(VolunteerMember, Account.display_name)
            .join(Account, Account.id == VolunteerMember.account_id)
            .where(VolunteerMember.team_id == team_id, VolunteerMember.account_id == account_id)
            .execution_options(populate_existing=True)
        ).one()
        return _member_out(*row)

    @staticmethod
    def _members(session: Session, team_id: int) -> list[MemberOut]:
        rows = session.execute(
            select(VolunteerMember, Account.display_name)
            .join(Account, Account.id == VolunteerMember.account_id)
            .where(VolunteerMember.team_id == team_id)
            .order_by(VolunteerMember.role, VolunteerMember.joined_at, VolunteerMember.id)
        )
        return [_member_out(m, name) for m, name in rows]

    def _teams(
        self, session: Session, caller: Principal, ids: Sequence[int] | None
    ) -> list[TeamOut]:
        members = (
            select(VolunteerMember.team_id, func.count().label("n"))
            .group_by(VolunteerMember.team_id)
            .subquery()
        )
        reports = (
            select(VolunteerReportCredit.team_id, func.count().label("n"))
            .group_by(VolunteerReportCredit.team_id)
            .subquery()
        )
        query = (
            select(VolunteerTeam, func.coalesce(members.c.n, 0), func.coalesce(reports.c.n, 0))
            .outerjoin(members, members.c.team_id == VolunteerTeam.id)
            .outerjoin(reports, reports.c.team_id == VolunteerTeam.id)
            .order_by(VolunteerTeam.id)
        )
        if ids is not None:
            query = query.where(VolunteerTeam.id.in_(ids))
        rows = session.execute(query).all()
        team_ids = [team.id for team, _, _ in rows]
        leaders: dict[int, list[str]] = {i: [] for i in team_ids}
        roles: dict[int, MemberRole] = {}
        people = session.execute(
            select(VolunteerMember.team_id, VolunteerMember.role, VolunteerMember.account_id,
                   Account.display_name)
            .join(Account, Account.id == VolunteerMember.account_id)
            .where(VolunteerMember.team_id.in_(team_ids))
            .where((VolunteerMember.role == MemberRole.leader.value)
                   | (VolunteerMember.account_id == (caller.account_id or 0)))
            .order_by(VolunteerMember.id)
        )  # fmt: skip
        for team_id, role, account_id, name in people:
            if role == MemberRole.leader.value:
                leaders[team_id].append(name)
            if account_id == caller.account_id:
                roles[team_id] = MemberRole(role)
        return [
            TeamOut(
                id=team.id,
                name=team.name,
                sector=team.sector,
                subdistrict=team.subdistrict,
                organisation_id=team.organisation_id,
                description=team.description,
                members=n_members,
                leaders=leaders[team.id],
                reports=n_reports,
                my_role=roles.get(team.id),
            )
            for team, n_members, n_reports in rows
        ]

    def _activities_query(self, caller: Principal) -> ActivityRows:
        """Activities with their team's name, sign-up count and whether the caller is in."""
        counts = (
            select(VolunteerSignup.activity_id, func.count().label("n"))
            .group_by(VolunteerSignup.activity_id)
            .subquery()
        )
        mine = aliased(VolunteerSignup)
        return (
            select(
                VolunteerActivity,
                VolunteerTeam.name,
                func.coalesce(counts.c.n, 0),
                mine.id.is_not(None),
            )
            .join(VolunteerTeam, VolunteerTeam.id == VolunteerActivity.team_id)
            .outerjoin(counts, counts.c.activity_id == VolunteerActivity.id)
            .outerjoin(
                mine,
                and_(
                    mine.activity_id == VolunteerActivity.id,
                    mine.account_id == (caller.account_id or 0),
                ),
            )
        )

    def _upcoming(self, session: Session, query: ActivityRows) -> list[ActivityOut]:
        """Activities not over yet (under way or to come) and not cancelled, soonest first."""
        query = (
            query.where(
                VolunteerActivity.ends_at > self.now(), VolunteerActivity.cancelled_at.is_(None)
            )
            .order_by(VolunteerActivity.starts_at, VolunteerActivity.id)
            .limit(UPCOMING_LIMIT)
        )
        return [_activity_out(*row) for row in session.execute(query)]

    def _activity(self, session: Session, caller: Principal, activity_id: int) -> ActivityOut:
        query = self._activities_query(caller).where(VolunteerActivity.id == activity_id)
        row = session.execute(query.execution_options(populate_existing=True)).one()
        return _activity_out(*row)

    @staticmethod
    def _signups(session: Session, where: Sequence[object]) -> list[SignupOut]:
        volunteer, confirmer = aliased(Account), aliased(Account)
        rows = session.execute(
            select(VolunteerSignup, VolunteerActivity, VolunteerTeam.name,
                   volunteer.display_name, confirmer.display_name)
            .join(VolunteerActivity, VolunteerActivity.id == VolunteerSignup.activity_id)
            .join(VolunteerTeam, VolunteerTeam.id == VolunteerActivity.team_id)
            .join(volunteer, volunteer.id == VolunteerSignup.account_id)
            .outerjoin(confirmer, confirmer.id == VolunteerSignup.confirmed_by_id)
            .where(*where)  # type: ignore[arg-type]
            .order_by(VolunteerActivity.starts_at.desc(), VolunteerSignup.id)
            .limit(LIST_LIMIT)
            .execution_options(populate_existing=True)
        )  # fmt: skip
        return [_signup_out(*row) for row in rows]

    @staticmethod
    def _credited(session: Session, team_id: int) -> list[CreditedReportOut]:
        rows = session.execute(
            select(VolunteerReportCredit, Report.category, Report.status, Report.created_at,
                   VolunteerActivity.title)
            .join(Report, Report.id == VolunteerReportCredit.report_id)
            .outerjoin(VolunteerActivity, VolunteerActivity.id == VolunteerReportCredit.activity_id)
            .where(VolunteerReportCredit.team_id == team_id)
            .order_by(VolunteerReportCredit.id.desc())
            .limit(REPORTS_SHOWN)
        )  # fmt: skip
        return [
            CreditedReportOut(
                report_id=credit.report_id,
                category=category,
                status=status,
                created_at=as_utc(created),
                activity_id=credit.activity_id,
                activity_title=title,
            )
            for credit, category, status, created, title in rows
        ]


def _require_admin(caller: Principal) -> None:
    if caller.role != Role.admin:
        raise Forbidden(N_NOT_ADMIN)


def _account(caller: Principal) -> int:
    if caller.account_id is None:
        raise Forbidden(N_ONLY_RIDERS_JOIN)
    return caller.account_id


def _team(session: Session, team_id: int) -> VolunteerTeam:
    team = session.get(VolunteerTeam, team_id)
    if team is None:
        raise NotFound(N_NO_TEAM)
    return team


def _activity_row(session: Session, activity_id: int) -> VolunteerActivity:
    activity = session.get(VolunteerActivity, activity_id, populate_existing=True)
    if activity is None:
        raise NotFound(N_NO_ACTIVITY)
    return activity


def _signup_of(session: Session, activity_id: int, account_id: int) -> int | None:
    return session.scalar(
        select(VolunteerSignup.id).where(
            VolunteerSignup.activity_id == activity_id, VolunteerSignup.account_id == account_id
        )
    )


def _totals(session: Session, account_id: int) -> tuple[int, int]:
    """The volunteer's confirmed minutes and those waiting for a leader, in one read."""
    minutes, confirmed = VolunteerSignup.minutes, VolunteerSignup.confirmed_at
    done, waiting = session.execute(
        select(
            func.sum(minutes).filter(confirmed.is_not(None)),
            func.sum(minutes).filter(confirmed.is_(None)),
        ).where(VolunteerSignup.account_id == account_id)
    ).one()
    return int(done or 0), int(waiting or 0)  # no rows: NULL sums


def _check_free(session: Session, account_id: int, activity: VolunteerActivity) -> None:
    """Refuse a sign-up overlapping another of the volunteer's (not cancelled): one person
    is on one patrol at a time. Back-to-back activities do not overlap."""
    clash = session.scalar(
        select(VolunteerActivity.title)
        .join(VolunteerSignup, VolunteerSignup.activity_id == VolunteerActivity.id)
        .where(
            VolunteerSignup.account_id == account_id,
            VolunteerActivity.cancelled_at.is_(None),
            VolunteerActivity.starts_at < activity.ends_at,
            VolunteerActivity.ends_at > activity.starts_at,
        )
        .limit(1)
    )
    if clash is not None:
        raise Conflict(N_OVERLAP, title=clash)


def _signup_row(session: Session, signup_id: int) -> tuple[VolunteerSignup, VolunteerActivity]:
    row = session.execute(
        select(VolunteerSignup, VolunteerActivity)
        .join(VolunteerActivity, VolunteerActivity.id == VolunteerSignup.activity_id)
        .where(VolunteerSignup.id == signup_id)
    ).one_or_none()
    if row is None:
        raise NotFound(N_NO_SIGNUP)
    return row[0], row[1]


def _member_out(m: VolunteerMember, name: str) -> MemberOut:
    return MemberOut(
        account_id=m.account_id, display_name=name, role=MemberRole(m.role),
        joined_at=as_utc(m.joined_at),
    )  # fmt: skip


def _activity_out(a: VolunteerActivity, team: str, taken: int, mine: bool) -> ActivityOut:
    return ActivityOut(
        id=a.id, team_id=a.team_id, team_name=team, kind=ActivityKind(a.kind), title=a.title,
        where_text=a.where_text, lon=a.lon, lat=a.lat, starts_at=as_utc(a.starts_at),
        ends_at=as_utc(a.ends_at), capacity=a.capacity, signed_up=taken,
        places_left=max(0, a.capacity - taken), cancelled=a.cancelled_at is not None,
        i_signed_up=bool(mine),
    )  # fmt: skip


def _signup_out(
    s: VolunteerSignup, a: VolunteerActivity, team: str, name: str, by: str | None
) -> SignupOut:
    if s.confirmed_at is not None:
        state = HoursState.confirmed
    elif s.minutes is not None:
        state = HoursState.waiting
    else:
        state = HoursState.unrecorded
    return SignupOut(
        id=s.id, activity_id=a.id, activity_title=a.title, kind=ActivityKind(a.kind),
        team_id=a.team_id, team_name=team, starts_at=as_utc(a.starts_at),
        ends_at=as_utc(a.ends_at), account_id=s.account_id, display_name=name,
        minutes=s.minutes, state=state, confirmed_by=by,
        confirmed_at=as_utc(s.confirmed_at) if s.confirmed_at else None,
    )  # fmt: skip
