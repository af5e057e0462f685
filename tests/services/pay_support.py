"""Helpers for the rulebook and pay tests: rulebook texts, platform keys, delivery facts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from gigcity.services.accounts import Principal, Scope
from gigcity.services.pay import ActivityIn, DeliveryIn, DeliveryOrderIn, SpanIn
from gigcity.services.platform import Platform
from support import ADMIN

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2025, 6, 2)  # a Monday under putuo-2025


def shipped_text(name: str) -> str:
    """A shipped rulebook's YAML, comments and all."""
    entry = resources.files("gigcity.rules") / "rulebooks" / f"{name}.yaml"
    return entry.read_text(encoding="utf-8")


def edited(text: str, **lines: str) -> str:
    """`text` with whole lines replaced, found by their start: `edited(t, version="version: 2")`.

    Keys name the start of the line (`hourly_minimum_fen` finds `  hourly_minimum_fen: ...`).
    """
    out = []
    for line in text.splitlines():
        key = line.strip().split(":", 1)[0]
        if key in lines:
            indent = line[: len(line) - len(line.lstrip())]
            out.append(indent + lines[key])
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def putuo_version(version: int, **lines: str) -> str:
    return edited(shipped_text("putuo-2025"), version=f"version: {version}", **lines)


def platform_key(
    platform: Platform, name: str = "eleme", scopes: Iterable[Scope] = (Scope.deliveries,)
) -> tuple[str, Principal]:
    """A new platform API key (a delivery feed, unless told): its secret and the caller."""
    key = platform.accounts.create_api_key(ADMIN, name, scopes=scopes).key
    assert key is not None
    return key, platform.accounts.principal_from_api_key(key)


def at(day: date, clock: str, *, days_later: int = 0) -> datetime:
    """`HH:MM` on `day` in Shanghai, as an aware datetime."""
    hour, minute = (int(part) for part in clock.split(":"))
    return datetime.combine(day + timedelta(days=days_later), time(hour, minute), SHANGHAI)


def delivery(
    order_id: str,
    day: date = DAY,
    accepted: str = "11:30",
    promised: str = "12:00",
    delivered: str = "12:00",
    late_cause: str | None = None,
    **facts: Any,
) -> DeliveryIn:
    facts.setdefault("distance_m", 2400)
    return DeliveryIn(
        order=DeliveryOrderIn(order_id=order_id, at=at(day, accepted), **facts),
        promised_at=at(day, promised),
        delivered_at=at(day, delivered),
        late_cause=late_cause,  # type: ignore[arg-type]
    )


def delivery_json(order_id: str, day: date = DAY, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = delivery(order_id, day).model_dump(mode="json")
    for key, value in overrides.items():
        if key in body:
            body[key] = value
        else:
            body["order"][key] = value
    return body


def spans(day: date, *stretches: tuple[str, str, str]) -> ActivityIn:
    """Activity from (start, end, kind) clock times on `day`; an end before its start is the
    next day's."""
    out = []
    for start, end, kind in stretches:
        begin = at(day, start)
        finish = at(day, end)
        if finish <= begin:
            finish += timedelta(days=1)
        out.append(SpanIn(start=begin, end=finish, kind=kind))  # type: ignore[arg-type]
    return ActivityIn(spans=out)
