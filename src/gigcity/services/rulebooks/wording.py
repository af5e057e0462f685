"""The rules engine's messages and clause titles in the reader's language.

The engine says what it means as message ids with parameters (`gigcity.rules.messages`);
this is the edge that turns them into sentences: the template from the `rules` catalogue,
each parameter in the reader's units (Babel numbers, exact yuan amounts). Chinese first,
English on request.
"""

from __future__ import annotations

import math
from typing import Any

from gigcity.i18n import format_money, format_number, translations
from gigcity.rules import Message, Rulebook, clause_title
from gigcity.rules.messages import render

_LIST_SEPARATOR = {"zh_CN": "；", "en": ", "}


def _zh(locale: str) -> bool:
    return locale.startswith("zh")


def duration_text(seconds: float, locale: str) -> str:
    """Hours and minutes: '5小时20分钟' / '5 h 20 min' (seconds only under a minute)."""
    whole_min = int(seconds // 60)
    hours, mins = divmod(whole_min, 60)
    zh = _zh(locale)
    if not whole_min:
        return f"{int(seconds)}秒" if zh else f"{int(seconds)} s"
    parts = []
    if hours:
        parts.append(f"{hours}小时" if zh else f"{hours} h")
    if mins:
        parts.append(f"{mins}分钟" if zh else f"{mins} min")
    return "".join(parts) if zh else " ".join(parts)


def minutes_text(total_min: int, locale: str) -> str:
    """Whole minutes, with hours when whole: '240分钟（4小时）' / '240 min (4 h)'."""
    if _zh(locale):
        text = f"{total_min}分钟"
        return (
            f"{text}（{total_min // 60}小时）" if total_min >= 60 and total_min % 60 == 0 else text
        )
    text = f"{total_min} min"
    return f"{text} ({total_min // 60} h)" if total_min >= 60 and total_min % 60 == 0 else text


def clock_text(at_s: float, locale: str) -> str:
    """Seconds on the clock as HH:MM; a later day is named ('次日 01:10' / '01:10 (day 1)')."""
    day, second = divmod(int(at_s), 86_400)
    text = f"{second // 3600:02d}:{second // 60 % 60:02d}"
    if not day:
        return text
    if _zh(locale):
        return f"次日{text}" if day == 1 else f"第{day}天{text}"
    return f"{text} (day {day})"


def value_text(name: str, value: Any, locale: str) -> str:
    """One message parameter in `locale`, by the unit its name declares."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return str(value)
    zh = _zh(locale)
    if name.endswith("_fen"):
        return format_money(int(value), locale)
    if name.endswith("_s"):
        return duration_text(value, locale)
    if name.endswith("_min"):
        return minutes_text(int(value), locale)
    if name.endswith("_m"):
        if value >= 1000:
            return format_number(value / 1000, locale, digits=2) + ("公里" if zh else " km")
        return format_number(value, locale, digits=0) + ("米" if zh else " m")
    if name.endswith("_g"):
        return format_number(value / 1000, locale, digits=2) + ("千克" if zh else " kg")
    if name.endswith("_at"):
        return clock_text(value, locale)
    if name.endswith("_pct"):
        return format_number(value, locale, digits=0) + ("%" if zh else " %")
    if name.endswith("_points"):
        return f"{int(value):+d}"
    return format_number(value, locale, digits=2)


def message_text(message: Message, locale: str) -> str:
    """`message` as a sentence in `locale` (zh_CN, else English)."""
    catalogue = translations(locale, "rules")
    return render(
        message,
        catalogue.gettext,
        lambda name, value: value_text(name, value, locale),
        _LIST_SEPARATOR["zh_CN" if _zh(locale) else "en"],
    )


def reason_text(message: Message | None, english: str, locale: str) -> str:
    """The sentence for a reason or line: its message in `locale`; its English text when
    it carries no message (reasons made before messages, or by other engines)."""
    return message_text(message, locale) if message is not None else english


def title_of_clause(clause: str, locale: str) -> str:
    """A clause's human title in `locale` (never its dotted id on a page)."""
    return clause_title(clause, locale)


def rulebook_title(rulebook: Rulebook, locale: str) -> str:
    return rulebook.title_in(locale)


def rulebook_label(rulebook: Rulebook, locale: str) -> str:
    """How a page names a rulebook version: '《普陀区…（2025）》第1版' / '"Putuo…" version 1'."""
    if _zh(locale):
        return f"《{rulebook.title_in(locale)}》第{rulebook.version}版"
    return f"“{rulebook.title}”, version {rulebook.version}"
