"""StreetsService on the shipped sample, on SQLite and PostgreSQL: closures and live phases
stored in the database (shared with the CLI and other workers), who may change which
closure, atomic changes under races, phases that expire, and its errors."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from gigcity.cli import app
from gigcity.config import get_settings
from gigcity.db.migrate import upgrade
from gigcity.db.models import StreetPhase
from gigcity.db.session import make_engine, make_sessionmaker, transaction
from gigcity.geo import SAMPLE_NAME, Closure, ClosureSpec
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.streets import StreetsService, StreetsUnavailable, state
from gigcity.services.streets import service as service_module
from gigcity.services.streets.closure_scope import OutsideSubdistrict
from gigcity.services.streets.state import ClosureChanged
from services.streets.sample_support import (
    ADMIN,
    BORDER_LON,
    CHANGZHENG,
    DESTINATION,
    NOON,
    NORTH_EDGE,
    ORIGIN,
    WANLI,
    Clock,
    eventually,
    feed,
    middle_of_route,
    sample_district,
    spec,
)

runner = CliRunner()
Services = Callable[..., StreetsService]


@pytest.fixture
def clock() -> Clock:
    return Clock(NOON.timestamp())


@pytest.fixture
def factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def services(factory: sessionmaker[Session], tmp_path: Path, clock: Clock) -> Iterator[Services]:
    """Makes StreetsServices on the test's database, as separate workers would have; each
    is closed at the end."""
    made: list[StreetsService] = []

    def make(**options: object) -> StreetsService:
        kwargs: dict[str, object] = {"clock": clock, "district": sample_district()}
        made.append(StreetsService(factory, tmp_path, SAMPLE_NAME, **(kwargs | options)))  # type: ignore[arg-type]
        return made[-1]

    yield make
    for made_service in made:
        made_service.close()


@pytest.fixture
def service(services: Services) -> StreetsService:
    return services()


def ids(service: StreetsService) -> list[str]:
    return [c.id for c in service.closures()]


# ---- closures shared with the CLI and other workers --------------------------------------


@pytest.fixture
def cli_env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("GIGCITY_DATABASE_URL", database_url)
    monkeypatch.setenv("GIGCITY_MODE", "dev")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def cli(*args: str) -> str:
    result = runner.invoke(app, ["streets", "closures", *args])
    assert result.exit_code == 0, result.output
    return result.output


def ring_around(point: tuple[float, float], half: float = 0.0004) -> str:
    lon, lat = point
    corners = [(-half, -half), (half, -half), (half, half), (-half, half)]
    return ";".join(f"{lon + dx},{lat + dy}" for dx, dy in corners)


def test_the_service_and_the_cli_see_each_others_closures(
    service: StreetsService, tmp_path: Path, cli_env: None
) -> None:
    middle = middle_of_route(service)
    before = service.route(ORIGIN, DESTINATION, NOON)
    # The CLI refuses closures that have ended by the wall clock: end it a day from now.
    end = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    window = ["--start", "2026-11-28T09:00:00+08:00", "--end", end]

    cli("add", "--polygon", ring_around(middle), *window, "--data-dir", str(tmp_path))

    after = eventually(
        lambda: service.route(ORIGIN, DESTINATION, NOON), lambda a: a.breakdown.closures != []
    )
    assert after.breakdown.closures == ["c1"]
    assert after.eta_s > before.eta_s
    assert ids(service) == ["c1"]

    added = service.add_closure(ADMIN, spec(hours=24 * 30))  # still on by the CLI's clock
    assert added.id == "c2"
    listed = cli("list", "--data-dir", str(tmp_path))
    assert "c1" in listed
    assert "c2" in listed

    cli("remove", "c1", "--data-dir", str(tmp_path))
    assert eventually(lambda: ids(service), lambda found: found == ["c2"]) == ["c2"]
    assert "c1" not in service.route(ORIGIN, DESTINATION, NOON).breakdown.closures
    service.remove_closure(ADMIN, "c2")
    assert service.route(ORIGIN, DESTINATION, NOON).eta_s == before.eta_s
    assert "no closures" in cli("list", "--data-dir", str(tmp_path))


def test_on_sqlite_a_change_by_another_process_shows_within_a_second_or_so(
    services: Services, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL workers hear of changes (see test_shared.py)")
    reader, writer = services(), services()  # reader checks the version at most once a second
    assert reader.listener_state() is None  # SQLite: no listener
    assert reader.closures() == []
    writer.add_closure(ADMIN, spec())
    assert eventually(lambda: ids(reader), lambda found: found == ["c1"]) == ["c1"]


def test_ended_closures_are_not_listed_and_upcoming_ones_are_not_in_force(
    service: StreetsService, clock: Clock
) -> None:
    service.add_closure(ADMIN, spec(hours=1))
    later = spec(hours=5).model_copy(update={"starts_at": NOON + timedelta(hours=2)})
    service.add_closure(ADMIN, later)
    assert [(c.id, c.in_force) for c in service.closures()] == [("c1", True), ("c2", False)]
    clock.now += 3 * 3600
    assert [(c.id, c.in_force) for c in service.closures()] == [("c2", True)]


def test_closure_ids_are_never_handed_out_twice(service: StreetsService) -> None:
    assert [service.add_closure(ADMIN, spec()).id for _ in range(2)] == ["c1", "c2"]
    service.remove_closure(ADMIN, "c2")
    assert service.add_closure(ADMIN, spec()).id == "c3"
    assert ids(service) == ["c1", "c3"]


def test_workers_adding_at_once_lose_no_closure(services: Services) -> None:
    workers = [services() for _ in range(4)]
    for worker in workers:
        worker.travel  # noqa: B018 - load each graph first, so the adds overlap
    start = threading.Barrier(len(workers))
    errors: list[BaseException] = []

    def add_three(worker: StreetsService) -> None:
        start.wait()
        try:
            for _ in range(3):
                worker.add_closure(ADMIN, spec())
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=add_three, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    stored = [c.id for c in workers[0].stored_closures()]
    assert stored == [f"c{n}" for n in range(1, 13)]


def test_only_admins_and_grid_officers_change_closures(service: StreetsService) -> None:
    assert service.add_closure(WANLI, spec()).id == "c1"
    for role in (Role.rider, Role.staff, Role.platform):
        with pytest.raises(Forbidden):
            service.add_closure(Principal(role=role), spec())
        with pytest.raises(Forbidden):
            service.remove_closure(Principal(role=role), "c1")
    service.remove_closure(WANLI, "c1")
    with pytest.raises(NotFound):
        service.remove_closure(WANLI, "c1")


def ways(service: StreetsService) -> dict[int, tuple[float, float]]:
    """Each way of the sample: the smallest and largest longitude of its nodes."""
    graph = service.travel.graph
    spans: dict[int, tuple[float, float]] = {}
    for arc, way in enumerate(graph.arc_way_id.tolist()):
        for node in (graph.arc_tail[arc], graph.arc_head[arc]):
            lon = float(graph.node_lon[node])
            low, high = spans.get(way, (lon, lon))
            spans[way] = (min(low, lon), max(high, lon))
    return spans


def test_a_grid_officer_adds_only_closures_wholly_within_their_sub_district(
    service: StreetsService,
) -> None:
    assert service.add_closure(WANLI, spec()).id == "c1"
    # Centroid in Wanli, two vertices across the border: not wholly within.
    west_edge, east_edge = BORDER_LON - 0.004, BORDER_LON + 0.001
    straddling = ClosureSpec(
        starts_at=NOON,
        ends_at=NOON + timedelta(hours=1),
        polygon=[(west_edge, 31.229), (east_edge, 31.229), (east_edge, 31.232), (west_edge, 31.232)],
    )  # fmt: skip
    graph = service.travel.graph
    beyond = int((graph.node_lat > NORTH_EDGE + 0.001).argmax())  # a street node past the edge
    north = spec(point=(float(graph.node_lon[beyond]), float(graph.node_lat[beyond])))
    spans = ways(service)
    west = next(w for w, (_, high) in spans.items() if high < BORDER_LON - 0.002)
    across = next(w for w, (low, high) in spans.items() if low < BORDER_LON < high)
    way_spec = ClosureSpec(starts_at=NOON, ends_at=NOON + timedelta(hours=1), way_ids=[west])
    assert service.add_closure(WANLI, way_spec).id == "c2"
    stored = service.stored_closures()

    refused_cases = [
        (straddling, "polygon", "Changzheng"),
        (north, "polygon", "测试区"),
        (way_spec.model_copy(update={"way_ids": [west, across]}), "way_ids", "Changzheng"),
    ]
    for refused_spec, field, named in refused_cases:
        with pytest.raises(OutsideSubdistrict) as refused:
            service.add_closure(WANLI, refused_spec)
        assert refused.value.status == 403
        assert refused.value.field == field
        assert named in str(refused.value)
        assert "Wanli" in str(refused.value)
    assert service.stored_closures() == stored
    assert ids(service) == ["c1", "c2"]
    # An admin may: the whole district is theirs.
    assert [service.add_closure(ADMIN, s).id for s, _, _ in refused_cases] == ["c3", "c4", "c5"]


def west_and_east_specs(service: StreetsService) -> tuple[ClosureSpec, ClosureSpec]:
    """A closure on a street node in Wanli, and one on a node in Changzheng."""
    graph = service.travel.graph
    inside = graph.node_lat < NORTH_EDGE - 0.002
    west_node = int((inside & (graph.node_lon < BORDER_LON - 0.003)).argmax())
    east_node = int((inside & (graph.node_lon > BORDER_LON + 0.003)).argmax())
    west, east = (
        spec(point=(float(graph.node_lon[n]), float(graph.node_lat[n])))
        for n in (west_node, east_node)
    )
    return west, east


def test_a_grid_officer_lifts_only_closures_within_their_sub_district_whoever_added_them(
    service: StreetsService,
) -> None:
    west_spec, east_spec = west_and_east_specs(service)
    west, east = (service.add_closure(ADMIN, s) for s in (west_spec, east_spec))
    stored = service.stored_closures()
    with pytest.raises(OutsideSubdistrict) as refused:
        service.remove_closure(WANLI, east.id)
    assert f"closure {east.id}" in str(refused.value)
    assert "Changzheng" in str(refused.value)
    assert service.stored_closures() == stored
    with pytest.raises(OutsideSubdistrict):
        service.remove_closure(CHANGZHENG, west.id)
    service.remove_closure(WANLI, west.id)  # an admin's closure, but on Wanli's streets
    service.remove_closure(CHANGZHENG, east.id)
    assert service.closures() == []
    with pytest.raises(NotFound):
        service.remove_closure(WANLI, west.id)


def test_a_closure_stored_under_a_lifted_ones_id_meanwhile_is_not_lifted_unchecked(
    service: StreetsService, monkeypatch: pytest.MonkeyPatch
) -> None:
    west, east = west_and_east_specs(service)
    assert service.add_closure(ADMIN, east).id == "c1"
    assert service.add_closure(ADMIN, west).id == "c2"
    # Wanli's officer lifts c2 (on Wanli's streets). After the scope check passes, before
    # the write, an admin lifts c2 and imports a file whose c2 closes Changzheng's streets.
    real_check = service_module.check_closure_scope

    def interloper(*args: object, **kwargs: object) -> None:
        real_check(*args, **kwargs)  # type: ignore[arg-type]
        service.remove_closure(ADMIN, "c2")
        market = east.model_copy(update={"reason": "market"})
        report = service.import_closures(ADMIN, [Closure.from_spec(market, "c2")])
        assert report.added == ["c2"]

    monkeypatch.setattr(service_module, "check_closure_scope", interloper)
    with pytest.raises(Conflict) as refused:
        service.remove_closure(WANLI, "c2")
    assert refused.value.status == 409
    assert "c2" in str(refused.value)
    monkeypatch.undo()
    # Changzheng's new c2 still stands; Wanli's officer may not lift it, its own may.
    stored = service.stored_closures()
    assert [(c.id, c.polygon) for c in stored] == [("c1", east.polygon), ("c2", east.polygon)]
    with pytest.raises(OutsideSubdistrict):
        service.remove_closure(WANLI, "c2")
    service.remove_closure(CHANGZHENG, "c2")
    assert ids(service) == ["c1"]


def test_two_officers_lifting_one_closure_at_once_one_lifts_it_the_other_finds_none(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, two = services(), services()
    one.add_closure(ADMIN, spec())
    both_checked, both_read = threading.Barrier(2), threading.Barrier(2)
    writing = threading.local()
    real_check, real_closure = service_module.check_closure_scope, state._closure

    def check_then_wait(*args: object, **kwargs: object) -> None:
        real_check(*args, **kwargs)  # type: ignore[arg-type]
        both_checked.wait(timeout=30)  # both passed their checks before either writes
        writing.now = True

    def read_then_wait(*args: object) -> Closure:
        if getattr(writing, "now", False):
            # Without the network's lock both writers would read the closure here.
            with contextlib.suppress(threading.BrokenBarrierError):
                both_read.wait(timeout=1)
        return real_closure(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(service_module, "check_closure_scope", check_then_wait)
    monkeypatch.setattr(state, "_closure", read_then_wait)
    outcomes: list[str] = []

    def lift(worker: StreetsService) -> None:
        try:
            worker.remove_closure(WANLI, "c1")
            outcomes.append("lifted")
        except NotFound:
            outcomes.append("not found")

    threads = [threading.Thread(target=lift, args=(w,)) for w in (one, two)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["lifted", "not found"]
    assert one.stored_closures() == []


def test_the_store_removes_only_the_closure_the_caller_expected(
    service: StreetsService, factory: sessionmaker[Session]
) -> None:
    first = service.add_closure(ADMIN, spec())
    checked = Closure.model_validate(first.model_dump(exclude={"in_force"}))
    changed = checked.model_copy(update={"reason": "another closure under the same id"})
    with pytest.raises(ClosureChanged), transaction(factory) as session:
        state.remove_closure(session, service.name, "c1", service.tz, changed)
    assert [c.id for c in service.stored_closures()] == ["c1"]  # nothing removed
    with transaction(factory) as session:
        assert not state.remove_closure(session, service.name, "c9", service.tz, checked)
        assert state.remove_closure(session, service.name, "c1", service.tz, checked)
    assert service.stored_closures() == []


def test_an_officer_bound_to_no_known_sub_district_changes_no_closure(
    service: StreetsService,
) -> None:
    service.add_closure(ADMIN, spec())
    for stray in (Principal(role=Role.officer), Principal(role=Role.officer, subdistrict="gone")):
        with pytest.raises(Forbidden):
            service.add_closure(stray, spec())
        with pytest.raises(Forbidden):
            service.remove_closure(stray, "c1")
    assert ids(service) == ["c1"]


def test_closures_that_close_nothing_or_have_ended_are_refused(service: StreetsService) -> None:
    cases = [
        (spec(hours=-0.5), "ends_at"),
        (spec(point=(121.30, 31.30)), "polygon"),
        (ClosureSpec(starts_at=NOON, ends_at=NOON + timedelta(hours=1), way_ids=[7]), "way_ids"),
    ]
    for bad, field in cases:
        with pytest.raises(InvalidInput) as refused:
            service.add_closure(ADMIN, bad)
        assert refused.value.field == field
    assert service.closures() == []


# ---- importing a closures file -----------------------------------------------------------


def test_a_closures_file_is_imported_once_keeping_its_ids_where_free(
    service: StreetsService,
) -> None:
    west, east = west_and_east_specs(service)
    assert service.add_closure(ADMIN, west).id == "c1"
    ended = Closure.from_spec(spec(hours=-0.5), "c2")
    file = [Closure.from_spec(east, "c1"), ended, Closure.from_spec(spec(), "c7")]

    report = service.import_closures(ADMIN, file)

    # c1 is taken by another closure: the file's c1 gets a new id; the ended one is left out.
    assert (report.added, report.renumbered, report.ended) == (["c7"], {"c1": "c8"}, ["c2"])
    assert ids(service) == ["c1", "c7", "c8"]
    assert service.add_closure(ADMIN, west).id == "c9"  # numbering goes on past the file's
    again = service.import_closures(ADMIN, file)
    assert (again.added, again.renumbered) == ([], {})
    assert sorted(again.unchanged) == ["c1", "c7"]
    with pytest.raises(Forbidden):
        service.import_closures(WANLI, file)


# ---- live phases -------------------------------------------------------------------------


def test_live_phases_are_used_until_they_expire(service: StreetsService, clock: Clock) -> None:
    expected = service.route(ORIGIN, DESTINATION, NOON)
    report = service.apply_phases(feed(service, NOON, 120.0, "red"))
    assert report.accepted == expected.breakdown.signals_passed

    live = service.route(ORIGIN, DESTINATION, NOON)
    assert live.breakdown.signals_exact > 0
    assert live.eta_s != expected.eta_s
    assert any(s.live is not None for s in service.signals().signals)

    clock.now += 121.0  # past observed_at + valid_for_s
    assert all(s.live is None for s in service.signals().signals)
    later = service.route(ORIGIN, DESTINATION)
    assert later.breakdown.signals_exact == 0
    assert service.travel.timing.live == {}


def test_expired_phases_are_not_read_back_and_their_rows_go_on_the_next_feed(
    services: Services, clock: Clock, factory: sessionmaker[Session]
) -> None:
    service = services()
    service.apply_phases(feed(service, NOON, 60.0, "red"))

    def rows() -> int:
        with factory() as session:
            return int(session.scalar(select(func.count()).select_from(StreetPhase)) or 0)

    stored = rows()
    assert stored > 0
    clock.now += 61.0
    assert services().travel.timing.live == {}  # a worker starting now reads none of them
    one = next(iter(feed(service, NOON, 60.0, "red").phases))
    service.apply_phases(
        feed(service, NOON + timedelta(seconds=61), 60.0, "red").model_copy(
            update={"phases": [one]}
        )
    )
    assert rows() == 1


def test_a_late_arriving_older_feed_does_not_replace_newer_phases(
    services: Services,
) -> None:
    one, two = services(), services()
    one.apply_phases(feed(one, NOON, 600.0, "red"))
    two.apply_phases(feed(two, NOON - timedelta(seconds=30), 600.0, "green"))  # another worker
    for worker in (one, two, services()):
        observed = {s.live.observed_at for s in worker.signals().signals if s.live is not None}
        assert observed == {NOON}


def test_the_live_phase_of_a_signal_is_shown_counting_down(
    service: StreetsService, clock: Clock
) -> None:
    service.apply_phases(feed(service, NOON, 600.0, "red"))
    first = next(s for s in service.signals().signals if s.live is not None)
    assert first.live is not None
    assert (first.live.major_state, first.live.major_remaining_s) == ("red", 20.0)
    clock.now += 5
    again = next(s for s in service.signals().signals if s.signal_id == first.signal_id)
    assert again.live is not None
    assert (again.live.major_state, again.live.major_remaining_s) == ("red", 15.0)


def test_feeds_already_expired_or_from_the_future_are_refused(service: StreetsService) -> None:
    for at in (NOON - timedelta(hours=1), NOON + timedelta(hours=1)):
        with pytest.raises(InvalidInput) as refused:
            service.apply_phases(feed(service, at, 600.0, "red"))
        assert refused.value.field == "observed_at"
    assert service.travel.timing.live == {}


# ---- configuration -----------------------------------------------------------------------


def test_an_unknown_street_graph_is_unavailable_not_a_crash(
    factory: sessionmaker[Session], tmp_path: Path
) -> None:
    service = StreetsService(factory, tmp_path, "not-imported")
    with pytest.raises(StreetsUnavailable) as unavailable:
        service.route(ORIGIN, DESTINATION)
    assert unavailable.value.status == 503
    service.close()
