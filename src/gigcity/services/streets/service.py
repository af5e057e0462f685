"""Street routing for the platform: routes with honest ETAs, live signal phases, closures.

One graph (settings `streets`, under `data_dir`) is loaded at first use and shared by all
requests. The service keeps an immutable snapshot (graph + live phases + closures) and
swaps it under a lock when something changes, so a route query never sees half an update.

- Closures and live phases are shared state in the database (`state`): every worker, on
  every host, and the CLI write the same rows, and a change moves the network's version on.
- On PostgreSQL each service keeps one listener thread (`listener`, started at first use)
  on `LISTEN gigcity_streets`; a writer's transaction notifies at commit and every worker
  re-reads that network at once, so the next ETA anywhere uses the change (well within a
  second). After the listener's connection drops it reconnects and re-reads everything.
  `listener_state()` says whether it listens. There is no polling on PostgreSQL.
- On SQLite (one process, embedded) there is no listener: the service re-reads after its
  own writes and checks the version row at most once a second, so the CLI's changes show.
- Live phases are forgotten `valid_for_s` after they were observed (dropped from the
  snapshot as they expire; their rows are deleted on the next feed).
- Admins change closures anywhere; a grid officer only closures that lie wholly within
  their sub-district (`closure_scope`).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationInfo, field_validator
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from gigcity.db.session import single_statement_sessions, transaction
from gigcity.geo import (
    OSM_ATTRIBUTION,
    Closure,
    ClosureSpec,
    District,
    Location,
    NoRouteError,
    PhaseFeed,
    PhaseFeedReport,
    RouteAnswer,
    RouteError,
    SignalPlan,
    SignalTiming,
    StreetTravel,
    apply_phase_feed,
    closed_arc_mask,
    load_district,
    route_between,
)
from gigcity.geo.coords import haversine_m
from gigcity.geo.streets import RoadClass, StreetsNotFoundError, graph_dir, load_streets
from gigcity.geo.streets.routers import Engine
from gigcity.i18n import N_, gettext
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceError
from gigcity.services.listener import Listener, connector
from gigcity.services.streets import state
from gigcity.services.streets.closure_scope import check_closure_scope
from gigcity.services.streets.estimate import (
    DETOUR_FACTOR,
    ESTIMATE_NOTE,
    FROM_LABEL,
    MAX_ESTIMATE_M,
    RIDING_SPEED_KMH,
    EstimateReason,
    RouteEstimate,
    RouteOut,
    estimate_route,
)
from gigcity.services.streets.live_phases import expiry_s, without_expired
from gigcity.services.streets.state import ClosureChanged, ClosuresImport, StoredState

log = logging.getLogger("gigcity.services.streets")

SNAP_LIMIT_M = 500.0  # farther than this from every street, a point is outside the network
MAX_CLOCK_SKEW_S = 300.0  # a feed observed further in the future has a wrong clock
MAX_POLYGON_POINTS = 1_000
MAX_CLOSED_WAYS = 1_000
EARLIEST_DEPARTURE = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_DEPARTURE = datetime(2100, 1, 1, tzinfo=UTC)
CLOSURE_ROLES = frozenset({Role.admin, Role.officer})


# ---- errors ----------------------------------------------------------------------------


class OutsideNetwork(InvalidInput):
    """422: the request is well formed but names a point no street reaches; the client must
    choose another point (the problem names the field)."""

    title: ClassVar[str] = N_("Outside the street network")
    type_slug: ClassVar[str] = "outside-network"


class NoRoute(NotFound):
    """404: both points are on the network, but no route exists at that time (closures in
    force cut every way); the same query may succeed at another time."""

    title: ClassVar[str] = N_("No route")
    type_slug: ClassVar[str] = "no-route"


class StreetsUnavailable(ServiceError):
    """503: the configured street graph cannot be used on this server."""

    status: ClassVar[int] = 503
    title: ClassVar[str] = N_("Street data unavailable")
    type_slug: ClassVar[str] = "streets-unavailable"


# ---- answers ---------------------------------------------------------------------------


class PlanOut(BaseModel):
    """A junction's timing plan (seconds); the major approach is green from the cycle start."""

    cycle_s: float
    major_green_s: float
    minor_green_s: float
    lost_s: float
    offset_s: float | None  # cycle start on the UNIX clock (mod cycle); null = unknown

    @classmethod
    def of(cls, plan: SignalPlan) -> PlanOut:
        return cls(
            cycle_s=plan.cycle_s,
            major_green_s=round(plan.major_green_s, 1),
            minor_green_s=round(plan.minor_green_s, 1),
            lost_s=plan.lost_s,
            offset_s=None if plan.offset_s is None else round(plan.offset_s, 3),
        )


class LivePhaseOut(BaseModel):
    observed_at: datetime
    valid_until: datetime
    plan: PlanOut  # as observed, with its offset
    major_state: Literal["green", "red"]  # of the major approach when this answer was made
    major_remaining_s: float


class SignalOut(BaseModel):
    signal_id: int  # OSM node id naming the junction (its smallest signal node id)
    signal_node_ids: list[int]  # every signal node of the junction (a feed may use any)
    lon: float
    lat: float
    major_road: str  # road class of the major approach
    minor_road: str
    plan: PlanOut
    live: LivePhaseOut | None


class SignalsOut(BaseModel):
    streets: str
    at: datetime
    signals: list[SignalOut]
    attribution: str = OSM_ATTRIBUTION


class ClosureIn(ClosureSpec):
    """A closure as the API receives it: `ends_at` before `starts_at` is an error of
    `ends_at` (the engine's model checks it too, but for the closure as a whole)."""

    @field_validator("ends_at")
    @classmethod
    def _ends_after_start(cls, ends_at: datetime, info: ValidationInfo) -> datetime:
        starts_at = info.data.get("starts_at")
        if isinstance(starts_at, datetime) and ends_at <= starts_at:
            raise ValueError("must be after starts_at")
        return ends_at


class ClosureOut(Closure):
    in_force: bool  # at the time of the answer


# ---- the service -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Snapshot:
    base: StreetTravel  # the graph and its plans, nothing live
    junctions: dict[int, int]  # junction OSM id -> junction index in the graph
    version: int  # of the shared state read
    timing: SignalTiming  # plans plus the live phases still valid
    closures: tuple[Closure, ...]
    travel: StreetTravel  # base with `timing` and the closures: what queries use
    expires_s: float  # when the first live phase expires


class StreetsService:
    def __init__(
        self,
        factory: sessionmaker[Session],
        data_dir: Path,
        name: str,
        *,
        timezone: str = "Asia/Shanghai",
        engine: Engine = "auto",
        clock: Callable[[], float] = time.time,
        district: District | None = None,
        check_every_s: float = 1.0,
    ) -> None:
        self.factory = factory
        self._reads = single_statement_sessions(factory)
        self._database = factory.kw["bind"]
        self._postgres = self._database.dialect.name == "postgresql"
        self.data_dir = data_dir
        self.name = name
        # Whose sub-district a closure lies in; the platform passes its configured district.
        self.district = district if district is not None else load_district()
        self.tz = ZoneInfo(timezone)
        self.engine: Engine = engine
        self.clock = clock
        # SQLite: how often the version row is checked; both: how often a failed re-read
        # is tried again.
        self.check_every_s = check_every_s
        self._lock = threading.RLock()
        self._snapshot: _Snapshot | None = None
        self._stale = False  # told of a change not yet read (or a re-read failed)
        self._checked_at = -math.inf  # time.monotonic() of the last re-read
        self._listener: Listener | None = None
        self._closed = False

    # -- state ---------------------------------------------------------------------------

    def _load(self) -> _Snapshot:
        try:
            graph = load_streets(self.name, self.data_dir)
        except (StreetsNotFoundError, OSError, ValueError) as exc:
            log.error(
                "street graph %r under %s cannot be loaded: %s", self.name, self.data_dir, exc
            )
            raise StreetsUnavailable(
                N_("The street network {streets} is not available on this server."),
                streets=self.name,
            ) from exc
        directory = graph_dir(self.data_dir, self.name)
        base = StreetTravel(
            graph, engine=self.engine, cache_dir=directory if directory.is_dir() else None
        )
        junctions = {osm_id: j for j, osm_id in enumerate(graph.junction_osm_id.tolist())}
        self._listen()
        return self._build(base, junctions, self._read())

    def _listen(self) -> None:
        """Start listening for other workers' changes (PostgreSQL; once, until `close`)."""
        if self._postgres and self._listener is None and not self._closed:
            self._listener = Listener(
                connector(self._database, "streets"), state.CHANNEL, self._told, "streets"
            )
            self._listener.start()

    def _told(self, networks: set[str] | None) -> None:
        """The listener heard of changes (None: may have missed some): re-read now."""
        if networks is None or self.name in networks:
            self._stale = True
            self._refresh()

    def _read(self) -> StoredState:
        with self._reads() as session:
            return state.read_state(session, self.name, self.clock(), self.tz)

    def _build(
        self, base: StreetTravel, junctions: dict[int, int], stored: StoredState
    ) -> _Snapshot:
        live = {junctions[j]: phase for j, phase in stored.phases.items() if j in junctions}
        timing = SignalTiming(base.timing.plans, base.timing.junction_of_signal, live)
        timing = without_expired(timing, self.clock())
        travel = base.with_timing(timing).with_closures(stored.closures)
        return _Snapshot(
            base, junctions, stored.version, timing, stored.closures, travel, expiry_s(timing)
        )

    def _refresh(self) -> None:
        """Re-read the shared state if its version moved on. A failure is logged and leaves
        the snapshot as it was, to be tried again after `check_every_s`."""
        with self._lock:
            snapshot = self._snapshot
            if snapshot is None:
                return  # nothing loaded yet: the first use reads everything
            self._stale = False
            self._checked_at = time.monotonic()
            try:
                with self._reads() as session:
                    if state.read_version(session, self.name) == snapshot.version:
                        return
                    stored = state.read_state(session, self.name, self.clock(), self.tz)
            except SQLAlchemyError as exc:
                self._stale = True
                log.error("cannot re-read the street state of %r: %s", self.name, exc)
                return
            self._snapshot = self._build(snapshot.base, snapshot.junctions, stored)

    def _check_due(self) -> bool:
        """Whether to look at the database before answering: on SQLite once a second
        (another process may have written), on both when a re-read is owed."""
        if not self._stale and self._postgres:
            return False
        return time.monotonic() - self._checked_at >= self.check_every_s

    def _current(self) -> _Snapshot:
        """The snapshot to answer from: loaded, current, without expired phases."""
        snapshot = self._snapshot
        now = self.clock()
        if snapshot is not None and now <= snapshot.expires_s and not self._check_due():
            return snapshot
        with self._lock:
            if self._snapshot is None:
                self._snapshot = self._load()
                self._checked_at = time.monotonic()
            elif self._check_due():
                self._refresh()
            snapshot = self._snapshot
            timing = without_expired(snapshot.timing, now)
            if timing is not snapshot.timing:
                snapshot = replace(
                    snapshot,
                    timing=timing,
                    travel=snapshot.travel.with_timing(timing),
                    expires_s=expiry_s(timing),
                )
                self._snapshot = snapshot
            return snapshot

    @property
    def travel(self) -> StreetTravel:
        """The street model as of now (live phases and closures included)."""
        return self._current().travel

    def cache_state(self) -> dict[str, float]:
        """What this worker holds in memory, for metrics: whether the graph is loaded (1/0),
        how many closures and live phases its snapshot has, and how old it is (s)."""
        snapshot = self._snapshot
        if snapshot is None:
            return {"loaded": 0.0, "closures": 0.0, "live_phases": 0.0}
        return {
            "loaded": 1.0,
            "closures": float(len(snapshot.closures)),
            "live_phases": float(len(snapshot.timing.live)),
        }

    def listener_state(self) -> str | None:
        """Whether this worker hears other workers' changes: "ok", or what is wrong (the
        listener is reconnecting; "stopped" after `close`). "ok" too before the first street
        request, when nothing is held that could be stale. None on SQLite (no listener)."""
        if not self._postgres:
            return None
        listener = self._listener
        return "ok" if listener is None else listener.state

    def close(self) -> None:
        """Stop the listener (the platform calls this on shutdown)."""
        with self._lock:
            self._closed = True
            listener = self._listener
        if listener is not None:
            listener.close()

    def _written(self) -> None:
        """After this worker's own write: use it at once (others hear of it by NOTIFY)."""
        self._stale = True
        self._refresh()

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), self.tz)

    # -- routes --------------------------------------------------------------------------

    def route(
        self, origin: Location, destination: Location, at: datetime | None = None
    ) -> RouteAnswer:
        """The fastest e-bike route leaving at `at` (aware; default now), ETA broken down."""
        depart = at or self._now()
        if depart.tzinfo is None:
            raise InvalidInput(N_("The departure time must carry a time zone."), field="at")
        if not EARLIEST_DEPARTURE <= depart < LATEST_DEPARTURE:
            raise InvalidInput(
                N_("The departure time must be between {first} and {last}."),
                field="at",
                first=EARLIEST_DEPARTURE.date().isoformat(),
                last=LATEST_DEPARTURE.date().isoformat(),
            )
        travel = self.travel
        for field, point in (("from", origin), ("to", destination)):
            off_by = travel.snap_distance_m(point)
            if not off_by <= SNAP_LIMIT_M:
                raise OutsideNetwork(
                    N_(
                        "The point {lon},{lat} is {distance} m from the nearest street of "
                        "the {streets} network; routes start and end within {limit} m of "
                        "a street."
                    ),
                    field=field,
                    lon=f"{point[0]:.6f}",
                    lat=f"{point[1]:.6f}",
                    distance=f"{off_by:.0f}" if math.isfinite(off_by) else "∞",
                    streets=self.name,
                    limit=f"{SNAP_LIMIT_M:.0f}",
                )
        try:
            return route_between(travel, origin, destination, depart, max_snap_m=SNAP_LIMIT_M)
        except NoRouteError as exc:
            raise NoRoute(
                N_("No route at {at}: closures in force cut every way between these points."),
                at=depart.isoformat(timespec="minutes"),
            ) from exc
        except RouteError as exc:
            raise InvalidInput(
                N_("This route cannot be answered: {reason}."), reason=str(exc)
            ) from exc

    def route_or_estimate(
        self,
        origin: Location,
        destination: Location,
        at: datetime | None = None,
        *,
        locale: str = "zh_CN",
        destination_name: str = "",
    ) -> RouteOut | RouteEstimate:
        """The street route when the network covers both ends (as `route`); otherwise, or
        when no network is loaded here, a distance-based estimate labelled as one (in
        `locale`), with navigation links, instead of an error. Bad input and closures that
        cut every way stay errors."""
        reason: EstimateReason
        try:
            return RouteOut.model_validate(
                self.route(origin, destination, at), from_attributes=True
            )
        except OutsideNetwork:
            reason = "outside_network"
        except StreetsUnavailable:
            reason = "streets_unavailable"
        depart = at or self._now()
        straight = haversine_m(*origin, *destination)
        if straight > MAX_ESTIMATE_M:
            raise InvalidInput(
                N_(
                    "The points are {distance} km apart, too far for a riding estimate "
                    "(at most {limit} km)."
                ),
                field="to",
                distance=f"{straight / 1000:.0f}",
                limit=f"{MAX_ESTIMATE_M / 1000:.0f}",
            )
        note = gettext(
            locale, ESTIMATE_NOTE, factor=f"{DETOUR_FACTOR:g}", speed=f"{RIDING_SPEED_KMH:g}"
        )
        return estimate_route(
            origin,
            destination,
            depart,
            reason,
            note,
            destination_name=destination_name,
            origin_name=gettext(locale, FROM_LABEL),
        )

    # -- signals -------------------------------------------------------------------------

    def apply_phases(self, feed: PhaseFeed) -> PhaseFeedReport:
        """Keep the feed's phases (for every worker; newer observations win) until they
        expire."""
        now = self.clock()
        observed_s = feed.observed_at.timestamp()
        if observed_s + feed.valid_for_s < now:
            raise InvalidInput(
                N_("These phases expired at {expired_at} (observed_at plus valid_for_s)."),
                field="observed_at",
                # In the sender's own zone: any aware time in the past can be shown in it.
                expired_at=(feed.observed_at + timedelta(seconds=feed.valid_for_s)).isoformat(
                    timespec="seconds"
                ),
            )
        if observed_s > now + MAX_CLOCK_SKEW_S:
            raise InvalidInput(
                N_("observed_at is {seconds} s in the future; check the sending system's clock."),
                field="observed_at",
                seconds=f"{observed_s - now:.0f}",
            )
        snapshot = self._current()
        # Against the plans alone (the base has no live phases): the feed's own phases, to
        # be kept where they are newer than the stored ones.
        observed, report = apply_phase_feed(snapshot.base.timing, feed)
        graph = snapshot.base.graph
        phases = {int(graph.junction_osm_id[j]): phase for j, phase in observed.live.items()}
        if phases:
            with transaction(self.factory) as session:
                state.store_phases(session, self.name, phases, now)
            self._written()
        log.info(
            "phase feed observed %s: %d accepted, %d unknown, %d rejected",
            feed.observed_at.isoformat(),
            report.accepted,
            len(report.unknown_signal_ids),
            len(report.rejected),
        )
        return report

    def signals(self) -> SignalsOut:
        """Every signalised junction with its plan and, where a feed gave one, its live phase."""
        snapshot = self._current()
        now = self.clock()
        graph, timing = snapshot.travel.graph, snapshot.timing
        nodes_of: dict[int, list[int]] = {}
        for node_id, junction in timing.junction_of_signal.items():
            nodes_of.setdefault(junction, []).append(node_id)
        signals = []
        for junction, plan in enumerate(timing.plans):
            live = timing.live.get(junction)
            signals.append(
                SignalOut(
                    signal_id=int(graph.junction_osm_id[junction]),
                    signal_node_ids=sorted(nodes_of.get(junction, [])),
                    lon=float(graph.junction_lon[junction]),
                    lat=float(graph.junction_lat[junction]),
                    major_road=RoadClass(int(graph.junction_major_class[junction])).name.lower(),
                    minor_road=RoadClass(int(graph.junction_minor_class[junction])).name.lower(),
                    plan=PlanOut.of(plan),
                    live=None
                    if live is None
                    else self._live_out(live.plan, live.observed_at_s, live.valid_for_s, now),
                )
            )
        return SignalsOut(
            streets=self.name, at=datetime.fromtimestamp(now, self.tz), signals=signals
        )

    def _live_out(
        self, plan: SignalPlan, observed_s: float, valid_for_s: float, now: float
    ) -> LivePhaseOut:
        offset = plan.offset_s or 0.0
        position = (now - offset) % plan.cycle_s
        green = position < plan.major_green_s
        return LivePhaseOut(
            observed_at=datetime.fromtimestamp(observed_s, self.tz),
            valid_until=datetime.fromtimestamp(observed_s + valid_for_s, self.tz),
            plan=PlanOut.of(plan),
            major_state="green" if green else "red",
            major_remaining_s=round(
                plan.major_green_s - position if green else plan.cycle_s - position, 1
            ),
        )

    # -- closures ------------------------------------------------------------------------

    def closures(self) -> list[ClosureOut]:
        """Closures in force now or still to come, by start time."""
        snapshot = self._current()
        now = self.clock()
        current = [c for c in snapshot.closures if c.ends_at.timestamp() > now]
        return [
            ClosureOut.model_validate({**c.model_dump(), "in_force": c.active_at_s(now)})
            for c in sorted(current, key=lambda c: (c.starts_at, c.id))
        ]

    def stored_closures(self) -> list[Closure]:
        """Every closure stored for this network, ended ones too, by id (for export)."""
        with self._reads() as session:
            return state.read_closures(session, self.name, self.tz)

    def add_closure(self, principal: Principal, spec: ClosureSpec) -> ClosureOut:
        """Store a closure (admins anywhere, grid officers within their sub-district);
        routing avoids it from its start, on every worker."""
        _check_may_close(principal)
        self._check_closure(spec)
        check_closure_scope(self.district, self.travel.graph, principal, spec)
        with transaction(self.factory) as session:
            closure = state.add_closure(session, self.name, spec, _who(principal), self._now())
        log.info("closure %s added by %s", closure.id, _who(principal))
        self._written()
        return ClosureOut.model_validate(
            {**closure.model_dump(), "in_force": closure.active_at_s(self.clock())}
        )

    def remove_closure(self, principal: Principal, closure_id: str) -> None:
        """Lift a closure (admins any, grid officers those within their sub-district)."""
        _check_may_close(principal)
        checked: Closure | None = None  # admins may lift any closure under this id
        if principal.role != Role.admin:
            # By where it lies, not who made it: the officer on the spot is the one who sees
            # a site cleared, also one an admin, the CLI or a predecessor closed. Their own
            # closures pass by construction.
            checked = next((c for c in self.stored_closures() if c.id == closure_id), None)
            if checked is None:
                raise NotFound(N_("Closure {id} does not exist."), id=closure_id)
            graph = self.travel.graph
            check_closure_scope(self.district, graph, principal, checked, closure_id=closure_id)
        try:
            with transaction(self.factory) as session:
                # The check ran before this transaction: remove only the closure that was
                # checked, never one stored under its id meanwhile (an import may).
                if not state.remove_closure(session, self.name, closure_id, self.tz, checked):
                    raise NotFound(N_("Closure {id} does not exist."), id=closure_id)
        except ClosureChanged as exc:
            raise Conflict(
                N_("Closure {id} changed while it was being lifted; look at it again and retry."),
                id=closure_id,
            ) from exc
        log.info("closure %s removed by %s", closure_id, _who(principal))
        self._written()

    def import_closures(self, principal: Principal, closures: Sequence[Closure]) -> ClosuresImport:
        """Store the closures of a closures file (`gigcity streets closures import`): those
        not ended yet, under their own ids where free; a closure already stored is skipped,
        so a file imported twice is stored once. Admins only."""
        if principal.role != Role.admin:
            raise Forbidden(N_("Only district admins may import closures."))
        with transaction(self.factory) as session:
            report = state.import_closures(
                session, self.name, closures, self.tz, _who(principal), self._now()
            )
        log.info("closures imported by %s: %s", _who(principal), report)
        self._written()
        return report

    def _check_closure(self, spec: ClosureSpec) -> None:
        if spec.ends_at.timestamp() <= self.clock():
            raise InvalidInput(
                N_("The closure has already ended ({ends_at})."),
                field="ends_at",
                ends_at=spec.ends_at.isoformat(),
            )
        if spec.polygon is not None and len(spec.polygon) > MAX_POLYGON_POINTS:
            raise InvalidInput(
                N_("A closure polygon may have at most {max} points."),
                field="polygon",
                max=MAX_POLYGON_POINTS,
            )
        graph = self.travel.graph
        if spec.way_ids is not None:
            if len(spec.way_ids) > MAX_CLOSED_WAYS:
                raise InvalidInput(
                    N_("A closure may list at most {max} ways."),
                    field="way_ids",
                    max=MAX_CLOSED_WAYS,
                )
            known = set(graph.arc_way_id.tolist())
            unknown = sorted({w for w in spec.way_ids if w not in known})
            if unknown:
                raise InvalidInput(
                    N_("These ways are not streets of the {streets} network: {ids}."),
                    field="way_ids",
                    streets=self.name,
                    ids=", ".join(map(str, unknown[:20])),
                )
        if not closed_arc_mask(graph, [spec]).any():
            raise InvalidInput(
                N_("The polygon closes no street of the {streets} network."),
                field="polygon",
                streets=self.name,
            )


def _check_may_close(principal: Principal) -> None:
    if principal.role not in CLOSURE_ROLES:
        raise Forbidden(N_("Only district admins and grid officers may change closures."))


def _who(principal: Principal) -> str:
    return principal.label or principal.role.value
