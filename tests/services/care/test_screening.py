"""PHQ-2 and GAD-2 scoring: each answer 0-3, a total of 3 or more suggests a fuller
assessment; the band boundaries hold for every combination, and nothing else is accepted."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from gigcity.services.care import ANSWERS, CUTOFF, QUESTIONS, Band, Instrument
from gigcity.services.care.screening import score

answer = st.integers(min_value=0, max_value=3)
instrument = st.sampled_from(list(Instrument))


@given(instrument, answer, answer)
@example(Instrument.phq2, 1, 1)  # 2: the highest total below the cut-off
@example(Instrument.gad2, 0, 3)  # 3: the lowest at it, from one answer alone
@example(Instrument.phq2, 3, 3)
def test_the_band_is_assess_exactly_from_a_total_of_three(kind: Instrument, a: int, b: int) -> None:
    result = score(kind, [a, b])
    assert result.total == a + b
    assert (result.band == Band.assess) == (a + b >= CUTOFF)
    assert result.instrument == kind


@given(instrument, answer, answer)
def test_a_higher_answer_never_lowers_the_band(kind: Instrument, a: int, b: int) -> None:
    before = score(kind, [a, b]).band
    after = score(kind, [min(a + 1, 3), b]).band
    assert not (before == Band.assess and after == Band.low)


@given(instrument, st.integers().filter(lambda n: not 0 <= n <= 3), answer)
def test_an_answer_out_of_range_is_refused(kind: Instrument, bad: int, good: int) -> None:
    with pytest.raises(ValueError, match="0-3"):
        score(kind, [good, bad])


@pytest.mark.parametrize("answers", [[], [1], [1, 2, 3], [True, 1], [1.0, 2]])
def test_two_whole_answers_only(answers: list[object]) -> None:
    with pytest.raises(ValueError, match="answer"):
        score(Instrument.gad2, answers)  # type: ignore[arg-type]


def test_the_questionnaires_are_two_questions_of_four_answers() -> None:
    assert CUTOFF == 3
    assert all(len(questions) == 2 for questions in QUESTIONS.values())
    assert len(ANSWERS) == 4
