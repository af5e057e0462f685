"""Organisations, check-in points, members and stations' 1+1+N on the database.

Who sees what: membership is sensitive personal information. A member's membership is read
by the member, by the officers of the organisation holding it (accounts listed in
`org_officers`) and by district admins (the social-work staff); every answer carrying one is
logged in `org_member_reads` in the same transaction as the read. Whose membership a row is
is sealed (`sealing.py`): found by a blind index, read by opening a token, never stored
plain. Check-in points and a
station's roster (names, positions, duty hours) are public; the roster's phone numbers go to
signed-in callers only. A station's roster and plan are edited by its own staff and admins.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import Connection, delete, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from gigcity.db.models import (
    Account,
    CheckinPoint,
    MemberRead,
    Membership,
    Organisation,
    OrgOfficer,
    Place,
    PlanAction,
    StationPlan,
    StationTeamMember,
    utcnow,
)
from gigcity.db.session import lock_named, transaction
from gigcity.geo.district import District
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.organisation.schemas import (
    ActionIn,
    ActionOut,
    CheckinPointIn,
    CheckinPointOut,
    MemberReadOut,
    MembershipOut,
    OrganisationIn,
    OrganisationOut,
    Position,
    StationTeamOut,
    TeamMemberIn,
    TeamMemberOut,
    TransferStatus,
)
from gigcity.services.organisation.sealing import MemberSeal, Resealed, chunks
from gigcity.services.places import PlaceKind
from gigcity.services.types import as_utc

N_NO_ORG = N_("No such organisation.")
N_NO_POINT = N_("No such check-in point.")
N_NO_STATION = N_("No such rider station.")
N_NOT_OFFICER = N_("Only the organisation's officers and district admins read its members.")
N_NOT_STATION_STAFF = N_("Only the station's own staff and district admins edit its team.")
N_NOT_RIDER = N_("Only a rider registers, and only themselves.")
N_NO_MEMBERSHIP = N_("You are not registered at a check-in point yet.")
N_NO_TRANSFER = N_("There is no transfer waiting for this organisation.")
N_TRANSFER_BUSY = N_("A transfer is already waiting.")
N_TRANSFER_SAME = N_("The membership is held by this organisation already.")
N_NO_MEMBER = N_("No such member of this organisation.")
N_SECTOR_KIND = N_("A sector instructor needs a sector; the others have none.")
N_SUBDISTRICT = N_("{code} is not a sub-district of this district.")
N_NOT_A_PLACE = N_("No such place on the map.")
READS_LIMIT = 500
# The places that run a 1+1+N team: riders' stations, driver homes and truck-driver stations.
STATION_KINDS = frozenset(
    k.value
    for k in (PlaceKind.rider_station, PlaceKind.driver_home, PlaceKind.truck_driver_station)
)


def _membership_out(m: Membership, account_id: int, name: str) -> MembershipOut:
    return MembershipOut(
        id=m.id,
        account_id=account_id,
        display_name=name,
        organisation_id=m.organisation_id,
        checkin_point_id=m.checkin_point_id,
        checked_in_at=as_utc(m.checked_in_at),
        transfer_status=TransferStatus(m.transfer_status),
        transfer_to_id=m.transfer_to_id,
        transfer_requested_at=as_utc(m.transfer_requested_at) if m.transfer_requested_at else None,
        transferred_at=as_utc(m.transferred_at) if m.transferred_at else None,
        transfer_from_id=m.transfer_from_id,
    )


# -- who reads members: the one rule, shared by the three ones and the concerns -----------


def log_member_reads(
    session: Session, seal: MemberSeal, caller: Principal, members: Iterable[int], purpose: str
) -> None:
    """One read-log row per member (each once) whose membership the caller is answered, in
    the transaction that reads them; the member sealed like the membership."""
    session.add_all(
        MemberRead(
            member_key=seal.key(member),
            member_enc=seal.seal(member),
            reader_id=caller.account_id,
            role=caller.role.value,
            purpose=purpose,
        )
        for member in dict.fromkeys(members)
    )


def member_names(session: Session, accounts: Iterable[int]) -> dict[int, str]:
    """Display names of the accounts (opened from memberships), read by IN lists."""
    ids = list(dict.fromkeys(accounts))
    names: dict[int, str] = {}
    for part in chunks(ids):
        query = select(Account.id, Account.display_name).where(Account.id.in_(part))
        names.update((a, n) for a, n in session.execute(query))
    return names


def officer_orgs(session: Session, caller: Principal) -> frozenset[int]:
    """The organisations the caller is an officer of."""
    if caller.account_id is None:
        return frozenset()
    return frozenset(
        session.scalars(
            select(OrgOfficer.organisation_id).where(OrgOfficer.account_id == caller.account_id)
        )
    )


def require_officer(
    session: Session, caller: Principal, org_id: int | None, message: str = N_NOT_OFFICER
) -> None:
    """Admins, and the organisation's officers; Forbidden(`message`) for anyone else."""
    if caller.role == Role.admin:
        return
    officer = org_id is not None and session.scalar(
        select(
            exists().where(
                OrgOfficer.organisation_id == org_id,
                OrgOfficer.account_id == (caller.account_id or 0),
            )
        )
    )
    if not officer:
        raise Forbidden(message)


class OrganisationService:
    def __init__(
        self,
        factory: sessionmaker[Session],
        district: District,
        *,
        keys: str = "",
        signing_secret: str = "",
    ) -> None:
        self.factory = factory
        self.codes = frozenset(s.code for s in district.subdistricts)
        self._keys, self._secret = keys, signing_secret
        self.seal = MemberSeal(factory, keys=keys, signing_secret=signing_secret)

    def seal_on(self, connection: Connection) -> MemberSeal:
        """This service's seal with its dev keys in `connection`'s transaction (migration
        0029 seals existing rows with it)."""
        return MemberSeal.on(connection, keys=self._keys, signing_secret=self._secret)

    # -- organisations -------------------------------------------------------------------

    def _check_subdistrict(self, code: str | None) -> None:
        if code is not None and code not in self.codes:
            raise InvalidInput(N_SUBDISTRICT, field="subdistrict", code=code)

    def create_organisation(self, caller: Principal, body: OrganisationIn) -> OrganisationOut:
        _require_admin(caller)
        self._check_subdistrict(body.subdistrict)
        with transaction(self.factory) as session:
            if body.parent_id is not None and session.get(Organisation, body.parent_id) is None:
                raise InvalidInput(N_NO_ORG, field="parent_id")
            org = Organisation(**body.model_dump(mode="json"))
            session.add(org)
            session.flush()
            return OrganisationOut(id=org.id, members=0, **body.model_dump())

    def list_organisations(self, caller: Principal) -> list[OrganisationOut]:
        """Admins: every organisation; anyone else: those they are an officer of."""
        with self.factory() as session:
            counts = (
                select(Membership.organisation_id, func.count().label("n"))
                .group_by(Membership.organisation_id)
                .subquery()
            )
            query = (
                select(Organisation, func.coalesce(counts.c.n, 0))
                .outerjoin(counts, counts.c.organisation_id == Organisation.id)
                .order_by(Organisation.id)
            )
            if caller.role != Role.admin:
                query = query.where(
                    Organisation.id.in_(
                        select(OrgOfficer.organisation_id).where(
                            OrgOfficer.account_id == (caller.account_id or 0)
                        )
                    )
                )
            return [
                OrganisationOut(
                    id=o.id,
                    name=o.name,
                    kind=o.kind,
                    sector=o.sector,
                    parent_id=o.parent_id,
                    subdistrict=o.subdistrict,
                    contact_name=o.contact_name,
                    contact_phone=o.contact_phone,
                    members=n,
                )
                for o, n in session.execute(query)
            ]

    def add_officer(self, caller: Principal, organisation_id: int, account_id: int) -> None:
        """Make an account an officer of the organisation (idempotent)."""
        _require_admin(caller)
        with transaction(self.factory) as session:
            if session.get(Organisation, organisation_id) is None:
                raise NotFound(N_NO_ORG)
            if session.get(Account, account_id) is None:
                raise InvalidInput(N_("No such account."), field="account_id")
            lock_named(session, f"org-officer-{organisation_id}")
            known = session.scalar(
                select(OrgOfficer.id).where(
                    OrgOfficer.organisation_id == organisation_id,
                    OrgOfficer.account_id == account_id,
                )
            )
            if known is None:
                session.add(OrgOfficer(organisation_id=organisation_id, account_id=account_id))

    # -- check-in points -----------------------------------------------------------------

    def set_checkin_point(self, caller: Principal, body: CheckinPointIn) -> CheckinPointOut:
        """A sub-district's check-in point, set or moved (one per sub-district)."""
        _require_admin(caller)
        self._check_subdistrict(body.subdistrict)
        with transaction(self.factory) as session:
            lock_named(session, "org-checkin-points")
            place = session.get(Place, body.place_id)
            if place is None:
                raise InvalidInput(N_NOT_A_PLACE, field="place_id")
            org_id = body.organisation_id
            if org_id is not None and session.get(Organisation, org_id) is None:
                raise InvalidInput(N_NO_ORG, field="organisation_id")
            point = session.scalar(
                select(CheckinPoint).where(CheckinPoint.subdistrict == body.subdistrict)
            )
            if point is None:
                point = CheckinPoint(subdistrict=body.subdistrict)
                session.add(point)
            point.place_id = place.id
            point.organisation_id = org_id
            session.flush()
            return _point_out(point, place)

    def checkin_points(self) -> list[CheckinPointOut]:
        """Public: the check-in points on the map."""
        with self.factory() as session:
            rows = session.execute(
                select(CheckinPoint, Place)
                .join(Place, Place.id == CheckinPoint.place_id)
                .order_by(CheckinPoint.subdistrict)
            )
            return [_point_out(point, place) for point, place in rows]

    # -- memberships ---------------------------------------------------------------------

    def register(self, caller: Principal, point_id: int) -> MembershipOut:
        """The calling rider registers at a check-in point. Registering again answers the
        membership held (wherever it was registered): the unique blind index enforces one
        membership per rider across workers."""
        if caller.role != Role.rider or caller.account_id is None:
            raise Forbidden(N_NOT_RIDER)
        account = caller.account_id
        self.seal.warm()  # before the transaction: a dev key may be stored on first use
        with transaction(self.factory) as session:
            point = session.get(CheckinPoint, point_id)
            if point is None:
                raise NotFound(N_NO_POINT)
            held = self._membership_of(session, account)
            if held is None:
                try:
                    with session.begin_nested():
                        session.add(
                            Membership(
                                account_key=self.seal.key(account),
                                account_enc=self.seal.seal(account),
                                organisation_id=point.organisation_id,
                                checkin_point_id=point.id,
                            )
                        )
                except IntegrityError:  # another worker registered them in between
                    pass
                held = self._membership_of(session, account)
                assert held is not None
            log_member_reads(session, self.seal, caller, [account], "own")
            return _membership_out(held, account, self._name(session, account))

    def my_membership(self, caller: Principal) -> MembershipOut:
        if caller.account_id is None:
            raise Forbidden(N_NOT_RIDER)
        self.seal.warm()
        with transaction(self.factory) as session:
            held = self._membership_of(session, caller.account_id)
            if held is None:
                raise NotFound(N_NO_MEMBERSHIP)
            log_member_reads(session, self.seal, caller, [caller.account_id], "own")
            return _membership_out(held, caller.account_id, self._name(session, caller.account_id))

    def members(self, caller: Principal, organisation_id: int, purpose: str) -> list[MembershipOut]:
        """An organisation's members, and those whose transfer to it waits, for its officers
        and admins; each one read is logged (`purpose`: the endpoint that asked) in the
        transaction that reads them. Whose each is comes from opening its token."""
        self.seal.warm()
        with transaction(self.factory) as session:
            if session.get(Organisation, organisation_id) is None:
                raise NotFound(N_NO_ORG)
            require_officer(session, caller, organisation_id)
            rows = session.scalars(
                select(Membership)
                .where(
                    or_(
                        Membership.organisation_id == organisation_id,
                        Membership.transfer_to_id == organisation_id,
                    )
                )
                .order_by(Membership.checked_in_at, Membership.id)
            ).all()
            accounts = [self.seal.open(m.account_enc) for m in rows]
            names = member_names(session, accounts)
            log_member_reads(session, self.seal, caller, accounts, purpose)
            return [
                _membership_out(m, a, names.get(a, "")) for m, a in zip(rows, accounts, strict=True)
            ]

    def request_transfer(self, caller: Principal, to_organisation_id: int) -> MembershipOut:
        """The calling member asks to move their membership to another organisation."""
        if caller.account_id is None:
            raise Forbidden(N_NOT_RIDER)
        account = caller.account_id
        self.seal.warm()
        with transaction(self.factory) as session:
            held = self._membership_of(session, account)
            if held is None:
                raise NotFound(N_NO_MEMBERSHIP)
            self._ask(session, held, to_organisation_id)
            log_member_reads(session, self.seal, caller, [account], "own")
            return _membership_out(held, account, self._name(session, account))

    def transfer_member(
        self,
        caller: Principal,
        organisation_id: int,
        membership_id: int,
        to_organisation_id: int,
        purpose: str,
    ) -> MembershipOut:
        """An officer of the organisation holding the membership (or an admin) asks its move
        to another organisation, for a member who moved on; the receiving organisation takes
        it in (`accept_transfer`)."""
        self.seal.warm()
        with transaction(self.factory) as session:
            if session.get(Organisation, organisation_id) is None:
                raise NotFound(N_NO_ORG)
            require_officer(session, caller, organisation_id)
            held = session.get(Membership, membership_id)
            if held is None or held.organisation_id != organisation_id:
                raise NotFound(N_NO_MEMBER)
            self._ask(session, held, to_organisation_id)
            account = self.seal.open(held.account_enc)
            log_member_reads(session, self.seal, caller, [account], purpose)
            return _membership_out(held, account, self._name(session, account))

    def _ask(self, session: Session, held: Membership, to_organisation_id: int) -> None:
        """Mark `held` as waiting to move to `to_organisation_id`: one conditional UPDATE,
        so of two asks at once (any workers) one wins and the other gets 409."""
        if session.get(Organisation, to_organisation_id) is None:
            raise InvalidInput(N_NO_ORG, field="to_organisation_id")
        if held.organisation_id == to_organisation_id:
            raise InvalidInput(N_TRANSFER_SAME, field="to_organisation_id")
        moved = session.execute(
            update(Membership)
            .where(
                Membership.id == held.id,
                Membership.transfer_status != TransferStatus.transfer_out_requested.value,
            )
            .values(
                transfer_status=TransferStatus.transfer_out_requested.value,
                transfer_to_id=to_organisation_id,
                transfer_requested_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict(N_TRANSFER_BUSY)
        session.refresh(held)

    def cancel_transfer(self, caller: Principal) -> MembershipOut:
        """The calling member withdraws the transfer they (or an officer) asked; 409 when
        none waits (it may just have been taken in)."""
        if caller.account_id is None:
            raise Forbidden(N_NOT_RIDER)
        account = caller.account_id
        self.seal.warm()
        with transaction(self.factory) as session:
            held = self._membership_of(session, account)
            if held is None:
                raise NotFound(N_NO_MEMBERSHIP)
            undone = session.execute(
                update(Membership)
                .where(
                    Membership.id == held.id,
                    Membership.transfer_status == TransferStatus.transfer_out_requested.value,
                )
                .values(
                    transfer_status=TransferStatus.none.value,
                    transfer_to_id=None,
                    transfer_requested_at=None,
                )
                .execution_options(synchronize_session=False)
            )
            if undone.rowcount != 1:  # type: ignore[attr-defined]
                raise Conflict(N_NO_TRANSFER)
            session.refresh(held)
            log_member_reads(session, self.seal, caller, [account], "own")
            return _membership_out(held, account, self._name(session, account))

    def accept_transfer(
        self, caller: Principal, organisation_id: int, membership_id: int, purpose: str
    ) -> MembershipOut:
        """The receiving organisation's officer (or an admin) takes a member in: the one
        membership row moves (there is never a second), by a conditional UPDATE, so of two
        officers accepting at once one wins and the other gets 409."""
        self.seal.warm()
        with transaction(self.factory) as session:
            if session.get(Organisation, organisation_id) is None:
                raise NotFound(N_NO_ORG)
            require_officer(session, caller, organisation_id)
            moved = session.execute(
                update(Membership)
                .where(
                    Membership.id == membership_id,
                    Membership.transfer_status == TransferStatus.transfer_out_requested.value,
                    Membership.transfer_to_id == organisation_id,
                )
                .values(
                    # The right-hand sides read the row before the update (SQL): the old one.
                    transfer_from_id=Membership.organisation_id,
                    organisation_id=organisation_id,
                    transfer_status=TransferStatus.transferred_in.value,
                    transfer_to_id=None,
                    transferred_at=utcnow(),
                )
                .execution_options(synchronize_session=False)
            )
            if moved.rowcount != 1:  # type: ignore[attr-defined]
                raise Conflict(N_NO_TRANSFER)
            held = session.get(Membership, membership_id, populate_existing=True)
            assert held is not None
            account = self.seal.open(held.account_enc)
            log_member_reads(session, self.seal, caller, [account], purpose)
            return _membership_out(held, account, self._name(session, account))

    def reads(self, caller: Principal, member_id: int | None = None) -> list[MemberReadOut]:
        """The read log, newest first (admins); one member's lines by its blind index."""
        _require_admin(caller)
        self.seal.warm()
        with self.factory() as session:
            query = select(MemberRead).order_by(MemberRead.id.desc()).limit(READS_LIMIT)
            if member_id is not None:
                query = query.where(MemberRead.member_key == self.seal.key(member_id))
            return [
                MemberReadOut(
                    at=as_utc(r.at),
                    member_id=self.seal.open(r.member_enc),
                    reader_id=r.reader_id,
                    role=r.role,
                    purpose=r.purpose,
                )
                for r in session.scalars(query)
            ]

    def purge_reads(self, kept: timedelta) -> int:
        """Delete the read log's lines older than `kept` (the daily retention job); how many.
        The log says whose membership was read by whom, so it is personal information too."""
        with transaction(self.factory) as session:
            done = session.execute(delete(MemberRead).where(MemberRead.at < utcnow() - kept))
            return int(done.rowcount)  # type: ignore[attr-defined]

    def reseal(self, previous_secret: str = "") -> Resealed:
        """`gigcity organisation reindex`: every member's blind index and token written
        again under the current keys, in one transaction (see `MemberSeal.reseal`)."""
        self.seal.warm()
        with transaction(self.factory) as session:
            return self.seal.reseal(session, previous_secret)

    def _membership_of(self, session: Session, account_id: int) -> Membership | None:
        return session.scalar(
            select(Membership)
            .where(Membership.account_key == self.seal.key(account_id))
            .execution_options(populate_existing=True)
        )

    @staticmethod
    def _name(session: Session, account_id: int) -> str:
        return session.scalar(select(Account.display_name).where(Account.id == account_id)) or ""

    # -- stations' 1+1+N and plans --------------------------------------------------------

    def station_team(self, caller: Principal | None, station_id: int) -> StationTeamOut:
        """A station's roster and plan. Public; the roster's phones to signed-in callers."""
        with self.factory() as session:
            station = _station(session, station_id)
            team = session.scalars(
                select(StationTeamMember)
                .where(StationTeamMember.place_id == station_id)
                .order_by(StationTeamMember.id)
            ).all()
            plan = session.scalar(select(StationPlan).where(StationPlan.place_id == station_id))
            actions = session.scalars(
                select(PlanAction)
                .where(PlanAction.place_id == station_id)
                .order_by(PlanAction.due, PlanAction.id)
            ).all()
        order = list(Position)
        members = sorted(team, key=lambda t: (order.index(Position(t.position)), t.id))
        done = sum(1 for a in actions if a.done_at is not None)
        return StationTeamOut(
            station_id=station.id,
            station_name=station.name,
            team=[_team_out(t, show_phone=caller is not None) for t in members],
            goals=plan.goals if plan else "",
            actions=[_action_out(a) for a in actions],
            progress=round(done / len(actions), 4) if actions else 0.0,
        )

    def add_team_member(
        self, caller: Principal, station_id: int, body: TeamMemberIn
    ) -> TeamMemberOut:
        if (body.position == Position.sector) != (body.sector_kind is not None):
            raise InvalidInput(N_SECTOR_KIND, field="sector_kind")
        with transaction(self.factory) as session:
            _station(session, station_id)
            _require_station_staff(caller, station_id)
            row = StationTeamMember(place_id=station_id, **body.model_dump(mode="json"))
            session.add(row)
            session.flush()
            return _team_out(row, show_phone=True)

    def remove_team_member(self, caller: Principal, station_id: int, member_id: int) -> None:
        _require_station_staff(caller, station_id)
        with transaction(self.factory) as session:
            gone = session.execute(
                delete(StationTeamMember).where(
                    StationTeamMember.id == member_id, StationTeamMember.place_id == station_id
                )
            )
            if gone.rowcount != 1:  # type: ignore[attr-defined]
                raise NotFound(N_("No such member of the station's team."))

    def set_goals(self, caller: Principal, station_id: int, goals: str) -> None:
        with transaction(self.factory) as session:
            _station(session, station_id)
            _require_station_staff(caller, station_id)
            lock_named(session, f"org-plan-{station_id}")
            plan = session.scalar(select(StationPlan).where(StationPlan.place_id == station_id))
            if plan is None:
                plan = StationPlan(place_id=station_id)
                session.add(plan)
            plan.goals = goals
            plan.updated_at = utcnow()

    def add_action(self, caller: Principal, station_id: int, body: ActionIn) -> ActionOut:
        with transaction(self.factory) as session:
            _station(session, station_id)
            _require_station_staff(caller, station_id)
            row = PlanAction(place_id=station_id, title=body.title, due=body.due)
            session.add(row)
            session.flush()
            return _action_out(row)

    def set_action_done(
        self, caller: Principal, station_id: int, action_id: int, done: bool
    ) -> ActionOut:
        """Mark an action done (keeping the first time it was marked) or not done."""
        _require_station_staff(caller, station_id)
        with transaction(self.factory) as session:
            where = (PlanAction.id == action_id, PlanAction.place_id == station_id)
            if done:
                change = update(PlanAction).where(*where, PlanAction.done_at.is_(None))
                session.execute(change.values(done_at=utcnow()))
            else:
                session.execute(update(PlanAction).where(*where).values(done_at=None))
            row = session.scalar(
                select(PlanAction).where(*where).execution_options(populate_existing=True)
            )
            if row is None:
                raise NotFound(N_("No such action in the station's plan."))
            return _action_out(row)

    def remove_action(self, caller: Principal, station_id: int, action_id: int) -> None:
        _require_station_staff(caller, station_id)
        with transaction(self.factory) as session:
            gone = session.execute(
                delete(PlanAction).where(
                    PlanAction.id == action_id, PlanAction.place_id == station_id
                )
            )
            if gone.rowcount != 1:  # type: ignore[attr-defined]
                raise NotFound(N_("No such action in the station's plan."))


def _require_admin(caller: Principal) -> None:
    if caller.role != Role.admin:
        raise Forbidden(N_NOT_OFFICER)


def _require_station_staff(caller: Principal, station_id: int) -> None:
    if caller.role == Role.admin:
        return
    if caller.role != Role.staff or caller.station_id != station_id:
        raise Forbidden(N_NOT_STATION_STAFF)


def _station(session: Session, station_id: int) -> Place:
    place = session.get(Place, station_id)
    if place is None or place.kind not in STATION_KINDS:
        raise NotFound(N_NO_STATION)
    return place


def _point_out(point: CheckinPoint, place: Place) -> CheckinPointOut:
    return CheckinPointOut(
        id=point.id, subdistrict=point.subdistrict, place_id=place.id, place_name=place.name,
        lon=place.lon, lat=place.lat, organisation_id=point.organisation_id,
    )  # fmt: skip


def _team_out(row: StationTeamMember, *, show_phone: bool) -> TeamMemberOut:
    return TeamMemberOut(
        id=row.id, position=Position(row.position), sector_kind=row.sector_kind, name=row.name,
        phone=row.phone if show_phone else None, duty_hours=row.duty_hours,
    )  # fmt: skip


def _action_out(row: PlanAction) -> ActionOut:
    done_at = as_utc(row.done_at) if row.done_at else None
    return ActionOut(
        id=row.id, title=row.title, due=row.due, done=done_at is not None, done_at=done_at
    )
