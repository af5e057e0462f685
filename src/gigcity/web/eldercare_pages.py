"""Meals-for-the-elderly pages: the rider's round (`/eldercare/round`: today's doors in
order, the door check queued when there is no signal), the family's page
(`/eldercare/family`: large type, next meals, pause and change) and the staff page
(`/eldercare/staff`: enrolment, live alerts on a map, statements). Like the other pages
they render strings and configuration only; the scripts ask the eldercare API for the rest."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from gigcity.http.deps import PUBLIC
from gigcity.http.locale import locale_of
from gigcity.i18n import gettext
from gigcity.services.eldercare.volunteers import KIND_TEXTS
from gigcity.web.pages import render_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])


@router.get("/eldercare/round", response_class=HTMLResponse, summary="Meals round: my doors today")
def round_page(request: Request) -> HTMLResponse:
    """The familiar rider's phone page: today's meals in round order and the door check."""
    return render_page(request, "eldercare_round.html", "eldercare_round")


@router.get("/eldercare/family", response_class=HTMLResponse, summary="Meals: my family's page")
def family_page(request: Request) -> HTMLResponse:
    """A family member's page, in large type: the next meals, a pause, a one-off change."""
    return render_page(request, "eldercare_family.html", "eldercare_family")


@router.get("/eldercare/staff", response_class=HTMLResponse, summary="Meals: the staff page")
def staff_page(request: Request) -> HTMLResponse:
    """Neighbourhood and district staff: enrolment, open alerts live on a map, statements."""
    # The enrolment form offers the funding rule's subsidy categories, in the reader's words.
    funding = request.app.state.platform.eldercare.funding
    locale = locale_of(request)
    categories = [(code, funding.category_title(code, locale)) for code in funding.categories()]
    return render_page(
        request, "eldercare_staff.html", "eldercare_staff", {"categories": categories}
    )


@router.get(
    "/eldercare/volunteer", response_class=HTMLResponse, summary="Volunteer tasks for older people"
)
def volunteer_page(request: Request) -> HTMLResponse:
    """Riders and truck drivers: open volunteer tasks near them, taking, finishing and giving
    back one; the door only on a task they hold."""
    # The area chooser and the kind filter, in the reader's words (the API's catalog).
    locale = locale_of(request)
    district = request.app.state.platform.district
    areas = [(s.code, s.display_name(locale)) for s in district.subdistricts]
    kinds = [(kind.value, gettext(locale, text)) for kind, text in KIND_TEXTS.items()]
    return render_page(
        request, "eldercare_volunteer.html", "eldercare_volunteer", {"areas": areas, "kinds": kinds}
    )


@router.get("/eldercare/kitchen", response_class=HTMLResponse, summary="Meals: the kitchen page")
def kitchen_page(request: Request) -> HTMLResponse:
    """Canteen staff (and managers of the canteen's sub-district): today's lunch and dinner
    by diet, allergies and clashing dishes — counts, never people — and the coming menus."""
    return render_page(request, "eldercare_kitchen.html", "eldercare_kitchen")


def install(app: FastAPI) -> None:
    app.include_router(router)
