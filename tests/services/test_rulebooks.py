"""Published rulebooks: the version of record, publishing, which version is in force, quotes."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from gigcity.db.models import RulebookVersion
from gigcity.rules import load_rulebook
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.platform import Platform
from gigcity.services.rulebooks import (
    VERSION_OF_RECORD,
    OrderIn,
    RulebookInvalid,
    RulebooksService,
)
from gigcity.services.rulebooks.service import VERSION_OF_RECORD_AUDIT
from services.pay_support import at, edited, putuo_version, shipped_text
from support import ADMIN

RIDER = Principal(role=Role.rider, account_id=99, label="rider")


def stored_versions(platform: Platform) -> list[tuple[str, int]]:
    with platform.factory() as session:
        rows = session.execute(
            select(RulebookVersion.rulebook_id, RulebookVersion.version).order_by(
                RulebookVersion.id
            )
        )
        return [(r.rulebook_id, r.version) for r in rows]


def test_the_shipped_agreement_becomes_the_version_of_record_at_first_use(
    platform: Platform,
) -> None:
    assert stored_versions(platform) == []
    overview = platform.rulebooks.overview(date(2025, 6, 2))
    assert stored_versions(platform) == [(VERSION_OF_RECORD, 1)]
    assert overview.active is not None
    assert overview.active.ref == "putuo-2025@1"
    assert overview.active.audit == VERSION_OF_RECORD_AUDIT
    assert "version of record" in overview.active.audit
    assert overview.active.publisher == "gigcity"
    detail = platform.rulebooks.detail("putuo-2025", 1)
    assert detail.source_text == shipped_text("putuo-2025")  # comments kept
    assert detail.rulebook == load_rulebook("putuo-2025").model_dump(mode="json")
    # Later uses find it there and publish nothing more.
    platform.rulebooks.overview()
    assert stored_versions(platform) == [(VERSION_OF_RECORD, 1)]


def test_concurrent_first_uses_store_the_version_of_record_once(platform: Platform) -> None:
    services = [
        type(platform.rulebooks)(platform.factory, platform.rulebooks.clock) for _ in range(4)
    ]
    barrier = threading.Barrier(len(services))
    errors: list[BaseException] = []

    def first_use(service: RulebooksService) -> None:
        try:
            barrier.wait()
            service.ensure_version_of_record()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=first_use, args=(s,)) for s in services]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert stored_versions(platform) == [(VERSION_OF_RECORD, 1)]


def test_the_rulebook_in_force_is_the_latest_effective_publication(platform: Platform) -> None:
    rulebooks = platform.rulebooks
    v2 = rulebooks.publish(ADMIN, putuo_version(2), effective_from=date(2026, 1, 1))
    v3 = rulebooks.publish(ADMIN, putuo_version(3), effective_from=date(2025, 9, 1))
    assert (v2.effective_from, v3.effective_from) == (date(2026, 1, 1), date(2025, 9, 1))

    def active_on(day: date) -> str | None:
        active = rulebooks.overview(day).active
        return active.ref if active else None

    assert active_on(date(2025, 4, 24)) is None  # before the agreement
    assert active_on(date(2025, 4, 25)) == "putuo-2025@1"
    assert active_on(date(2025, 8, 31)) == "putuo-2025@1"
    assert active_on(date(2025, 9, 1)) == "putuo-2025@3"
    assert active_on(date(2025, 12, 31)) == "putuo-2025@3"
    assert active_on(date(2026, 1, 1)) == "putuo-2025@2"  # the later effective date wins
    # Two publications effective the same day: the later publication.
    rulebooks.publish(ADMIN, putuo_version(4), effective_from=date(2026, 1, 1))
    assert active_on(date(2026, 1, 1)) == "putuo-2025@4"
    # Versions are listed newest publication first.
    assert [v.version for v in rulebooks.overview().versions] == [4, 3, 2, 1]


def test_a_rulebook_past_its_own_end_date_is_not_in_force(platform: Platform) -> None:
    rulebooks = platform.rulebooks
    baseline = rulebooks.publish(ADMIN, shipped_text("baseline-2024"))
    assert baseline.effective_from == date(2024, 1, 1)  # its own effective_from by default
    assert rulebooks.overview(date(2024, 6, 1)).active.ref == "baseline-2024@1"  # type: ignore[union-attr]
    assert rulebooks.overview(date(2025, 4, 24)).active.ref == "baseline-2024@1"  # type: ignore[union-attr]
    assert rulebooks.overview(date(2025, 4, 25)).active.ref == "putuo-2025@1"  # type: ignore[union-attr]
    # A bridge rulebook effective after the baseline ended, but it has ended too.
    bridge = edited(
        shipped_text("baseline-2024"),
        id="id: bridge",
        effective_until="effective_until: 2025-04-30",
    )
    rulebooks.publish(ADMIN, bridge, effective_from=date(2025, 4, 28))
    assert rulebooks.overview(date(2025, 4, 29)).active.ref == "bridge@1"  # type: ignore[union-attr]
    assert rulebooks.overview(date(2025, 5, 1)).active.ref == "putuo-2025@1"  # type: ignore[union-attr]


def test_versions_only_go_up_and_are_never_replaced(platform: Platform) -> None:
    rulebooks = platform.rulebooks
    with pytest.raises(Conflict) as taken:
        rulebooks.publish(ADMIN, putuo_version(1))  # the version of record holds version 1
    assert taken.value.field == "version"
    assert "publish version 2" in str(taken.value)
    rulebooks.publish(ADMIN, putuo_version(3))
    with pytest.raises(Conflict, match="below its latest published version"):
        rulebooks.publish(ADMIN, putuo_version(2))
    with pytest.raises(Conflict):
        rulebooks.publish(ADMIN, putuo_version(3, hourly_minimum_fen="hourly_minimum_fen: 3000"))
    assert stored_versions(platform) == [("putuo-2025", 1), ("putuo-2025", 3)]


def test_a_bad_rulebook_is_refused_with_every_problem_by_path_and_line(
    platform: Platform,
) -> None:
    text = putuo_version(2, bulky_fen="bulky_fen: -300", colour="colour: red")
    text = text.replace("  promise_buffer_min:", "  colour: red\n  promise_buffer_min:")
    with pytest.raises(RulebookInvalid) as refused:
        platform.rulebooks.publish(ADMIN, text)
    problems = {p.path: p for p in refused.value.problems}
    assert "pricing.bulky_fen" in problems
    assert "money must not be negative" in problems["pricing.bulky_fen"].message
    assert (
        text.splitlines()[problems["pricing.bulky_fen"].line - 1]
        .strip()
        .startswith(  # type: ignore[operator]
            "bulky_fen: -300"
        )
    )
    assert "eta.colour" in problems
    assert refused.value.status == 422
    assert refused.value.field == refused.value.problems[0].path
    assert stored_versions(platform) == []  # nothing published, not even the version of record


@pytest.mark.parametrize(
    ("effective", "message"),
    [(date(2025, 4, 24), "before the rulebook's own effective_from"), (date(2099, 1, 1), None)],
)
def test_the_effective_date_cannot_precede_the_rulebook(
    platform: Platform, effective: date, message: str | None
) -> None:
    if message is None:
        assert platform.rulebooks.publish(ADMIN, putuo_version(2), effective_from=effective)
        return
    with pytest.raises(InvalidInput, match=message) as refused:
        platform.rulebooks.publish(ADMIN, putuo_version(2), effective_from=effective)
    assert refused.value.field == "effective_from"


def test_only_admins_publish(platform: Platform) -> None:
    platform_caller = Principal(role=Role.platform, api_key_id=1, label="api-key:x")
    for caller in (RIDER, platform_caller):
        with pytest.raises(Forbidden):
            platform.rulebooks.publish(caller, putuo_version(2))


def test_old_versions_stay_readable(platform: Platform) -> None:
    platform.rulebooks.publish(
        ADMIN, putuo_version(2, hourly_minimum_fen="hourly_minimum_fen: 3000"), note="raise"
    )
    old = platform.rulebooks.detail("putuo-2025", 1)
    new = platform.rulebooks.detail("putuo-2025", 2)
    assert old.rulebook["guarantee"]["hourly_minimum_fen"] == 2500
    assert new.rulebook["guarantee"]["hourly_minimum_fen"] == 3000
    assert new.audit == "raise"
    assert {row.clause for row in old.clauses} >= {"guarantee.hourly_minimum_fen"}
    with pytest.raises(NotFound):
        platform.rulebooks.detail("putuo-2025", 9)


def test_quotes_use_the_rulebook_in_force_at_the_order_time_or_a_named_one(
    platform: Platform,
) -> None:
    rulebooks = platform.rulebooks
    rulebooks.publish(
        ADMIN,
        putuo_version(2, base_fare_fen="base_fare_fen: 500"),
        effective_from=date(2026, 1, 1),
    )
    order = OrderIn(distance_m=2400, at=at(date(2025, 12, 31), "12:00"))
    before = rulebooks.quote(order)
    after = rulebooks.quote(order.model_copy(update={"at": at(date(2026, 1, 1), "12:00")}))
    assert (before.rulebook.ref, after.rulebook.ref) == ("putuo-2025@1", "putuo-2025@2")
    assert after.total_fen - before.total_fen == 50
    assert [line.clause for line in before.lines] == [
        "pricing.base_fare_fen",
        "pricing.distance_tiers",
    ]
    assert sum(line.amount_fen for line in before.lines) == before.total_fen
    # A named version, and the latest when no version is named.
    assert rulebooks.quote(order, "putuo-2025", 1).rulebook.ref == "putuo-2025@1"
    assert rulebooks.quote(order, "putuo-2025").rulebook.ref == "putuo-2025@2"
    # A shipped rulebook nobody published, for comparison.
    baseline = rulebooks.quote(order, "baseline-2024")
    assert (baseline.rulebook.ref, baseline.published, baseline.total_fen) == (
        "baseline-2024@1",
        False,
        700,
    )
    with pytest.raises(NotFound):
        rulebooks.quote(order, "nonesuch")
    with pytest.raises(NotFound):
        rulebooks.quote(order, "putuo-2025", 7)
    with pytest.raises(InvalidInput):
        rulebooks.quote(order, None, 1)
    with pytest.raises(NotFound, match="No rulebook is in force"):
        rulebooks.quote(order.model_copy(update={"at": at(date(2025, 1, 1), "12:00")}))


def test_a_naive_order_time_is_district_local_time(platform: Platform) -> None:
    night = OrderIn(distance_m=800, at=at(date(2025, 6, 1), "23:00").replace(tzinfo=None))
    lines = [line.clause for line in platform.rulebooks.quote(night).lines]
    assert "pricing.night" in lines
    utc_noon = at(date(2025, 6, 1), "12:00").astimezone(tz=None)
    assert "pricing.night" not in [
        line.clause for line in platform.rulebooks.quote(OrderIn(distance_m=800, at=utc_noon)).lines
    ]
    assert platform.rulebooks.quote(OrderIn(distance_m=800)).at.date() >= date.today() - timedelta(
        days=1
    )
