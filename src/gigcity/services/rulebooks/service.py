"""Published rulebooks: admins publish versions, everyone reads them, orders are priced.

The rulebook in force on a day is the publication with the latest effective date on or before
it (the later publication when two share a date), unless that rulebook's own
`effective_until` has passed. Versions are never replaced: a change is a new version number.
When nothing is published yet, the shipped `putuo-2025` becomes the version of record at
first use, and its audit says so.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from gigcity.db.models import RulebookVersion, utcnow
from gigcity.db.session import transaction
from gigcity.i18n import N_, gettext
from gigcity.rules import (
    OrderFacts,
    Rulebook,
    RulebookError,
    RuleProblem,
    clause_rows,
    list_rulebooks,
    load_rulebook,
    parse_rulebook,
    quote_order,
)
from gigcity.services.accounts import Principal, Role
from gigcity.services.day_clock import DayClock, as_utc
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.idempotent import insert_unless_present
from gigcity.services.rulebooks.schemas import (
    OrderIn,
    QuoteOut,
    RulebookRef,
    RulebookVersionDetail,
    RulebookVersionOut,
    RulesOverview,
    pay_line,
    yuan_text,
)

VERSION_OF_RECORD = "putuo-2025"
VERSION_OF_RECORD_AUDIT = N_(
    "Published automatically at first use: no rulebook had been published, so the shipped "
    "putuo-2025 became the version of record."
)
SOURCE_FORMATS = ("yaml", "json")
VersionT = TypeVar("VersionT", bound=RulebookVersionOut)


class RulebookInvalid(InvalidInput):
    """A rulebook sent for publication that cannot be used; `problems` lists every fault."""

    def __init__(self, problems: tuple[RuleProblem, ...]) -> None:
        first = problems[0]
        where = f"line {first.line}: {first.path}" if first.line else first.path
        super().__init__(
            N_(
                "The rulebook cannot be published ({count} problems found). First: {where}: {problem}"
            ),
            field=first.path,
            count=len(problems),
            where=where,
            problem=first.message,
        )
        self.problems = problems


@dataclass(frozen=True, slots=True)
class RulebookChoice:
    """A rulebook to price with, and whether it is a publication or only a shipped file."""

    rulebook: Rulebook
    published: bool


def content_sha256(rulebook: Rulebook) -> str:
    canonical = json.dumps(rulebook.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def version_out(row: RulebookVersion, rulebook: Rulebook | None = None) -> RulebookVersionOut:
    """A publication as the API shows it; with its parsed `rulebook`, its Chinese title too."""
    title_zh = rulebook.title_zh if rulebook is not None and rulebook.title_zh else row.title
    return RulebookVersionOut(
        rulebook_id=row.rulebook_id,
        version=row.version,
        ref=f"{row.rulebook_id}@{row.version}",
        title=row.title,
        title_en=row.title,
        title_zh=title_zh,
        effective_from=row.effective_from,
        effective_until=row.effective_until,
        published_at=as_utc(row.published_at),
        publisher=row.publisher,
        audit=row.audit,
        url=f"/api/rules/{row.rulebook_id}/versions/{row.version}",
    )


def localise_version(out: VersionT, locale: str) -> VersionT:
    # Audits written by gigcity are msgids; an admin's own note comes back unchanged.
    return out.model_copy(
        update={
            "audit": gettext(locale, out.audit) if out.audit else "",
            "title": out.title_zh if locale.startswith("zh") else out.title_en,
        }
    )


def rulebook_ref(rulebook: Rulebook) -> RulebookRef:
    """The rulebook version behind a decision, in English until `in_locale` is applied."""
    return RulebookRef(
        id=rulebook.id,
        version=rulebook.version,
        ref=rulebook.ref,
        title=rulebook.title,
        title_en=rulebook.title,
        title_zh=rulebook.title_in("zh_CN"),
        label=f"“{rulebook.title}”, version {rulebook.version}",
    ).in_locale("en")


class RulebooksService:
    def __init__(self, factory: sessionmaker[Session], clock: DayClock) -> None:
        self.factory = factory
        self.clock = clock
        self._parsed: dict[tuple[int, str], Rulebook] = {}
        self._seeded = False

    # -- the version of record -------------------------------------------------------------

    def ensure_version_of_record(self) -> None:
        """Publish the shipped putuo-2025 when the database has no rulebook at all."""
        if self._seeded:
            return
        with transaction(self.factory) as session:
            if session.scalar(select(func.count()).select_from(RulebookVersion)) == 0:
                entry = resources.files("gigcity.rules") / "rulebooks" / f"{VERSION_OF_RECORD}.yaml"
                text = entry.read_text(encoding="utf-8")
                rulebook = parse_rulebook(text, source=f"{VERSION_OF_RECORD}.yaml")
                # A concurrent first use may store it first; either way it is stored once.
                insert_unless_present(
                    session,
                    RulebookVersion,
                    self._row_values(rulebook, text, "yaml", rulebook.effective_from)
                    | {"publisher": "gigcity", "audit": VERSION_OF_RECORD_AUDIT},
                    ("rulebook_id", "version"),
                )
        self._seeded = True

    # -- publishing --------------------------------------------------------------------------

    def publish(
        self,
        principal: Principal,
        text: str,
        *,
        source_format: str = "yaml",
        effective_from: date | None = None,
        note: str = "",
    ) -> RulebookVersionDetail:
        """Publish a new rulebook version from its YAML (or JSON) text."""
        if principal.role != Role.admin:
            raise Forbidden(N_("Only district admins may do this."))
        if source_format not in SOURCE_FORMATS:
            raise InvalidInput(N_("Unknown source format '{name}'."), name=source_format)
        if not text.strip():
            raise InvalidInput(N_("The request body is empty; send the rulebook as YAML or JSON."))
        try:
            rulebook = parse_rulebook(text, source="request body")
        except RulebookError as error:
            raise RulebookInvalid(error.problems) from None
        effective = effective_from or rulebook.effective_from
        if effective < rulebook.effective_from:
            raise InvalidInput(
                N_("The publication cannot take effect on {effective}, before the rulebook's own effective_from ({start})."),
                field="effective_from",
                effective=effective.isoformat(),
                start=rulebook.effective_from.isoformat(),
            )  # fmt: skip
        until = rulebook.effective_until
        if until is not None and effective > until:
            raise InvalidInput(
                N_("The publication cannot take effect on {effective}, after the rulebook's own effective_until ({until})."),
                field="effective_from",
                effective=effective.isoformat(),
                until=until.isoformat(),
            )  # fmt: skip
        self.ensure_version_of_record()
        with transaction(self.factory) as session:
            latest = session.scalar(
                select(func.max(RulebookVersion.version)).where(
                    RulebookVersion.rulebook_id == rulebook.id
                )
            )
            if latest is not None and rulebook.version <= latest:
                raise self._version_taken(rulebook, latest)
            values = self._row_values(rulebook, text, source_format, effective) | {
                "published_by": principal.account_id,
                "publisher": principal.label or "admin",
                "audit": note.strip(),
            }
            if not insert_unless_present(
                session, RulebookVersion, values, ("rulebook_id", "version")
            ):
                raise self._version_taken(rulebook, rulebook.version)  # lost a race
            row = self._row(session, rulebook.id, rulebook.version)
            return self._detail(row)

    @staticmethod
    def _version_taken(rulebook: Rulebook, latest: int) -> Conflict:
        if rulebook.version == latest:
            return Conflict(
                N_("{ref} is published already; versions are never replaced, so publish version {next}."),
                field="version",
                ref=rulebook.ref,
                next=latest + 1,
            )  # fmt: skip
        return Conflict(
            N_("Version {version} of {id} is below its latest published version ({latest}); versions only go up."),
            field="version",
            version=rulebook.version,
            id=rulebook.id,
            latest=latest,
        )  # fmt: skip

    def _row_values(
        self, rulebook: Rulebook, text: str, source_format: str, effective: date
    ) -> dict[str, object]:
        return {
            "rulebook_id": rulebook.id,
            "version": rulebook.version,
            "title": rulebook.title[:300],
            "effective_from": effective,
            "effective_until": rulebook.effective_until,
            "source_text": text,
            "source_format": source_format,
            "content_sha256": content_sha256(rulebook),
            "published_at": utcnow(),
            "published_by": None,
        }

    # -- reading ---------------------------------------------------------------------------

    def overview(self, on: date | None = None) -> RulesOverview:
        """The rulebook in force on `on` (default today) and every published version."""
        day = on or self.clock.today()
        self.ensure_version_of_record()
        with self.factory() as session:
            active = self.in_force(session, day)
            rows = session.scalars(select(RulebookVersion).order_by(RulebookVersion.id.desc()))
            return RulesOverview(
                day=day,
                active=version_out(active, self.rulebook_of(active))
                if active is not None
                else None,
                versions=[version_out(row, self.rulebook_of(row)) for row in rows],
            )

    def detail(self, rulebook_id: str, version: int) -> RulebookVersionDetail:
        self.ensure_version_of_record()
        with self.factory() as session:
            return self._detail(self._row(session, rulebook_id, version))

    def _detail(self, row: RulebookVersion) -> RulebookVersionDetail:
        rulebook = self.rulebook_of(row)
        return RulebookVersionDetail(
            **version_out(row, rulebook).model_dump(),
            source_format=row.source_format,
            source_text=row.source_text,
            content_sha256=row.content_sha256,
            rulebook=rulebook.model_dump(mode="json"),
            clauses=clause_rows(rulebook),
        )

    def _row(self, session: Session, rulebook_id: str, version: int) -> RulebookVersion:
        row = session.scalar(
            select(RulebookVersion).where(
                RulebookVersion.rulebook_id == rulebook_id, RulebookVersion.version == version
            )
        )
        if row is None:
            raise NotFound(N_("Rulebook {ref} is not published."), ref=f"{rulebook_id}@{version}")
        return row

    def in_force(self, session: Session, day: date) -> RulebookVersion | None:
        """The publication in force on `day`, or None before the first takes effect."""
        candidates = session.scalars(
            select(RulebookVersion)
            .where(RulebookVersion.effective_from <= day)
            .order_by(RulebookVersion.effective_from.desc(), RulebookVersion.id.desc())
        )
        for row in candidates:
            if row.effective_until is None or day <= row.effective_until:
                return row
        return None

    def rulebook_of(self, row: RulebookVersion) -> Rulebook:
        """The parsed rulebook of a publication (parsed once; publications never change)."""
        key = (row.id, row.content_sha256)
        rulebook = self._parsed.get(key)
        if rulebook is None:
            # Read as published: versions published before Chinese titles were required
            # stay readable (their title is shown in English).
            rulebook = parse_rulebook(
                row.source_text, source=f"{row.rulebook_id}@{row.version}", stored=True
            )
            self._parsed[key] = rulebook
        return rulebook

    # -- pricing -----------------------------------------------------------------------------

    def quote(
        self, order: OrderIn, rulebook_id: str | None = None, version: int | None = None
    ) -> QuoteOut:
        """Price an order under the rulebook in force when it is priced, or a named one."""
        at = (
            self.clock.local(order.at)
            if order.at is not None
            else self.clock.local(self.clock.now())
        )
        choice = self.choose(self.clock.day_of(at), rulebook_id, version)
        facts = OrderFacts(**order.model_dump(exclude={"at"}), at_s=self.clock.clock_seconds(at))
        quote = quote_order(choice.rulebook, facts)
        return QuoteOut(
            rulebook=rulebook_ref(choice.rulebook),
            published=choice.published,
            order_id=order.order_id,
            at=at,
            lines=[
                pay_line(line.clause, line.text, line.amount_fen, message=line.message)
                for line in quote.lines
            ],
            total_fen=quote.total_fen,
            total_yuan=yuan_text(quote.total_fen),
        )

    def choose(self, day: date, rulebook_id: str | None, version: int | None) -> RulebookChoice:
        """The rulebook in force on `day`; or the named one (its latest version by default);
        or, when that name is not published, the rulebook of that name shipped with gigcity."""
        self.ensure_version_of_record()
        if rulebook_id is None:
            if version is not None:
                raise InvalidInput(N_("Name the rulebook whose version you mean."), field="version")
            with self.factory() as session:
                row = self.in_force(session, day)
                if row is None:
                    raise NotFound(
                        N_("No rulebook is in force on {day}."), field="at", day=day.isoformat()
                    )
                return RulebookChoice(self.rulebook_of(row), published=True)
        with self.factory() as session:
            query = select(RulebookVersion).where(RulebookVersion.rulebook_id == rulebook_id)
            if version is not None:
                query = query.where(RulebookVersion.version == version)
            row = session.scalar(query.order_by(RulebookVersion.version.desc()).limit(1))
            if row is not None:
                return RulebookChoice(self.rulebook_of(row), published=True)
            published_any = session.scalar(
                select(func.count())
                .select_from(RulebookVersion)
                .where(RulebookVersion.rulebook_id == rulebook_id)
            )
        if not published_any and rulebook_id in list_rulebooks():
            shipped = load_rulebook(rulebook_id)
            if version is None or version == shipped.version:
                return RulebookChoice(shipped, published=False)
        if version is not None:
            raise NotFound(
                N_("Rulebook {ref} is not published."),
                field="version",
                ref=f"{rulebook_id}@{version}",
            )
        raise NotFound(
            N_("No rulebook named '{name}' is published or shipped."),
            field="rulebook",
            name=rulebook_id,
        )
