"""The "three ones" (issue 20): the monthly letter with read receipts, the learning library
with each member's progress, and the book handed out.

Who sees what follows the membership rule (services/organisation/service.py): which members a
letter was for and whether they opened it, members' learning progress and who received a book
tell who is a member, so they are answered only to the organisation's officers and district
admins, and every member in such an answer is logged in `org_member_reads`. A member sees
their own letters, progress and books. A letter to all members is written by admins; an
organisation's officers write to their organisation.

A book goes to the member in front of the station's desk: the member's page shows a short
code (account number and six digits signed for a ten-minute window, also as a QR code) that
the staff type in, so the desk never searches or lists riders by name or phone.

A read receipt tells a membership (only members open letters), so it names its reader
sealed, as memberships do (`sealing.py`): receipts and memberships meet on the blind index,
never on a plain account id. Learning progress and books keep the plain account: any rider
may learn or be handed a book, member or not, so they tell no membership; an officer's view
of them opens the organisation's memberships first and asks for those accounts.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, false, func, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from gigcity.db.models import (
    Account,
    BookHandout,
    LearningProgress,
    LearningResource,
    Membership,
    Organisation,
    OrgLetter,
    OrgLetterRead,
    Place,
)
from gigcity.db.session import transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.day_clock import DayClock
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.field_keys import CodeKey
from gigcity.services.idempotent import insert_unless_present
from gigcity.services.organisation.sealing import MemberSeal, chunks
from gigcity.services.organisation.service import (
    N_NO_ORG,
    N_NOT_A_PLACE,
    N_NOT_OFFICER,
    log_member_reads,
    member_names,
    officer_orgs,
    require_officer,
)
from gigcity.services.organisation.three_ones_schemas import (
    BookCodeOut,
    HandoutIn,
    HandoutOut,
    LearningProgressOut,
    LetterIn,
    LetterOut,
    MemberProgressOut,
    MyBookOut,
    MyLetterOut,
    ProgressOut,
    ReceiptOut,
    ReceiptsOut,
    ResourceIn,
    ResourceKind,
    ResourceOut,
)
from gigcity.services.qr import qr_svg
from gigcity.services.types import as_utc

N_ALL_MEMBERS = N_("Only district admins write to all members.")
N_NO_LETTER = N_("No such letter.")
N_NO_RESOURCE = N_("No such learning resource.")
N_NOT_MEMBER = N_("Only a rider keeps their own letters, learning and books.")
N_NOT_ADMIN = N_("Only district admins edit the learning library.")
N_BOOK_GIVER = N_("Only station staff (at their own station) and district admins hand out books.")
N_BAD_CODE = N_("This is not a member's book code, or it has expired: ask them to open it again.")
N_HAS_BOOK = N_("{name} has already received “{title}”.")
N_MONTH = N_("Give a month such as 2026-12.")
N_ORG_NEEDED = N_("Say which organisation's members to show.")
SENT_LIMIT = 50  # letters on the sender's list
HANDOUTS_LIMIT = 500
RECEIPTS_LIMIT = 500  # members listed on a letter's receipts
CODE_WINDOW = timedelta(minutes=10)  # a book code is good in its window and the next


def _member_account(caller: Principal) -> int:
    if caller.role != Role.rider or caller.account_id is None:
        raise Forbidden(N_NOT_MEMBER)
    return caller.account_id


def _letter_members(letter: OrgLetter) -> ColumnElement[bool]:
    """The memberships a letter is for: its organisation's, or every one."""
    if letter.organisation_id is None:
        return true()
    return Membership.organisation_id == letter.organisation_id


class ThreeOnesService:
    """Letters, the learning library and books on the database."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        clock: DayClock,
        members: MemberSeal,
        *,
        signing_secret: str = "",
    ) -> None:
        self._factory = factory
        self._clock = clock
        self._members = members
        self._code_key = CodeKey(
            factory, signing_secret, dev_key="org_book_code_key", purpose="org-book-code"
        )

    # -- letters --------------------------------------------------------------------------

    def send_letter(self, caller: Principal, body: LetterIn) -> LetterOut:
        """Admins write to all members or one organisation; officers to their own."""
        if body.organisation_id is None and caller.role != Role.admin:
            raise Forbidden(N_ALL_MEMBERS)
        with transaction(self._factory) as session:
            if body.organisation_id is not None:
                if session.get(Organisation, body.organisation_id) is None:
                    raise InvalidInput(N_NO_ORG, field="organisation_id")
                require_officer(session, caller, body.organisation_id)
            letter = OrgLetter(
                organisation_id=body.organisation_id, title=body.title, body=body.body,
                sent_at=self._clock.now(), sent_by_id=caller.account_id,
            )  # fmt: skip
            session.add(letter)
            session.flush()
            return self._letter_out(session, letter)

    def sent_letters(self, caller: Principal) -> list[LetterOut]:
        """The letters whose receipts the caller may count: admins all, officers those to
        their organisations; newest first."""
        with self._factory() as session:
            query = select(OrgLetter).order_by(OrgLetter.sent_at.desc(), OrgLetter.id.desc())
            if caller.role != Role.admin:
                query = query.where(OrgLetter.organisation_id.in_(officer_orgs(session, caller)))
            letters = session.scalars(query.limit(SENT_LIMIT)).all()
            return [self._letter_out(session, letter) for letter in letters]

    def receipts(self, caller: Principal, letter_id: int) -> ReceiptsOut:
        """Who the letter is for and who opened it, those who have not first (logged)."""
        seal = self._members
        seal.warm()
        with transaction(self._factory) as session:
            letter = session.get(OrgLetter, letter_id)
            if letter is None:
                raise NotFound(N_NO_LETTER)
            query = (
                select(Membership.account_enc, OrgLetterRead.read_at)
                .outerjoin(
                    OrgLetterRead,
                    and_(
                        OrgLetterRead.letter_id == letter.id,
                        OrgLetterRead.account_key == Membership.account_key,
                    ),
                )
                .where(_letter_members(letter))
            )
            if letter.organisation_id is not None:
                require_officer(session, caller, letter.organisation_id)
            elif caller.role != Role.admin:  # a letter to all: an officer sees their own
                mine = officer_orgs(session, caller)
                if not mine:
                    raise Forbidden(N_NOT_OFFICER)
                query = query.where(Membership.organisation_id.in_(mine))
            totals = session.execute(
                select(func.count(), func.count(query.subquery().c.read_at))
            ).one()
            # Those who have not read first; a letter to all lists at most RECEIPTS_LIMIT
            # (and logs only those listed), the counts cover everyone. Names come with the
            # opened account ids, so the listed ones are sorted by name here.
            rows = session.execute(
                query.order_by(OrgLetterRead.read_at.is_not(None), Membership.id).limit(
                    RECEIPTS_LIMIT
                )
            ).all()
            listed = [(seal.open(enc), read_at) for enc, read_at in rows]
            names = member_names(session, (a for a, _ in listed))
            log_member_reads(session, seal, caller, (a for a, _ in listed), "letter_receipts")
        members = sorted(
            (
                ReceiptOut(
                    account_id=account,
                    display_name=names.get(account, ""),
                    read_at=as_utc(read_at) if read_at else None,
                )
                for account, read_at in listed
            ),
            key=lambda r: (r.read_at is not None, r.display_name, r.account_id),
        )
        total, read = totals
        return ReceiptsOut(letter_id=letter_id, read=read, unread=total - read, members=members)

    def my_letters(self, caller: Principal, month: str | None = None) -> list[MyLetterOut]:
        """The member's letters of `month` (YYYY-MM, district time; default this month),
        newest first, with when they opened each. None without a membership."""
        account_id = _member_account(caller)
        start, end = self._month_bounds(month)
        self._members.warm()
        key = self._members.key(account_id)
        with self._factory() as session:
            letters_for = self._letters_for(session, key)
            if letters_for is None:
                return []
            rows = session.execute(
                select(OrgLetter, OrgLetterRead.read_at)
                .outerjoin(
                    OrgLetterRead,
                    and_(OrgLetterRead.letter_id == OrgLetter.id, OrgLetterRead.account_key == key),
                )
                .where(letters_for, OrgLetter.sent_at >= start, OrgLetter.sent_at < end)
                .order_by(OrgLetter.sent_at.desc(), OrgLetter.id.desc())
            ).all()
        return [_my_letter(letter, read_at, with_body=False) for letter, read_at in rows]

    def open_letter(self, caller: Principal, letter_id: int) -> MyLetterOut:
        """The member opens a letter: its body, and its read receipt written once."""
        account_id = _member_account(caller)
        self._members.warm()
        key = self._members.key(account_id)
        with transaction(self._factory) as session:
            letters_for = self._letters_for(session, key)
            letter = session.scalar(
                select(OrgLetter).where(
                    OrgLetter.id == letter_id, letters_for if letters_for is not None else false()
                )
            )
            if letter is None:
                raise NotFound(N_NO_LETTER)
            values = {
                "letter_id": letter_id,
                "account_key": key,
                "account_enc": self._members.seal(account_id),
                "read_at": self._clock.now(),
            }
            insert_unless_present(session, OrgLetterRead, values, key=["letter_id", "account_key"])
            read_at = session.scalar(
                select(OrgLetterRead.read_at).where(
                    OrgLetterRead.letter_id == letter_id, OrgLetterRead.account_key == key
                )
            )
            return _my_letter(letter, read_at, with_body=True)

    def _letter_out(self, session: Session, letter: OrgLetter) -> LetterOut:
        members = select(Membership.account_key).where(_letter_members(letter))
        recipients = session.scalar(select(func.count()).select_from(members.subquery())) or 0
        read = session.scalar(
            select(func.count()).where(
                OrgLetterRead.letter_id == letter.id, OrgLetterRead.account_key.in_(members)
            )
        )
        return LetterOut(
            id=letter.id, organisation_id=letter.organisation_id, title=letter.title,
            body=letter.body, sent_at=as_utc(letter.sent_at), recipients=recipients,
            read=read or 0,
        )  # fmt: skip

    @staticmethod
    def _letters_for(session: Session, key: str) -> ColumnElement[bool] | None:
        """The letters the member of blind index `key` gets: to all members and to their
        organisation; None without a membership (letters are for members)."""
        held = session.execute(
            select(Membership.organisation_id).where(Membership.account_key == key)
        ).first()
        if held is None:
            return None
        to_all = OrgLetter.organisation_id.is_(None)
        return to_all if held[0] is None else or_(to_all, OrgLetter.organisation_id == held[0])

    def _month_bounds(self, month: str | None) -> tuple[datetime, datetime]:
        if month is None:
            first = self._clock.today().replace(day=1)
        else:
            try:
                first = date.fromisoformat(f"{month}-01")
            except ValueError:
                raise InvalidInput(N_MONTH, field="month") from None
        following = (first + timedelta(days=32)).replace(day=1)
        return self._clock.midnight(first), self._clock.midnight(following)

    # -- learning -------------------------------------------------------------------------

    def add_resource(self, caller: Principal, body: ResourceIn) -> ResourceOut:
        if caller.role != Role.admin:
            raise Forbidden(N_NOT_ADMIN)
        with transaction(self._factory) as session:
            row = LearningResource(**body.model_dump(mode="json"))
            session.add(row)
            session.flush()
            return ResourceOut(id=row.id, **body.model_dump())

    def update_resource(self, caller: Principal, resource_id: int, body: ResourceIn) -> ResourceOut:
        """Edit a resource; `published: false` takes it off members' library (their
        progress is kept)."""
        if caller.role != Role.admin:
            raise Forbidden(N_NOT_ADMIN)
        with transaction(self._factory) as session:
            changed = session.execute(
                update(LearningResource)
                .where(LearningResource.id == resource_id)
                .values(**body.model_dump(mode="json"))
            )
            if changed.rowcount != 1:  # type: ignore[attr-defined]
                raise NotFound(N_NO_RESOURCE)
        return ResourceOut(id=resource_id, **body.model_dump())

    def library(self, caller: Principal | None) -> list[ResourceOut]:
        """The published library (admins: also what is unpublished), with the caller's own
        progress when they are signed in."""
        account_id = caller.account_id if caller is not None else None
        with self._factory() as session:
            query = select(LearningResource, LearningProgress).outerjoin(
                LearningProgress,
                and_(
                    LearningProgress.resource_id == LearningResource.id,
                    LearningProgress.account_id == (account_id or 0),
                ),
            )
            if caller is None or caller.role != Role.admin:
                query = query.where(LearningResource.published.is_(True))
            rows = session.execute(query.order_by(LearningResource.id)).all()
        return [_resource_out(r, p, signed_in=account_id is not None) for r, p in rows]

    def set_progress(self, caller: Principal, resource_id: int, percent: int) -> ProgressOut:
        """The member's progress through a resource: it only goes up (a lower figure from an
        older tab changes nothing), and reaching 100 marks it completed, once."""
        account_id = _member_account(caller)
        now = self._clock.now()
        with transaction(self._factory) as session:
            resource = session.get(LearningResource, resource_id)
            if resource is None or not resource.published:
                raise NotFound(N_NO_RESOURCE)
            values = {"resource_id": resource_id, "account_id": account_id, "percent": 0}
            insert_unless_present(
                session, LearningProgress, values | {"updated_at": now},
                key=["resource_id", "account_id"],
            )  # fmt: skip
            mine = (
                LearningProgress.resource_id == resource_id,
                LearningProgress.account_id == account_id,
            )
            session.execute(
                update(LearningProgress)
                .where(*mine, LearningProgress.percent < percent)
                .values(percent=percent, updated_at=now)
            )
            session.execute(
                update(LearningProgress)
                .where(
                    *mine, LearningProgress.percent >= 100, LearningProgress.completed_at.is_(None)
                )
                .values(completed_at=now)
            )
            row = session.scalar(
                select(LearningProgress).where(*mine).execution_options(populate_existing=True)
            )
            assert row is not None
            return ProgressOut(
                resource_id=resource_id, percent=row.percent,
                completed_at=as_utc(row.completed_at) if row.completed_at else None,
            )  # fmt: skip

    def members_progress(self, caller: Principal, organisation_id: int) -> LearningProgressOut:
        """An organisation's members' way through the published library (logged)."""
        seal = self._members
        seal.warm()
        with transaction(self._factory) as session:
            if session.get(Organisation, organisation_id) is None:
                raise NotFound(N_NO_ORG)
            require_officer(session, caller, organisation_id)
            published = select(LearningResource.id).where(LearningResource.published.is_(True))
            total = session.scalar(select(func.count()).select_from(published.subquery())) or 0
            accounts = self._accounts_of(session, organisation_id)
            names = member_names(session, accounts)
            figures: dict[int, tuple[int, int, int]] = {}
            for part in chunks(accounts):
                for account, started, completed, points in session.execute(
                    select(
                        LearningProgress.account_id,
                        func.count(LearningProgress.id),
                        func.count(LearningProgress.completed_at),
                        func.coalesce(func.sum(LearningProgress.percent), 0),
                    )
                    .where(
                        LearningProgress.account_id.in_(part),
                        LearningProgress.resource_id.in_(published),
                    )
                    .group_by(LearningProgress.account_id)
                ):
                    figures[account] = (int(started), int(completed), int(points))
            log_member_reads(session, seal, caller, accounts, "learning_progress")
        members = []
        for account in sorted(accounts, key=lambda a: (names.get(a, ""), a)):
            started, completed, points = figures.get(account, (0, 0, 0))
            members.append(
                MemberProgressOut(
                    account_id=account,
                    display_name=names.get(account, ""),
                    started=started,
                    completed=completed,
                    percent=round(points / total) if total else 0,
                )
            )
        return LearningProgressOut(
            organisation_id=organisation_id, resources=total, members=members
        )

    def _accounts_of(self, session: Session, organisation_id: int) -> list[int]:
        """The account ids of an organisation's members, opened from their tokens."""
        tokens = session.scalars(
            select(Membership.account_enc).where(Membership.organisation_id == organisation_id)
        )
        return [self._members.open(token) for token in tokens]

    @staticmethod
    def learning_qr_svg(base_url: str) -> str:
        """The learning QR code printed at stations: it opens the member's library."""
        return qr_svg(base_url.rstrip("/") + "/my-organisation#learning")

    # -- books ----------------------------------------------------------------------------

    def book_code(self, caller: Principal) -> BookCodeOut:
        """The short code the member shows at the desk to be handed a book."""
        account_id = _member_account(caller)
        slot = self._slot(self._clock.now())
        code = f"{account_id}-{self._sign(account_id, slot)}"
        expires = datetime.fromtimestamp((slot + 2) * CODE_WINDOW.total_seconds(), tz=UTC)
        return BookCodeOut(code=code, expires_at=expires, qr_svg=qr_svg(code))

    def give_book(self, caller: Principal, body: HandoutIn) -> HandoutOut:
        """Station staff (at their station) or an admin record a book handed to the member
        whose code they were shown; one of each title per member (409 names it)."""
        place_id = self._giving_place(caller, body.place_id)
        account_id = self._account_of_code(body.code)  # the key first: making it may write
        with transaction(self._factory) as session:
            account = session.get(Account, account_id)
            if account is None or not account.active or account.role != Role.rider.value:
                raise InvalidInput(N_BAD_CODE, field="code")
            place = session.get(Place, place_id) if place_id is not None else None
            if place_id is not None and place is None:
                raise InvalidInput(N_NOT_A_PLACE, field="place_id")
            name = account.display_name
            row = BookHandout(
                account_id=account_id, title=body.title.strip(), place_id=place_id,
                given_by_id=caller.account_id, given_at=self._clock.now(),
            )  # fmt: skip
            try:
                with session.begin_nested():
                    session.add(row)
                    session.flush()
            except IntegrityError:
                raise Conflict(N_HAS_BOOK, name=name or "", title=row.title) from None
            return _handout_out(row, name or "", place.name if place else None)

    def my_books(self, caller: Principal) -> list[MyBookOut]:
        account_id = _member_account(caller)
        with self._factory() as session:
            rows = session.execute(
                select(BookHandout, Place.name)
                .outerjoin(Place, Place.id == BookHandout.place_id)
                .where(BookHandout.account_id == account_id)
                .order_by(BookHandout.given_at.desc())
            ).all()
        return [
            MyBookOut(title=b.title, place_name=place, given_at=as_utc(b.given_at))
            for b, place in rows
        ]

    def handouts(self, caller: Principal, organisation_id: int | None) -> list[HandoutOut]:
        """Who received a book, newest first: an organisation's members (its officers and
        admins), or everyone (admins); each member shown is logged."""
        seal = self._members
        seal.warm()
        with transaction(self._factory) as session:
            query = (
                select(BookHandout, Account.display_name, Place.name)
                .join(Account, Account.id == BookHandout.account_id)
                .outerjoin(Place, Place.id == BookHandout.place_id)
                .order_by(BookHandout.given_at.desc(), BookHandout.id.desc())
                .limit(HANDOUTS_LIMIT)
            )
            if organisation_id is None:
                if caller.role != Role.admin:
                    raise InvalidInput(N_ORG_NEEDED, field="organisation_id")
                rows = [(b, name, place) for b, name, place in session.execute(query)]
            else:
                if session.get(Organisation, organisation_id) is None:
                    raise NotFound(N_NO_ORG)
                require_officer(session, caller, organisation_id)
                # The members' accounts, opened, asked for in parts; the newest overall kept.
                rows = []
                for part in chunks(self._accounts_of(session, organisation_id)):
                    found = session.execute(query.where(BookHandout.account_id.in_(part)))
                    rows += [(b, name, place) for b, name, place in found]
                rows.sort(key=lambda r: (as_utc(r[0].given_at), r[0].id), reverse=True)
                del rows[HANDOUTS_LIMIT:]
            log_member_reads(session, seal, caller, (b.account_id for b, _, _ in rows), "books")
        return [_handout_out(b, name, place) for b, name, place in rows]

    def _giving_place(self, caller: Principal, place_id: int | None) -> int | None:
        if caller.role == Role.admin:
            return place_id
        if caller.role == Role.staff and caller.station_id is not None:
            if place_id is not None and place_id != caller.station_id:
                raise Forbidden(N_BOOK_GIVER)
            return caller.station_id
        raise Forbidden(N_BOOK_GIVER)

    def _slot(self, moment: datetime) -> int:
        return int(as_utc(moment).timestamp() // CODE_WINDOW.total_seconds())

    def _sign(self, account_id: int, slot: int) -> str:
        digest = hmac.new(self._code_key.key, f"{account_id}.{slot}".encode(), hashlib.sha256)
        return f"{int.from_bytes(digest.digest()[:8], 'big') % 1_000_000:06d}"

    def _account_of_code(self, code: str) -> int:
        """The account a book code names, signed by this instance in this window or the
        last; InvalidInput (field `code`) otherwise. (give_book checks it is an active
        rider's in its transaction.)"""
        head, _, digits = code.strip().partition("-")
        if not head.isdigit() or len(digits) != 6 or not digits.isdigit():
            raise InvalidInput(N_BAD_CODE, field="code")
        account_id, slot = int(head), self._slot(self._clock.now())
        if not any(
            hmac.compare_digest(digits, self._sign(account_id, s)) for s in (slot, slot - 1)
        ):
            raise InvalidInput(N_BAD_CODE, field="code")
        return account_id


def _my_letter(letter: OrgLetter, read_at: datetime | None, *, with_body: bool) -> MyLetterOut:
    return MyLetterOut(
        id=letter.id, organisation_id=letter.organisation_id, title=letter.title,
        sent_at=as_utc(letter.sent_at), read_at=as_utc(read_at) if read_at else None,
        body=letter.body if with_body else None,
    )  # fmt: skip


def _resource_out(
    r: LearningResource, p: LearningProgress | None, *, signed_in: bool
) -> ResourceOut:
    return ResourceOut(
        id=r.id, title=r.title, kind=ResourceKind(r.kind), url=r.url, body=r.body,
        minutes=r.minutes, published=r.published,
        percent=(p.percent if p else 0) if signed_in else None,
        completed_at=as_utc(p.completed_at) if p and p.completed_at else None,
    )  # fmt: skip


def _handout_out(row: BookHandout, name: str, place: str | None) -> HandoutOut:
    return HandoutOut(
        id=row.id, account_id=row.account_id, display_name=name, title=row.title,
        place_id=row.place_id, place_name=place, given_at=as_utc(row.given_at),
    )  # fmt: skip
