"""The anonymous self-check: PHQ-2 (depression) and GAD-2 (anxiety), two questions each,
public domain (Kroenke, Spitzer, Williams; Pfizer's grant of free use), with the standard
four answers scored 0-3. A total of 3 or more on either suggests a fuller assessment
(the cut-off both validation studies recommend). Pure: no database, no identity."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from gigcity.i18n import N_


class Instrument(StrEnum):
    phq2 = "phq2"
    gad2 = "gad2"


class Band(StrEnum):
    low = "low"  # below the cut-off
    assess = "assess"  # at or above it: a fuller assessment is suggested


CUTOFF = 3  # a total of 3 or more (of 6) suggests a fuller assessment
MAX_ANSWER = 3

STEM = N_(
    "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
)
QUESTIONS: dict[Instrument, tuple[str, str]] = {
    Instrument.phq2: (
        N_("Little interest or pleasure in doing things"),
        N_("Feeling down, depressed, or hopeless"),
    ),
    Instrument.gad2: (
        N_("Feeling nervous, anxious or on edge"),
        N_("Not being able to stop or control worrying"),
    ),
}
ANSWERS: tuple[str, str, str, str] = (
    N_("Not at all"),
    N_("Several days"),
    N_("More than half the days"),
    N_("Nearly every day"),
)


@dataclass(frozen=True, slots=True)
class Score:
    instrument: Instrument
    total: int
    band: Band


def score(instrument: Instrument, answers: tuple[int, int] | list[int]) -> Score:
    """The total of two answers (each 0-3) and its band; ValueError on anything else."""
    if len(answers) != 2:
        raise ValueError(f"{instrument.value} has 2 questions, got {len(answers)} answers")
    for answer in answers:
        if isinstance(answer, bool) or not isinstance(answer, int):
            raise ValueError(f"an answer is a whole number 0-{MAX_ANSWER}, got {answer!r}")
        if not 0 <= answer <= MAX_ANSWER:
            raise ValueError(f"an answer is 0-{MAX_ANSWER}, got {answer}")
    total = sum(answers)
    return Score(instrument, total, Band.assess if total >= CUTOFF else Band.low)
