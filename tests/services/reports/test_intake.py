"""Intake: validation, routing to the right queue, retries, held reports, photos, "same as
this one?" (nearby and near-identical photos) and the reporter's own view."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from gigcity.db.models import Report, ReportPhoto
from gigcity.services.errors import Conflict, Forbidden, InvalidInput
from gigcity.services.platform import Platform
from gigcity.services.reports import (
    BanIn,
    Category,
    CategoryRuleIn,
    JoinIn,
    NoteIn,
    ReportCreate,
    RouteIn,
)
from services.reports.reports_support import ADMIN, CHANGZHENG, WANLI, jpeg, new_report, scene
from support import World, principal


def create(**fields: object) -> ReportCreate:
    base: dict[str, object] = {
        "category": "road_hazard",
        "description": "missing manhole cover",
        "lon": WANLI[0],
        "lat": WANLI[1],
    }
    return ReportCreate.model_validate(base | fields)


def test_a_report_goes_to_its_subdistricts_officer_with_its_sla(
    platform: Platform, ready: World
) -> None:
    rider = principal(platform, "rider")
    out = platform.reports.submit(rider, create(category="fire_hazard"))
    assert out.subdistrict == "wanli"
    assert out.subdistrict_name == "万里街道"
    assert out.status == "submitted"
    assert out.is_open
    assert not out.held
    assert (out.due_at - out.created_at).total_seconds() == 12 * 3600  # fire hazard: 12 h
    assert [e.action for e in out.events] == ["submit"]
    assert out.my_part == "original"
    assert out.reward_status == "none"
    assert out.reporters is None
    assert out.assignee_id is None
    queue = platform.reports.queue(principal(platform, "officer"))
    assert [i.id for i in queue.items] == [out.id]
    other = platform.reports.queue(principal(platform, "officer2"))
    assert other.items == []


def test_routing_by_category_then_all_then_the_admins(platform: Platform, ready: World) -> None:
    # A category-specific route beats the sub-district's "*" route.
    with pytest.raises(InvalidInput, match="own sub-district"):
        platform.reports.set_route(
            ADMIN,
            RouteIn(subdistrict="wanli", category="food_safety", officer_id=ready.ids["officer2"]),
        )
    platform.reports.delete_route(ADMIN, platform.reports.routes(ADMIN)[1].id)  # wanli "*"
    routes = {(r.subdistrict, r.category) for r in platform.reports.routes(ADMIN)}
    assert routes == {("changzheng", "*")}
    platform.reports.set_route(
        ADMIN, RouteIn(subdistrict="wanli", category="road_hazard", officer_id=ready.ids["officer"])
    )
    road = new_report(platform, category="road_hazard")
    fire = new_report(platform, category="fire_hazard")
    far = new_report(platform, category="fire_hazard", at=CHANGZHENG)
    assert [i.id for i in platform.reports.queue(principal(platform, "officer")).items] == [road]
    admins = platform.reports.queue(ADMIN)  # the district admins' queue: nobody handles these
    assert admins.scope == "district"
    assert [i.id for i in admins.items] == [fire]
    assert [i.id for i in platform.reports.queue(principal(platform, "officer2")).items] == [far]


def test_bad_reports_are_refused_naming_the_field(platform: Platform, ready: World) -> None:
    rider = principal(platform, "rider")
    cases = [
        (create(lon=121.60, lat=31.10), "lat"),  # outside the district
        (create(category="food_safety"), "reference"),  # which merchant?
        (create(description="  "), "description"),  # neither words nor photos
        (create(place_id=999), "place_id"),
        (create(photo_ids=[12345]), "photo_ids"),
    ]
    for data, field in cases:
        with pytest.raises(InvalidInput) as caught:
            platform.reports.submit(rider, data)
        assert caught.value.field == field
    with platform.factory() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 0


def test_a_retry_with_the_same_client_key_files_once(platform: Platform, ready: World) -> None:
    rider = principal(platform, "rider")
    first = platform.reports.submit(rider, create(client_key="phone-abc-123"))
    again = platform.reports.submit(rider, create(client_key="phone-abc-123"))
    assert again.id == first.id
    other = platform.reports.submit(
        principal(platform, "rider2"), create(client_key="phone-abc-123")
    )
    assert other.id != first.id  # keys are per reporter


def test_reports_of_an_account_under_review_are_held(platform: Platform, ready: World) -> None:
    review = platform.reports.ban(ADMIN, BanIn(account_id=ready.ids["rider2"], reason="spam"))
    with pytest.raises(Conflict):
        platform.reports.ban(ADMIN, BanIn(account_id=ready.ids["rider2"], reason="again"))
    held = platform.reports.submit(principal(platform, "rider2"), create())
    assert held.held
    assert [e.action for e in held.events] == ["submit", "hold"]
    officer = principal(platform, "officer")
    assert platform.reports.queue(officer).items == []
    with pytest.raises(Forbidden):
        platform.reports.queue(officer, "held")
    assert [i.id for i in platform.reports.queue(ADMIN, "held").items] == [held.id]
    with pytest.raises(Forbidden):
        platform.reports.start(officer, held.id, NoteIn())
    released = platform.reports.release(ADMIN, held.id)
    assert not released.held
    assert released.assignee_id == ready.ids["officer"]
    assert [i.id for i in platform.reports.queue(officer).items] == [held.id]
    platform.reports.unban(ADMIN, review.id)
    assert not platform.reports.submit(principal(platform, "rider2"), create()).held


def test_photos_are_staged_then_attached_once_by_their_uploader(
    platform: Platform, ready: World
) -> None:
    rider = principal(platform, "rider")
    photo = platform.reports.stage_photo(rider, jpeg())
    assert photo.url.startswith("/api/reports/photos/")
    assert photo.near_report_id is None
    with pytest.raises(InvalidInput, match="not one you uploaded"):
        platform.reports.submit(principal(platform, "rider2"), create(photo_ids=[photo.id]))
    out = platform.reports.submit(rider, create(description="", photo_ids=[photo.id]))
    assert [p.id for p in out.photos] == [photo.id]
    with pytest.raises(InvalidInput, match="used already"):
        platform.reports.submit(rider, create(photo_ids=[photo.id]))
    name = photo.url.rsplit("/", 1)[1]
    stored = platform.reports.photo_file(name)
    assert stored is not None
    assert b"Exif" not in stored


def test_unused_photos_are_purged(platform: Platform, ready: World) -> None:
    from datetime import timedelta

    rider = principal(platform, "rider")
    kept = platform.reports.stage_photo(rider, jpeg(scene(seed=1)))
    stale = platform.reports.stage_photo(rider, jpeg(scene(seed=2)))
    platform.reports.submit(rider, create(photo_ids=[kept.id]))
    assert platform.reports.purge_staged_photos(timedelta(0)) == 1
    assert platform.reports.photo_file(stale.url.rsplit("/", 1)[1]) is None
    assert platform.reports.photo_file(kept.url.rsplit("/", 1)[1]) is not None


def test_same_as_this_one_offers_open_reports_nearby_of_the_category(
    platform: Platform, ready: World
) -> None:
    rider2 = principal(platform, "rider2")
    first = new_report(platform, category="fire_passage_blocked")
    new_report(platform, category="road_hazard")  # another category
    new_report(platform, category="fire_passage_blocked", at=(WANLI[0] + 0.002, WANLI[1]))  # ~190 m
    near = platform.reports.similar(
        rider2, Category.fire_passage_blocked, WANLI[0] + 0.0003, WANLI[1]
    )
    assert [(s.id, s.why) for s in near] == [(first, "nearby")]
    assert 25 < near[0].distance_m < 35
    # Saying "same as this one" credits the rider with it instead of filing a duplicate.
    here = {"lon": WANLI[0] + 0.0003, "lat": WANLI[1]}  # where rider2 stands
    joined = platform.reports.join(
        rider2, first, JoinIn(description="still blocked tonight", **here)
    )
    assert joined.my_part == "same"
    assert joined.reporters_count == 2
    assert joined.reward_status is None  # only the original reporter sees the reward
    assert joined.events[-1].action == "same"
    assert joined.events[-1].note == "still blocked tonight"
    assert platform.reports.join(rider2, first, JoinIn(**here)).reporters_count == 2  # idempotent
    mine = platform.reports.mine(rider2)
    assert [r.id for r in mine] == [first]


def test_the_duplicate_radius_is_per_category(platform: Platform, ready: World) -> None:
    from gigcity.services.reports import CategoryRuleIn

    first = new_report(platform, category="road_hazard")
    rider2 = principal(platform, "rider2")
    far = (WANLI[0] + 0.0008, WANLI[1])  # ~76 m
    assert platform.reports.similar(rider2, Category.road_hazard, *far) == []
    platform.reports.set_rule(
        ADMIN,
        Category.road_hazard,
        CategoryRuleIn(reward_fen=2000, sla_hours=24, duplicate_radius_m=100),
    )
    assert [s.id for s in platform.reports.similar(rider2, Category.road_hazard, *far)] == [first]


def test_near_identical_photos_are_recognised_anywhere(platform: Platform, ready: World) -> None:
    rider, rider2 = principal(platform, "rider"), principal(platform, "rider2")
    picture = scene(800, 600, seed=5)
    first_photo = platform.reports.stage_photo(rider, jpeg(picture, quality=92))
    first = platform.reports.submit(rider, create(photo_ids=[first_photo.id])).id
    # The same picture, smaller and recompressed, sent from far away under another category.
    again = platform.reports.stage_photo(rider2, jpeg(picture.resize((400, 300)), quality=60))
    assert again.near_report_id == first
    offers = platform.reports.similar(rider2, Category.other, *CHANGZHENG, photo_ids=[again.id])
    assert [(o.id, o.why) for o in offers] == [(first, "photo")]
    unrelated = platform.reports.stage_photo(rider2, jpeg(scene(800, 600, seed=9)))
    assert unrelated.near_report_id is None


def test_joining_needs_the_rider_nearby_and_the_same_category(
    platform: Platform, ready: World
) -> None:
    rider2 = principal(platform, "rider2")
    report = new_report(platform, category="road_hazard")
    # About 330 m east: beyond the 300 m a rider may stand from what they join.
    for lon, lat in ((WANLI[0] + 0.0035, WANLI[1]), CHANGZHENG):
        with pytest.raises(InvalidInput, match="m from report") as far:
            platform.reports.join(rider2, report, JoinIn(lon=lon, lat=lat))
        assert far.value.field == "lat"
    with pytest.raises(InvalidInput) as other:
        platform.reports.join(
            rider2, report, JoinIn(lon=WANLI[0], lat=WANLI[1], category=Category.fire_hazard)
        )
    assert other.value.field == "category"
    assert platform.reports.mine(rider2) == []  # nothing was credited
    with pytest.raises(ValidationError):  # the rider's position is required
        JoinIn.model_validate({"description": "me too"})
    # About 240 m away, same category: joined.
    near = JoinIn(lon=WANLI[0] + 0.0025, lat=WANLI[1], category=Category.road_hazard)
    assert platform.reports.join(rider2, report, near).my_part == "same"
    # A category whose duplicate radius is wider than 300 m may be joined that far off.
    platform.reports.set_rule(
        ADMIN,
        Category.other,
        CategoryRuleIn(reward_fen=500, sla_hours=120, duplicate_radius_m=500),
    )
    wide = new_report(platform, category="other")
    assert platform.reports.join(rider2, wide, JoinIn(lon=WANLI[0] + 0.0045, lat=WANLI[1])).my_part


def test_joiners_see_the_report_as_the_public_does(platform: Platform, ready: World) -> None:
    rider, rider2 = principal(platform, "rider"), principal(platform, "rider2")
    officer = principal(platform, "officer")
    first_photo = platform.reports.stage_photo(rider, jpeg(scene(seed=31)))
    second_photo = platform.reports.stage_photo(rider, jpeg(scene(seed=32)))
    report = platform.reports.submit(
        rider,
        create(
            category="food_safety",
            reference="老王面馆 (the owner's mobile 13811112222)",
            description="rats in the kitchen",
            address="长寿路 1 号",
            photo_ids=[first_photo.id, second_photo.id],
        ),
    ).id
    platform.reports.accept(
        officer, report, NoteIn(note="owner is my cousin", public_note="Inspectors go today.")
    )
    own_photo = platform.reports.stage_photo(rider2, jpeg(scene(seed=33)))
    joined = platform.reports.join(
        rider2,
        report,
        JoinIn(lon=WANLI[0], lat=WANLI[1], description="saw them too", photo_ids=[own_photo.id]),
    )
    for seen in (joined, platform.reports.get(rider2, report), platform.reports.mine(rider2)[0]):
        public = platform.reports.public_request(report)
        assert public is not None
        assert seen.my_part == "same"
        # What Open311 shows: description, address, status and its public note; no photo
        # of a rider's (none is published), so only their own.
        assert seen.description == public.description == "rats in the kitchen"
        assert seen.address == public.address
        assert seen.status_note == public.status_note == "Inspectors go today."
        assert public.after_photo is None
        # Not the reference, not the reporter's photos, not the internal note or reward.
        assert seen.reference is None
        assert [p.id for p in seen.photos] == [own_photo.id]
        text = seen.model_dump_json()
        assert "13811112222" not in text
        assert "cousin" not in text
        assert seen.reward_status is None
        assert [e.action for e in seen.events] == ["submit", "accept", "same"]
        assert seen.events[-1].note == "saw them too"  # their own words
    # The original reporter still sees all they sent, and the internal note stays inside.
    original = platform.reports.get(rider, report)
    assert original.reference == "老王面馆 (the owner's mobile 13811112222)"
    assert {first_photo.id, second_photo.id} <= {p.id for p in original.photos}
    assert original.reward_status == "paid"
    assert "cousin" not in original.model_dump_json()
    # Staff see everything.
    staff = platform.reports.get(officer, report)
    assert next(e for e in staff.events if e.action == "accept").note == "owner is my cousin"


def test_reporters_see_only_their_own_reports(platform: Platform, ready: World) -> None:
    report = new_report(platform)
    for outsider in ("rider2", "staff", "officer2"):
        with pytest.raises(Forbidden):
            platform.reports.get(principal(platform, outsider), report)
    officer_view = platform.reports.get(principal(platform, "officer"), report)
    assert officer_view.reporters is not None
    assert [r.display_name for r in officer_view.reporters] == ["Wang"]
    with platform.factory() as session:
        assert session.scalar(select(func.count()).select_from(ReportPhoto)) == 0
