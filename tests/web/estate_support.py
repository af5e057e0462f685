"""The estate the estate pages' tests use: a small generated estate (a grid of twelve
buildings, four gates, e-bikes banned inside with parking outside the north gate, a trolley
measure in force, one hand-off point) in the demo officer's sub-district, and property
staff of its own."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from geo.estates.guide_support import SPACING_M, at, grid_estate
from gigcity.db.models import Account
from gigcity.geo.estates import Estate, HandoffPoint, Measure, MeasureKind, Parking
from gigcity.services.accounts import AccountCreate, Principal, Role
from web.web_support import Demo

ESTATE_NAME = "测试花园"
ESTATE_NAME_EN = "Test Gardens"
ROWS, COLS = 3, 4
TROLLEYS_SINCE = date(2025, 1, 1)
KEEPER = "estate-keeper"  # property staff of the test estate


def guide_test_estate(subdistrict: str) -> Estate:
    """Twelve buildings ("1号楼" ... "12号楼"); e-bikes are left at the north parking."""
    height = ROWS * SPACING_M
    estate = grid_estate(
        ROWS,
        COLS,
        ebikes_inside=False,
        parking=(Parking(ref="p1", name="北门停车点", at=at(COLS * SPACING_M / 2, height + 30)),),
    )
    return estate.model_copy(
        update={
            "name": ESTATE_NAME,
            "name_en": ESTATE_NAME_EN,
            "subdistrict": subdistrict,
            "handoffs": (
                HandoffPoint(
                    ref="h1", name="北门接力点", at=at(COLS * SPACING_M / 2 + 10, height + 12)
                ),
            ),
            "measures": (Measure(kind=MeasureKind.trolleys, since=TROLLEYS_SINCE),),
        }
    )


def ensure_guide_estate(demo: Demo) -> int:
    """The test estate's id (stored once per database), with its own property staff
    account `KEEPER` (the demo's `property` keeps the demo's sample estate)."""
    platform = demo.platform
    admin = Principal(role=Role.admin, label="estate-pages-tests")
    found = [e for e in platform.estates.list() if e.name == ESTATE_NAME]
    if found:
        estate_id = found[0].id
    else:
        estate_id = platform.estates.create(admin, guide_test_estate(demo.officer_subdistrict)).id
    with platform.factory() as session:
        exists = session.scalar(select(Account.id).where(Account.username == KEEPER))
    if exists is None:
        platform.accounts.create(
            admin,
            AccountCreate(
                username=KEEPER,
                password=demo.password,
                display_name="测试花园物业",
                role=Role.property,
                estate_id=estate_id,
            ),
        )
    return estate_id


@pytest.fixture(scope="session")
def guide_estate(demo: Demo) -> int:
    return ensure_guide_estate(demo)
