"""The fatigue clock: from a rider's work so far, may they take an order now, and if not, why.

Times are seconds on one clock whose zero is a local midnight (day `d` is
`[d * 86400, (d + 1) * 86400)`). Work intervals are what the rider did (or is committed to);
the gaps between them are judged by the rulebook's fatigue clauses:

- a gap of at least `min_rest_min` is a rest: it resets the continuous-work clock;
- a gap of at least `gap_counts_as_rest_from_min` (but shorter than a rest) stops the clock
  for its length but does not reset it;
- a shorter gap counts as work (waiting between orders is still continuous work).

The daily confirmation threshold counts recorded work only (not gaps), split at midnight.
A day is a work day if any work falls on it; the weekly rule looks at every 7-day window.

Queries start at or after the end of the recorded work: the clock plans forward, it does not
rewrite the past.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from gigcity.rules.messages import Message, say
from gigcity.rules.model import Rulebook
from gigcity.rules.reasons import Reason

DAY_S = 86_400
_WEEK_DAYS = 7

_LIMIT = "fatigue.continuous_work_limit_min"
_REST = "fatigue.min_rest_min"
_DAILY = "fatigue.daily_confirmation_after_min"
_WEEKLY = "fatigue.weekly_rest_days"


class FatigueDecision(BaseModel):
    """Whether work of a given length may start at a given time, and which clauses say so.

    `reasons` covers every fatigue clause (passed or not); `refused_by` names the clauses
    that refused; `needs_confirmation` is true when only the daily threshold refused.
    """

    model_config = ConfigDict(frozen=True)

    allowed: bool
    needs_confirmation: bool
    rest_until_s: float | None
    refused_by: tuple[str, ...]
    reasons: tuple[Reason, ...]


class FatigueStatus(BaseModel):
    """Where a rider stands at a moment: for the rider's page and the dispatcher's log."""

    model_config = ConfigDict(frozen=True)

    at_s: float
    continuous_s: float
    rest_due: bool
    rest_due_at_s: float | None
    rest_until_s: float | None
    worked_today_s: float
    needs_confirmation: bool
    rest_day_due: bool
    reasons: tuple[Reason, ...]


class FatigueClock:
    """Immutable: `add_work` returns a new clock. Cheap queries for the dispatcher's loop."""

    __slots__ = (
        "_book",
        "_day_work",
        "_last_end",
        "_longest",
        "_streak",
        "_weekly_cache",
        "_work",
        "_work_days",
    )

    def __init__(
        self,
        rulebook: Rulebook,
        work: Iterable[tuple[float, float]] = (),
        *,
        other_work_days: Iterable[int] = (),
    ) -> None:
        """`work`: (start_s, end_s) intervals, any order, overlaps merged. `other_work_days`:
        day indices (may be negative) on which the rider worked, for history not in `work`."""
        self._book = rulebook
        self._work: tuple[tuple[float, float], ...] = ()
        self._last_end: float | None = None
        self._streak = 0.0
        self._longest = 0.0
        self._day_work: dict[int, float] = {}
        self._work_days: frozenset[int] = frozenset(other_work_days)
        self._weekly_cache: dict[tuple[int, int], bool] = {}
        for start, end in merged_work(work):
            self._append(start, end)

    # --- building -------------------------------------------------------------------------

    def add_work(self, start_s: float, end_s: float) -> FatigueClock:
        """A clock that also knows this work; it must not start before the recorded work ends."""
        if end_s < start_s:
            raise ValueError(f"work ends ({end_s}) before it starts ({start_s})")
        self._check_forward(start_s)
        clock = FatigueClock.__new__(FatigueClock)
        clock._book = self._book
        clock._work = self._work
        clock._last_end = self._last_end
        clock._streak = self._streak
        clock._longest = self._longest
        clock._day_work = dict(self._day_work)
        clock._work_days = self._work_days
        clock._weekly_cache = {}
        if end_s > start_s:
            clock._append(start_s, end_s)
        return clock

    def _append(self, start: float, end: float) -> None:
        if self._last_end is not None and start <= self._last_end:
            # Touching or overlapping the last interval: extend it.
            last_start, _ = self._work[-1]
            self._streak += end - self._last_end
            self._work = (*self._work[:-1], (last_start, end))
            self._record_days(self._last_end, end)
        else:
            self._streak = self._continuous_after_gap(start) + (end - start)
            self._work = (*self._work, (start, end))
            self._record_days(start, end)
        self._last_end = end
        self._longest = max(self._longest, self._streak)

    def _record_days(self, start: float, end: float) -> None:
        days = set(self._work_days)
        while start < end:
            day = math.floor(start / DAY_S)
            until = min(end, (day + 1) * DAY_S)
            self._day_work[day] = self._day_work.get(day, 0.0) + (until - start)
            days.add(day)
            start = until
        self._work_days = frozenset(days)

    # --- reading --------------------------------------------------------------------------

    @property
    def rulebook(self) -> Rulebook:
        return self._book

    @property
    def work(self) -> tuple[tuple[float, float], ...]:
        """The recorded work, merged and in time order."""
        return self._work

    @property
    def longest_continuous_s(self) -> float:
        """The longest stretch of continuous work in the recorded timeline."""
        return self._longest

    def worked_on_day_s(self, day: int) -> float:
        """Seconds of recorded work on day `day`."""
        return self._day_work.get(day, 0.0)

    def continuous_s(self, at_s: float) -> float:
        """Continuous work counted if the rider starts (or resumes) working at `at_s`."""
        self._check_forward(at_s)
        return self._continuous_after_gap(at_s)

    def _continuous_after_gap(self, at_s: float) -> float:
        if self._last_end is None:
            return 0.0
        rules = self._book.fatigue
        gap = at_s - self._last_end
        if gap >= rules.min_rest_min * 60:
            return 0.0
        if gap >= rules.gap_counts_as_rest_from_min * 60:
            return self._streak
        return self._streak + gap

    def _check_forward(self, at_s: float) -> None:
        if self._last_end is not None and at_s < self._last_end:
            raise ValueError(
                f"the fatigue clock plans forward: {at_s} is before the end of the recorded "
                f"work ({self._last_end})"
            )

    def rest_until_s(self, at_s: float) -> float:
        """If the rider rests from `at_s` on, when the continuous-work clock is back at zero."""
        self._check_forward(at_s)
        if self._last_end is None:
            return at_s
        return max(at_s, self._last_end + self._book.fatigue.min_rest_min * 60)

    # --- deciding -------------------------------------------------------------------------

    def headroom_s(self, start_s: float, *, overtime_confirmed: bool = False) -> float:
        """The longest work that may start at `start_s` (0: none; `math.inf`: no limit).

        `may_assign(start_s, d)` allows exactly the `d <= headroom_s(start_s)`; this is the
        cheap form for the dispatcher's inner loop.
        """
        self._check_forward(start_s)
        rules = self._book.fatigue
        room = math.inf
        if rules.continuous_work_limit_min is not None:
            limit_s = rules.continuous_work_limit_min * 60
            room = max(0.0, limit_s - self._continuous_after_gap(start_s))
        if rules.daily_confirmation_after_min is not None and not overtime_confirmed:
            room = min(room, self._daily_room(start_s, rules.daily_confirmation_after_min * 60))
        if rules.weekly_rest_days:
            room = min(room, self._weekly_room(start_s))
        return room

    def _daily_room(self, start_s: float, threshold_s: float) -> float:
        room, at = 0.0, start_s
        for _ in range(_WEEK_DAYS + 1):
            day = math.floor(at / DAY_S)
            available = threshold_s - self.worked_on_day_s(day)
            to_midnight = (day + 1) * DAY_S - at
            if available < to_midnight:
                return room + max(0.0, available)
            room, at = room + to_midnight, (day + 1) * DAY_S
        return math.inf

    def _weekly_room(self, start_s: float) -> float:
        day = math.floor(start_s / DAY_S)
        for ahead in range(_WEEK_DAYS + 1):
            if not self._may_work_on(day, day + ahead):
                return max(0.0, (day + ahead) * DAY_S - start_s)
        return math.inf

    def _may_work_on(self, first_day: int, last_day: int) -> bool:
        # Working every day from first_day to last_day must leave every 7-day window
        # around them enough days off.
        cached = self._weekly_cache.get((first_day, last_day))
        if cached is None:
            required = self._book.fatigue.weekly_rest_days
            worked = self._work_days | set(range(first_day, last_day + 1))
            cached = all(
                _WEEK_DAYS - sum(1 for d in range(first, first + _WEEK_DAYS) if d in worked)
                >= required
                for first in range(first_day - _WEEK_DAYS + 1, last_day + 1)
            )
            self._weekly_cache[(first_day, last_day)] = cached
        return cached

    def may_assign(
        self, start_s: float, duration_s: float, *, overtime_confirmed: bool = False
    ) -> FatigueDecision:
        """May work of `duration_s` (an order, or a bundle) start at `start_s`? With reasons."""
        return self._judge(start_s, duration_s, overtime_confirmed, passed=True)

    def refusal_reasons(
        self, start_s: float, duration_s: float, *, overtime_confirmed: bool = False
    ) -> tuple[Reason, ...]:
        """The reasons `may_assign` gives of the clauses that refuse this work, in its order
        (all its reasons when none refuses), without wording the clauses that pass: a
        refusal's explanation at the cost of its own sentences."""
        refusal = self._judge(start_s, duration_s, overtime_confirmed, passed=False)
        if refusal.allowed:
            return self.may_assign(
                start_s, duration_s, overtime_confirmed=overtime_confirmed
            ).reasons
        return refusal.reasons

    def _judge(
        self, start_s: float, duration_s: float, confirmed: bool, *, passed: bool
    ) -> FatigueDecision:
        """The decision on this work; `passed`: with the reasons of the clauses that pass
        too (else only the refusing clauses' sentences are worded)."""
        if duration_s < 0:
            raise ValueError(f"duration_s must not be negative (got {duration_s})")
        self._check_forward(start_s)
        reasons: list[Reason] = []
        continuous_ok, rest_until = self._judge_continuous(
            start_s, duration_s, reasons, passed=passed
        )
        daily_ok = self._judge_daily(start_s, duration_s, confirmed, reasons, passed=passed)
        weekly_ok = self._judge_weekly(start_s, duration_s, reasons, passed=passed)
        refused_by = tuple(
            clause
            for clause, ok in ((_LIMIT, continuous_ok), (_DAILY, daily_ok), (_WEEKLY, weekly_ok))
            if not ok
        )
        return FatigueDecision(
            allowed=not refused_by,
            needs_confirmation=refused_by == (_DAILY,),
            rest_until_s=rest_until,
            refused_by=refused_by,
            reasons=tuple(reasons),
        )

    def _judge_continuous(
        self, start_s: float, duration_s: float, reasons: list[Reason], *, passed: bool = True
    ) -> tuple[bool, float | None]:
        """`passed`: also word the reasons of what passes (and the rest owed, which belongs
        to another clause)."""
        rules, book = self._book.fatigue, self._book
        limit_min = rules.continuous_work_limit_min
        if limit_min is None:
            if passed:
                reasons.append(book.cite(_LIMIT, "fatigue.no_limit"))
            return True, None
        after = self._continuous_after_gap(start_s) + duration_s
        if after <= limit_min * 60:
            if passed:
                reasons.append(
                    book.cite(
                        _LIMIT, "fatigue.within_limit", continuous_s=after, limit_min=limit_min
                    )
                )
            return True, None
        rest_until = self.rest_until_s(start_s)
        reasons.append(
            book.cite(_LIMIT, "fatigue.over_limit", continuous_s=after, limit_min=limit_min)
        )
        if passed:
            reasons.append(
                book.cite(
                    _REST, "fatigue.rest_first", rest_min=rules.min_rest_min, until_at=rest_until
                )
            )
        return False, rest_until

    def _judge_daily(
        self,
        start_s: float,
        duration_s: float,
        confirmed: bool,
        reasons: list[Reason],
        *,
        passed: bool = True,
    ) -> bool:
        threshold_min = self._book.fatigue.daily_confirmation_after_min
        if threshold_min is None:
            if passed:
                reasons.append(self._book.cite(_DAILY, "fatigue.no_daily_limit"))
            return True
        end_s, at, worst = start_s + duration_s, start_s, 0.0
        while True:
            day = math.floor(at / DAY_S)
            until = min(end_s, (day + 1) * DAY_S)
            worst = max(worst, self.worked_on_day_s(day) + (until - at))
            if until >= end_s:
                break
            at = until
        if worst <= threshold_min * 60:
            if passed:
                reasons.append(
                    self._book.cite(
                        _DAILY, "fatigue.daily_within", worked_s=worst, threshold_min=threshold_min
                    )
                )
            return True
        if confirmed:
            if passed:
                reasons.append(
                    self._book.cite(
                        _DAILY,
                        "fatigue.daily_confirmed",
                        worked_s=worst,
                        threshold_min=threshold_min,
                    )
                )
            return True
        reasons.append(
            self._book.cite(
                _DAILY,
                "fatigue.daily_needs_confirmation",
                worked_s=worst,
                threshold_min=threshold_min,
            )
        )
        return False

    def _judge_weekly(
        self, start_s: float, duration_s: float, reasons: list[Reason], *, passed: bool = True
    ) -> bool:
        required = self._book.fatigue.weekly_rest_days
        if not required:
            if passed:
                reasons.append(self._book.cite(_WEEKLY, "fatigue.no_rest_day"))
            return True
        first = math.floor(start_s / DAY_S)
        end_s = start_s + duration_s
        last = math.floor(end_s / DAY_S)
        if end_s > start_s and end_s == last * DAY_S:
            last -= 1  # ending exactly at midnight does not touch the next day
        if not self._may_work_on(first, last):
            if first == last:
                reason = self._book.cite(
                    _WEEKLY, "fatigue.weekly_refused_day", day=first, required=required
                )
            else:
                reason = self._book.cite(
                    _WEEKLY,
                    "fatigue.weekly_refused_days",
                    first=first,
                    last=last,
                    required=required,
                )
            reasons.append(reason)
            return False
        if passed:
            reasons.append(self._book.cite(_WEEKLY, "fatigue.weekly_kept", required=required))
        return True

    def status(self, at_s: float) -> FatigueStatus:
        """The rider's fatigue position at `at_s` (at or after the recorded work)."""
        self._check_forward(at_s)
        rules, book = self._book.fatigue, self._book
        continuous = self._continuous_after_gap(at_s)
        reasons: list[Reason] = []
        due_at: float | None = None
        rest_due = False
        if rules.continuous_work_limit_min is not None:
            remaining = rules.continuous_work_limit_min * 60 - continuous
            rest_due = remaining <= 0
            due_at = at_s + max(0.0, remaining)
            if rest_due:
                reason = book.cite(_LIMIT, "fatigue.status_rest_due", continuous_s=continuous)
            else:
                reason = book.cite(
                    _LIMIT, "fatigue.status_rest_at", continuous_s=continuous, due_at=due_at
                )
            reasons.append(reason)
        today = math.floor(at_s / DAY_S)
        worked_today = self.worked_on_day_s(today)
        threshold = rules.daily_confirmation_after_min
        confirm = threshold is not None and worked_today >= threshold * 60
        if confirm:
            reasons.append(book.cite(_DAILY, "fatigue.status_confirm", worked_s=worked_today))
        rest_day_due = bool(rules.weekly_rest_days) and not self._may_work_on(today, today)
        if rest_day_due:
            reasons.append(book.cite(_WEEKLY, "fatigue.status_rest_day"))
        return FatigueStatus(
            at_s=at_s,
            continuous_s=continuous,
            rest_due=rest_due,
            rest_due_at_s=due_at,
            rest_until_s=self.rest_until_s(at_s) if continuous > 0 else None,
            worked_today_s=worked_today,
            needs_confirmation=confirm,
            rest_day_due=rest_day_due,
            reasons=tuple(reasons),
        )


class WorkStretch(BaseModel):
    """One stretch of continuous work as the clock counts it, from its first work to the
    rest (or the end of the record) that ends it; for the rider's statement.

    `continuous_s` is what the clock counted (work, and gaps too short to stop it);
    `breach` is true when it went past the continuous-work limit, `rest_due_at_s` is when
    the limit was reached (a rest was owed from then), `rest_after_s` the rest taken after
    it (None when the record ends without one).
    """

    model_config = ConfigDict(frozen=True)

    start_s: float
    end_s: float
    continuous_s: float
    limit_s: float | None
    breach: bool
    over_s: float
    rest_due_at_s: float | None
    rest_after_s: float | None
    clause: str
    reasons: tuple[Reason, ...]


def work_stretches(
    rulebook: Rulebook, work: Iterable[tuple[float, float]]
) -> tuple[WorkStretch, ...]:
    """The continuous-work stretches of `work` ((start_s, end_s) intervals, any order),
    judged against the rulebook's limit: a gap of at least `min_rest_min` ends a stretch,
    a gap of at least `gap_counts_as_rest_from_min` pauses its clock, a shorter one counts."""
    rules = rulebook.fatigue
    limit_s = (
        rules.continuous_work_limit_min * 60
        if rules.continuous_work_limit_min is not None
        else None
    )
    rest_s, pause_s = rules.min_rest_min * 60, rules.gap_counts_as_rest_from_min * 60
    groups: list[tuple[float, float, float, float | None]] = []  # start, end, counted, due at
    for start, end in merged_work(work):
        if groups and start - groups[-1][1] < rest_s:
            first, last, counted, due = groups[-1]
            gap = start - last
            pieces = [(start, end - start)]
            if gap < pause_s:
                pieces.insert(0, (last, gap))
        else:
            first, counted, due = start, 0.0, None
            pieces = [(start, end - start)]
            groups.append((first, end, counted, due))
        for piece_start, length in pieces:
            if limit_s is not None and due is None and counted + length > limit_s:
                due = piece_start + (limit_s - counted)
            counted += length
        groups[-1] = (first, end, counted, due)
    stretches: list[WorkStretch] = []
    for index, (first, last, counted, due) in enumerate(groups):
        after = groups[index + 1][0] - last if index + 1 < len(groups) else None
        breach = limit_s is not None and counted > limit_s
        stretches.append(
            WorkStretch(
                start_s=first,
                end_s=last,
                continuous_s=counted,
                limit_s=limit_s,
                breach=breach,
                over_s=max(0.0, counted - limit_s) if limit_s is not None else 0.0,
                rest_due_at_s=due,
                rest_after_s=after,
                clause=_LIMIT,
                reasons=(
                    _stretch_reason(rulebook, first, last, counted, due),
                    *_rest_reasons(rulebook, last, after, owed=breach or due is not None),
                ),
            )
        )
    return tuple(stretches)


def _rest_reasons(
    rulebook: Rulebook, last: float, after: float | None, *, owed: bool
) -> tuple[Reason, ...]:
    """The rest that ended a stretch, or the rest still owed when the record ends without."""
    if after is not None:
        rest = rulebook.cite(
            _REST, "fatigue.rest_taken", rest_s=after, start_at=last, end_at=last + after
        )
        return (rest,)
    if owed:
        return (rulebook.cite(_REST, "fatigue.rest_owed", rest_min=rulebook.fatigue.min_rest_min),)
    return ()


def _stretch_reason(
    rulebook: Rulebook, first: float, last: float, counted: float, due: float | None
) -> Reason:
    rules = rulebook.fatigue
    limit_min = rules.continuous_work_limit_min
    if limit_min is None:
        return rulebook.cite(_LIMIT, "fatigue.no_limit")
    if counted <= limit_min * 60 or due is None:
        return rulebook.cite(
            _LIMIT,
            "fatigue.stretch_within",
            continuous_s=counted,
            start_at=first,
            end_at=last,
            limit_min=limit_min,
        )
    return rulebook.cite(
        _LIMIT,
        "fatigue.stretch_breach",
        continuous_s=counted,
        start_at=first,
        end_at=last,
        over_s=counted - limit_min * 60,
        limit_min=limit_min,
        rest_min=rules.min_rest_min,
        due_at=due,
    )


def rest_rule(rulebook: Rulebook) -> Message:
    """The rest clause in one sentence, for the rider: after how long a rest of how long."""
    rules = rulebook.fatigue
    if rules.continuous_work_limit_min is None:
        return say("fatigue.rule_no_limit")
    return say(
        "fatigue.rule",
        limit_s=rules.continuous_work_limit_min * 60,
        rest_s=rules.min_rest_min * 60,
    )


def merged_work(work: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """The work as a clock records it: in time order, overlapping and touching intervals
    merged, empty ones left out. `FatigueClock(book, work)` appends these one by one, as
    `add_work` would: a clock of the first few extended by the rest is the same clock."""
    merged: list[tuple[float, float]] = []
    for start, end in sorted(work):
        if end < start:
            raise ValueError(f"work ends ({end}) before it starts ({start})")
        if end == start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
