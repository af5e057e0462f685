"""Decoding photos with bounded memory: the pixel limit a phone needs, big frames shrunk
before they are converted, and a bounded number of decodes at once (503 + Retry-After)."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from gigcity.config import Settings
from gigcity.services.errors import InvalidInput
from gigcity.services.platform import Platform
from gigcity.services.reports import PhotoLimits, process_photo
from gigcity.services.reports import photos as photos_module
from gigcity.services.reports.photos import DecodeSlots, PhotosBusy, webp_canvas
from services.reports.reports_support import jpeg, png_bomb
from support import World, token

PROBLEM = "application/problem+json"
EN = {"Accept-Language": "en"}
SRC = Path(__file__).resolve().parents[3] / "src"


def default_limits() -> PhotoLimits:
    settings = Settings(mode="dev")
    return PhotoLimits(
        settings.report_photo_max_bytes,
        settings.report_photo_max_pixels,
        settings.report_photo_max_side,
    )


def upload(client: TestClient, who: dict[str, str], data: bytes):  # type: ignore[no-untyped-def]
    return client.post("/api/reports/photos", headers=who, files={"file": ("p.png", data)})


def test_the_pixel_limit_is_what_a_phone_produces() -> None:
    limits = default_limits()
    assert 5712 * 4284 <= limits.max_pixels <= 30_000_000  # a 24 MP phone photo fits
    # The 7000 x 7000 PNG (under the old 50 MP limit) is refused from its header.
    with pytest.raises(InvalidInput, match="too many pixels") as caught:
        process_photo(png_bomb(7000, 7000), limits)
    assert caught.value.field == "file"


def test_a_pixel_bomb_is_a_422_problem_naming_the_field(
    client: TestClient, platform: Platform, world: World
) -> None:
    r = upload(client, token(client, "rider") | EN, png_bomb(7000, 7000))
    assert r.status_code == 422
    assert r.headers["content-type"].startswith(PROBLEM)
    assert r.json()["field"] == "file"
    assert r.json()["detail"] == (
        "The photo has too many pixels (49.0 million; at most 30.0 million)."
    )


def test_big_frames_are_shrunk_before_conversion_and_keep_their_look() -> None:
    limits = PhotoLimits(max_bytes=5_000_000, max_pixels=30_000_000, max_side=1024)
    # Half transparent, half opaque red, 4:1: reduced by 4 in strips, then flattened.
    rgba = Image.new("RGBA", (4400, 1100), (0, 0, 0, 0))
    rgba.paste((220, 20, 20, 255), (2200, 0, 4400, 1100))
    palette = rgba.convert("RGB").convert("P", palette=Image.Palette.ADAPTIVE, colors=4)
    for source in (rgba, palette, Image.new("1", (5000, 3000), 1)):
        out = io.BytesIO()
        source.save(out, "PNG")
        photo = process_photo(out.getvalue(), limits)
        picture = Image.open(io.BytesIO(photo.data)).convert("RGB")
        assert max(picture.size) == 1024
        assert abs(picture.width / picture.height - source.width / source.height) < 0.01
        if source is rgba:
            assert picture.getpixel((10, 10)) >= (245, 245, 245)  # type: ignore[operator]
            red = picture.getpixel((1000, 100))
            assert isinstance(red, tuple)
            assert (red[0] > 180, red[1] < 60) == (True, True), red


MEASURE = textwrap.dedent(
    """
    import re, sys, zlib
    from struct import pack
    from gigcity.services.reports.photos import PhotoLimits, process_photo

    def chunk(kind, data):
        return pack(">I", len(data)) + kind + data + pack(">I", zlib.crc32(kind + data))

    width, height = 6000, 4500  # 27 MP, under the limit
    row = b"\\x00" + bytes([200, 40, 40, 128]) * width  # RGBA, every row the same
    c = zlib.compressobj(9)
    idat = b"".join(c.compress(row) for _ in range(height)) + c.flush()
    data = (b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))

    def kb(key):
        return int(re.search(key + r":\\s+(\\d+) kB", open("/proc/self/status").read())[1])

    before = kb("VmRSS")
    process_photo(data, PhotoLimits(12 << 20, 30_000_000, 2048))
    print((kb("VmHWM") - before) // 1024)
    """
)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_one_decode_of_the_worst_png_stays_near_its_frame() -> None:
    # A 27 MP RGBA PNG decodes to a 108 MB frame; converting it whole (RGBA, then a white
    # RGB copy, then a premultiplied one to scale) took ~440 MB. Run alone, in a fresh
    # interpreter, so the peak is this decode's.
    run = subprocess.run(
        [sys.executable, "-c", MEASURE],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
    )
    peak_mb = int(run.stdout.strip())
    assert peak_mb < 180, f"one decode peaked at +{peak_mb} MB"


def test_decodes_beyond_the_slots_wait_then_are_refused() -> None:
    slots = DecodeSlots(count=1, budget=1 << 30, wait_s=0.05, retry_after_s=3)
    photo = jpeg()
    with slots.hold():
        with pytest.raises(PhotosBusy) as caught:
            process_photo(photo, default_limits(), slots)
        assert caught.value.status == 503
        assert caught.value.retry_after_s == 3
        # A bomb is refused from its header, without waiting for a slot.
        with pytest.raises(InvalidInput, match="too many pixels"):
            process_photo(png_bomb(7000, 7000), default_limits(), slots)
    assert process_photo(photo, default_limits(), slots).width == 320
    # A slot freed while a decode waits is taken by it.
    waiting = DecodeSlots(count=1, budget=1 << 30, wait_s=5.0, retry_after_s=3)
    done: list[int] = []
    with waiting.hold():
        worker = threading.Thread(
            target=lambda: done.append(process_photo(photo, default_limits(), waiting).width)
        )
        worker.start()
        worker.join(0.2)
        assert done == []  # still waiting
    worker.join(5)
    assert done == [320]


def test_the_memory_budget_keeps_big_decodes_apart() -> None:
    slots = DecodeSlots(count=2, budget=100, wait_s=0.05, retry_after_s=1)
    with slots.hold(60):
        with pytest.raises(PhotosBusy), slots.hold(60):
            pass
        with slots.hold(40):  # a small one fits beside it
            pass
    with slots.hold(500), pytest.raises(PhotosBusy), slots.hold(1):  # 500 > budget: alone
        pass
    with slots.hold(60), slots.hold(40):
        pass


def test_a_webp_over_its_share_is_refused_before_its_decoder_is_made() -> None:
    limits = default_limits()
    assert webp_canvas(webp_bytes(320, 200)) == (320, 200)
    lossless = webp_bytes(320, 200, lossless=True)
    assert webp_canvas(lossless) == (320, 200)
    # 4000 x 3000 = 12 MP: fine as a PNG or JPEG, over a WebP's share of the limit.
    with pytest.raises(InvalidInput, match=r"at most 10\.0 million") as caught:
        process_photo(webp_bytes(4000, 3000, lossless=True), limits)
    assert caught.value.field == "file"
    held = DecodeSlots(count=1, budget=1, wait_s=0.05, retry_after_s=1)
    with held.hold(), pytest.raises(InvalidInput):  # refused from the header: no waiting
        process_photo(webp_bytes(4000, 3000, lossless=True), limits, held)


def webp_bytes(width: int, height: int, lossless: bool = False) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 100, 30)).save(out, "WEBP", lossless=lossless)
    return out.getvalue()


def test_all_slots_busy_is_a_503_problem_with_retry_after(
    client: TestClient, platform: Platform, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    slots = DecodeSlots(count=1, budget=1 << 30, wait_s=0.05, retry_after_s=4)
    monkeypatch.setattr(photos_module, "DECODE_SLOTS", slots)
    rider = token(client, "rider")
    with slots.hold():  # the worker's only slot, held by the test
        r = upload(client, rider, jpeg())
        assert r.status_code == 503
        assert r.headers["retry-after"] == "4"
        assert r.headers["content-type"].startswith(PROBLEM)
        problem = r.json()
        assert problem["type"] == "urn:gigcity:problem:photos-busy"
        assert problem["title"] == "照片检查繁忙"
        english = upload(client, rider | EN, jpeg()).json()
        assert english["title"] == "Photo checks are busy"
        assert english["detail"] == (
            "Many photos are being checked right now; please try again in 4 seconds."
        )
    assert upload(client, rider, jpeg()).status_code == 201
