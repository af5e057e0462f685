"""The volunteer pages (issue 20): `/volunteers` for riders, station staff and admins (teams,
activities to sign up for, hours recorded and confirmed by a leader, the certificate) and
the public `/volunteers/certificates/{code}`, where whoever holds a certificate checks its
hours against the team's records (rendered here: it needs no script and no sign-in)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from gigcity.http.deps import PUBLIC
from gigcity.http.locale import locale_of
from gigcity.services.errors import NotFound
from gigcity.web.pages import render_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])


@router.get("/volunteers", response_class=HTMLResponse, summary="Volunteer teams")
def volunteers_page(request: Request) -> HTMLResponse:
    locale = locale_of(request)
    district = request.app.state.platform.district
    names = district.subdistrict_names(locale)
    return render_page(request, "volunteers.html", "volunteers", {"subdistricts": names})


@router.get(
    "/volunteers/certificates/{code}", response_class=HTMLResponse, summary="Verify a certificate"
)
def certificate_page(request: Request, code: str) -> HTMLResponse:
    try:
        found = request.app.state.platform.volunteers.verify(code[:64])
    except NotFound:
        found = None
    response = render_page(
        request, "volunteer_certificate.html", "volunteer_certificate", {"found": found}
    )
    if found is None:
        response.status_code = 404
    return response


def install(app: FastAPI) -> None:
    app.include_router(router)
