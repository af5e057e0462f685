"""Rulebooks clause by clause: one row per clause to show, and two rulebooks side by side."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from gigcity.rules.display import clause_value
from gigcity.rules.model import SECTIONS, Rulebook, clause_paths
from gigcity.rules.titles import clause_title

JsonValue = Any


class ClauseRow(BaseModel):
    """One clause of one rulebook, as a negotiator reads it."""

    model_config = ConfigDict(frozen=True)

    clause: str
    section: str
    label: str
    title_en: str
    title_zh: str
    shown: str
    value: JsonValue
    assumed: bool


class ClauseDiff(BaseModel):
    """One clause in two rulebooks."""

    model_config = ConfigDict(frozen=True)

    clause: str
    section: str
    label: str
    title_en: str
    title_zh: str
    a: str
    b: str
    a_assumed: bool
    b_assumed: bool
    changed: bool


def clause_rows(rulebook: Rulebook) -> list[ClauseRow]:
    """Every clause of `rulebook` in schema order, values formatted by their unit."""
    dumped = rulebook.model_dump(mode="json")
    rows = []
    for path in clause_paths():
        parts = path.split(".")
        holder: BaseModel = rulebook
        raw: JsonValue = dumped
        for part in parts[:-1]:
            holder = getattr(holder, part)
            raw = raw[part]
        name = parts[-1]
        field = type(holder).model_fields[name]
        rows.append(
            ClauseRow(
                clause=path,
                section=parts[0] if parts[0] in SECTIONS else "agreement",
                label=field.description or name.replace("_", " "),
                title_en=clause_title(path, "en"),
                title_zh=clause_title(path, "zh_CN"),
                shown=clause_value(name, getattr(holder, name)),
                value=raw[name],
                assumed=path in rulebook.assumptions,
            )
        )
    return rows


def diff_rulebooks(a: Rulebook, b: Rulebook) -> list[ClauseDiff]:
    """Both rulebooks clause by clause; `changed` marks the clauses whose values differ."""
    return [
        ClauseDiff(
            clause=left.clause,
            section=left.section,
            label=left.label,
            title_en=left.title_en,
            title_zh=left.title_zh,
            a=left.shown,
            b=right.shown,
            a_assumed=left.assumed,
            b_assumed=right.assumed,
            changed=left.value != right.value,
        )
        for left, right in zip(clause_rows(a), clause_rows(b), strict=True)
    ]
