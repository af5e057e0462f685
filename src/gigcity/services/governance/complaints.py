"""12345 hotline records: a file uploaded by district staff is kept in the file store and
read by a background job — row by row, refusing what cannot be read (with the row and the
reason), placing each record by its address and sorting it under a delivery topic, and
keeping it once however often it is imported (its fingerprint is unique). Records no
address matched are listed for a person to place."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import PurePath
from typing import Any, cast

from sqlalchemy import Table, func, select, text, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from gigcity.db.models import GovComplaint, GovImport, Place
from gigcity.db.session import transaction
from gigcity.i18n import N_, gettext
from gigcity.services.accounts import Principal
from gigcity.services.errors import Conflict, InvalidInput, NotFound
from gigcity.services.governance.addresses import Gazetteer, parse_address
from gigcity.services.governance.aliases import AliasesMixin, place_waiting, remember
from gigcity.services.governance.base import GovernanceBase
from gigcity.services.governance.gazetteer import read_gazetteer
from gigcity.services.governance.hotline_file import (
    HotlineRow,
    Refusal,
    fingerprint,
    read_hotline_file,
)
from gigcity.services.governance.rules import RulesMixin
from gigcity.services.governance.schemas import (
    ComplaintOut,
    ComplaintPage,
    ImportOut,
    ImportStatus,
    PlacedOut,
    Placing,
    RowRefusal,
)
from gigcity.services.governance.topics import TOPIC_TITLES, Classified, Topic, TopicClassifier
from gigcity.services.jobs import JobSpec
from gigcity.services.types import as_utc
from gigcity.services.uploads import upload_name

IMPORT_JOB = JobSpec("governance.import")
MAX_FILE_BYTES = 64 * 1024 * 1024
BATCH_ROWS = 1000  # rows written per transaction (and the progress shown between them)
REFUSALS_KEPT = 1000  # refused rows listed with their reason; all are counted
MAX_PAGE = 500
# Callers' numbers in a record's text are not needed to see where conflicts are: they are
# masked before anything is stored (mobile numbers, and landlines with an area code).
_PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")
PHONE_MASK = "[电话]"


def mask_phones(text: str) -> str:
    return _PHONE.sub(PHONE_MASK, text)


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


class ComplaintsMixin(RulesMixin, AliasesMixin, GovernanceBase):
    # -- the upload and the job ------------------------------------------------------------

    def start_import(
        self,
        principal: Principal,
        filename: str,
        data: bytes,
        *,
        synthetic: bool = False,
        wait: bool = False,
    ) -> ImportOut:
        """Keep the file and queue its import; the answer's id tells its progress. `wait`
        (the demo, tools): read it now, in this process."""
        self.require_admin(principal)
        name = upload_name(filename, data, MAX_FILE_BYTES)
        if PurePath(name).suffix.lower() not in (".csv", ".xlsx", ".txt"):
            raise InvalidInput(
                N_("Upload the hotline's export as CSV or XLSX (got {name})."),
                field="file",
                name=name,
            )
        sha = hashlib.sha256(data).hexdigest()
        with transaction(self.factory) as session:
            row = GovImport(
                filename=name,
                sha256=sha,
                status=ImportStatus.queued.value,
                refusals=[],
                synthetic=synthetic,
                by_id=principal.account_id,
                at=self.clock(),
            )
            session.add(row)
            session.flush()
            key = f"governance/imports/{row.id}-{sha[:16]}{PurePath(name).suffix.lower()}"
            self.files.put(key, data, "application/octet-stream")
            row.file_key = key
            queued = self.jobs is not None and not wait
            if queued:
                assert self.jobs is not None
                self.jobs.defer(session, IMPORT_JOB.name, import_id=row.id)
            import_id = row.id
        if not queued:
            self.run_import(import_id)
        return self.get_import(principal, import_id, "en")

    def run_import(self, import_id: int) -> None:
        """The job: read the file, write its records in batches (progress after each),
        then forget the file. Run again after a crash, it starts over: records already
        written are duplicates of themselves and are not written twice."""
        with transaction(self.factory) as session:
            claimed = session.execute(
                update(GovImport)
                .where(
                    GovImport.id == import_id,
                    GovImport.status.in_([ImportStatus.queued.value, ImportStatus.running.value]),
                )
                .values(
                    status=ImportStatus.running.value,
                    rows_read=0,
                    accepted=0,
                    duplicates=0,
                    refused=0,
                    unplaced=0,
                )
            ).rowcount  # type: ignore[attr-defined]
            row = session.get(GovImport, import_id)
            if not claimed or row is None or row.file_key is None:
                return  # done, failed, or gone: nothing to do
            key, name, synthetic = row.file_key, row.filename, row.synthetic
            gazetteer = read_gazetteer(session, self.district)
        classifier = self.classifier()
        data = self.files.get(key)
        counts = {"rows_read": 0, "accepted": 0, "duplicates": 0, "refused": 0, "unplaced": 0}
        refusals: list[dict[str, Any]] = []
        try:
            if data is None:
                raise InvalidInput(N_("The uploaded file is no longer in the file store."))
            batch: list[dict[str, Any]] = []
            for item in read_hotline_file(data, name, tz=self.tz, now=self.clock()):
                counts["rows_read"] += 1
                if isinstance(item, Refusal):
                    counts["refused"] += 1
                    if len(refusals) < REFUSALS_KEPT:
                        refusals.append(
                            {
                                "line": item.line,
                                "field": item.field,
                                "reason": item.reason,
                                "params": dict(item.params),
                            }
                        )
                    continue
                batch.append(self._record(item, import_id, synthetic, gazetteer, classifier))
                if len(batch) >= BATCH_ROWS:
                    self._write_batch(import_id, batch, counts)
                    batch = []
            self._write_batch(import_id, batch, counts)
        except InvalidInput as problem:
            self._finish(import_id, counts, refusals, problem)
            return
        self._finish(import_id, counts, refusals, None)
        self.files.delete(key)

    def _record(
        self,
        item: HotlineRow,
        import_id: int,
        synthetic: bool,
        gazetteer: Gazetteer,
        classifier: TopicClassifier,
    ) -> dict[str, Any]:
        content = mask_phones(item.content)
        address = mask_phones(item.address)
        classified = classifier.classify(f"{item.category} {content}")
        record: dict[str, Any] = {
            "fingerprint": fingerprint(item),
            "import_id": import_id,
            "record_id": item.record_id,
            "received_at": item.received_at,
            "address": address,
            "category": item.category[:100],
            "content": content,
            "synthetic": synthetic,
            **_topic_columns(classified),
        }
        record.update(self._placement(gazetteer, address))
        return record

    def _placement(self, gazetteer: Gazetteer, address: str) -> dict[str, Any]:
        found = gazetteer.place(address)
        if found is None:
            # Not on the map, but the address may name its sub-district: its officers
            # then see it among the records to place.
            named = parse_address(address).subdistrict
            sub = self.district.by_name(named) if named else None
            return {
                "placed": False,
                "lat": None,
                "lon": None,
                "subdistrict": sub.code if sub else None,
                "place_ref": None,
                "place_name": None,
                "placed_how": None,
            }
        return {
            "placed": True,
            "lat": found.lat,
            "lon": found.lon,
            "subdistrict": self._subdistrict_code(found.subdistrict, found.lon, found.lat),
            "place_ref": found.ref[:40],
            "place_name": found.name[:200],
            "placed_how": found.kind,
        }

    def _subdistrict_code(self, given: str | None, lon: float, lat: float) -> str | None:
        if given:
            if self.district.get(given) is not None:
                return given
            named = self.district.by_name(given)
            if named is not None:
                return named.code
        found = self.district.locate(lon, lat)
        return found.code if found else None

    def _write_batch(
        self, import_id: int, batch: list[dict[str, Any]], counts: dict[str, int]
    ) -> None:
        with transaction(self.factory) as session:
            if batch:
                # Each new row's `placed`; the duplicates' were counted when first written.
                placed = _insert_new(session, batch)
                counts["accepted"] += len(placed)
                counts["duplicates"] += len(batch) - len(placed)
                counts["unplaced"] += placed.count(False)
            session.execute(update(GovImport).where(GovImport.id == import_id).values(**counts))

    def _finish(
        self,
        import_id: int,
        counts: dict[str, int],
        refusals: list[dict[str, Any]],
        problem: InvalidInput | None,
    ) -> None:
        with transaction(self.factory) as session:
            session.execute(
                update(GovImport)
                .where(GovImport.id == import_id)
                .values(
                    **counts,
                    refusals=refusals,
                    status=(ImportStatus.failed if problem else ImportStatus.done).value,
                    problem=problem.message if problem else None,
                    problem_params={k: str(v) for k, v in problem.params.items()}
                    if problem
                    else None,
                    finished_at=self.clock(),
                )
            )

    # -- reading imports -------------------------------------------------------------------

    def get_import(self, principal: Principal, import_id: int, locale: str) -> ImportOut:
        self.require_admin(principal)
        with self.factory() as session:
            row = session.get(GovImport, import_id)
            if row is None:
                raise NotFound(N_("No import {id}."), id=import_id)
            return _import_out(row, locale)

    def list_imports(
        self, principal: Principal, locale: str, limit: int = 50, offset: int = 0
    ) -> list[ImportOut]:
        """Every import, newest first, a page at a time, each with its counts and refusals."""
        self.require_admin(principal)
        with self.factory() as session:
            rows = session.scalars(
                select(GovImport)
                .order_by(GovImport.id.desc())
                .limit(max(1, min(limit, 200)))
                .offset(max(0, offset))
            )
            return [_import_out(row, locale) for row in rows]

    # -- complaints ------------------------------------------------------------------------

    def complaints(
        self,
        principal: Principal,
        locale: str,
        *,
        subdistrict: str | None = None,
        since: date | None = None,
        until: date | None = None,
        topic: str | None = None,
        delivery_only: bool = False,
        unplaced: bool = False,
        limit: int = 100,
        offset: int = 0,
    ) -> ComplaintPage:
        """Complaints newest first, within the caller's area. Admins see the records no
        address placed in any sub-district; officers those whose address named theirs."""
        area = self.area(principal, subdistrict)
        self.check_day(since, "since")
        self.check_day(until, "until")
        if topic is not None and topic not in {t.value for t in Topic}:
            raise InvalidInput(
                N_("Unknown topic '{topic}'; known: {known}."),
                field="topic",
                topic=topic,
                known=", ".join(t.value for t in Topic),
            )
        filters: list[Any] = []
        if area is not None:
            filters.append(GovComplaint.subdistrict == area)
        if since is not None:
            filters.append(GovComplaint.received_at >= self.day_start(since))
        if until is not None:
            filters.append(GovComplaint.received_at < self.day_end(until))
        if topic is not None:
            filters.append(GovComplaint.topic == topic)
        elif delivery_only:
            filters.append(GovComplaint.topic.is_not(None))
        if unplaced:
            filters.append(GovComplaint.placed.is_(False))
        with self.factory() as session:
            total = session.scalar(select(func.count()).select_from(GovComplaint).where(*filters))
            rows = session.scalars(
                select(GovComplaint)
                .where(*filters)
                .order_by(GovComplaint.received_at.desc(), GovComplaint.id.desc())
                .limit(max(1, min(limit, MAX_PAGE)))
                .offset(max(0, offset))
            )
            return ComplaintPage(
                total=total or 0, items=[complaint_out(row, locale) for row in rows]
            )

    def place_complaint(
        self, principal: Principal, complaint_id: int, placing: Placing, locale: str
    ) -> PlacedOut:
        """A person puts a record on the map (a place of the map, or a point); with
        `remember_as`, the place's name as the address wrote it is remembered and the other
        records waiting in the caller's area that write it are placed too."""
        if placing.remember_as is not None and placing.place_id is None:
            raise InvalidInput(
                N_("A name is remembered for a place of the map: choose the place."),
                field="remember_as",
            )
        with transaction(self.factory) as session:
            row = session.get(GovComplaint, complaint_id)
            if row is None:
                raise NotFound(N_("No complaint {id}."), id=complaint_id)
            self.require_in_area(principal, row.subdistrict)
            place: Place | None = None
            if placing.place_id is not None:
                place = session.get(Place, placing.place_id)
                if place is None:
                    raise NotFound(
                        N_("No place {id} on the map."), field="place_id", id=placing.place_id
                    )
                name: str | None = place.name
                lat, lon = place.lat, place.lon
                ref: str | None = f"place:{place.id}"
            elif placing.lat is not None and placing.lon is not None:
                lat, lon, name, ref = placing.lat, placing.lon, placing.name, None
            else:
                raise InvalidInput(
                    N_("Give a place of the map or a point (lat and lon)."), field="place_id"
                )
            found = self.district.locate(lon, lat)
            if found is None:
                raise InvalidInput(N_("The point is outside the district."), field="lat")
            # An officer places within their own sub-district only.
            self.require_in_area(principal, found.code)
            row.placed = True
            row.lat, row.lon, row.subdistrict = lat, lon, found.code
            row.place_ref, row.place_name, row.placed_how = ref, name, "person"
            row.placed_by = principal.account_id
            also = 0
            if placing.remember_as is not None and place is not None:
                known = remember(session, principal, place, placing.remember_as, row.address)
                area = self.area(principal)
                also = place_waiting(session, known, area, self._placement, principal.account_id)
            session.flush()
            return PlacedOut(**complaint_out(row, locale).model_dump(), also_placed=also)

    def reclassify(self, principal: Principal) -> int:
        """Sort every complaint again by the rules as they are now (after staff edited
        them); answers how many changed topic."""
        self.require_admin(principal)
        classifier = self.classifier()
        changed = 0
        last_id = 0
        while True:
            with transaction(self.factory) as session:
                rows = session.execute(
                    select(
                        GovComplaint.id,
                        GovComplaint.category,
                        GovComplaint.content,
                        GovComplaint.topic,
                        GovComplaint.topic_rule,
                    )
                    .where(GovComplaint.id > last_id)
                    .order_by(GovComplaint.id)
                    .limit(BATCH_ROWS)
                ).all()
                if not rows:
                    return changed
                for complaint_id, category, content, topic, rule in rows:
                    columns = _topic_columns(classifier.classify(f"{category} {content}"))
                    if (columns["topic"], columns["topic_rule"]) != (topic, rule):
                        changed += columns["topic"] != topic
                        session.execute(
                            update(GovComplaint)
                            .where(GovComplaint.id == complaint_id)
                            .values(**columns)
                        )
                last_id = rows[-1][0]

    def run_job(self, task: str, args: Any, last_attempt: bool) -> None:
        if task == IMPORT_JOB.name:
            self.run_import(int(args["import_id"]))
        else:
            raise ValueError(f"no governance job is called {task!r}")


# -- helpers -------------------------------------------------------------------------------


def _topic_columns(classified: Classified) -> dict[str, Any]:
    return {
        "topic": classified.topic.value if classified.topic is not None else None,
        "topic_rule": classified.rule_id,
        "topic_words": list(classified.words),
    }


# The columns an imported record writes, with their PostgreSQL types for jsonb_to_recordset.
_PG_COLUMNS = {
    "fingerprint": "varchar", "import_id": "integer", "record_id": "varchar",
    "received_at": "timestamptz", "address": "varchar", "category": "varchar",
    "content": "text", "synthetic": "boolean", "placed": "boolean", "lat": "float8",
    "lon": "float8", "subdistrict": "varchar", "place_ref": "varchar",
    "place_name": "varchar", "placed_how": "varchar", "topic": "varchar",
    "topic_rule": "varchar", "topic_words": "json",
}  # fmt: skip
_PG_INSERT = text(
    f"INSERT INTO gov_complaints ({', '.join(_PG_COLUMNS)}) "
    f"SELECT {', '.join(_PG_COLUMNS)} FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r("
    + ", ".join(f"{name} {kind}" for name, kind in _PG_COLUMNS.items())
    + ") ON CONFLICT (fingerprint) DO NOTHING RETURNING placed"
)


def _insert_new(session: Session, rows: Sequence[dict[str, Any]]) -> list[bool]:
    """Insert the rows whose fingerprint is new; answers `placed` of each new row (from
    RETURNING: a skipped duplicate returns nothing). On PostgreSQL the batch goes as one
    JSON parameter (a thousand rows' bound parameters cost psycopg more to send than the
    server takes to write them); on SQLite as one statement for all rows."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        payload = json.dumps(
            [{**row, "received_at": row["received_at"].isoformat()} for row in rows],
            ensure_ascii=False,
        )
        return [bool(p) for p in session.execute(_PG_INSERT, {"rows": payload}).scalars()]
    if dialect != "sqlite":  # pragma: no cover - the platform runs on these two
        raise Conflict(N_("This database cannot keep complaints."))
    table = cast(Table, GovComplaint.__table__)
    stmt = sqlite.insert(table).on_conflict_do_nothing(index_elements=["fingerprint"])
    result = session.connection().execute(stmt.returning(table.c.placed), list(rows))
    return [bool(p) for p in result.scalars()]


def _import_out(row: GovImport, locale: str) -> ImportOut:
    return ImportOut(
        id=row.id,
        filename=row.filename,
        sha256=row.sha256,
        status=ImportStatus(row.status),
        rows_read=row.rows_read,
        accepted=row.accepted,
        duplicates=row.duplicates,
        refused=row.refused,
        unplaced=row.unplaced,
        refusals=[
            RowRefusal(
                line=int(r["line"]),
                field=r.get("field"),
                reason=gettext(locale, str(r["reason"]), **dict(r.get("params") or {})),
            )
            for r in row.refusals or []
        ],
        problem=gettext(locale, row.problem, **(row.problem_params or {})) if row.problem else None,
        synthetic=row.synthetic,
        at=as_utc(row.at),
        finished_at=_utc(row.finished_at),
    )


def complaint_out(row: GovComplaint, locale: str) -> ComplaintOut:
    topic = Topic(row.topic) if row.topic else None
    return ComplaintOut(
        id=row.id,
        record_id=row.record_id,
        received_at=as_utc(row.received_at),
        address=row.address,
        category=row.category,
        content=row.content,
        synthetic=row.synthetic,
        placed=row.placed,
        lat=row.lat,
        lon=row.lon,
        subdistrict=row.subdistrict,
        place_name=row.place_name,
        placed_how=row.placed_how,
        topic=row.topic,
        topic_title=gettext(locale, TOPIC_TITLES[topic]) if topic else None,
        topic_rule=row.topic_rule,
        topic_words=[str(w) for w in row.topic_words or []],
    )


__all__ = ["IMPORT_JOB", "ComplaintsMixin", "complaint_out", "mask_phones"]
