"""Property: for any sequence of sign-ups, moves and ends, no centre holds more sign-ups
than its capacity and no doctor more patients than their list size, and the counts always
equal the active sign-ups (on SQLite and PostgreSQL)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from gigcity.db.models import Doctor, DoctorCentre, DoctorSignup
from gigcity.services.accounts import Principal, Role
from gigcity.services.care.doctors import SignupIn
from gigcity.services.errors import Conflict, NotFound
from gigcity.services.platform import Platform
from services.care.doctors.doctors_support import Centres, setup_centres
from support import World, add_account

WORKERS = 5
# (worker, which centre or end, which doctor): centre 0 is a (capacity 3: a1 list 2, a2
# list 1), centre 1 is b (capacity 5: b1 list 5), None ends the worker's sign-up.
STEP = st.tuples(
    st.integers(0, WORKERS - 1), st.sampled_from([0, 1, None]), st.sampled_from([0, 1, None])
)


@pytest.fixture
def crowd(platform: Platform, world: World) -> tuple[Centres, list[Principal]]:
    centres = setup_centres(platform, world)
    return centres, [add_account(platform, f"worker{n}", Role.rider) for n in range(WORKERS)]


def check(platform: Platform) -> None:
    with platform.factory() as session:
        for centre in session.scalars(select(DoctorCentre)):
            active = session.scalar(
                select(func.count())
                .select_from(DoctorSignup)
                .where(DoctorSignup.centre_id == centre.id, DoctorSignup.current.is_not(None))
            )
            assert centre.taken == active
            assert 0 <= centre.taken <= centre.capacity
        for doctor in session.scalars(select(Doctor)):
            active = session.scalar(
                select(func.count())
                .select_from(DoctorSignup)
                .where(DoctorSignup.doctor_id == doctor.id, DoctorSignup.current.is_not(None))
            )
            assert doctor.taken == active
            assert 0 <= doctor.taken <= doctor.list_size


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, max_size=14))
def test_signups_never_exceed_capacities(
    platform: Platform,
    crowd: tuple[Centres, list[Principal]],
    steps: list[tuple[int, int | None, int | None]],
) -> None:
    centres, workers = crowd
    doctors = platform.doctors
    choices = {0: (centres.a, [centres.a1, centres.a2]), 1: (centres.b, [centres.b1, None])}
    try:
        for worker, centre, doctor in steps:
            try:
                if centre is None:
                    doctors.end_my_signup(workers[worker])
                else:
                    place, ids = choices[centre]
                    chosen = None if doctor is None else ids[doctor]
                    doctors.sign_up(workers[worker], SignupIn(place_id=place, doctor_id=chosen))
            except (Conflict, NotFound):
                pass
            check(platform)
    finally:  # the next example starts with nobody signed up
        for person in workers:
            with contextlib.suppress(NotFound):
                doctors.end_my_signup(person)
