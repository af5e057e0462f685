"""Photos for the demo's reports: small pictures drawn with Pillow, one scene per category
(boxes in a stairwell, a hole in the road, an unlit street lamp...), each placed and
coloured by its own seed so no two are alike (nor near-duplicates to the photo checks).

They are stored as riders' uploads are: checked and rebuilt by `process_photo`, kept in the
platform's file store through `PhotoStore`, and recorded as the report's photos.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from datetime import datetime

from PIL import Image, ImageDraw
from sqlalchemy.orm import Session

from gigcity.db.models import Report, ReportPhoto
from gigcity.services.reports import PhotoLimits, PhotoStore, process_photo
from gigcity.services.reports.categories import Category
from gigcity.services.reports.intake import photo_row

SIZE = (640, 480)
Scene = Callable[[ImageDraw.ImageDraw, random.Random], None]


def _jitter(rnd: random.Random, rgb: tuple[int, int, int], spread: int = 24) -> tuple[int, ...]:
    """`rgb` a little lighter or darker (the same hue: light and shade, not paint)."""
    delta = rnd.randint(-spread, spread)
    return tuple(max(0, min(255, c + delta)) for c in rgb)


def _boxes(draw: ImageDraw.ImageDraw, rnd: random.Random) -> None:
    """A stairwell blocked by cardboard boxes and an old chair."""
    w, h = SIZE
    draw.polygon([(0, 0), (160, 120), (160, 380), (0, h)], fill=_jitter(rnd, (200, 196, 184)))
    draw.polygon([(w, 0), (480, 120), (480, 380), (w, h)], fill=_jitter(rnd, (186, 182, 170)))
    draw.rectangle((160, 120, 480, 380), fill=_jitter(rnd, (150, 150, 140)))
    draw.rectangle((290, 170, 350, 380), fill=(40, 120, 60))  # the exit door behind
    for _ in range(rnd.randint(6, 10)):
        x, y = rnd.randint(60, 460), rnd.randint(250, 400)
        bw, bh = rnd.randint(60, 130), rnd.randint(50, 100)
        draw.rectangle(
            (x, y - bh, x + bw, y),
            fill=_jitter(rnd, (176, 128, 78), 30),
            outline=(90, 60, 30),
            width=3,
        )
        draw.line((x, y - bh // 2, x + bw, y - bh // 2), fill=(210, 180, 120), width=4)


def _charging(draw: ImageDraw.ImageDraw, rnd: random.Random) -> None:
    """An e-bike charging in a hallway, the power strip hot."""
    w, h = SIZE
    draw.rectangle((0, 0, w, h), fill=_jitter(rnd, (120, 116, 104)))
    draw.rectangle((0, 360, w, h), fill=_jitter(rnd, (80, 76, 70)))
    x = rnd.randint(80, 260)
    for cx in (x, x + 200):
        draw.ellipse((cx - 55, 300, cx + 55, 410), outline=(20, 20, 20), width=14)
    draw.line((x, 355, x + 100, 260, x + 200, 355), fill=(30, 60, 140), width=16)
    draw.rectangle((x + 70, 230, x + 150, 270), fill=(20, 20, 20))
    sx = rnd.randint(440, 560)
    draw.line((x + 110, 265, sx, 420), fill=(240, 240, 240), width=6)
    draw.ellipse((sx - 60, 380, sx + 60, 460), fill=(255, 140, 0))  # the glow
    draw.rectangle(
        (sx - 40, 405, sx + 40, 435), fill=(250, 250, 250), outline=(200, 40, 30), width=4
    )


def _kitchen(draw: ImageDraw.ImageDraw, rnd: random.Random) -> None:
    """A kitchen floor of greasy tiles, food on the floor, a rat."""
    w, h = SIZE
    step = rnd.randint(50, 70)
    for y in range(0, h, step):
        for x in range(0, w, step):
            draw.rectangle(
                (x, y, x + step - 3, y + step - 3), fill=_jitter(rnd, (190, 186, 160), 18)
            )
    for _ in range(rnd.randint(4, 8)):
        x, y = rnd.randint(0, w), rnd.randint(0, h)
        draw.ellipse((x, y, x + rnd.randint(40, 140), y + rnd.randint(20, 60)), fill=(120, 104, 60))
    bx = rnd.randint(40, 300)
    draw.rectangle((bx, 300, bx + 200, 380), fill=(70, 130, 200))  # a crate of vegetables
    for k in range(6):
        draw.ellipse((bx + 10 + 30 * k, 270, bx + 40 + 30 * k, 310), fill=(60, 160, 60))
    rx, ry = rnd.randint(380, 520), rnd.randint(120, 260)
    draw.ellipse((rx, ry, rx + 90, ry + 40), fill=(70, 64, 60))
    draw.line((rx + 88, ry + 22, rx + 150, ry + 10), fill=(70, 64, 60), width=4)


def _pothole(draw: ImageDraw.ImageDraw, rnd: random.Random) -> None:
    """A bike lane with a missing manhole cover or a deep hole."""
    w, h = SIZE
    horizon = rnd.randint(110, 190)
    draw.rectangle((0, 0, w, h), fill=_jitter(rnd, (176, 170, 160)))  # the pavements
    draw.rectangle((0, 0, w, horizon), fill=_jitter(rnd, (170, 200, 230)))
    left, right = rnd.randint(200, 280), rnd.randint(360, 440)
    draw.polygon(
        [(0, h), (left, horizon), (right, horizon), (w, h)], fill=_jitter(rnd, (88, 88, 92), 14)
    )
    for y in range(horizon + 20, h, 70):
        draw.line((w // 2, y, w // 2, y + 35), fill=(240, 240, 240), width=6)
    cx, cy = rnd.randint(200, 440), rnd.randint(300, 400)
    rw, rh = rnd.randint(70, 130), rnd.randint(30, 55)
    draw.ellipse((cx - rw, cy - rh, cx + rw, cy + rh), fill=(20, 20, 22))
    draw.ellipse((cx - rw + 20, cy - rh + 8, cx + rw - 30, cy + rh - 12), fill=(50, 70, 90))


def _lamp(draw: ImageDraw.ImageDraw, rnd: random.Random) -> None:
    """A street at dusk, its lamp dark, a railing knocked over."""
    w, h = SIZE
    draw.rectangle((0, 0, w, h), fill=_jitter(rnd, (40, 48, 80)))
    draw.rectangle((0, 380, w, h), fill=_jitter(rnd, (60, 60, 62)))
    x = rnd.randint(120, 500)
    draw.rectangle((x, 120, x + 14, 380), fill=(30, 30, 30))
    draw.line((x + 7, 125, x + 80, 110), fill=(30, 30, 30), width=10)
    draw.ellipse((x + 60, 100, x + 110, 130), fill=(90, 90, 90))  # not lit
    y = rnd.randint(400, 440)
    draw.line((20, y, 300, y + rnd.randint(-30, 30)), fill=(200, 200, 200), width=8)
    for k in range(5):
        draw.line((40 + 55 * k, y, 60 + 55 * k, y - 40), fill=(200, 200, 200), width=5)


def _bench(draw: ImageDraw.ImageDraw, rnd: random.Random) -> None:
    """Someone sitting alone on a bench by the road."""
    w, h = SIZE
    draw.rectangle((0, 0, w, 260), fill=_jitter(rnd, (190, 210, 225)))
    draw.rectangle((0, 260, w, h), fill=_jitter(rnd, (150, 160, 140)))
    bx = rnd.randint(60, 320)
    draw.rectangle((bx, 320, bx + 260, 340), fill=(120, 80, 40))
    draw.rectangle((bx + 10, 340, bx + 24, 400), fill=(60, 60, 60))
    draw.rectangle((bx + 236, 340, bx + 250, 400), fill=(60, 60, 60))
    px = bx + rnd.randint(60, 180)
    draw.rectangle((px, 240, px + 50, 325), fill=_jitter(rnd, (90, 60, 110), 40))
    draw.ellipse((px + 5, 195, px + 45, 238), fill=(230, 200, 170))
    draw.rectangle((px + 5, 190, px + 45, 205), fill=(220, 220, 220))  # grey hair


def _bikes(draw: ImageDraw.ImageDraw, rnd: random.Random) -> None:
    """Shared bikes fallen across the pavement."""
    w, h = SIZE
    draw.rectangle((0, 0, w, h), fill=_jitter(rnd, (200, 196, 190)))
    for y in range(0, h, 40):
        draw.line((0, y, w, y), fill=(180, 176, 170), width=2)
    for _ in range(rnd.randint(4, 7)):
        x, y = rnd.randint(20, 520), rnd.randint(80, 400)
        colour = rnd.choice(((250, 200, 0), (30, 140, 230), (30, 190, 120)))
        draw.ellipse((x, y, x + 60, y + 60), outline=(30, 30, 30), width=6)
        draw.ellipse((x + 70, y + 20, x + 130, y + 80), outline=(30, 30, 30), width=6)
        draw.line((x + 30, y + 30, x + 100, y + 50), fill=colour, width=10)


SCENES: dict[Category, Scene] = {
    Category.fire_passage_blocked: _boxes,
    Category.fire_hazard: _charging,
    Category.food_safety: _kitchen,
    Category.road_hazard: _pothole,
    Category.broken_facility: _lamp,
    Category.elder_needs_help: _bench,
    Category.other: _bikes,
}


def demo_picture(category: Category, seed: int) -> bytes:
    """A JPEG (as phones send) of the category's scene, laid out by `seed` (same seed, same
    picture)."""
    rnd = random.Random(seed)
    image = Image.new("RGB", SIZE, (255, 255, 255))
    SCENES[category](ImageDraw.Draw(image), rnd)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def attach_demo_photo(
    session: Session,
    report: Report,
    store: PhotoStore,
    limits: PhotoLimits,
    seed: int,
    saved: list[str],
) -> ReportPhoto:
    """Give `report` a photo of its category as if its reporter had uploaded it; the stored
    file's name is appended to `saved` (for the caller to remove should the seeding fail)."""
    processed = process_photo(demo_picture(Category(report.category), seed), limits)
    name = store.save(processed)
    saved.append(name)
    created: datetime = report.created_at
    photo = photo_row(
        processed, name, report_id=report.id, uploaded_by=report.reporter_id, created_at=created
    )
    session.add(photo)
    return photo
