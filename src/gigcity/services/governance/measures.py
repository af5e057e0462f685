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
from gigcity.services.governance.base import METRES_PER_DEGREE, GovernanceBase
from gigcity.services.governance.effect import (
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
    ChartLabels,
    EvaluationSheet,
    effect_svg,
    evaluation_pdf,
)
from gigcity.services.governance.schemas import (
    EffectOut,
    MeasureIn,
    MeasureKind,
    MeasureOut,
    Subject,
)
from gigcity.services.types import as_utc

N_RECORDS_PER_WEEK = N_("Records a week")
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


class MeasuresMixin(GovernanceBase):
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

    def _evaluated(
        self, principal: Principal, measure_id: int, subject: Subject
    ) -> tuple[GovMeasure, Evaluation, bool]:
        with self.factory() as session:
            row = self._measure(session, principal, measure_id)
            session.expunge(row)
            days, synthetic = self._days_near(session, row, subject)
        today = self.today()
        # Whole weeks from a year before the measure (or the first record) up to the last
        # whole week before today (or a year after the measure).
        earliest = min(days) if days else row.started_on
        first = max(row.started_on - timedelta(weeks=WEEKS_EACH_SIDE), earliest)
        first -= timedelta(days=first.weekday())
        last = min(today, row.started_on + timedelta(weeks=WEEKS_EACH_SIDE))
        periods = max(0, (last - first).days // 7)
        starts, counts = period_counts(days, first, periods, "week")
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
        return EffectOut(
            measure=measure_out(row, locale),
            subject=subject,
            period=ev.frequency,
            periods_before=ev.periods_before,
            periods_after=ev.periods_after,
            before_per_month=ev.before_per_month,
            after_per_month=ev.after_per_month,
            change=ev.change,
            ci_low=ev.change_low,
            ci_high=ev.change_high,
            p_value=ev.p_value,
            sentence=self._sentence(ev, row, subject, locale),
            model=describe_model(ev),
            warnings=[gettext(locale, n.msgid, **dict(n.params)) for n in ev.warnings],
            series=[
                {
                    "period": start.isoformat(),
                    "observed": count,
                    "fitted": round(fitted, 3),
                    "counterfactual": round(cf, 3),
                }
                for start, count, fitted, cf in zip(
                    ev.period_starts, ev.counts, ev.fitted, ev.counterfactual, strict=True
                )
            ],
            synthetic=synthetic,
        )

    def _sentence(self, ev: Evaluation, row: GovMeasure, subject: Subject, locale: str) -> str:
        subject_words = gettext(locale, SUBJECT_WORDS[subject], place=row.place_name)
        msgid, params = sentence(ev, subject_words)
        return gettext(locale, msgid, **params)

    def _labels(self, locale: str) -> ChartLabels:
        return ChartLabels(
            observed=gettext(locale, N_OBSERVED),
            fitted=gettext(locale, N_FITTED),
            counterfactual=gettext(locale, N_COUNTERFACTUAL),
            measure=gettext(locale, N_MEASURE_STARTS),
            y_axis=gettext(locale, N_RECORDS_PER_WEEK),
        )

    def effect_svg(
        self, principal: Principal, measure_id: int, subject: Subject, locale: str
    ) -> str:
        _, ev, _ = self._evaluated(principal, measure_id, subject)
        return effect_svg(ev, self._labels(locale))

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
            model=describe_model(ev),
            caveats=[gettext(locale, n.msgid, **dict(n.params)) for n in ev.warnings]
            + [gettext(locale, N_CAVEAT_REPORTING), gettext(locale, N_CAVEAT_CONCURRENT)],
            labels=self._labels(locale),
            synthetic=gettext(locale, N_SYNTHETIC_DATA) if synthetic else None,
            footer="gigcity",
        )
        return evaluation_pdf(ev, sheet)


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
