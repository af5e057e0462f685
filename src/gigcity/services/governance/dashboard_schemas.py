"""The district overview's answer: its figures, the service each comes from, and their
titles (msgids, translated where they are shown)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field

from gigcity.i18n import N_
from gigcity.services.governance.topics import Topic


class Figure(StrEnum):
    complaints = "complaints"
    reports_filed = "reports_filed"
    reports_resolved = "reports_resolved"
    survey_answers = "survey_answers"
    consultations_held = "consultations_held"
    agreed_overdue = "agreed_overdue"
    measures_started = "measures_started"
    measures_cost_fen = "measures_cost_fen"
    relay_delivered = "relay_delivered"
    meals_delivered = "meals_delivered"
    bed_nights = "bed_nights"
    volunteer_tasks_done = "volunteer_tasks_done"
    map_nearby = "map_nearby"
    map_details = "map_details"


class Source(StrEnum):
    """The service a figure comes from."""

    governance = "governance"
    reports = "reports"
    relay = "relay"
    eldercare = "eldercare"
    stays = "stays"
    places = "places"


SOURCES: dict[Figure, Source] = {
    Figure.complaints: Source.governance,
    Figure.reports_filed: Source.reports,
    Figure.reports_resolved: Source.reports,
    Figure.survey_answers: Source.governance,
    Figure.consultations_held: Source.governance,
    Figure.agreed_overdue: Source.governance,
    Figure.measures_started: Source.governance,
    Figure.measures_cost_fen: Source.governance,
    Figure.relay_delivered: Source.relay,
    Figure.meals_delivered: Source.eldercare,
    Figure.bed_nights: Source.stays,
    Figure.volunteer_tasks_done: Source.eldercare,
    Figure.map_nearby: Source.places,
    Figure.map_details: Source.places,
}

FIGURE_TITLES: dict[Figure, str] = {
    Figure.complaints: N_("Delivery-related hotline complaints"),
    Figure.reports_filed: N_("Hazard reports filed"),
    Figure.reports_resolved: N_("Hazard reports resolved"),
    Figure.survey_answers: N_("Survey answers"),
    Figure.consultations_held: N_("Consultation meetings held"),
    Figure.agreed_overdue: N_("Agreed items overdue"),
    Figure.measures_started: N_("Measures started"),
    Figure.measures_cost_fen: N_("Cost of the measures started (yuan)"),
    Figure.relay_delivered: N_("Relay items delivered"),
    Figure.meals_delivered: N_("Meals for the elderly delivered"),
    Figure.bed_nights: N_("Bed-nights booked"),
    Figure.volunteer_tasks_done: N_("Volunteer tasks done"),
    Figure.map_nearby: N_("Friendly map: nearest points asked for"),
    Figure.map_details: N_("Friendly map: a point's card opened (with its navigation links)"),
}

SOURCE_TITLES: dict[Source, str] = {
    Source.governance: N_("People's voice (governance)"),
    Source.reports: N_("Snap-and-report"),
    Source.relay: N_("Relay delivery"),
    Source.eldercare: N_("Meals for the elderly"),
    Source.stays: N_("Beds"),
    Source.places: N_("Friendly map"),
}


# -- the answer -----------------------------------------------------------------------------


class Figures(BaseModel):
    """One set of numbers: a month's or a window's, a sub-district's or the area's."""

    complaints: int = 0
    complaints_by_topic: dict[str, int] = Field(
        default_factory=lambda: {t.value: 0 for t in Topic},
        description="Delivery-related complaints by topic (those about no delivery are left out)",
    )
    reports_filed: int = 0
    reports_resolved: int = Field(
        0, description="Reports resolved in the period (resolved, not merely closed)"
    )
    survey_answers: int = 0
    consultations_held: int = 0
    agreed_overdue: int = Field(
        0,
        description="Agreed items of the period's meetings past their date and not done today",
    )
    measures_started: int = 0
    measures_cost_fen: int = 0
    relay_delivered: int = 0
    meals_delivered: int = 0
    bed_nights: int = Field(0, description="Nights of the bookings whose first night is in it")
    volunteer_tasks_done: int = 0
    map_nearby: int = Field(
        0, description="Nearest-points searches of the friendly map from a position in it"
    )
    map_details: int = Field(
        0, description="A point's card (with its navigation links) opened on the friendly map"
    )

    def value(self, figure: Figure) -> int:
        return int(getattr(self, figure.value))

    def add(self, other: Figures) -> None:
        for figure in Figure:
            setattr(self, figure.value, self.value(figure) + other.value(figure))
        for topic, n in other.complaints_by_topic.items():
            self.complaints_by_topic[topic] = self.complaints_by_topic.get(topic, 0) + n


class MonthFigures(BaseModel):
    month: date = Field(description="The local month's first day")
    figures: Figures


class AreaFigures(BaseModel):
    """A sub-district's figures (or, with code None, the area's total)."""

    code: str | None
    name: str | None
    lon: float | None = None
    lat: float | None = None
    total: Figures
    months: list[MonthFigures]
    service_points: dict[str, int] = Field(
        description="The friendly map's service points by kind, today (its use is in "
        "`map_nearby` and `map_details`)"
    )


class FigureSource(BaseModel):
    figure: Figure
    service: Source


class Overview(BaseModel):
    since: date
    until: date
    subdistrict: str | None = Field(description="The area answered: None for the district")
    today: date
    sources: list[FigureSource]
    total: AreaFigures
    subdistricts: list[AreaFigures] = Field(
        description="Each sub-district the caller may see (one for a grid officer)"
    )
    unplaced_complaints: int = Field(
        0,
        description="District only: delivery-related complaints not yet placed in a "
        "sub-district (in the total, in no sub-district)",
    )
