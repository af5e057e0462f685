"""Shared by the snap-and-report tests: real photos made here (with EXIF and GPS), and a
district set up for reports (routes, a funded pool)."""

from __future__ import annotations

import io
import zlib
from pathlib import Path
from struct import pack

import pytest
from PIL import Image, ImageDraw

from gigcity.services.accounts import Principal, Role
from gigcity.services.platform import Platform
from gigcity.services.reports import ReportCreate, RouteIn
from support import World, principal

WANLI = (121.3995, 31.2713)  # lon, lat inside wanli
CHANGZHENG = (121.3729, 31.2367)
ADMIN = Principal(role=Role.admin, label="test-admin")
MAKER = "GigcityTestCam"
SECRET = "CONFIDENTIAL-OWNER-42"


def exif_bytes(orientation: int = 1, gps: bool = True) -> bytes:
    """EXIF with camera, owner, orientation and a GPS position (31.27 N, 121.40 E)."""
    exif = Image.Exif()
    exif[0x010F] = MAKER  # Make
    exif[0x0110] = "Model-X"  # Model
    exif[0xA430] = SECRET  # CameraOwnerName
    exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {
            1: "N",
            2: (31.0, 16.0, 17.0),
            3: "E",
            4: (121.0, 23.0, 58.0),
        }
    return exif.tobytes()


def scene(width: int = 320, height: int = 200, seed: int = 0) -> Image.Image:
    """A picture with structure (so its perceptual hash carries information): the left half
    red, the right half blue, and a few shapes that depend on `seed`."""
    image = Image.new("RGB", (width, height), (30, 60, 200))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width // 2 - 1, height - 1), fill=(220, 30, 30))
    for i in range(6):
        x = (seed * 37 + i * 53) % width
        y = (seed * 11 + i * 29) % height
        draw.ellipse(
            (x, y, x + width // 6, y + height // 5), fill=(240, 240, (seed * 40 + i * 30) % 256)
        )
    return image


def jpeg(
    image: Image.Image | None = None,
    *,
    orientation: int = 1,
    gps: bool = True,
    quality: int = 90,
    **extra: object,
) -> bytes:
    out = io.BytesIO()
    (image or scene()).save(
        out, "JPEG", quality=quality, exif=exif_bytes(orientation, gps), **extra
    )
    return out.getvalue()


def png(image: Image.Image | None = None, **extra: object) -> bytes:
    out = io.BytesIO()
    (image or scene()).save(out, "PNG", exif=exif_bytes(), **extra)
    return out.getvalue()


def webp(image: Image.Image | None = None) -> bytes:
    out = io.BytesIO()
    (image or scene()).save(out, "WEBP", exif=exif_bytes(), quality=85)
    return out.getvalue()


def png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of width x height zeros: tiny on disk, huge in memory."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            pack(">I", len(data)) + kind + data + pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small JPEG whose frame header claims `width` x `height`."""
    data = bytearray(jpeg(gps=False))
    for marker in (b"\xff\xc0", b"\xff\xc2"):
        at = data.find(marker)
        if at != -1:
            data[at + 5 : at + 9] = pack(">HH", height, width)
            return bytes(data)
    raise AssertionError("no frame header")


def setup_district(platform: Platform, world: World, *, budget_fen: int = 1_000_000) -> None:
    """wanli's officer handles every category there (food safety excepted: admins' queue);
    changzheng's officer handles all of changzheng; the pool holds `budget_fen`."""
    reports = platform.reports
    reports.set_route(
        ADMIN, RouteIn(subdistrict="wanli", category="*", officer_id=world.ids["officer"])
    )
    reports.set_route(
        ADMIN, RouteIn(subdistrict="changzheng", category="*", officer_id=world.ids["officer2"])
    )
    if budget_fen:
        reports.rewards.top_up(ADMIN, budget_fen, "initial-budget")


def new_report(
    platform: Platform,
    username: str = "rider",
    *,
    category: str = "fire_passage_blocked",
    at: tuple[float, float] = WANLI,
    description: str = "junk blocks the stairwell",
    **fields: object,
) -> int:
    who = principal(platform, username)
    data = ReportCreate.model_validate(
        {"category": category, "description": description, "lon": at[0], "lat": at[1], **fields}
    )
    return platform.reports.submit(who, data).id


def pg_at_head(url: str) -> bool:
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine, inspect, text

    from gigcity.db.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if "alembic_version" not in inspect(conn).get_table_names():
                return False
            return conn.execute(text("select version_num from alembic_version")).scalar() == head
    finally:
        engine.dispose()


def empty_all(url: str) -> None:
    """Delete every row (children first); for a few rows far faster than TRUNCATE."""
    from sqlalchemy import create_engine, delete

    from gigcity.db.models import Base

    engine = create_engine(url)
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(delete(table))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Like the shared fixture (an empty database, on SQLite and on PostgreSQL), but a
    PostgreSQL database already at the newest schema is emptied row by row instead of
    being rebuilt, which keeps these many small tests fast."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'gigcity.db'}"
    from sqlalchemy import create_engine, text

    url: str = request.getfixturevalue("postgres_database")
    if pg_at_head(url):
        empty_all(url)
    else:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    return url
