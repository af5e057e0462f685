"""The door check at every delivery, and the alerts it opens.

The rider carrying a meal records what they found at the door. "Seen and well" and "seen,
needs help" deliver the meal (and charge its funders); "no answer" does not. "Needs help"
opens an alert the neighbourhood committee gets at once; "no answer" opens one with the
escalation ladder (`ladder`), paced by the older person's risk tier. Staff take the ladder's
steps in order and close the alert with an outcome; each step and the closing are logged
with who and when.

Every change locks the row it checks first (the meal, the alert: `FOR UPDATE` on PostgreSQL,
the writing transaction's lock on SQLite), so two riders or two staff racing on one meal or
one step cannot both win. Each new alert, step and closing is announced on PostgreSQL
(`NOTIFY gigcity_eldercare_alerts, '<alert id>'`, delivered at commit) for the live staff
page.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gigcity.db.models import Account, Elder, ElderAlert, ElderAlertStep, ElderContact, ElderMeal
from gigcity.db.session import transaction
from gigcity.i18n import DEFAULT_LOCALE, N_, gettext
from gigcity.services.accounts import Principal, Role
from gigcity.services.eldercare.base import (
    EldercareBase,
    get_elder,
    log_reads,
    require_manager,
    scope_subdistrict,
)
from gigcity.services.eldercare.doorcheck_schemas import (
    AlertOut,
    DoorCheckOut,
    NextStepOut,
    OverdueAlert,
    StepTakenOut,
)
from gigcity.services.eldercare.enrolment import care_of, contacts_of
from gigcity.services.eldercare.ladder import (
    DOOR_CHECK_TEXTS,
    OUTCOME_TEXTS,
    TIER_TEXTS,
    Closure,
    DoorCheck,
    Due,
    Ladder,
    LadderRun,
    Outcome,
    RiskTier,
    Step,
    StepKind,
    StepTaken,
    risk_tier,
    step_text,
)
from gigcity.services.eldercare.ledger import post_delivered_meal
from gigcity.services.eldercare.schemas import Mobility
from gigcity.services.errors import Conflict, Forbidden, NotFound
from gigcity.services.idempotent import insert_unless_present
from gigcity.services.jobs import JobSpec
from gigcity.services.types import as_utc

log = logging.getLogger(__name__)

# Every minute: open alerts whose next step is past due are counted and logged.
ESCALATE_JOB = JobSpec("eldercare.escalate", cron="* * * * *")
DOORCHECK_JOBS = [ESCALATE_JOB]

ALERTS_CHANNEL = "gigcity_eldercare_alerts"
OUT_FOR_DELIVERY = ("ordered", "out")  # a door check may be recorded from these states
ALERT_LIMIT = 500  # alerts listed at most at once
BY_THE_SYSTEM = N_("Automatic (the system)")  # who took a step the platform took itself


class DoorChecks(EldercareBase):
    """The door check and the alerts (a part of the eldercare service)."""

    # -- the rider at the door ------------------------------------------------------------

    def record_door_check(
        self,
        principal: Principal,
        meal_id: int,
        result: DoorCheck | str,
        note: str = "",
        locale: str = DEFAULT_LOCALE,
    ) -> DoorCheckOut:
        """Record what the rider carrying meal `meal_id` found at the door. The same answer
        again returns the stored one; a different answer is a Conflict."""
        result = DoorCheck(result)
        now = as_utc(self.clock())
        with transaction(self.factory) as session:
            meal = session.scalar(
                select(ElderMeal).where(ElderMeal.id == meal_id).with_for_update()
            )
            if meal is None:
                raise NotFound(N_("No meal {id}."), id=meal_id)
            elder = get_elder(session, meal.elder_id)
            if principal.account_id is None or principal.account_id not in _carriers(meal, elder):
                raise Forbidden(N_("Meal {id} is not on your round."), id=meal_id)
            if meal.door_check is not None:
                if meal.door_check != result.value:
                    raise Conflict(
                        N_("A different door check was recorded for meal {id} already."),
                        field="result",
                        id=meal_id,
                    )
                return self._door_check_out(session, meal, now, locale)
            if meal.state not in OUT_FOR_DELIVERY:
                raise Conflict(N_("Meal {id} is no longer out for delivery."), id=meal_id)
            if meal.day > self.day_clock.day_of(now):
                raise Conflict(N_("Meal {id} is for a later day."), id=meal_id)
            self._deliver_or_not(session, meal, elder, principal.account_id, result, now)
            if result is not DoorCheck.seen_well:
                self._open_alert(session, meal, elder, principal.account_id, result, note, now)
            return self._door_check_out(session, meal, now, locale)

    def _deliver_or_not(
        self,
        session: Session,
        meal: ElderMeal,
        elder: Elder,
        rider_id: int,
        result: DoorCheck,
        now: datetime,
    ) -> None:
        meal.door_check = result.value
        meal.rider_id = rider_id
        if result is DoorCheck.no_answer:
            meal.state = "not_delivered"  # never charged
        else:
            meal.state = "delivered"
            meal.delivered_at = now
            meal.by_primary = rider_id == elder.primary_rider_id
        session.flush()
        if meal.state == "delivered":
            post_delivered_meal(session, meal)

    def _open_alert(
        self,
        session: Session,
        meal: ElderMeal,
        elder: Elder,
        rider_id: int,
        check: DoorCheck,
        note: str,
        now: datetime,
    ) -> ElderAlert:
        alert = ElderAlert(
            elder_id=elder.id,
            meal_id=meal.id,
            subdistrict=elder.subdistrict,
            door_check=check.value,
            tier=self._tier(elder).value,
            opened_at=now,
            opened_by=rider_id,
            note=note,
        )
        session.add(alert)
        session.flush()
        if check is DoorCheck.needs_help:
            # The committee is alerted by the platform the moment the alert opens (its
            # staff see it in their list and on the live page): the first rung is done.
            session.add(
                ElderAlertStep(
                    alert_id=alert.id,
                    seq=0,
                    kind=StepKind.alert_committee.value,
                    taken_at=now,
                    taken_by=None,
                )
            )
            session.flush()
        _notify(session, alert.id)
        return alert

    def _tier(self, elder: Elder) -> RiskTier:
        # The platform reads the care record to pace the ladder; no person is shown it.
        care = care_of(self.cipher, elder)
        return risk_tier(
            bedridden=care.mobility is Mobility.bedridden,
            lives_alone=care.lives_alone,
            wheelchair=care.mobility is Mobility.wheelchair,
        )

    def _door_check_out(
        self, session: Session, meal: ElderMeal, now: datetime, locale: str
    ) -> DoorCheckOut:
        assert meal.door_check is not None
        result = DoorCheck(meal.door_check)
        alert = session.scalar(select(ElderAlert).where(ElderAlert.meal_id == meal.id))
        next_step = None
        recorded_at = meal.delivered_at
        if alert is not None:
            recorded_at = recorded_at or alert.opened_at
            due = self._run(session, alert).next_due(now)
            next_step = _next_step_out(due, locale) if due is not None else None
        return DoorCheckOut(
            meal_id=meal.id,
            day=meal.day,
            meal=meal.meal,
            result=result,
            result_text=gettext(locale, DOOR_CHECK_TEXTS[result]),
            state=meal.state,
            recorded_at=as_utc(recorded_at or now),
            alert_id=alert.id if alert is not None else None,
            next_step=next_step,
        )

    # -- staff and the alerts -------------------------------------------------------------

    def alerts(
        self,
        principal: Principal,
        open_only: bool = True,
        subdistrict: str | None = None,
        locale: str = DEFAULT_LOCALE,
        limit: int = ALERT_LIMIT,
    ) -> list[AlertOut]:
        """Alerts oldest first, with whom to call while open (each read is logged): the
        open ones, or (`open_only=False`) the latest `limit` open or closed."""
        if subdistrict is not None:
            require_manager(principal, subdistrict)
            scope: str | None = subdistrict
        else:
            scope = scope_subdistrict(principal)
        now = as_utc(self.clock())
        query = select(ElderAlert)
        if open_only:
            query = query.where(ElderAlert.closed_at.is_(None))
        if scope is not None:
            query = query.where(ElderAlert.subdistrict == scope)
        if open_only:  # the oldest open alerts are the most urgent
            query = query.order_by(ElderAlert.opened_at, ElderAlert.id).limit(limit)
        else:
            query = query.order_by(ElderAlert.opened_at.desc(), ElderAlert.id.desc()).limit(limit)
        with transaction(self.factory) as session:  # writing: the reads are logged
            rows = list(session.scalars(query))
            if not open_only:
                rows.reverse()
            return self._alerts_out(session, principal, rows, now, locale)

    def take_step(
        self,
        principal: Principal,
        alert_id: int,
        index: int,
        note: str = "",
        locale: str = DEFAULT_LOCALE,
    ) -> AlertOut:
        """Record step `index` (from 0) of the alert as taken by `principal` now. Steps are
        taken in order; of two people taking the same step at once exactly one wins."""
        now = as_utc(self.clock())
        with transaction(self.factory) as session:
            alert = _locked_alert(session, alert_id)
            run = self._run(session, alert)
            _require_step_taker(principal, alert, run, index)
            if 0 <= index < len(run.taken):
                raise Conflict(
                    N_("Step {number} of this alert was taken already."),
                    field="index",
                    number=index + 1,
                )
            run = run.take(index, now, str(principal.account_id or ""))  # in order, if open
            step = run.ladder.steps[index]
            row = {
                "alert_id": alert.id,
                "seq": index,
                "kind": step.kind.value,
                "contact_position": step.position,
                "taken_at": now,
                "taken_by": principal.account_id,
                "note": note,
            }
            # The alert's lock makes the loser of a race see the step above; the unique
            # (alert, seq) key is the last word should anything write without that lock.
            if not insert_unless_present(session, ElderAlertStep, row, key=("alert_id", "seq")):
                raise Conflict(
                    N_("Step {number} of this alert was taken already."),
                    field="index",
                    number=index + 1,
                )
            _notify(session, alert.id)
            return self._alerts_out(session, principal, [alert], now, locale)[0]

    def close_alert(
        self,
        principal: Principal,
        alert_id: int,
        outcome: Outcome | str,
        note: str = "",
        locale: str = DEFAULT_LOCALE,
    ) -> AlertOut:
        """Close the alert with what came of it; closing it again is a Conflict."""
        outcome = Outcome(outcome)
        now = as_utc(self.clock())
        with transaction(self.factory) as session:
            alert = _locked_alert(session, alert_id)
            require_manager(principal, alert.subdistrict)
            self._run(session, alert).close(outcome, now, str(principal.account_id or ""))
            alert.closed_at = now
            alert.closed_by = principal.account_id
            alert.outcome = outcome.value
            if note:  # one note column: the rider's note, then the closing one
                alert.note = "\n".join(part for part in (alert.note, note) if part)[:500]
            session.flush()
            _notify(session, alert.id)
            return self._alerts_out(session, principal, [alert], now, locale)[0]

    # -- the clock ------------------------------------------------------------------------

    def overdue_alerts(
        self, now: datetime | None = None, subdistrict: str | None = None
    ) -> list[OverdueAlert]:
        """Open alerts (of `subdistrict`, or all) whose next step is due and not taken, the
        longest overdue first. No personal data: the job and the live page's badges use it."""
        now = as_utc(now or self.clock())
        query = select(ElderAlert).where(ElderAlert.closed_at.is_(None))
        if subdistrict is not None:
            query = query.where(ElderAlert.subdistrict == subdistrict)
        with self.factory() as session:
            alerts = list(session.scalars(query.order_by(ElderAlert.opened_at, ElderAlert.id)))
            contacts, steps = _contacts_and_steps(session, alerts)
            overdue = []
            for alert in alerts:
                run = _build_run(alert, contacts[alert.elder_id], steps[alert.id])
                due = run.next_due(now)
                if due is None or not due.is_due:
                    continue
                overdue.append(
                    OverdueAlert(
                        alert_id=alert.id,
                        elder_id=alert.elder_id,
                        subdistrict=alert.subdistrict,
                        index=due.index,
                        kind=due.step.kind.value,
                        due_at=due.due_at,
                        overdue_s=int((now - due.due_at).total_seconds()),
                    )
                )
        overdue.sort(key=lambda o: (o.due_at, o.alert_id))
        return overdue

    def escalate(self, now: datetime | None = None) -> int:
        """The periodic job: count and log the alerts whose next step is overdue."""
        overdue = self.overdue_alerts(now)
        if overdue:
            log.warning(
                "eldercare: %d alert(s) with a step overdue: %s",
                len(overdue),
                ", ".join(f"{o.alert_id} (step {o.index + 1}, {o.overdue_s}s)" for o in overdue),
            )
        return len(overdue)

    # -- shared ---------------------------------------------------------------------------

    def _run(self, session: Session, alert: ElderAlert) -> LadderRun:
        contacts, steps = _contacts_and_steps(session, [alert])
        return _build_run(alert, contacts[alert.elder_id], steps[alert.id])

    def _alerts_out(
        self,
        session: Session,
        principal: Principal,
        alerts: Sequence[ElderAlert],
        now: datetime,
        locale: str,
    ) -> list[AlertOut]:
        if not alerts:
            return []
        elder_ids = {a.elder_id for a in alerts}
        elders = {e.id: e for e in session.scalars(select(Elder).where(Elder.id.in_(elder_ids)))}
        contacts, steps = _contacts_and_steps(session, alerts)
        taker_ids = {s.taken_by for rows in steps.values() for s in rows if s.taken_by}
        who = select(Account.id, Account.display_name).where(Account.id.in_(taker_ids))
        names: dict[int, str] = {row.id: row.display_name for row in session.execute(who)}
        decrypt = self.cipher.decrypt
        outs = []
        for alert in alerts:
            elder = elders[alert.elder_id]
            run = _build_run(alert, contacts[alert.elder_id], steps[alert.id])
            due = run.next_due(now)
            is_open = alert.closed_at is None
            outcome = Outcome(alert.outcome) if alert.outcome else None
            outs.append(
                AlertOut(
                    id=alert.id,
                    elder_id=alert.elder_id,
                    meal_id=alert.meal_id,
                    subdistrict=alert.subdistrict,
                    first_name=decrypt(elder.first_name_enc),
                    door=decrypt(elder.door_enc),
                    lon=elder.lon,
                    lat=elder.lat,
                    door_check=DoorCheck(alert.door_check),
                    door_check_text=gettext(locale, DOOR_CHECK_TEXTS[DoorCheck(alert.door_check)]),
                    tier=alert.tier,
                    tier_text=gettext(locale, TIER_TEXTS[RiskTier(alert.tier)]),
                    opened_at=as_utc(alert.opened_at),
                    opened_by=alert.opened_by,
                    note=alert.note,
                    steps=[
                        StepTakenOut(
                            index=row.seq,
                            kind=row.kind,
                            text=step_text(
                                Step(StepKind(row.kind), None, row.contact_position), locale
                            ),
                            contact_position=row.contact_position,
                            taken_at=as_utc(row.taken_at),
                            taken_by=row.taken_by,
                            taken_by_name=(
                                names.get(row.taken_by, "")
                                if row.taken_by
                                else gettext(locale, BY_THE_SYSTEM)
                            ),
                            note=row.note,
                        )
                        for row in steps[alert.id]
                    ],
                    next_step=_next_step_out(due, locale) if due is not None else None,
                    contacts=contacts_of(self.cipher, contacts[alert.elder_id]) if is_open else [],
                    closed_at=as_utc(alert.closed_at) if alert.closed_at else None,
                    closed_by=alert.closed_by,
                    outcome=outcome,
                    outcome_text=gettext(locale, OUTCOME_TEXTS[outcome]) if outcome else None,
                )
            )
        open_ids = {a.elder_id for a in alerts if a.closed_at is None}
        log_reads(session, principal, open_ids, ("first_name", "door", "contacts"), "alert", now)
        log_reads(session, principal, elder_ids - open_ids, ("first_name", "door"), "alert", now)
        return outs


# -- helpers ------------------------------------------------------------------------------


def _carriers(meal: ElderMeal, elder: Elder) -> set[int]:
    """Who may record the door check: the meal's rider, else the older person's familiar
    riders (primary and backup)."""
    if meal.rider_id is not None:
        return {meal.rider_id}
    return {r for r in (elder.primary_rider_id, elder.backup_rider_id) if r is not None}


def _locked_alert(session: Session, alert_id: int) -> ElderAlert:
    alert = session.scalar(select(ElderAlert).where(ElderAlert.id == alert_id).with_for_update())
    if alert is None:
        raise NotFound(N_("No alert {id}."), id=alert_id)
    return alert


def _require_step_taker(
    principal: Principal, alert: ElderAlert, run: LadderRun, index: int
) -> None:
    """Staff of the alert's sub-district take any step; the rider who opened it may take
    the call to the older person (the ladder's first rung is theirs)."""
    if principal.role == Role.rider:
        steps = run.ladder.steps
        own_step = 0 <= index < len(steps) and steps[index].kind is StepKind.call_elder
        opener = principal.account_id is not None and principal.account_id == alert.opened_by
        if opener and own_step:
            return
        raise Forbidden(N_("Only staff may take this step of the alert."))
    require_manager(principal, alert.subdistrict)


def _contacts_and_steps(
    session: Session, alerts: Sequence[ElderAlert]
) -> tuple[dict[int, list[ElderContact]], dict[int, list[ElderAlertStep]]]:
    """The older people's contacts in their order, and each alert's steps in theirs."""
    contacts: dict[int, list[ElderContact]] = defaultdict(list)
    steps: dict[int, list[ElderAlertStep]] = defaultdict(list)
    if not alerts:
        return contacts, steps
    elder_ids = {a.elder_id for a in alerts}
    for contact in session.scalars(
        select(ElderContact)
        .where(ElderContact.elder_id.in_(elder_ids))
        .order_by(ElderContact.elder_id, ElderContact.position)
    ):
        contacts[contact.elder_id].append(contact)
    for step in session.scalars(
        select(ElderAlertStep)
        .where(ElderAlertStep.alert_id.in_([a.id for a in alerts]))
        .order_by(ElderAlertStep.alert_id, ElderAlertStep.seq)
    ):
        steps[step.alert_id].append(step)
    return contacts, steps


def _build_run(
    alert: ElderAlert, contacts: Sequence[ElderContact], steps: Sequence[ElderAlertStep]
) -> LadderRun:
    """The alert's ladder (from today's contacts) with the steps taken so far."""
    ladder = Ladder.build(
        [c.id for c in contacts], RiskTier(alert.tier), check=DoorCheck(alert.door_check)
    )
    # A contact removed since the alert opened can shorten the ladder: the log keeps every
    # step taken, the run counts no more than the ladder has.
    taken = tuple(
        StepTaken(
            row.seq,
            Step(StepKind(row.kind), None, row.contact_position),
            as_utc(row.taken_at),
            str(row.taken_by or ""),
        )
        for row in steps[: len(ladder.steps)]
    )
    closure = None
    if alert.closed_at is not None and alert.outcome:
        closure = Closure(Outcome(alert.outcome), as_utc(alert.closed_at), str(alert.closed_by))
    return LadderRun(ladder, as_utc(alert.opened_at), taken, closure)


def _next_step_out(due: Due, locale: str) -> NextStepOut:
    return NextStepOut(
        index=due.index,
        kind=due.step.kind.value,
        text=step_text(due.step, locale),
        contact_position=due.step.position,
        due_at=due.due_at,
        is_due=due.is_due,
    )


def _notify(session: Session, alert_id: int) -> None:
    """Tell the live staff pages (on PostgreSQL; delivered when the transaction commits)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_notify(ALERTS_CHANNEL, str(alert_id))))
