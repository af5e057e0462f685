"""An estate's document as the service keeps it: validated (errors naming the field), its
coordinates checked, and what changed between two versions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from gigcity.geo.estates import Estate, LonLat
from gigcity.i18n import N_
from gigcity.services.errors import InvalidInput
from gigcity.services.estates.hours import hours_problem
from gigcity.services.positions import check_position

# What the walking graph and the buildings are made of: a change to these moves the zones.
ZONE_INPUTS = ("buildings", "nodes", "walkways")


def validation_reason(exc: ValidationError) -> tuple[str | None, str]:
    """The field of the first error (dotted path) and every error as `path: message`."""
    parts = []
    first: str | None = None
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        msg = str(err["msg"]).removeprefix("Value error, ")
        if not loc:  # the whole document's checks say their field first: "gates: ..."
            head = msg.split(":", 1)[0].split("[", 1)[0]
            loc = head if head in Estate.model_fields else ""
            parts.append(msg)
        else:
            parts.append(f"{loc}: {msg}")
        if first is None and loc:
            first = loc
    return first, "; ".join(parts)


def parse_estate(data: Any) -> Estate:
    """An estate document (JSON-like) validated, or InvalidInput naming the field."""
    if isinstance(data, Estate):
        estate = data
    else:
        try:
            estate = Estate.model_validate(data)
        except ValidationError as exc:
            field, reason = validation_reason(exc)
            raise InvalidInput(
                N_("The estate is not valid: {reason}."), field=field, reason=reason
            ) from exc
    check_points(estate)
    check_hours(estate)
    return estate


def check_hours(estate: Estate) -> None:
    """Gate and hand-off hours in a form the guide and the relay point can read (see
    `services.estates.hours`); anything else would silently count as always open."""
    parts = [(f"gates.{i}.hours", g.hours) for i, g in enumerate(estate.gates)]
    parts += [(f"handoffs.{i}.hours", h.hours) for i, h in enumerate(estate.handoffs)]
    for field, hours in parts:
        if hours_problem(hours) is not None:
            raise InvalidInput(
                N_(
                    "The opening hours '{hours}' cannot be read; write them as OpenStreetMap "
                    "opening_hours, e.g. 06:00-23:00 or Mo-Fr 07:00-22:00."
                ),
                field=field,
                hours=hours,
            )


def _points(estate: Estate) -> Iterator[tuple[str, LonLat]]:
    for i, point in enumerate(estate.boundary):
        yield f"boundary.{i}", point
    for i, gate in enumerate(estate.gates):
        yield f"gates.{i}.at", gate.at
    for i, b in enumerate(estate.buildings):
        yield f"buildings.{i}.at", b.at
        for j, point in enumerate(b.footprint or ()):
            yield f"buildings.{i}.footprint.{j}", point
        for j, entrance in enumerate(b.entrances):
            yield f"buildings.{i}.entrances.{j}.at", entrance.at
    for i, node in enumerate(estate.nodes):
        yield f"nodes.{i}.at", node.at
    for i, spot in enumerate(estate.parking):
        yield f"parking.{i}.at", spot.at
    for i, handoff in enumerate(estate.handoffs):
        yield f"handoffs.{i}.at", handoff.at


def check_points(estate: Estate) -> None:
    """Every coordinate a real WGS-84 position (JSON allows NaN; a database would not)."""
    for field, (lon, lat) in _points(estate):
        check_position(lon, lat, field=field)


def document(estate: Estate) -> dict[str, Any]:
    return estate.model_dump(mode="json")


def changed_parts(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """The top-level parts of the document that differ."""
    old, new = before or {}, after or {}
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))


def zones_stale(old: Estate, new: Estate) -> bool:
    """The buildings or the walking graph changed while the zones were kept as they were."""
    moved = any(getattr(old, part) != getattr(new, part) for part in ZONE_INPUTS)
    return moved and new.zones == old.zones
