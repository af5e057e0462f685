"""StreetsService on the shipped sample: the closures file it shares with the CLI (locked
writes, changes seen both ways), live signal phases that expire, and its errors."""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gigcity.cli import app
from gigcity.geo import (
    SAMPLE_NAME,
    Closure,
    ClosureSpec,
    District,
    PhaseFeed,
    Subdistrict,
    closures_path,
    read_closures,
)
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.streets import StreetsService, StreetsUnavailable
from gigcity.services.streets.closure_scope import OutsideSubdistrict
from gigcity.services.streets.closure_store import ClosureChanged, ClosureStore

SHANGHAI = timezone(timedelta(hours=8))
NOON = datetime(2026, 11, 28, 12, 0, tzinfo=SHANGHAI)
ORIGIN = (121.465, 31.235)
DESTINATION = (121.482, 31.225)
ADMIN = Principal(role=Role.admin, label="test-admin")
WANLI = Principal(role=Role.officer, subdistrict="wanli")
CHANGZHENG = Principal(role=Role.officer, subdistrict="changzheng")
BORDER_LON = 121.478  # between the two sub-districts' points: west is Wanli, east Changzheng
NORTH_EDGE = 31.238  # the district ends here; the sample's northern streets lie beyond
runner = CliRunner()


@dataclass
class Clock:
    now: float

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(NOON.timestamp())


def sample_district() -> District:
    """Two sub-districts over the sample's streets, split along BORDER_LON."""
    return District(
        "测试区",
        (121.44, 31.20, 121.52, NORTH_EDGE),
        [
            Subdistrict("wanli", "万里街道", "Wanli", "street", 121.455, 31.23),
            Subdistrict("changzheng", "长征镇", "Changzheng", "town", 121.501, 31.23),
        ],
        [],
    )


@pytest.fixture
def service(tmp_path: Path, clock: Clock) -> StreetsService:
    return StreetsService(tmp_path, SAMPLE_NAME, clock=clock, district=sample_district())


def cli(*args: str) -> str:
    result = runner.invoke(app, ["streets", "closures", *args])
    assert result.exit_code == 0, result.output
    return result.output


def ring_around(point: tuple[float, float], half: float = 0.0004) -> str:
    lon, lat = point
    corners = [(-half, -half), (half, -half), (half, half), (-half, half)]
    return ";".join(f"{lon + dx},{lat + dy}" for dx, dy in corners)


def middle_of_route(service: StreetsService) -> tuple[float, float]:
    coordinates = service.route(ORIGIN, DESTINATION, NOON).geometry.coordinates
    return coordinates[len(coordinates) // 2]


def spec(hours: float = 6.0, point: tuple[float, float] = (121.4735, 31.2310)) -> ClosureSpec:
    lon, lat = point
    return ClosureSpec(
        starts_at=NOON - timedelta(hours=1),
        ends_at=NOON + timedelta(hours=hours),
        polygon=[(lon - 4e-4, lat - 4e-4), (lon + 4e-4, lat - 4e-4), (lon, lat + 4e-4)],
    )


# ---- closures shared with the CLI --------------------------------------------------------


def test_the_service_and_the_cli_see_each_others_closures(
    service: StreetsService, tmp_path: Path
) -> None:
    middle = middle_of_route(service)
    before = service.route(ORIGIN, DESTINATION, NOON)
    window = ["--start", "2026-11-28T09:00:00+08:00", "--end", "2026-11-28T18:00:00+08:00"]

    cli("add", "--polygon", ring_around(middle), *window, "--data-dir", str(tmp_path))

    assert [c.id for c in service.closures()] == ["c1"]
    after = service.route(ORIGIN, DESTINATION, NOON)
    assert after.breakdown.closures == ["c1"]
    assert after.eta_s > before.eta_s

    added = service.add_closure(ADMIN, spec())
    assert added.id == "c2"
    listed = cli("list", "--data-dir", str(tmp_path))
    assert "c1" in listed
    assert "c2" in listed

    cli("remove", "c1", "--data-dir", str(tmp_path))
    assert [c.id for c in service.closures()] == ["c2"]
    assert "c1" not in service.route(ORIGIN, DESTINATION, NOON).breakdown.closures
    service.remove_closure(ADMIN, "c2")
    assert service.route(ORIGIN, DESTINATION, NOON).eta_s == before.eta_s
    assert "no closures" in cli("list", "--data-dir", str(tmp_path))


def test_ended_closures_are_not_listed_and_upcoming_ones_are_not_in_force(
    service: StreetsService, clock: Clock
) -> None:
    service.add_closure(ADMIN, spec(hours=1))
    later = spec(hours=5).model_copy(update={"starts_at": NOON + timedelta(hours=2)})
    service.add_closure(ADMIN, later)
    assert [(c.id, c.in_force) for c in service.closures()] == [("c1", True), ("c2", False)]
    clock.now += 3 * 3600
    assert [(c.id, c.in_force) for c in service.closures()] == [("c2", True)]


def _add_many(path: Path, count: int) -> None:
    store = ClosureStore(path)
    for _ in range(count):
        store.add(spec())


def test_writers_in_several_processes_lose_no_closure(tmp_path: Path) -> None:
    path = closures_path(tmp_path, SAMPLE_NAME)
    fork = multiprocessing.get_context("fork")
    workers = [fork.Process(target=_add_many, args=(path, 6)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    ids = [c.id for c in read_closures(path)]
    assert sorted(ids, key=lambda i: int(i[1:])) == [f"c{n}" for n in range(1, 25)]


def test_a_damaged_closures_file_keeps_the_last_good_closures_for_routing(
    service: StreetsService,
) -> None:
    service.add_closure(ADMIN, spec(point=middle_of_route(service)))
    routed = service.route(ORIGIN, DESTINATION, NOON)
    assert routed.breakdown.closures == ["c1"]

    service.store.path.write_text("[{not json", "utf-8")

    assert service.route(ORIGIN, DESTINATION, NOON).breakdown.closures == ["c1"]
    with pytest.raises(StreetsUnavailable):
        service.closures()
    with pytest.raises(StreetsUnavailable):
        service.add_closure(ADMIN, spec())


def test_only_admins_and_grid_officers_change_closures(service: StreetsService) -> None:
    officer = Principal(role=Role.officer, subdistrict="wanli")
    assert service.add_closure(officer, spec()).id == "c1"
    for role in (Role.rider, Role.staff, Role.platform):
        with pytest.raises(Forbidden):
            service.add_closure(Principal(role=role), spec())
        with pytest.raises(Forbidden):
            service.remove_closure(Principal(role=role), "c1")
    service.remove_closure(officer, "c1")
    with pytest.raises(NotFound):
        service.remove_closure(officer, "c1")


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
    stored = closures_path(service.data_dir, service.name).read_bytes()

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
    assert closures_path(service.data_dir, service.name).read_bytes() == stored
    assert [c.id for c in service.closures()] == ["c1", "c2"]
    # An admin may: the whole district is theirs.
    assert [service.add_closure(ADMIN, s).id for s, _, _ in refused_cases] == ["c3", "c4", "c5"]


def test_a_grid_officer_lifts_only_closures_within_their_sub_district_whoever_added_them(
    service: StreetsService,
) -> None:
    graph = service.travel.graph
    inside = graph.node_lat < NORTH_EDGE - 0.002
    west_node = int((inside & (graph.node_lon < BORDER_LON - 0.003)).argmax())
    east_node = int((inside & (graph.node_lon > BORDER_LON + 0.003)).argmax())
    west, east = (
        service.add_closure(ADMIN, spec(point=(graph.node_lon[n], graph.node_lat[n])))
        for n in (west_node, east_node)
    )
    stored = closures_path(service.data_dir, service.name).read_bytes()
    with pytest.raises(OutsideSubdistrict) as refused:
        service.remove_closure(WANLI, east.id)
    assert f"closure {east.id}" in str(refused.value)
    assert "Changzheng" in str(refused.value)
    assert closures_path(service.data_dir, service.name).read_bytes() == stored
    with pytest.raises(OutsideSubdistrict):
        service.remove_closure(CHANGZHENG, west.id)
    service.remove_closure(WANLI, west.id)  # an admin's closure, but on Wanli's streets
    service.remove_closure(CHANGZHENG, east.id)
    assert service.closures() == []
    with pytest.raises(NotFound):
        service.remove_closure(WANLI, west.id)


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


def test_a_closure_that_takes_a_lifted_ones_id_meanwhile_is_not_lifted_unchecked(
    service: StreetsService, monkeypatch: pytest.MonkeyPatch
) -> None:
    west, east = west_and_east_specs(service)
    assert service.add_closure(ADMIN, east).id == "c1"
    assert service.add_closure(ADMIN, west).id == "c2"
    # Wanli's officer lifts c2 (on Wanli's streets). After the scope check passes, before
    # the store removes it, an admin lifts c2 and closes Changzheng's streets, which get
    # c2 again (the highest id + 1).
    real_remove = service.store.remove

    def interloper(closure_id: str, **kwargs: Closure | None) -> bool:
        assert real_remove("c2")
        assert service.store.add(east).id == "c2"
        return real_remove(closure_id, **kwargs)

    monkeypatch.setattr(service.store, "remove", interloper)
    with pytest.raises(Conflict) as refused:
        service.remove_closure(WANLI, "c2")
    assert refused.value.status == 409
    assert "c2" in str(refused.value)
    monkeypatch.undo()
    # Changzheng's new c2 still stands; Wanli's officer may not lift it, its own may.
    stored = read_closures(service.store.path)
    assert [(c.id, c.polygon) for c in stored] == [("c1", east.polygon), ("c2", east.polygon)]
    with pytest.raises(OutsideSubdistrict):
        service.remove_closure(WANLI, "c2")
    service.remove_closure(CHANGZHENG, "c2")
    assert [c.id for c in service.closures()] == ["c1"]


def test_the_store_removes_only_the_closure_the_caller_expected(tmp_path: Path) -> None:
    store = ClosureStore(tmp_path / "closures.json")
    first = store.add(spec())
    changed = first.model_copy(update={"reason": "another closure under the same id"})
    stored = store.path.read_bytes()
    with pytest.raises(ClosureChanged):
        store.remove(first.id, expected=changed)
    assert store.path.read_bytes() == stored  # nothing written
    assert not store.remove("c9", expected=first)
    assert store.remove(first.id, expected=first)
    assert read_closures(store.path) == []
    assert not store.remove(first.id, expected=first)


def test_an_officer_bound_to_no_known_sub_district_changes_no_closure(
    service: StreetsService,
) -> None:
    service.add_closure(ADMIN, spec())
    for stray in (Principal(role=Role.officer), Principal(role=Role.officer, subdistrict="gone")):
        with pytest.raises(Forbidden):
            service.add_closure(stray, spec())
        with pytest.raises(Forbidden):
            service.remove_closure(stray, "c1")
    assert [c.id for c in service.closures()] == ["c1"]


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


# ---- live phases -------------------------------------------------------------------------


def feed(service: StreetsService, at: datetime, valid_for_s: float, state: str) -> PhaseFeed:
    signals = service.route(ORIGIN, DESTINATION, NOON).signals
    return PhaseFeed.model_validate(
        {
            "observed_at": at.isoformat(),
            "valid_for_s": valid_for_s,
            "phases": [
                {"signal_id": s.signal_id, "state": state, "remaining_s": 20} for s in signals
            ],
        }
    )


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


def test_a_late_arriving_older_feed_does_not_replace_newer_phases(
    service: StreetsService,
) -> None:
    service.apply_phases(feed(service, NOON, 600.0, "red"))
    service.apply_phases(feed(service, NOON - timedelta(seconds=30), 600.0, "green"))
    observed = {s.live.observed_at for s in service.signals().signals if s.live is not None}
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


def test_an_unknown_street_graph_is_unavailable_not_a_crash(tmp_path: Path) -> None:
    service = StreetsService(tmp_path, "not-imported")
    with pytest.raises(StreetsUnavailable) as unavailable:
        service.route(ORIGIN, DESTINATION)
    assert unavailable.value.status == 503
