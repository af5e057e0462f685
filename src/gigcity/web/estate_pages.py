"""Estate pages: the rider's building guide (`/estates/{id}/guide`, public, opened from the QR
code on the gate poster) and the property staff page (`/estate`). Like the other pages they
render strings and configuration only; the scripts ask the estates API for everything else."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Path, Request
from fastapi.responses import HTMLResponse

from gigcity.geo.estates import ZONE_HEX, MeasureKind, ZoneColour
from gigcity.http.deps import PUBLIC
from gigcity.web.pages import render_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])

# The largest estate id a page accepts (ids are database integers).
MAX_ESTATE_ID = 2**31 - 1


def estate_config(estate_id: int | None) -> dict[str, Any]:
    """What both estate scripts need besides their strings: which estate, the guide's colours
    (the labels come from the template, so colour is never shown alone) and the measures."""
    return {
        "estateId": estate_id,
        "zoneHex": {colour.value: ZONE_HEX[colour] for colour in ZoneColour},
        "measureKinds": [kind.value for kind in MeasureKind],
    }


@router.get("/estates/{estate_id}/guide", response_class=HTMLResponse, summary="Find a building")
def guide_page(request: Request, estate_id: int = Path(ge=1, le=MAX_ESTATE_ID)) -> HTMLResponse:
    """The seven-colour guide of one estate on a phone: find a building, the zone colour to
    follow, the best gate and the walk from it."""
    return render_page(
        request, "estate_guide.html", "estate_guide", {"estate": estate_config(estate_id)}
    )


@router.get("/estate", response_class=HTMLResponse, summary="Keep an estate's guide current")
def estate_page(request: Request) -> HTMLResponse:
    """Property staff keep their estate current; admins and officers choose one (`?id=`)."""
    return render_page(request, "estate_admin.html", "estate", {"estate": estate_config(None)})


def install(app: FastAPI) -> None:
    app.include_router(router)
