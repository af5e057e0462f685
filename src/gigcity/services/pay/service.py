"""Riders' pay: platforms report deliveries and activity, riders read their day statements.

A day's rulebook version is fixed (pinned) when its first fact is reported, so a version
published later, even one effective that day, never changes how a reported day is paid.
Reports are idempotent: a delivery is stored once per (platform key, order id), a span once
per (platform key, rider, start, end, kind); a retry changes nothing, a contradiction is 409.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from gigcity.db.models import (
    Account,
    ActivityReport,
    DeliveryReport,
    PayDay,
    RulebookVersion,
    utcnow,
)
from gigcity.db.session import transaction
from gigcity.i18n import N_
from gigcity.rules import (
    ActivitySpan,
    Delivery,
    DeliveryPay,
    OrderFacts,
    Reason,
    Rulebook,
    ScoreEvent,
    WorkStretch,
    day_statement,
    quote_order,
    rest_rule,
    score_delivery,
    work_stretches,
)
from gigcity.services.accounts import Principal, Role
from gigcity.services.day_clock import DayClock, as_utc
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.idempotent import insert_unless_present
from gigcity.services.pay.schemas import (
    ActivityIn,
    ActivityReceipt,
    DeliveryIn,
    DeliveryReceipt,
    OrderPayOut,
    ReasonOut,
    ScoreOut,
    StatementOut,
    StretchOut,
    WorkDaysOut,
)
from gigcity.services.rulebooks import (
    RulebooksService,
    pay_line,
    rulebook_ref,
    title_of_clause,
    yuan_text,
)
from gigcity.services.rulebooks.wording import duration_text

# Clocks differ a little between a platform and the district; beyond this, "later" is wrong.
CLOCK_TOLERANCE = timedelta(minutes=5)
LONGEST_DELIVERY = timedelta(hours=24)
LONGEST_SPAN = timedelta(hours=24)


def score_out(event: ScoreEvent) -> ScoreOut:
    return ScoreOut(
        kind=event.kind,
        points=event.points,
        late_s=event.late_s,
        fine_fen=event.fine_fen,
        reasons=[reason_out(r) for r in event.reasons],
    )


def reason_out(reason: Reason) -> ReasonOut:
    """A reason as the API gives it, in English until `in_locale` is applied."""
    return ReasonOut(
        clause=reason.clause,
        clause_title=title_of_clause(reason.clause, "en"),
        text=reason.text,
        message=reason.message,
    )


class PayService:
    def __init__(
        self, factory: sessionmaker[Session], rulebooks: RulebooksService, clock: DayClock
    ) -> None:
        self.factory = factory
        self.rulebooks = rulebooks
        self.clock = clock

    # -- platforms report ------------------------------------------------------------------

    def report_delivery(
        self, principal: Principal, username: str, data: DeliveryIn
    ) -> DeliveryReceipt:
        key_id = _platform_key(principal)
        ordered = self.clock.to_utc(data.order.at)
        promised = self.clock.to_utc(data.promised_at)
        delivered = self.clock.to_utc(data.delivered_at)
        self._check_delivery_times(ordered, promised, delivered)
        day = self.clock.day_of(ordered)
        facts = data.order.model_dump(exclude={"order_id", "at"})
        self.rulebooks.ensure_version_of_record()
        with transaction(self.factory) as session:
            rider = _rider(session, username)
            fingerprint = _fingerprint(
                rider=rider.id,
                facts=facts,
                ordered=ordered.isoformat(),
                promised=promised.isoformat(),
                delivered=delivered.isoformat(),
                late_cause=data.late_cause,
            )
            created = insert_unless_present(
                session,
                DeliveryReport,
                {
                    "api_key_id": key_id,
                    "order_id": data.order.order_id,
                    "account_id": rider.id,
                    "day": day,
                    "facts": facts,
                    "ordered_at": ordered,
                    "promised_at": promised,
                    "delivered_at": delivered,
                    "late_cause": data.late_cause,
                    "fingerprint": fingerprint,
                    "reported_at": utcnow(),
                },
                ("api_key_id", "order_id"),
            )
            row = _stored_delivery(session, key_id, data.order.order_id, fingerprint)
            rulebook = self._pin(session, rider.id, day, field="order.at")
            delivery = self._delivery(row)
        quote = quote_order(rulebook, delivery.order)
        return DeliveryReceipt(
            order_id=row.order_id,
            rider=rider.username,
            day=day,
            created=created,
            rulebook=rulebook_ref(rulebook),
            lines=[
                pay_line(line.clause, line.text, line.amount_fen, message=line.message)
                for line in quote.lines
            ],
            total_fen=quote.total_fen,
            total_yuan=yuan_text(quote.total_fen),
            score=score_out(score_delivery(rulebook, delivery)),
        )

    def _check_delivery_times(
        self, ordered: datetime, promised: datetime, delivered: datetime
    ) -> None:
        if promised < ordered:
            raise InvalidInput(
                N_("The promised time is before the order was accepted (order.at)."),
                field="promised_at",
            )
        if delivered < ordered:
            raise InvalidInput(
                N_("The delivery time is before the order was accepted (order.at)."),
                field="delivered_at",
            )
        for field, moment in (("promised_at", promised), ("delivered_at", delivered)):
            if moment - ordered > LONGEST_DELIVERY:
                raise InvalidInput(
                    N_("This time is more than {hours} hours after the order was accepted."),
                    field=field,
                    hours=int(LONGEST_DELIVERY.total_seconds() // 3600),
                )
        if delivered > self.clock.now() + CLOCK_TOLERANCE:
            raise InvalidInput(
                N_("This time is in the future; report only what has happened."),
                field="delivered_at",
            )

    def report_activity(
        self, principal: Principal, username: str, data: ActivityIn
    ) -> ActivityReceipt:
        key_id = _platform_key(principal)
        pieces: list[tuple[date, datetime, datetime, str, int]] = []
        latest = self.clock.now() + CLOCK_TOLERANCE
        for index, span in enumerate(data.spans):
            start, end = self.clock.to_utc(span.start), self.clock.to_utc(span.end)
            if end <= start:
                raise InvalidInput(
                    N_("A span must end after it starts."), field=f"spans.{index}.end"
                )
            if end - start > LONGEST_SPAN:
                raise InvalidInput(
                    N_("A span may last at most {hours} hours; report longer stretches in parts."),
                    field=f"spans.{index}.end",
                    hours=int(LONGEST_SPAN.total_seconds() // 3600),
                )
            if end > latest:
                raise InvalidInput(
                    N_("This time is in the future; report only what has happened."),
                    field=f"spans.{index}.end",
                )
            for day, piece_start, piece_end in self.clock.split_by_day(start, end):
                pieces.append((day, piece_start, piece_end, span.kind, index))
        self.rulebooks.ensure_version_of_record()
        with transaction(self.factory) as session:
            rider = _rider(session, username)
            pinned: set[date] = set()
            stored = 0
            for day, start, end, kind, index in pieces:
                if day not in pinned:
                    self._pin(session, rider.id, day, field=f"spans.{index}.start")
                    pinned.add(day)
                stored += insert_unless_present(
                    session,
                    ActivityReport,
                    {
                        "api_key_id": key_id,
                        "account_id": rider.id,
                        "day": day,
                        "start_at": start,
                        "end_at": end,
                        "kind": kind,
                        "reported_at": utcnow(),
                    },
                    ("api_key_id", "account_id", "start_at", "end_at", "kind"),
                )
        return ActivityReceipt(
            rider=rider.username,
            stored=stored,
            already_reported=len(pieces) - stored,
            days=sorted(pinned),
        )

    # -- riders read -------------------------------------------------------------------------

    def statement(self, principal: Principal, account_id: int, day: date) -> StatementOut:
        """A rider's day statement: riders read their own, district admins anyone's."""
        if principal.role != Role.admin and principal.account_id != account_id:
            raise Forbidden(N_("You may only read your own pay statement."))
        self.rulebooks.ensure_version_of_record()
        with self.factory() as session:
            rider = session.get(Account, account_id)
            if rider is None or rider.role != Role.rider:
                raise NotFound(N_("Account {id} is not a rider or driver."), id=account_id)
            pin, version = self._statement_version(session, account_id, day)
            rulebook = self.rulebooks.rulebook_of(version)
            rows = _delivery_rows(session, account_id, day)
            spans = self._activity_spans(session, account_id, day)
            before, after = _work_days_around(session, account_id, day)
        deliveries = [self._delivery(row) for row in rows]
        statement = day_statement(rulebook, deliveries, spans, day)
        # The fatigue clock counts time on orders (accepted to delivered), as the dispatcher
        # does: waiting online between orders is a gap, a rest when it is long enough.
        work = [(span.start_s, span.end_s) for span in spans if span.kind == "on_order"]
        work += [
            (self.clock.seconds_into(day, as_utc(row.ordered_at)), delivery.delivered_at_s)
            for row, delivery in zip(rows, deliveries, strict=True)
        ]
        stretches = work_stretches(rulebook, work)
        rule = rest_rule(rulebook)
        orders = [
            _order_pay_out(row, delivery, paid)
            for row, delivery, paid in zip(rows, deliveries, statement.deliveries, strict=True)
        ]
        return StatementOut(
            account_id=rider.id,
            username=rider.username,
            display_name=rider.display_name,
            day=day,
            rulebook=rulebook_ref(rulebook),
            pinned_at=as_utc(pin.pinned_at) if pin is not None else None,
            lines=[
                pay_line(line.clause, line.text, line.amount_fen, line.order_id, line.message)
                for line in statement.lines
            ],
            deliveries=orders,
            active_s=statement.active_s,
            active_time=rulebook.guarantee.active_time,
            hourly_minimum_fen=rulebook.guarantee.hourly_minimum_fen,
            order_pay_fen=statement.order_pay_fen,
            fines_fen=statement.fines_fen,
            guaranteed_fen=statement.guaranteed_fen,
            top_up_fen=statement.top_up_fen,
            total_fen=statement.total_fen,
            total_yuan=yuan_text(statement.total_fen),
            score_points=statement.score_points,
            continuous_limit_min=rulebook.fatigue.continuous_work_limit_min,
            min_rest_min=rulebook.fatigue.min_rest_min,
            rest_rule=rule.english(),
            rest_rule_message=rule,
            stretches=[self._stretch_out(day, stretch) for stretch in stretches],
            breaches=sum(1 for stretch in stretches if stretch.breach),
            previous_work_day=before,
            next_work_day=after,
        )

    def work_days(self, principal: Principal, account_id: int, limit: int = 366) -> WorkDaysOut:
        """The days a rider has reported work on (their day is pinned), newest first."""
        if principal.role != Role.admin and principal.account_id != account_id:
            raise Forbidden(N_("You may only read your own pay statement."))
        with self.factory() as session:
            rider = session.get(Account, account_id)
            if rider is None or rider.role != Role.rider:
                raise NotFound(N_("Account {id} is not a rider or driver."), id=account_id)
            days = list(
                session.scalars(
                    select(PayDay.day)
                    .where(PayDay.account_id == account_id)
                    .order_by(PayDay.day.desc())
                    .limit(limit)
                )
            )
        return WorkDaysOut(account_id=account_id, latest=days[0] if days else None, days=days)

    def _stretch_out(self, day: date, stretch: WorkStretch) -> StretchOut:
        midnight = self.clock.midnight(day)

        def at(seconds: float) -> datetime:
            return as_utc(midnight + timedelta(seconds=seconds))

        reasons = [reason_out(reason) for reason in stretch.reasons]
        limit = stretch.limit_s
        return StretchOut(
            start=at(stretch.start_s),
            end=at(stretch.end_s),
            minutes=int(stretch.continuous_s // 60),
            duration_text=duration_text(stretch.continuous_s, "en"),
            limit_minutes=int(limit // 60) if limit is not None else None,
            breach=stretch.breach,
            over_minutes=-int(-stretch.over_s // 60),
            rest_due_at=at(stretch.rest_due_at_s) if stretch.rest_due_at_s is not None else None,
            rest_after_minutes=(
                int(stretch.rest_after_s // 60) if stretch.rest_after_s is not None else None
            ),
            rest_owed=stretch.rest_after_s is None and stretch.rest_due_at_s is not None,
            clause=stretch.clause,
            clause_title=title_of_clause(stretch.clause, "en"),
            text=reasons[0].text,
            reasons=reasons,
        )

    # -- helpers -------------------------------------------------------------------------------

    def _statement_version(
        self, session: Session, account_id: int, day: date
    ) -> tuple[PayDay | None, RulebookVersion]:
        """The day's pin, if any, and the rulebook version it pinned (else the one in force)."""
        pin = session.scalars(
            select(PayDay).where(PayDay.account_id == account_id, PayDay.day == day)
        ).one_or_none()
        if pin is not None:
            return pin, session.get_one(RulebookVersion, pin.rulebook_version_id)
        found = self.rulebooks.in_force(session, day)
        if found is None:
            raise NotFound(
                N_("No rulebook is in force on {day}."), field="date", day=day.isoformat()
            )
        return pin, found

    def _activity_spans(self, session: Session, account_id: int, day: date) -> list[ActivitySpan]:
        """The rider's reported activity on the day, in seconds into the day."""
        return [
            ActivitySpan(
                start_s=self.clock.seconds_into(day, as_utc(span.start_at)),
                end_s=self.clock.seconds_into(day, as_utc(span.end_at)),
                kind="on_order" if span.kind == "on_order" else "waiting",
            )
            for span in session.scalars(
                select(ActivityReport).where(
                    ActivityReport.account_id == account_id, ActivityReport.day == day
                )
            )
        ]

    def _pin(self, session: Session, account_id: int, day: date, *, field: str) -> Rulebook:
        """The rulebook `day` is paid under, fixing it now if this is the day's first fact."""
        query = select(PayDay).where(PayDay.account_id == account_id, PayDay.day == day)
        pin = session.scalars(query).one_or_none()
        if pin is None:
            in_force = self.rulebooks.in_force(session, day)
            if in_force is None:
                raise InvalidInput(
                    N_("No rulebook is in force on {day}, so pay cannot be worked out for it."),
                    field=field,
                    day=day.isoformat(),
                )
            insert_unless_present(
                session,
                PayDay,
                {
                    "account_id": account_id,
                    "day": day,
                    "rulebook_version_id": in_force.id,
                    "pinned_at": utcnow(),
                },
                ("account_id", "day"),
            )
            pin = session.scalars(query).one()
        return self.rulebooks.rulebook_of(session.get_one(RulebookVersion, pin.rulebook_version_id))

    def _delivery(self, row: DeliveryReport) -> Delivery:
        ordered = as_utc(row.ordered_at)
        return Delivery(
            order=OrderFacts(
                order_id=row.order_id, **row.facts, at_s=self.clock.clock_seconds(ordered)
            ),
            promised_at_s=self.clock.seconds_into(row.day, as_utc(row.promised_at)),
            delivered_at_s=self.clock.seconds_into(row.day, as_utc(row.delivered_at)),
            late_cause=row.late_cause,  # validated on the way in
        )


def _platform_key(principal: Principal) -> int:
    if principal.role != Role.platform or principal.api_key_id is None:
        raise Forbidden(N_("Only platforms, with their API key, report deliveries and activity."))
    return principal.api_key_id


def _rider(session: Session, username: str) -> Account:
    account = session.scalars(select(Account).where(Account.username == username)).one_or_none()
    if account is None:
        raise NotFound(
            N_("There is no account with the username '{username}'."),
            field="username",
            username=username,
        )
    if account.role != Role.rider:
        raise InvalidInput(
            N_("'{username}' is not a rider or driver account."),
            field="username",
            username=username,
        )
    return account


def _fingerprint(**facts: object) -> str:
    canonical = json.dumps(facts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _delivery_rows(session: Session, account_id: int, day: date) -> list[DeliveryReport]:
    """The rider's delivery reports of the day, in the order they were delivered."""
    return list(
        session.scalars(
            select(DeliveryReport)
            .where(DeliveryReport.account_id == account_id, DeliveryReport.day == day)
            .order_by(DeliveryReport.delivered_at, DeliveryReport.id)
        )
    )


def _order_pay_out(row: DeliveryReport, delivery: Delivery, paid: DeliveryPay) -> OrderPayOut:
    """One order's lines of the statement: its pay quote and its service-score event."""
    return OrderPayOut(
        order_id=row.order_id,
        ordered_at=as_utc(row.ordered_at),
        promised_at=as_utc(row.promised_at),
        delivered_at=as_utc(row.delivered_at),
        late_cause=delivery.late_cause,
        lines=[
            pay_line(line.clause, line.text, line.amount_fen, row.order_id, line.message)
            for line in paid.quote.lines
        ],
        total_fen=paid.quote.total_fen,
        total_yuan=yuan_text(paid.quote.total_fen),
        score=score_out(paid.score),
    )


def _stored_delivery(
    session: Session, key_id: int, order_id: str, fingerprint: str
) -> DeliveryReport:
    """The stored report of the order, refused if a retry sent different facts."""
    row = session.scalars(
        select(DeliveryReport).where(
            DeliveryReport.api_key_id == key_id,
            DeliveryReport.order_id == order_id,
        )
    ).one()
    if row.fingerprint != fingerprint:
        raise Conflict(
            N_("Order {order_id} was reported already with different facts; a retry must send the same facts."),
            field="order.order_id",
            order_id=order_id,
        )  # fmt: skip
    return row


def _work_days_around(
    session: Session, account_id: int, day: date
) -> tuple[date | None, date | None]:
    """The rider's last day with work before `day` and first after it (None: there is none)."""
    days = select(PayDay.day).where(PayDay.account_id == account_id)
    before = session.scalar(days.where(PayDay.day < day).order_by(PayDay.day.desc()).limit(1))
    after = session.scalar(days.where(PayDay.day > day).order_by(PayDay.day).limit(1))
    return before, after
