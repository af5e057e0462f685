"""Every clause's human title, in English and Chinese: pages show titles, never clause ids.

The titles are data (`clause_titles.yaml` beside this module), one entry per section and
per clause path of the rulebook schema (`clause_paths()`), each with `en` and `zh_CN`. The
catalogue is checked when it is first read (before any rulebook loads): a clause without
both titles, or a title for a clause that does not exist, is an error that names it.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from gigcity.rules.model import SECTIONS, clause_paths

CATALOGUE = "clause_titles.yaml"
LANGUAGES = ("en", "zh_CN")


class ClauseTitleError(ValueError):
    """The title catalogue is incomplete or names clauses that do not exist."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__("\n".join(f"{source}: {problem}" for problem in problems))


def wanted_paths() -> tuple[str, ...]:
    """What needs a title: every section, every group of clauses (`pricing.stairs`) and
    every clause of the schema."""
    wanted: dict[str, None] = dict.fromkeys(SECTIONS)
    for path in clause_paths():
        parts = path.split(".")
        for end in range(1, len(parts) + 1):
            wanted.setdefault(".".join(parts[:end]))
    return tuple(wanted)


def parse_clause_titles(text: str, source: str = "<text>") -> dict[str, dict[str, str]]:
    """The catalogue from YAML text, checked: path -> {language: title}."""
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ClauseTitleError(source, [f"not valid YAML: {error}"]) from None
    if not isinstance(data, dict):
        raise ClauseTitleError(source, ["the catalogue is a mapping of clause paths to titles"])
    problems: list[str] = []
    titles: dict[str, dict[str, str]] = {}
    wanted = wanted_paths()
    for path in wanted:
        entry = data.get(path)
        if not isinstance(entry, dict):
            problems.append(f"{path}: no titles (needs {' and '.join(LANGUAGES)})")
            continue
        missing = [
            language
            for language in LANGUAGES
            if not isinstance(entry.get(language), str) or not entry[language].strip()
        ]
        if missing:
            problems.append(f"{path}: no title in {', '.join(missing)}")
            continue
        titles[path] = {language: entry[language].strip() for language in LANGUAGES}
    unknown = sorted(str(path) for path in data if path not in wanted)
    problems.extend(f"{path}: not a clause or section of a rulebook" for path in unknown)
    if problems:
        raise ClauseTitleError(source, problems)
    return titles


@cache
def clause_titles() -> dict[str, dict[str, str]]:
    """The shipped catalogue, read and checked once."""
    entry = resources.files("gigcity.rules") / CATALOGUE
    return parse_clause_titles(entry.read_text(encoding="utf-8"), source=CATALOGUE)


def clause_title(path: str, locale: str) -> str:
    """The title of a clause or section in `locale` (`zh_CN`, else English).

    A path below a clause (e.g. `pricing.stairs.fen_per_floor`) that has no entry of its own
    takes its nearest titled parent's; an unknown path is returned as it is.
    """
    language = "zh_CN" if locale.startswith("zh") else "en"
    titles = clause_titles()
    probe = path
    while probe:
        if probe in titles:
            return titles[probe][language]
        probe = probe.rpartition(".")[0]
    return path
