"""Families: managers link a family account to an older person (with the older person's
consent, recorded); the family then sees that person's next meals and may pause them or
skip or add one meal until the cut-off (`subscriptions`, through `carers.require_carer`).
Each link and unlink is logged with the reads of the older person's record."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gigcity.db.models import Account, Canteen, CanteenMenu, Elder, FamilyLink
from gigcity.db.session import transaction
from gigcity.i18n import N_
from gigcity.services.accounts import AccountCreate, Principal, Role, create_account
from gigcity.services.eldercare.base import get_elder, log_reads, require_manager
from gigcity.services.eldercare.carers import linked_elder_ids, require_carer
from gigcity.services.eldercare.family_schemas import (
    FamilyElderOut,
    FamilyLinkIn,
    FamilyLinkOut,
    FamilyMealOut,
)
from gigcity.services.eldercare.schemas import ElderIn, Meal
from gigcity.services.eldercare.subscriptions import Subscriptions, cutoff_of
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.types import as_utc

FAMILY_DAYS_MAX = 14
NEXT_MEALS = 3  # how many coming meals the list of older people shows
# What the family sees of the older person; the read log names these fields.
FAMILY_FIELDS = ("first_name",)
# A family that enrols an older person itself is linked to them as this relation.
SELF_ENROLLED = "family"
# A meal still coming to the older person (not none, skipped, paused, brought or cancelled).
COMING = {"subscribed", "added", "generated:ordered", "generated:out"}


def _link_out(link: FamilyLink, username: str, created: bool = False) -> FamilyLinkOut:
    return FamilyLinkOut(
        id=link.id,
        account_id=link.account_id,
        username=username,
        elder_id=link.elder_id,
        relation=link.relation,
        granted_at=as_utc(link.granted_at),  # SQLite gives back naive UTC
        revoked_at=as_utc(link.revoked_at) if link.revoked_at else None,
        account_created=created,
    )


def _dishes(
    session: Session, canteen_id: int, first: date, last: date
) -> dict[tuple[date, str], list[str]]:
    rows = session.scalars(
        select(CanteenMenu).where(
            CanteenMenu.canteen_id == canteen_id, CanteenMenu.day >= first, CanteenMenu.day <= last
        )
    )
    return {(m.day, m.meal): [str(d.get("name", "")) for d in m.dishes] for m in rows}


class Families(Subscriptions):
    # -- managers: link and unlink ------------------------------------------------------

    def _family_account(self, session: Session, data: FamilyLinkIn) -> tuple[Account, bool]:
        """The family account named `data.username`, made now (with its password) when it
        does not exist yet; and whether it was made."""
        account = session.scalar(select(Account).where(Account.username == data.username))
        if account is None:
            if data.password is None:
                raise InvalidInput(N_("A new family account needs a password."), field="password")
            made = AccountCreate(
                username=data.username,
                password=data.password,
                display_name=data.display_name or data.username,
                role=Role.family,
                phone=data.phone,
            )
            return create_account(session, made, self.district), True
        if account.role != Role.family.value:
            raise Conflict(
                N_("The username '{username}' belongs to an account that is not a family's."),
                field="username",
                username=data.username,
            )
        if data.password is not None:
            raise InvalidInput(
                N_(
                    "The family account '{username}' exists already: leave the password out "
                    "(a district admin changes passwords)."
                ),
                field="password",
                username=data.username,
            )
        if not account.active:
            raise Conflict(
                N_("The account '{username}' is deactivated."),
                field="username",
                username=data.username,
            )
        return account, False

    def link_family(self, principal: Principal, elder_id: int, data: FamilyLinkIn) -> FamilyLinkOut:
        """Let a family account act for an older person (the account is made if it does not
        exist); the older person's consent is recorded, encrypted. Logged."""
        now = self.clock()
        try:
            with transaction(self.factory) as session:
                elder = get_elder(session, elder_id)
                require_manager(principal, elder.subdistrict)
                if elder.ended_at is not None:
                    raise Conflict(N_("This older person's enrolment has ended already."))
                account, created = self._family_account(session, data)
                link = FamilyLink(
                    account_id=account.id,
                    elder_id=elder.id,
                    relation=data.relation,
                    consent_note_enc=self.cipher.encrypt(data.consent_note),
                    granted_by=principal.account_id,
                    granted_at=now,
                )
                session.add(link)
                session.flush()  # one link in force per account and person: a unique index
                log_reads(session, principal, [elder.id], ["family"], "family_link", now)
                return _link_out(link, account.username, created)
        except IntegrityError as exc:
            raise Conflict(
                N_("'{username}' is linked to this older person already."),
                field="username",
                username=data.username,
            ) from exc

    def unlink_family(self, principal: Principal, elder_id: int, account_id: int) -> None:
        """The family account may no longer act for the older person (at once: every
        request checks the link). The link stays on record. Logged."""
        now = self.clock()
        with transaction(self.factory) as session:
            elder = get_elder(session, elder_id)
            require_manager(principal, elder.subdistrict)
            done = session.execute(
                update(FamilyLink)
                .where(
                    FamilyLink.elder_id == elder_id,
                    FamilyLink.account_id == account_id,
                    FamilyLink.revoked_at.is_(None),
                )
                .values(revoked_at=now, revoked_by=principal.account_id)
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                raise NotFound(
                    N_("Account {id} is not linked to this older person."), id=account_id
                )
            log_reads(session, principal, [elder.id], ["family"], "family_unlink", now)

    def family_links(self, principal: Principal, elder_id: int) -> list[FamilyLinkOut]:
        """The family accounts linked to an older person, unlinked ones too (managers)."""
        with transaction(self.factory) as session:
            elder = get_elder(session, elder_id)
            require_manager(principal, elder.subdistrict)
            rows = session.execute(
                select(FamilyLink, Account.username)
                .join(Account, Account.id == FamilyLink.account_id)
                .where(FamilyLink.elder_id == elder_id)
                .order_by(FamilyLink.id)
            ).all()
            log_reads(session, principal, [elder.id], ["family"], "list", self.clock())
            return [_link_out(link, username) for link, username in rows]

    # -- a family enrols its older person -----------------------------------------------

    def family_enrol(self, principal: Principal, data: ElderIn) -> FamilyElderOut:
        """A family account enrols an older person of its family, with that person's consent
        (`consent_by` family); the committee names the familiar riders later. The record and
        the family's link to it are written in one transaction: both or neither."""
        if principal.role != Role.family or principal.account_id is None:
            raise Forbidden(N_("Only family accounts have older people linked to them."))
        if data.consent_by != "family":
            raise InvalidInput(
                N_("A family enrols with the older person's consent: consent_by must be family."),
                field="consent_by",
            )
        for field in ("primary_rider_id", "backup_rider_id"):
            if getattr(data, field) is not None:
                raise InvalidInput(
                    N_("The neighbourhood committee names the familiar riders: leave {field} out."),
                    field=field,
                )
        now = self.clock()
        cipher = self.cipher  # before the transaction: its first use may write its key
        with transaction(self.factory) as session:
            elder, _ = self._store_enrolment(session, cipher, principal, data)
            session.add(
                FamilyLink(
                    account_id=principal.account_id,
                    elder_id=elder.id,
                    relation=SELF_ENROLLED,
                    consent_note_enc=cipher.encrypt(data.consent_note),
                    granted_by=principal.account_id,
                    granted_at=now,
                )
            )
            session.flush()
            log_reads(session, principal, [elder.id], ["family"], "family_link", now)
            canteen = session.get(Canteen, elder.canteen_id)
            assert canteen is not None  # checked by the enrolment
            # No subscription yet, so no coming meals: the family adds them next.
            return FamilyElderOut(
                id=elder.id,
                first_name=data.first_name,
                canteen_name=canteen.name,
                lunch_cutoff=canteen.lunch_cutoff,
                dinner_cutoff=canteen.dinner_cutoff,
                next_meals=[],
            )

    # -- the family's view --------------------------------------------------------------

    def family_meals(
        self, principal: Principal, elder_id: int, days: int = 7, first: date | None = None
    ) -> list[FamilyMealOut]:
        """Each lunch and dinner from `first` (today) for `days` days: what the older person
        has, until when it can change, and the menu where the canteen has put it."""
        if not 1 <= days <= FAMILY_DAYS_MAX:
            raise InvalidInput(N_("Ask for 1 to {most} days."), field="days", most=FAMILY_DAYS_MAX)
        first = first or self.day_clock.day_of(self.clock())
        last = first + timedelta(days=days - 1)
        with self.factory() as session:
            elder = get_elder(session, elder_id)
            require_carer(session, principal, elder)
            canteen = session.get(Canteen, elder.canteen_id)
            assert canteen is not None  # RESTRICT keeps it
            dishes = _dishes(session, canteen.id, first, last)
        planned = {(p.day, p.meal): p for p in self.planned(principal, elder_id, first, days)}
        now = self.clock()
        out = []
        for offset in range(days):
            day = first + timedelta(days=offset)
            for meal in Meal:
                found = planned.get((day, meal))
                if found is not None:
                    status, until = found.status, found.changeable_until
                else:
                    deadline = self._deadline(canteen, day, meal)
                    status, until = "none", deadline if deadline > now else None
                out.append(
                    FamilyMealOut(
                        day=day,
                        meal=meal,
                        status=status,
                        changeable_until=until,
                        cutoff=cutoff_of(canteen, meal).strftime("%H:%M"),
                        dishes=dishes.get((day, meal.value), []),
                    )
                )
        return out

    def family_elders(self, principal: Principal) -> list[FamilyElderOut]:
        """A family account's older people: first name, canteen and the next meals. The
        first names read are logged."""
        if principal.role != Role.family or principal.account_id is None:
            raise Forbidden(N_("Only family accounts have older people linked to them."))
        with transaction(self.factory) as session:
            ids = linked_elder_ids(session, principal.account_id)
            rows = session.execute(
                select(Elder, Canteen)
                .join(Canteen, Canteen.id == Elder.canteen_id)
                .where(Elder.id.in_(ids), Elder.ended_at.is_(None))
                .order_by(Elder.id)
            ).all()
            log_reads(
                session, principal, [e.id for e, _ in rows], FAMILY_FIELDS, "family", self.clock()
            )
            found = [
                FamilyElderOut(
                    id=elder.id,
                    first_name=self.cipher.decrypt(elder.first_name_enc),
                    canteen_name=canteen.name,
                    lunch_cutoff=canteen.lunch_cutoff,
                    dinner_cutoff=canteen.dinner_cutoff,
                    next_meals=[],
                )
                for elder, canteen in rows
            ]
        for elder in found:
            coming = [m for m in self.family_meals(principal, elder.id) if m.status in COMING]
            elder.next_meals = coming[:NEXT_MEALS]
        return found
