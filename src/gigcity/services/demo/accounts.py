"""The demo's accounts, one per role with one password, and its platform API key."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gigcity.db.models import Account, ApiKey, Canteen, Doctor, Estate, Place, utcnow
from gigcity.geo.district import District
from gigcity.i18n import N_, gettext
from gigcity.services.accounts import (
    PLATFORM_SCOPES,
    AccountCreate,
    Role,
    WorkerType,
    create_account,
    create_api_key,
    principal_from_api_key,
)
from gigcity.services.accounts.instance_secrets import DEMO_API_KEY, read_secret, write_secret
from gigcity.services.errors import NotAuthenticated
from gigcity.services.places.schemas import PlaceKind

DEMO_PASSWORD = "gigcity-demo"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: Role
    note: str


def demo_accounts_exist(session: Session) -> bool:
    """Whether the demo's accounts were made (the district admin's is the first)."""
    return session.scalar(select(Account.id).where(Account.username == "admin")) is not None


def create_demo_accounts(session: Session, district: District) -> None:
    """One account per role: the staff account keeps a driver home with beds (so "free beds"
    can be kept current in the demo), the officer that home's sub-district."""
    station = session.scalar(select(Place).where(Place.name == "居高司机之家")) or session.scalar(
        select(Place).where(Place.kind == PlaceKind.driver_home.value).order_by(Place.id)
    )
    officer_sub = (
        station.subdistrict
        if station is not None and station.subdistrict
        else district.subdistricts[0].code
    )
    people = [
        AccountCreate(username="admin", password=DEMO_PASSWORD, display_name="区管理员", role=Role.admin),
        AccountCreate(username="rider", password=DEMO_PASSWORD, display_name="骑手小王", role=Role.rider, worker_type=WorkerType.delivery_rider, phone="13800000001"),
        AccountCreate(username="rider2", password=DEMO_PASSWORD, display_name="骑手小李", role=Role.rider, worker_type=WorkerType.delivery_rider, phone="13800000002"),
        AccountCreate(username="driver", password=DEMO_PASSWORD, display_name="货车司机老张", role=Role.rider, worker_type=WorkerType.truck_driver),
        AccountCreate(username="staff", password=DEMO_PASSWORD, display_name="驿站站长", role=Role.staff, station_id=station.id if station else None),
        AccountCreate(username="officer", password=DEMO_PASSWORD, display_name="网格员", role=Role.officer, subdistrict=officer_sub),
    ]  # fmt: skip
    for person in people:
        create_account(session, person, district)


def subdistrict_label(district: District, code: str | None, locale: str) -> str:
    """A sub-district as a reader of `locale` knows it: 桃浦镇 in Chinese, "Taopu Town" in
    English (never its code)."""
    sub = district.get(code) if code else None
    if sub is None:
        return code or ""
    if locale.startswith("zh"):
        return sub.name
    kind = N_("{name} Town") if sub.kind == "town" else N_("{name} Subdistrict")
    return gettext(locale, kind, name=sub.pinyin)


def demo_logins(session: Session, district: District, locale: str = "zh_CN") -> list[DemoLogin]:
    """The demo accounts, as printed for whoever tries the demo (in `locale`, the
    installation's language)."""

    def station_of(username: str) -> str | None:
        return session.scalar(
            select(Place.name)
            .join(Account, Account.station_id == Place.id)
            .where(Account.username == username)
        )

    station_name = station_of("staff")
    officer_sub = session.scalar(select(Account.subdistrict).where(Account.username == "officer"))
    where = subdistrict_label(district, officer_sub, locale)
    estate_name = session.scalar(
        select(Estate.name)
        .join(Account, Account.estate_id == Estate.id)
        .where(Account.username == "property")
    )
    canteen_name = session.scalar(
        select(Canteen.name)
        .join(Account, Account.canteen_id == Canteen.id)
        .where(Account.username == "canteen")
    )

    def say(message: str, **params: str) -> str:
        return gettext(locale, message, **params)

    return [
        DemoLogin("admin", DEMO_PASSWORD, Role.admin, say(N_("district admin"))),
        DemoLogin("rider", DEMO_PASSWORD, Role.rider, say(N_("delivery rider"))),
        DemoLogin("rider2", DEMO_PASSWORD, Role.rider, say(N_("another delivery rider"))),
        DemoLogin("driver", DEMO_PASSWORD, Role.rider, say(N_("truck driver"))),
        DemoLogin(
            "staff",
            DEMO_PASSWORD,
            Role.staff,
            say(N_("station staff of {station}"), station=station_name or ""),
        ),
        DemoLogin(
            "officer",
            DEMO_PASSWORD,
            Role.officer,
            say(N_("grid officer of {subdistrict}"), subdistrict=where),
        ),
        *(
            [
                DemoLogin(
                    "property",
                    DEMO_PASSWORD,
                    Role.property,
                    say(N_("property staff of {estate}"), estate=estate_name),
                ),
                DemoLogin(
                    "courier",
                    DEMO_PASSWORD,
                    Role.courier,
                    say(N_("community courier of {estate}"), estate=estate_name),
                ),
            ]
            if estate_name is not None
            else []
        ),
        *(
            [
                DemoLogin(
                    "family",
                    DEMO_PASSWORD,
                    Role.family,
                    say(N_("family member of an older person who has meals brought")),
                )
            ]
            if session.scalar(select(Account.id).where(Account.username == "family"))
            else []
        ),
        *(
            [
                DemoLogin(
                    "committee",
                    DEMO_PASSWORD,
                    Role.committee,
                    say(N_("neighbourhood-committee staff of {subdistrict}"), subdistrict=where),
                )
            ]
            if session.scalar(select(Account.id).where(Account.username == "committee"))
            else []
        ),
        *(
            [
                DemoLogin(
                    "canteen",
                    DEMO_PASSWORD,
                    Role.canteen,
                    say(N_("kitchen staff of {canteen}"), canteen=canteen_name),
                )
            ]
            if canteen_name is not None
            else []
        ),
        *(
            [DemoLogin("counsellor", DEMO_PASSWORD, Role.counsellor, say(N_("hotline counsellor")))]
            if session.scalar(select(Account.id).where(Account.username == "counsellor"))
            else []
        ),
        # The desks of the drivers' home and the truck-driver station, and the family doctor.
        *(
            DemoLogin(username, DEMO_PASSWORD, Role.staff, say(message, station=station))
            for username, message in (
                ("homestaff", N_("desk staff of {station}")),
                ("truckdesk", N_("desk staff of {station}")),
            )
            if (station := station_of(username)) is not None
        ),
        *(
            [DemoLogin("doctor", DEMO_PASSWORD, Role.staff, say(N_("family doctor")))]
            if session.scalar(
                select(Doctor.id)
                .join(Account, Account.id == Doctor.account_id)
                .where(Account.username == "doctor")
            )
            else []
        ),
        *(
            [
                DemoLogin(
                    "lawyer",
                    DEMO_PASSWORD,
                    Role.lawyer,
                    say(N_("volunteer lawyer at the truck-driver stations")),
                )
            ]
            if session.scalar(
                select(Account.id).where(
                    Account.username == "lawyer", Account.role == Role.lawyer.value
                )
            )
            else []
        ),
    ]


DEMO_KEY_NAME = "demo platform"


def demo_api_key(session: Session) -> str:
    """The demo's platform API key (printed at each start), with every scope so one key
    tries every integration. The same key at every start: its plaintext is kept in the
    database's instance secrets (demo data only). A new one is made only if it was revoked
    (or never made), and then every other unrevoked demo key is revoked, so there is at
    most one (databases from before kept one new key a start)."""
    stored = read_secret(session, DEMO_API_KEY)
    if stored is not None:
        try:
            principal_from_api_key(session, stored)
            return stored
        except NotAuthenticated:
            pass  # revoked by an admin: make another
    admin_id = session.scalar(select(Account.id).where(Account.username == "admin"))
    out = create_api_key(session, DEMO_KEY_NAME, admin_id, scopes=PLATFORM_SCOPES)
    assert out.key is not None
    session.execute(
        update(ApiKey)
        .where(ApiKey.name == DEMO_KEY_NAME, ApiKey.revoked_at.is_(None), ApiKey.id != out.id)
        .values(revoked_at=utcnow())
    )
    write_secret(session, DEMO_API_KEY, out.key)
    return out.key
