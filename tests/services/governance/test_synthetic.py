"""The demo year of synthetic hotline complaints, and what the evaluation makes of it."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest

from gigcity.services.governance import effect
from gigcity.services.governance.effect import evaluate, period_counts, sentence
from gigcity.services.governance.synthetic import (
    CSV_HEADERS,
    DELIVERY_TOPICS,
    MAIN_MEASURE,
    MEASURES,
    SHANGHAI,
    SYNTHETIC_MARK,
    SYNTHETIC_NOTE,
    SyntheticComplaint,
    SyntheticYear,
    synthetic_year,
    to_csv_bytes,
)


@pytest.fixture(scope="module")
def year() -> SyntheticYear:
    return synthetic_year()


def mall_delivery_counts(year: SyntheticYear) -> tuple[tuple[date, ...], tuple[int, ...]]:
    truth = year.truth
    when = [r.received_at.date() for r in year.rows if r.at_mall and r.delivery]
    return period_counts(when, truth.first_day, truth.weeks)


def test_the_evaluation_recovers_the_generated_drop_within_its_interval(
    year: SyntheticYear,
) -> None:
    starts, counts = mall_delivery_counts(year)

    ev = evaluate(starts, counts, year.truth.measure_on)

    assert year.truth.relative_change == pytest.approx(2 / 18 - 1)
    assert ev.change_low <= year.truth.relative_change <= ev.change_high
    msgid, params = sentence(ev, "Delivery complaints at the mall")
    assert msgid == effect.N_FELL
    # The pattern the district reported: about 18 a month before, about 2 after.
    assert params["before"] == 18
    assert params["after"] == pytest.approx(2.0)


def test_counting_by_address_finds_the_same_delivery_complaints_as_the_truth(
    year: SyntheticYear,
) -> None:
    by_truth = [r for r in year.rows if r.at_mall and r.delivery]
    by_address = [r for r in year.rows if "环宇城" in r.address and r.topic in DELIVERY_TOPICS]
    assert by_address == by_truth
    elsewhere = [r for r in year.rows if not r.at_mall]
    assert not any("环宇城" in r.address for r in elsewhere)


def test_the_background_has_records_a_topic_classifier_must_ignore(year: SyntheticYear) -> None:
    unrelated = [r for r in year.rows if not r.delivery]
    delivery_elsewhere = [r for r in year.rows if r.delivery and not r.at_mall]
    assert len(unrelated) > len(year.rows) / 2
    assert len(delivery_elsewhere) > 200
    assert any(r.at_mall and not r.delivery for r in year.rows)  # the mall's own noise, fees
    assert {r.category for r in year.rows} >= {"城市管理", "交通管理", "市容环境"}
    subdistricts = {r.address.split("普陀区", 1)[-1][:5] for r in year.rows if not r.at_mall}
    assert len(subdistricts) >= 8


def test_every_record_shows_it_is_synthetic(year: SyntheticYear) -> None:
    ids = [r.record_id for r in year.rows]
    assert all(re.fullmatch(rf"SYN-{r.received_at.year}-\d{{6}}", r.record_id) for r in year.rows)
    assert len(set(ids)) == len(ids)
    assert all(r.content.endswith(SYNTHETIC_MARK) for r in year.rows)
    assert "合成数据" in SYNTHETIC_NOTE
    assert year.note == SYNTHETIC_NOTE


def test_records_are_in_shanghai_time_within_the_year_and_in_order(year: SyntheticYear) -> None:
    truth = year.truth
    times = [r.received_at for r in year.rows]
    assert times == sorted(times)
    assert all(t.tzinfo == SHANGHAI for t in times)
    last = truth.first_day + timedelta(weeks=truth.weeks)
    assert all(truth.first_day <= t.date() < last for t in times)


def test_fewer_complaints_around_spring_festival_more_in_summer(year: SyntheticYear) -> None:
    def per_day(rows: list[SyntheticComplaint], first: str, last: str) -> float:
        days = [r for r in rows if first <= r.received_at.date().isoformat() <= last]
        span = (date.fromisoformat(last) - date.fromisoformat(first)).days + 1
        return len(days) / span

    background = [r for r in year.rows if not r.at_mall]
    festival = per_day(background, "2025-01-25", "2025-02-09")
    spring = per_day(background, "2025-03-01", "2025-05-31")
    summer = per_day(background, "2025-07-01", "2025-08-31")
    assert festival < 0.7 * spring < 0.7 * summer


def test_the_same_seed_gives_the_same_year_and_another_seed_another() -> None:
    assert synthetic_year(3) == synthetic_year(3)
    assert synthetic_year(3).rows != synthetic_year(4).rows


def test_the_measures_are_at_the_mall_with_dates_and_costs(year: SyntheticYear) -> None:
    assert year.measures == MEASURES
    assert {m.key for m in MEASURES} == {"parking_zones", "pickup_lifts", "rider_station"}
    assert all(m.place == "中海真如环宇城MAX" and m.cost_fen > 0 for m in MEASURES)
    assert year.truth.measure_on == MAIN_MEASURE.starts_on


def test_the_csv_has_the_hotline_headers_and_every_row(year: SyntheticYear) -> None:
    data = to_csv_bytes(year.rows)
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert (
        tuple(table[0])
        == CSV_HEADERS
        == ("工单编号", "受理时间", "事发地址", "诉求类别", "诉求内容")
    )
    assert len(table) == len(year.rows) + 1
    first = year.rows[0]
    assert table[1] == [
        first.record_id,
        first.received_at.strftime("%Y-%m-%d %H:%M:%S"),
        first.address,
        first.category,
        first.content,
    ]
