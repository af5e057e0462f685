"""What the rulebook service takes and gives: publications, summaries, orders and quotes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from gigcity.i18n import N_, gettext
from gigcity.rules import ClauseRow, Message
from gigcity.services.rulebooks.wording import reason_text, title_of_clause

# A short name for each clause that produces a line of pay, in the reader's language.
LINE_TITLES: dict[str, str] = {
    "pricing": N_("Order pay"),
    "pricing.base_fare_fen": N_("Base fare"),
    "pricing.distance_tiers": N_("Distance"),
    "pricing.weight_tiers": N_("Weight"),
    "pricing.bulky_fen": N_("Bulky order"),
    "pricing.stairs": N_("Stairs without a lift"),
    "pricing.old_estate_fen": N_("Old estate"),
    "pricing.night": N_("Night surcharge"),
    "pricing.bad_weather_fen": N_("Weather alert"),
    "pricing.traffic_control_detour": N_("Traffic-control detour"),
    "service_score.late_fine_fen_per_min": N_("Late-delivery fine"),
    "service_score.late_fine_cap_fen": N_("Late-delivery fine (capped)"),
    "guarantee.hourly_minimum_fen": N_("Hourly minimum top-up"),
}


def yuan_text(fen: int) -> str:
    """Integer fen as an exact yuan amount: 590 -> '5.90', -50 -> '-0.50'."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


class RulebookRef(BaseModel):
    """Which rulebook version produced a decision: ids for programs, titles for people."""

    id: str
    version: int
    ref: str = Field(description="`id@version`, e.g. `putuo-2025@1`")
    title: str = Field(description="The rulebook's title in the reader's language")
    title_en: str = Field(description="The title in English")
    title_zh: str = Field(description="The title in Chinese (English for old versions without)")
    label: str = Field(
        description="How pages name this version, e.g. 《普陀区外卖算法与劳动规则协议（2025）》第1版"
    )

    def in_locale(self, locale: str) -> RulebookRef:
        zh = locale.startswith("zh")
        title = self.title_zh if zh else self.title_en
        label = f"《{title}》第{self.version}版" if zh else f"“{title}”, version {self.version}"
        return self.model_copy(update={"title": title, "label": label})


class RulebookVersionOut(BaseModel):
    """One published version: when it takes effect and who published it."""

    rulebook_id: str
    version: int
    ref: str
    title: str = Field(description="The rulebook's title in the reader's language")
    title_en: str = Field(description="The title in English")
    title_zh: str = Field(description="The title in Chinese (English for old versions without)")
    effective_from: date = Field(description="The day this publication takes effect")
    effective_until: date | None = Field(description="The rulebook's own end date, if any")
    published_at: datetime
    publisher: str
    audit: str = Field(description="How it came to be published (e.g. automatically at first use)")
    url: str


class RulesOverview(BaseModel):
    day: date = Field(description="The day `active` is for (district local)")
    active: RulebookVersionOut | None = Field(description="The rulebook in force on `date`")
    versions: list[RulebookVersionOut] = Field(description="Every published version, newest first")


class RulebookVersionDetail(RulebookVersionOut):
    source_format: str = Field(description="yaml or json, as published")
    source_text: str = Field(description="The rulebook exactly as published (comments kept)")
    content_sha256: str
    rulebook: dict[str, Any] = Field(description="The rulebook's clauses as data")
    clauses: list[ClauseRow] = Field(description="Every clause, formatted as negotiators read it")


class OrderIn(BaseModel):
    """An order to price; `at` is when it is priced (naive: district local time; default now)."""

    model_config = ConfigDict(extra="forbid")

    order_id: Annotated[str, Field(max_length=120)] = ""
    distance_m: int = Field(ge=0, le=200_000, description="Planned trip, pickup to drop-off")
    weight_g: int = Field(0, ge=0, le=500_000)
    bulky: bool = False
    floor: int = Field(1, ge=1, le=300, description="Storey of the drop-off; 1 is the ground")
    has_lift: bool = True
    old_estate: bool = False
    weather_alert: bool = False
    traffic_control_detour_m: int = Field(0, ge=0, le=200_000)
    traffic_control_detour_s: int = Field(0, ge=0, le=86_400)
    at: datetime | None = None


class PayLineOut(BaseModel):
    """One line of pay: the clause behind it, a short title, how it was worked out, the amount."""

    clause: str = Field(description="The clause's id, e.g. `pricing.base_fare_fen`")
    clause_title: str = Field(description="The clause's title in the reader's language")
    title: str
    text: str = Field(description="How the amount was worked out, in the reader's language")
    message: Message | None = Field(
        None, description="The same as a message id with parameters (see docs/agreement-and-pay)"
    )
    amount_fen: int
    amount_yuan: str
    order_id: str | None = None


def pay_line(
    clause: str,
    text: str,
    amount_fen: int,
    order_id: str | None = None,
    message: Message | None = None,
) -> PayLineOut:
    return PayLineOut(
        clause=clause,
        clause_title=title_of_clause(clause, "en"),
        title=LINE_TITLES.get(clause, clause),
        text=text,
        message=message,
        amount_fen=amount_fen,
        amount_yuan=yuan_text(amount_fen),
        order_id=order_id,
    )


def localise_lines(lines: list[PayLineOut], locale: str) -> list[PayLineOut]:
    """Titles and texts of `lines` in `locale` (the lines are built in English)."""
    return [
        line.model_copy(
            update={
                "title": gettext(locale, line.title),
                "clause_title": title_of_clause(line.clause, locale),
                "text": reason_text(line.message, line.text, locale),
            }
        )
        for line in lines
    ]


class QuoteOut(BaseModel):
    rulebook: RulebookRef
    published: bool = Field(description="False for a shipped rulebook no one has published")
    order_id: str
    at: datetime
    lines: list[PayLineOut]
    total_fen: int
    total_yuan: str

    def in_locale(self, locale: str) -> QuoteOut:
        return self.model_copy(
            update={
                "lines": localise_lines(self.lines, locale),
                "rulebook": self.rulebook.in_locale(locale),
            }
        )
