"""Where a grid officer may change closures: only wholly within their own sub-district.

Wholly within means every point that places a closure lies in the officer's cell of the
district's partition (`District.locate`): each polygon vertex, or both ends of every street
segment of the closed ways. The cells are convex (a Voronoi partition clipped to a box), so
a polygon whose vertices are in the cell lies in it entirely. A centroid rule would let a
large polygon reach deep into a neighbour's streets. Admins keep the whole district.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from gigcity.geo import ClosureSpec, District, StreetGraph
from gigcity.geo.district import SubdistrictNames
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Forbidden


class OutsideSubdistrict(Forbidden):
    """403: a grid officer asked to change a closure that reaches beyond their sub-district;
    an admin (or the officer of the other sub-district, for a closure wholly there) may."""

    title: ClassVar[str] = N_("Outside your sub-district")
    type_slug: ClassVar[str] = "outside-subdistrict"


def placing_points(graph: StreetGraph, spec: ClosureSpec) -> list[tuple[float, float]]:
    """The polygon's vertices, or both ends of every street segment of the ways."""
    if spec.polygon is not None:
        return list(dict.fromkeys(spec.polygon))
    arcs = np.isin(graph.arc_way_id, np.array(spec.way_ids or [], dtype=np.int64))
    nodes = np.unique(np.concatenate([graph.arc_tail[arcs], graph.arc_head[arcs]]))
    return list(zip(graph.node_lon[nodes].tolist(), graph.node_lat[nodes].tolist(), strict=True))


def check_closure_scope(
    district: District,
    graph: StreetGraph,
    principal: Principal,
    spec: ClosureSpec,
    *,
    closure_id: str | None = None,
) -> None:
    """Refuse (403) a grid officer a closure not wholly within their sub-district;
    `closure_id` names a stored closure being lifted, None a closure being added."""
    if principal.role == Role.admin:
        return
    own = district.get(principal.subdistrict) if principal.subdistrict else None
    if own is None:
        raise Forbidden(N_("Grid officers may only act within their own sub-district."))
    points = placing_points(graph, spec)
    found = {district.locate(lon, lat) for lon, lat in points}
    others = [s for s in district.subdistricts if s in found and s != own]
    # No point at all: its ways are not on this network, so it cannot be placed.
    outside = not points or None in found
    if not others and not outside:
        return
    # Named in the reader's language when the message is shown (gigcity.i18n.Named).
    params: dict[str, Any] = {"subdistrict": own}
    if others:
        params["others"] = SubdistrictNames(tuple(others))
    else:
        params["district"] = district
    if closure_id is None:
        message = (
            N_(
                "Grid officers may only close streets within their own sub-district "
                "({subdistrict}); this closure reaches into {others}."
            )
            if others
            else N_(
                "Grid officers may only close streets within their own sub-district "
                "({subdistrict}); this closure reaches outside {district}."
            )
        )
        field = "polygon" if spec.polygon is not None else "way_ids"
        raise OutsideSubdistrict(message, field=field, **params)
    message = (
        N_(
            "Grid officers may only lift closures within their own sub-district "
            "({subdistrict}); closure {id} reaches into {others}."
        )
        if others
        else N_(
            "Grid officers may only lift closures within their own sub-district "
            "({subdistrict}); closure {id} reaches outside {district}."
        )
    )
    raise OutsideSubdistrict(message, id=closure_id, **params)
