"""The seven-colour guide in the reader's language: zone names and route steps.

The engine (`geo.estates.wayfinding`) says what to do as typed steps (a `StepKind` with
parameters) and zones by colour; this is the edge that turns them into words, Chinese first:
the English msgids below are translated in the `messages` catalogue. Building, unit, gate and
parking names are the estate's own (as residents say them) and are never translated.

A new step kind adds its msgid to `STEPS` (and the Chinese to messages.po); a test checks
every kind and colour has both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from gigcity.geo.estates import Estate, Zone, ZoneColour
from gigcity.geo.estates.wayfinding import GuideStep, StepKind
from gigcity.i18n import N_, translations

ZONE_LABELS: dict[ZoneColour, str] = {
    ZoneColour.orange: N_("Orange zone"),
    ZoneColour.sky_blue: N_("Sky-blue zone"),
    ZoneColour.green: N_("Green zone"),
    ZoneColour.yellow: N_("Yellow zone"),
    ZoneColour.blue: N_("Blue zone"),
    ZoneColour.vermilion: N_("Vermilion zone"),
    ZoneColour.purple: N_("Purple zone"),
}
"""Each colour's zone name ("橙区"): Okabe–Ito colours, named as people say them."""

# Each step kind's sentence; a kind with a variant (riding or not) keys it in the tuple.
STEPS: dict[tuple[StepKind, str], str] = {
    (StepKind.ride_to_parking, ""): N_(
        "Ride {metres} m to {parking} and leave the e-bike there: no e-bikes inside"
    ),
    (StepKind.ride_to_parking, "inside"): N_(
        "Ride {metres} m to {parking} and leave the e-bike there: no riding beyond it"
    ),
    (StepKind.leave_ebike_at_gate, ""): N_(
        "Leave the e-bike outside {gate}: no e-bikes inside and no parking here"
    ),
    (StepKind.enter_gate, "riding"): N_("Ride in through {gate}"),
    (StepKind.enter_gate, ""): N_("Walk in through {gate}"),
    (StepKind.borrow_trolley, ""): N_("A flatbed trolley can be borrowed today: ask at the gate"),
    (StepKind.follow_zone, ""): N_("Follow the {zone} signs"),
    (StepKind.ride_to_entrance, ""): N_("Ride {metres} m to {place}"),
    (StepKind.walk_to_entrance, ""): N_("Walk {metres} m (about {minutes} min) to {place}"),
    (StepKind.take_lift, ""): N_("Take the lift ({floors} floors)"),
    (StepKind.walk_up, ""): N_("No lift: take the stairs ({floors} floors)"),
}

# The engine's guide errors (`geo.estates.wayfinding.GuideError`: geo cannot mark its
# msgids), listed here so that extracting the catalogue keeps them.
GUIDE_ERRORS = (
    N_("No route can be given"),
    N_("No building {building} in this estate"),
    N_("Building {building} has no unit {unit}"),
    N_("No gate of this estate is open to riders now"),
)

BUILDINGS_EN = N_("buildings {numbers}")
ZONE_WITH_NUMBERS = N_("{zone}: {numbers}")


def _zh(locale: str) -> bool:
    return locale.startswith("zh")


def zone_label(colour: ZoneColour, locale: str) -> str:
    """The zone's colour name: "橙区" / "Orange zone"."""
    return translations(locale).gettext(ZONE_LABELS[colour])


def numbers_text(numbers: Iterable[str], locale: str) -> str:
    """Building numbers, runs collapsed: "1–14、16号楼" / "buildings 1–14, 16". Numbers that
    are not plain "N号楼" (e.g. "A座") are listed as they are."""
    plain: list[int] = []
    other: list[str] = []
    for number in numbers:
        found = re.fullmatch(r"\s*0*(\d+)\s*(?:号楼|号|幢|栋)?\s*", number)
        if found:
            plain.append(int(found.group(1)))
        else:
            other.append(number)
    runs: list[str] = []
    values = sorted(set(plain))
    start = 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[i - 1] + 1:
            a, b = values[start], values[i - 1]
            runs.extend([str(a)] if a == b else ([str(a), str(b)] if b == a + 1 else [f"{a}–{b}"]))
            start = i
    if _zh(locale):
        text = "、".join(runs) + ("号楼" if runs else "")
        return "、".join([text, *other]) if text else "、".join(other)
    listed = ", ".join([*runs, *other])
    return translations(locale).gettext(BUILDINGS_EN).format(numbers=listed)


def zone_name(zone: Zone, estate: Estate, locale: str) -> str:
    """ "橙区 1–14、16号楼" / "Orange zone: buildings 1–14, 16"."""
    numbers = []
    for ref in zone.buildings:
        building = estate.building(ref)
        numbers.append(building.number if building is not None else ref)
    label, listed = zone_label(zone.colour, locale), numbers_text(numbers, locale)
    if _zh(locale):
        return f"{label} {listed}"
    return translations(locale).gettext(ZONE_WITH_NUMBERS).format(zone=label, numbers=listed)


def step_text(step: GuideStep, locale: str) -> str:
    """One step of the route as a sentence in `locale` (zh_CN, else English)."""
    params = dict(step.params)
    variant = ""
    if step.kind == StepKind.enter_gate and params.get("riding"):
        variant = "riding"
    elif step.kind == StepKind.ride_to_parking and params.get("inside"):
        variant = "inside"
    template = translations(locale).gettext(STEPS[(step.kind, variant)])
    if "colour" in params:
        params["zone"] = zone_label(ZoneColour(str(params["colour"])), locale)
    if "building" in params:
        unit = str(params.get("unit", ""))
        building = str(params["building"])
        params["place"] = (
            (building + unit) if _zh(locale) else " ".join(filter(None, [building, unit]))
        )
    return template.format(**params)
