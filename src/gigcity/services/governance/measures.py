"""Measures taken at a place (parking zones, pickup lifts, a rider station, relay
delivery, night lighting, a plan board) and their effect: weekly counts of the delivery
complaints (or confirmed hazard reports) within the measure's radius, a year either side at
most, evaluated as an interrupted time series (`effect`)."""

from __future__ import annotations

import math
from datetime import date, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from gigcity.db.models import GovComplaint, GovMeasure, Place, Report
from gigcity.db.session import transaction
from gigcity.i18n import N_, format_money, gettext
from gigcity.services.accounts import Principal
from gigcity.services.errors import InvalidInput, NotFound
from gigcity.services.governance import pickup_effect
from gigcity.services.governance.base import METRES_PER_DEGREE
from gigcity.services.governance.effect import (
    DAYS_PER_MONTH,
    Evaluation,
    describe_model,
    evaluate,
    period_counts,
    sentence,
)
from gigcity.services.governance.effect_chart import (
    N_CAVEAT_CONCURRENT,
    N_CAVEAT_REPORTING,
    N_COST,
    N_COUNTERFACTUAL,
    N_FITTED,
    N_MEASURE,
    N_MEASURE_STARTS,
    N_MODEL_HEADING,
    N_OBSERVED,
    N_PLACE,
    N_SHEET_TITLE,
    N_START_DATE,
    N_SYNTHETIC_DATA,
    Charted,
    ChartLabels,
    EvaluationSheet,
    effect_svg,
    evaluation_pdf,
)
from gigcity.services.governance.pickup_effect import MeanEvaluation, evaluate_means, weekly_means
from gigcity.services.governance.pickups import PickupsMixin
from gigcity.services.governance.schemas import (
    EffectOut,
    MeasureIn,
    MeasureKind,
    MeasureOut,
    Subject,
)
from gigcity.services.types import as_utc

N_RECORDS_PER_WEEK = N_("Records a week")
N_PICKUP_MINUTES = N_("Mean pickup time (minutes)")
N_OBSERVED_MEAN = N_("Observed weekly mean")
N_CAVEAT_PICKUPS = N_(
    "Pickup times are what the platforms send: a change in how a platform measures a pickup "
    "changes them too."
)
WEEKS_EACH_SIDE = 52

MEASURE_TITLES: dict[MeasureKind, str] = {
    MeasureKind.parking_zones: N_("Dedicated e-bike parking zones"),
    MeasureKind.pickup_lifts: N_("Pickup-only lifts"),
    MeasureKind.rider_station: N_("A rider station"),
    MeasureKind.relay_delivery: N_("Relay delivery"),
    MeasureKind.night_lighting: N_("Night lighting"),
    MeasureKind.plan_board: N_("An estate plan board"),
    MeasureKind.other: N_("Other measure"),
}
SUBJECT_WORDS: dict[str, str] = {
    "complaints": N_("Delivery complaints around {place}"),
    "reports": N_("Hazard reports around {place}"),
}
Evaluated = Evaluation | MeanEvaluation


class MeasuresMixin(PickupsMixin):
    # -- keeping measures ------------------------------------------------------------------

    def measures(
        self, principal: Principal, locale: str, *, subdistrict: str | None = None
    ) -> list[MeasureOut]:
        area = self.area(principal, subdistrict)
        with self.factory() as session:
            query = select(GovMeasure).order_by(GovMeasure.started_on.desc(), GovMeasure.id)
            if area is not None:
                query = query.where(GovMeasure.subdistrict == area)
            return [measure_out(row, locale) for row in session.scalars(query)]

    def add_measure(self, principal: Principal, body: MeasureIn, locale: str) -> MeasureOut:
        with transaction(self.factory) as session:
            row = GovMeasure(created_by=principal.account_id, created_at=self.clock())
            self._fill(session, principal, row, body)
            session.add(row)
            session.flush()
            return measure_out(row, locale)

    def change_measure(
        self, principal: Principal, measure_id: int, body: MeasureIn, locale: str
    ) -> MeasureOut:
        with transaction(self.factory) as session:
            row = self._measure(session, principal, measure_id)
            self._fill(session, principal, row, body)
            session.flush()
            return measure_out(row, locale)

    def delete_measure(self, principal: Principal, measure_id: int) -> None:
        with transaction(self.factory) as session:
            self._measure(session, principal, measure_id)
            session.execute(delete(GovMeasure).where(GovMeasure.id == measure_id))

    def _measure(self, session: Session, principal: Principal, measure_id: int) -> GovMeasure:
        row = session.get(GovMeasure, measure_id)
        if row is None:
            raise NotFound(N_("No measure {id}."), id=measure_id)
        self.require_in_area(principal, row.subdistrict)
        return row

    def _fill(
        self, session: Session, principal: Principal, row: GovMeasure, body: MeasureIn
    ) -> None:
        if body.place_id is not None:
            place = session.get(Place, body.place_id)
            if place is None:
                raise NotFound(N_("No place {id} on the map."), field="place_id", id=body.place_id)
            lat, lon, name = place.lat, place.lon, body.place_name or place.name
        elif body.lat is not None and body.lon is not None:
            if not body.place_name:
                raise InvalidInput(N_("Name the place of the measure."), field="place_name")
            lat, lon, name = body.lat, body.lon, body.place_name
        else:
            raise InvalidInput(
                N_("Give a place of the map or a point (lat and lon)."), field="place_id"
            )
        found = self.district.locate(lon, lat)
        if found is None:
            raise InvalidInput(N_("The point is outside the district."), field="lat")
        self.require_in_area(principal, found.code)
        self.check_day(body.started_on, "started_on")
        if body.started_on > self.today() + timedelta(days=366):
            raise InvalidInput(N_("A measure starts within a year from today."), field="started_on")
        row.kind = body.kind.value
        row.title = body.title
        row.place_id = body.place_id
        row.place_name = name[:200]
        row.lat, row.lon, row.subdistrict = lat, lon, found.code
        row.radius_m = body.radius_m
        row.started_on = body.started_on
        row.cost_fen = None if body.cost_yuan is None else round(body.cost_yuan * 100)
        row.note = body.note

    # -- the effect ------------------------------------------------------------------------

    def _window(self, row: GovMeasure, earliest: date | None) -> tuple[date, int]:
        """Whole weeks from a year before the measure (or the first record) up to the last
        whole week before today (or a year after the measure): the first Monday and how
        many weeks."""
        first = max(row.started_on - timedelta(weeks=WEEKS_EACH_SIDE), earliest or row.started_on)
        first -= timedelta(days=first.weekday())
        last = min(self.today(), row.started_on + timedelta(weeks=WEEKS_EACH_SIDE))
        return first, max(0, (last - first).days // 7)

    def _evaluated(
        self, principal: Principal, measure_id: int, subject: Subject
    ) -> tuple[GovMeasure, Evaluated, bool]:
        with self.factory() as session:
            row = self._measure(session, principal, measure_id)
            session.expunge(row)
            if subject == "pickups":
                start = self.day_start(row.started_on - timedelta(weeks=WEEKS_EACH_SIDE + 1))
                end = self.day_end(row.started_on + timedelta(weeks=WEEKS_EACH_SIDE + 1))
                pickups, synthetic = self.pickups_near(
                    session, row.lat, row.lon, row.radius_m, start, end
                )
            else:
                days, synthetic = self._days_near(session, row, subject)
        if subject == "pickups":
            first, weeks = self._window(row, min((d for d, _ in pickups), default=None))
            starts, means, numbers = weekly_means(pickups, first, weeks)
            return row, evaluate_means(starts, means, numbers, row.started_on), synthetic
        first, weeks = self._window(row, min(days, default=None))
        starts, counts = period_counts(days, first, weeks, "week")
        return row, evaluate(starts, counts, row.started_on), synthetic

    def _days_near(
        self, session: Session, row: GovMeasure, subject: Subject
    ) -> tuple[list[date], bool]:
        """Local days of the records within the measure's radius (a box in SQL, then the
        exact distance)."""
        dlat = row.radius_m / METRES_PER_DEGREE
        dlon = dlat / math.cos(math.radians(row.lat))
        start = self.day_start(row.started_on - timedelta(weeks=WEEKS_EACH_SIDE + 1))
        end = self.day_end(row.started_on + timedelta(weeks=WEEKS_EACH_SIDE + 1))
        if subject == "complaints":
            lat, lon, at = GovComplaint.lat, GovComplaint.lon, GovComplaint.received_at
            query = select(lat, lon, at, GovComplaint.synthetic).where(
                GovComplaint.topic.is_not(None)
            )
        else:
            lat, lon, at = Report.lat, Report.lon, Report.created_at
            query = select(lat, lon, at, Report.held).where(
                Report.held.is_(False), Report.merged_into_id.is_(None)
            )
        rows = session.execute(
            query.where(
                at >= start,
                at < end,
                lat.between(row.lat - dlat, row.lat + dlat),
                lon.between(row.lon - dlon, row.lon + dlon),
            )
        ).all()
        days: list[date] = []
        synthetic = subject == "complaints" and bool(rows)
        kx = math.cos(math.radians(row.lat))
        for rlat, rlon, rat, flag in rows:
            if rlat is None or rlon is None:
                continue
            dy = (rlat - row.lat) * METRES_PER_DEGREE
            dx = (rlon - row.lon) * METRES_PER_DEGREE * kx
            if dx * dx + dy * dy <= row.radius_m**2:
                days.append(as_utc(rat).astimezone(self.tz).date())
                if subject == "complaints":
                    synthetic = synthetic and bool(flag)
        return days, synthetic

    def effect(
        self, principal: Principal, measure_id: int, subject: Subject, locale: str
    ) -> EffectOut:
        row, ev, synthetic = self._evaluated(principal, measure_id, subject)
        series: list[dict[str, object]] = []
        for k, start in enumerate(ev.period_starts):
            point: dict[str, object] = {
                "period": start.isoformat(),
                "fitted": round(ev.fitted[k], 3),
                "counterfactual": round(ev.counterfactual[k], 3),
            }
            if isinstance(ev, MeanEvaluation):
                mean = ev.means[k]
                point |= {
                    "observed": None if mean is None else round(mean, 3),
                    "pickups": ev.pickups[k],
                }
            else:
                point["observed"] = ev.counts[k]
            series.append(point)
        common = {
            "measure": measure_out(row, locale),
            "subject": subject,
            "period": "week",
            "periods_before": ev.periods_before,
            "periods_after": ev.periods_after,
            "change": ev.change,
            "ci_low": ev.change_low,
            "ci_high": ev.change_high,
            "p_value": ev.p_value,
            "sentence": self._sentence(ev, row, subject, locale),
            "model": _model(ev),
            "warnings": [gettext(locale, n.msgid, **dict(n.params)) for n in ev.warnings],
            "series": series,
            "synthetic": synthetic,
        }
        if isinstance(ev, MeanEvaluation):
            return EffectOut.model_validate(
                common
                | {
                    "unit": "minutes",
                    "before_per_month": _pickups_a_month(ev, before=True),
                    "after_per_month": _pickups_a_month(ev, before=False),
                    "before_mean_minutes": round(ev.before_mean, 2),
                    "after_mean_minutes": round(ev.after_mean, 2),
                }
            )
        return EffectOut.model_validate(
            common
            | {
                "period": ev.frequency,
                "before_per_month": ev.before_per_month,
                "after_per_month": ev.after_per_month,
            }
        )

    def _sentence(self, ev: Evaluated, row: GovMeasure, subject: Subject, locale: str) -> str:
        if isinstance(ev, MeanEvaluation):
            msgid, params = pickup_effect.sentence(ev, row.place_name)
            return gettext(locale, msgid, **params)
        subject_words = gettext(locale, SUBJECT_WORDS[subject], place=row.place_name)
        msgid, params = sentence(ev, subject_words)
        return gettext(locale, msgid, **params)

    def _labels(self, locale: str, ev: Charted) -> ChartLabels:
        means = isinstance(ev, MeanEvaluation)
        return ChartLabels(
            observed=gettext(locale, N_OBSERVED_MEAN if means else N_OBSERVED),
            fitted=gettext(locale, N_FITTED),
            counterfactual=gettext(locale, N_COUNTERFACTUAL),
            measure=gettext(locale, N_MEASURE_STARTS),
            y_axis=gettext(locale, N_PICKUP_MINUTES if means else N_RECORDS_PER_WEEK),
        )

    def effect_svg(
        self, principal: Principal, measure_id: int, subject: Subject, locale: str
    ) -> str:
        _, ev, _ = self._evaluated(principal, measure_id, subject)
        return effect_svg(ev, self._labels(locale, ev))

    def effect_pdf(
        self, principal: Principal, measure_id: int, subject: Subject, locale: str
    ) -> bytes:
        row, ev, synthetic = self._evaluated(principal, measure_id, subject)
        out = measure_out(row, locale)
        facts: list[tuple[str, str]] = [
            (gettext(locale, N_PLACE), row.place_name),
            (gettext(locale, N_MEASURE), f"{out.kind_title}: {row.title}"),
            (gettext(locale, N_START_DATE), row.started_on.isoformat()),
        ]
        if row.cost_fen is not None:
            facts.append((gettext(locale, N_COST), format_money(row.cost_fen, locale)))
        sheet = EvaluationSheet(
            title=gettext(locale, N_SHEET_TITLE, measure=row.title),
            facts=facts,
            sentence=self._sentence(ev, row, subject, locale),
            model_heading=gettext(locale, N_MODEL_HEADING),
            model=_model(ev),
            caveats=[gettext(locale, n.msgid, **dict(n.params)) for n in ev.warnings]
            + [
                gettext(locale, N_CAVEAT_PICKUPS if subject == "pickups" else N_CAVEAT_REPORTING),
                gettext(locale, N_CAVEAT_CONCURRENT),
            ],
            labels=self._labels(locale, ev),
            synthetic=gettext(locale, N_SYNTHETIC_DATA) if synthetic else None,
            footer="gigcity",
        )
        return evaluation_pdf(ev, sheet)


def _model(ev: Evaluated) -> str:
    if isinstance(ev, MeanEvaluation):
        return pickup_effect.describe_model(ev)
    return describe_model(ev)


def _pickups_a_month(ev: MeanEvaluation, *, before: bool) -> float:
    """Pickups sent a month in the whole weeks before (or after) the measure."""
    weeks = [
        n
        for s, n in zip(ev.period_starts, ev.pickups, strict=True)
        if (s + timedelta(days=7) <= ev.measure_on if before else s >= ev.measure_on)
    ]
    return sum(weeks) / (7 * len(weeks)) * DAYS_PER_MONTH if weeks else 0.0


def measure_out(row: GovMeasure, locale: str) -> MeasureOut:
    kind = MeasureKind(row.kind)
    return MeasureOut(
        id=row.id,
        kind=kind,
        kind_title=gettext(locale, MEASURE_TITLES[kind]),
        title=row.title,
        place_id=row.place_id,
        place_name=row.place_name,
        lat=row.lat,
        lon=row.lon,
        subdistrict=row.subdistrict,
        radius_m=row.radius_m,
        started_on=row.started_on,
        cost_yuan=None if row.cost_fen is None else row.cost_fen / 100,
        note=row.note,
        synthetic=row.synthetic,
    )


__all__ = ["MEASURE_TITLES", "MeasuresMixin", "measure_out"]
