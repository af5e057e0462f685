"""The lifecycle: every step records who and when, the reporter sees each of them, officers
act only in their sub-district, resolving needs an after photo, merging keeps credits, the
SLA flags overdue reports, and the daily counts follow every step."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from gigcity.db.models import utcnow
from gigcity.services.errors import Conflict, Forbidden, InvalidInput
from gigcity.services.platform import Platform
from gigcity.services.reports import (
    AssignIn,
    DispatchIn,
    JoinIn,
    MergeIn,
    NoteIn,
    RejectIn,
    ResolveIn,
)
from gigcity.services.reports import stats as report_stats
from services.reports.reports_support import ADMIN, CHANGZHENG, WANLI, jpeg, new_report, scene
from support import World, principal

TZ = ZoneInfo("Asia/Shanghai")


def rollup_matches(platform: Platform) -> None:
    with platform.factory() as session:
        assert report_stats.stored(session) == report_stats.counted(session, TZ)


def test_the_whole_way_with_who_and_when_seen_by_the_reporter(
    platform: Platform, ready: World
) -> None:
    officer = principal(platform, "officer")
    report = new_report(platform, category="fire_passage_blocked")
    platform.reports.accept(officer, report, NoteIn(note="on my way"))
    platform.reports.dispatch(officer, report, DispatchIn(to="fire station 3"))
    platform.reports.start(officer, report, NoteIn())
    with pytest.raises(ValidationError, match="photo_ids"):  # no resolution without photos
        ResolveIn(photo_ids=[])
    after = platform.reports.stage_photo(officer, jpeg(scene(seed=4)))
    resolved = platform.reports.resolve(
        officer, report, ResolveIn(photo_ids=[after.id], public_note="cleared")
    )
    assert [p.id for p in resolved.after_photos] == [after.id]
    assert resolved.resolved_at
    closed = platform.reports.close(officer, report, NoteIn())
    assert closed.status == "closed"
    assert not closed.is_open
    assert closed.closed_at
    staff_view = platform.reports.get(officer, report)
    assert staff_view.dispatched_to == "fire station 3"
    assert {e.actor_name for e in staff_view.events[1:]} == {"Officer"}
    seen = platform.reports.mine(principal(platform, "rider"))[0]
    trail = [(e.action, e.from_status, e.to_status) for e in seen.events]
    assert trail == [
        ("submit", None, "submitted"),
        ("accept", "submitted", "accepted"),
        ("reward", None, None),
        ("dispatch", "accepted", "dispatched"),
        ("start", "dispatched", "in_progress"),
        ("resolve", "in_progress", "resolved"),
        ("close", "resolved", "closed"),
    ]
    assert all(e.actor_name is None for e in seen.events)  # the reporter sees roles only
    assert [e.actor_role for e in seen.events][1:] == ["officer"] * 6
    times = [e.at for e in seen.events]
    assert times == sorted(times)
    assert seen.reward_status == "paid"
    assert seen.reward_fen == 5000
    assert seen.after_photos
    assert seen.status_note == "cleared"
    rollup_matches(platform)


INTERNAL = "the landlord again; call him on 13900000000"
PUBLIC = "Verified: the property manager will clear it today."


def test_internal_notes_stay_with_staff_and_the_officer_chooses_the_public_note(
    platform: Platform, ready: World
) -> None:
    officer = principal(platform, "officer")
    report = new_report(platform)
    platform.reports.accept(officer, report, NoteIn(note=INTERNAL, public_note=PUBLIC))
    platform.reports.dispatch(
        officer, report, DispatchIn(to="property manager", note="second warning")
    )
    staff_view = platform.reports.get(officer, report)
    accept = next(e for e in staff_view.events if e.action == "accept")
    assert (accept.note, accept.public_note) == (INTERNAL, PUBLIC)
    assert staff_view.events[-1].note == "second warning"
    assert staff_view.status_note == PUBLIC  # a step without a public note keeps the last one
    # The reporter: the public note, never an internal one.
    seen = platform.reports.get(principal(platform, "rider"), report)
    assert seen.status_note == PUBLIC
    assert next(e for e in seen.events if e.action == "accept").public_note == PUBLIC
    assert all(e.note is None for e in seen.events)
    assert "13900000000" not in seen.model_dump_json()
    assert "second warning" not in seen.model_dump_json()
    # The public (Open311): the public note only.
    public = platform.reports.public_request(report)
    assert public is not None
    assert public.status_note == PUBLIC
    # Every officer action takes both; an internal note alone publishes nothing.
    other = new_report(platform)
    platform.reports.reject(officer, other, RejectIn(reason="invalid", note=INTERNAL))
    assert platform.reports.get(officer, other).status_note is None
    third, keeper = new_report(platform), new_report(platform)
    merged = platform.reports.merge(
        officer, third, MergeIn(into=keeper, note=INTERNAL, public_note="Same as the other one.")
    )
    assert merged.status_note == "Same as the other one."
    assert platform.reports.get(principal(platform, "rider"), keeper).events[-1].note is None
    duplicate = new_report(platform)
    out = platform.reports.reject(
        officer,
        duplicate,
        RejectIn(reason="duplicate", duplicate_of=keeper, public_note="Already reported."),
    )
    assert out.status_note == "Already reported."


def test_steps_out_of_order_are_conflicts(platform: Platform, ready: World) -> None:
    officer = principal(platform, "officer")
    report = new_report(platform)
    with pytest.raises(Conflict, match="is submitted now"):
        platform.reports.start(officer, report, NoteIn())
    platform.reports.reject(officer, report, RejectIn(reason="invalid", note="nothing there"))
    for step in (platform.reports.accept, platform.reports.close):
        with pytest.raises(Conflict):
            step(officer, report, NoteIn())
    rollup_matches(platform)


def test_officers_act_only_in_their_subdistrict(platform: Platform, ready: World) -> None:
    report = new_report(platform)
    for who in ("officer2", "rider", "staff"):
        with pytest.raises(Forbidden):
            platform.reports.accept(principal(platform, who), report, NoteIn())
    with pytest.raises(Forbidden):
        platform.reports.queue(principal(platform, "rider"))
    with pytest.raises(Forbidden):
        platform.reports.queue(principal(platform, "officer2"), "all")
    # A colleague of the same sub-district sees it in the sub-district scope.
    scope = platform.reports.queue(principal(platform, "officer"), "subdistrict")
    assert [i.id for i in scope.items] == [report]
    assert platform.reports.accept(ADMIN, report, NoteIn()).status == "accepted"


def test_resolution_photos_must_be_the_officers_own(platform: Platform, ready: World) -> None:
    officer = principal(platform, "officer")
    report = new_report(platform)
    platform.reports.accept(officer, report, NoteIn())
    platform.reports.dispatch(officer, report, DispatchIn(to="team"))
    platform.reports.start(officer, report, NoteIn())
    riders_photo = platform.reports.stage_photo(principal(platform, "rider"), jpeg())
    with pytest.raises(InvalidInput, match="not one you uploaded"):
        platform.reports.resolve(officer, report, ResolveIn(photo_ids=[riders_photo.id]))
    assert platform.reports.get(officer, report).status == "in_progress"  # nothing changed


def test_merging_keeps_every_reporters_credit(platform: Platform, ready: World) -> None:
    officer = principal(platform, "officer")
    keeper = new_report(platform, "rider")
    photo = platform.reports.stage_photo(principal(platform, "rider2"), jpeg(scene(seed=7)))
    duplicate = new_report(platform, "rider2", photo_ids=[photo.id])
    third_credit = JoinIn(lon=WANLI[0], lat=WANLI[1])
    platform.reports.join(principal(platform, "officer"), duplicate, third_credit)
    with pytest.raises(InvalidInput):
        platform.reports.merge(officer, keeper, MergeIn(into=keeper))
    merged = platform.reports.reject(
        officer, duplicate, RejectIn(reason="duplicate", duplicate_of=keeper)
    )
    assert merged.status == "rejected"
    assert merged.reject_reason == "duplicate"
    assert merged.merged_into_id == keeper
    kept = platform.reports.get(officer, keeper)
    assert kept.reporters is not None
    assert {(r.display_name, r.how) for r in kept.reporters} == {
        ("Wang", "original"),
        ("Li", "merged"),
        ("Officer", "merged"),
    }
    assert kept.merged_reports == [duplicate]
    assert [p.id for p in kept.photos] == [photo.id]  # the duplicate's photo shows here too
    assert kept.events[-1].action == "absorb"
    # rider2 follows the report that stands for theirs now.
    theirs = {r.id: r for r in platform.reports.mine(principal(platform, "rider2"))}
    assert theirs[keeper].my_part == "merged"
    assert theirs[duplicate].merged_into_id == keeper
    with pytest.raises(Conflict):  # nothing merges into a closed or merged report
        platform.reports.merge(officer, keeper, MergeIn(into=duplicate))
    with pytest.raises(InvalidInput, match="which report"):
        platform.reports.reject(officer, keeper, RejectIn(reason="duplicate"))
    rollup_matches(platform)


def test_merging_across_subdistricts_needs_both(platform: Platform, ready: World) -> None:
    here = new_report(platform)
    there = new_report(platform, at=CHANGZHENG)
    with pytest.raises(Forbidden):
        platform.reports.merge(principal(platform, "officer"), here, MergeIn(into=there))
    assert platform.reports.merge(ADMIN, here, MergeIn(into=there)).merged_into_id == there


def test_the_sla_flags_overdue_reports(platform: Platform, ready: World) -> None:
    officer = principal(platform, "officer")
    start = utcnow()
    platform.reports.clock = lambda: start
    elder = new_report(platform, category="elder_needs_help")  # 2 hours
    road = new_report(platform, category="road_hazard")  # 24 hours
    platform.reports.clock = lambda: start + timedelta(hours=3)
    queue = platform.reports.queue(officer)
    assert queue.overdue == 1
    assert [(i.id, i.overdue) for i in queue.items] == [(elder, True), (road, False)]
    assert [i.id for i in platform.reports.queue(officer, overdue_only=True).items] == [elder]
    assert platform.reports.mine(principal(platform, "rider"))[-1].overdue
    # Resolving stops the clock: a resolved report is never overdue.
    platform.reports.accept(officer, elder, NoteIn())
    platform.reports.dispatch(officer, elder, DispatchIn(to="community nurse"))
    platform.reports.start(officer, elder, NoteIn())
    after = platform.reports.stage_photo(officer, jpeg(scene(seed=8)))
    out = platform.reports.resolve(officer, elder, ResolveIn(photo_ids=[after.id]))
    assert not out.overdue
    platform.reports.clock = lambda: start + timedelta(days=3)
    assert platform.reports.queue(officer).overdue == 1  # the road hazard now


def test_admins_assign_reports_to_officers(platform: Platform, ready: World) -> None:
    report = new_report(platform, category="food_safety", reference="老王面馆")
    officer = principal(platform, "officer")
    assert [i.id for i in platform.reports.queue(officer).items] == [report]
    back = platform.reports.assign(ADMIN, report, AssignIn())
    assert back.assignee_id is None
    assert back.events[-1].action == "assign"
    assert [i.id for i in platform.reports.queue(ADMIN).items] == [report]
    assert platform.reports.queue(officer).items == []
    for wrong in ("officer2", "rider"):  # another sub-district's officer; not an officer
        with pytest.raises(InvalidInput):
            platform.reports.assign(ADMIN, report, AssignIn(officer_id=ready.ids[wrong]))
    with pytest.raises(Forbidden):
        platform.reports.assign(officer, report, AssignIn())
    again = platform.reports.assign(ADMIN, report, AssignIn(officer_id=ready.ids["officer"]))
    assert again.assignee_id == ready.ids["officer"]


def test_wanli_point_is_in_wanli(platform: Platform) -> None:
    located = platform.district.locate(*WANLI)
    assert located is not None
    assert located.code == "wanli"
