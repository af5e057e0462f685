"""Photos: real JPEG/PNG/WebP made here with EXIF and GPS come out upright, re-encoded and
bare; anything else (wrong types, polyglots' payloads, bombs, damage, size) is refused."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from gigcity.services.errors import InvalidInput
from gigcity.services.reports import PhotoLimits, PhotoStore, process_photo, sniff
from gigcity.services.reports.photos import NAME_PATTERN, thumb_name
from services.reports.reports_support import (
    MAKER,
    SECRET,
    jpeg,
    jpeg_claiming,
    png,
    png_bomb,
    scene,
    webp,
)

LIMITS = PhotoLimits(max_bytes=2_000_000, max_pixels=20_000_000, max_side=1024)


def bare(data: bytes) -> None:
    """A stored photo: a JPEG carrying pixels only."""
    assert data[:3] == b"\xff\xd8\xff"
    assert data.endswith(b"\xff\xd9"), "nothing may follow the end of the image"
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert "icc_profile" not in image.info
    assert "exif" not in image.info
    assert "comment" not in image.info
    for marker in (b"Exif", MAKER.encode(), SECRET.encode(), b"GPS", b"http://ns.adobe.com/xap"):
        assert marker not in data


@pytest.mark.parametrize("make", [jpeg, png, webp], ids=["jpeg", "png", "webp"])
def test_exif_and_gps_are_stripped_from_every_format(make) -> None:  # type: ignore[no-untyped-def]
    original = make()
    assert MAKER.encode() in original  # the test image really carries them
    photo = process_photo(original, LIMITS)
    bare(photo.data)
    bare(photo.thumb)
    assert (photo.width, photo.height) == (320, 200)


def test_xmp_and_comments_are_stripped() -> None:
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><exif:GPSLatitude>31,16.28N</exif:GPSLatitude></rdf:RDF></x:xmpmeta>'
    original = jpeg(comment=b"owner: " + SECRET.encode(), xmp=xmp)
    assert b"GPSLatitude" in original
    assert SECRET.encode() in original
    photo = process_photo(original, LIMITS)
    bare(photo.data)
    assert b"GPSLatitude" not in photo.data


def test_orientation_is_applied_then_dropped() -> None:
    # Landscape pixels, red on the left; orientation 6 means "turn 90 degrees clockwise to
    # view", so the upright photo is portrait with the red half on top.
    photo = process_photo(jpeg(orientation=6), LIMITS)
    image = Image.open(io.BytesIO(photo.data)).convert("RGB")
    assert image.size == (200, 320) == (photo.width, photo.height)
    top = image.getpixel((100, 10))
    bottom = image.getpixel((100, 310))
    assert isinstance(top, tuple)
    assert isinstance(bottom, tuple)
    assert (top[0] > 150, top[2] < 100) == (True, True), top  # red
    assert (bottom[2] > 150, bottom[0] < 100) == (True, True), bottom  # blue


def test_large_photos_are_scaled_and_thumbnailed() -> None:
    photo = process_photo(jpeg(scene(3000, 2000)), LIMITS)
    assert max(photo.width, photo.height) == 1024
    thumb = Image.open(io.BytesIO(photo.thumb))
    assert max(thumb.size) == 480


def test_transparency_and_palettes_and_cmyk_become_rgb() -> None:
    rgba = scene().convert("RGBA")
    rgba.putalpha(128)
    for source in (rgba, scene().convert("P"), scene().convert("L")):
        out = io.BytesIO()
        source.save(out, "PNG")
        assert Image.open(io.BytesIO(process_photo(out.getvalue(), LIMITS).data)).mode == "RGB"
    cmyk = io.BytesIO()
    scene().convert("CMYK").save(cmyk, "JPEG")
    assert Image.open(io.BytesIO(process_photo(cmyk.getvalue(), LIMITS).data)).mode == "RGB"


def test_only_the_first_frame_of_an_animation_is_kept() -> None:
    frames = [scene(seed=1), scene(seed=2), scene(seed=3)]
    out = io.BytesIO()
    frames[0].save(out, "WEBP", save_all=True, append_images=frames[1:], duration=100)
    photo = process_photo(out.getvalue(), LIMITS)
    assert getattr(Image.open(io.BytesIO(photo.data)), "n_frames", 1) == 1


def test_the_type_is_told_by_content_not_by_name() -> None:
    assert sniff(jpeg()) == "jpeg"
    assert sniff(png()) == "png"
    assert sniff(webp()) == "webp"
    gif = io.BytesIO()
    scene().save(gif, "GIF")
    bmp = io.BytesIO()
    scene().save(bmp, "BMP")
    tiff = io.BytesIO()
    scene().save(tiff, "TIFF")
    refused = {
        "gif": gif.getvalue(),
        "bmp": bmp.getvalue(),
        "tiff": tiff.getvalue(),
        "html named .jpg": b"<html><script>alert(1)</script></html>",
        "svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
        "empty": b"",
    }
    for name, data in refused.items():
        with pytest.raises(InvalidInput) as caught:
            process_photo(data, LIMITS)
        assert caught.value.field == "file", name
        assert "JPEG, PNG and WebP" in str(caught.value), name


def test_polyglot_payloads_do_not_survive() -> None:
    html = b"<html><body><script>alert(document.cookie)</script></body></html>"
    zip_tail = b"PK\x03\x04" + b"\x00" * 26 + b"evil.js" + b"alert(1)"
    for payload in (html, zip_tail):
        photo = process_photo(jpeg() + payload, LIMITS)
        assert payload not in photo.data
        assert b"<script" not in photo.data
        assert b"PK\x03\x04" not in photo.data
        bare(photo.data)
    # HTML inside a JPEG comment segment: gone too.
    photo = process_photo(jpeg(comment=html), LIMITS)
    assert b"<script" not in photo.data


def test_a_signature_on_something_else_is_refused() -> None:
    with pytest.raises(InvalidInput, match="could not be read"):
        process_photo(b"\x89PNG\r\n\x1a\n" + b"<html>" * 50, LIMITS)
    with pytest.raises(InvalidInput):
        process_photo(b"RIFF\x00\x00\x00\x00WEBP" + b"garbage" * 20, LIMITS)


def test_truncated_photos_are_refused() -> None:
    whole = jpeg(scene(800, 600), quality=95)
    with pytest.raises(InvalidInput, match="damaged or incomplete"):
        process_photo(whole[: len(whole) // 2], LIMITS)


def test_decompression_bombs_are_refused_before_decoding() -> None:
    bomb = png_bomb(10_000, 6_000)  # 60 million pixels in a few kilobytes
    assert len(bomb) < 20_000
    with pytest.raises(InvalidInput, match="too many pixels"):
        process_photo(bomb, LIMITS)
    with pytest.raises(InvalidInput, match="too many pixels"):
        process_photo(jpeg_claiming(65_000, 65_000), LIMITS)
    # Under the limit, the same construction is an ordinary (if dull) photo.
    assert process_photo(png_bomb(2_000, 1_000), LIMITS).width == 1024


def test_byte_limit_and_tiny_images() -> None:
    small = PhotoLimits(max_bytes=10_000, max_pixels=LIMITS.max_pixels, max_side=1024)
    noisy = Image.effect_noise((400, 400), 120).convert("RGB")
    with pytest.raises(InvalidInput, match="larger than"):
        process_photo(jpeg(noisy, quality=95), small)
    with pytest.raises(InvalidInput, match="too small"):
        process_photo(jpeg(scene(8, 8), gps=False), LIMITS)


def test_the_store_names_files_itself_and_refuses_other_names(tmp_path: Path) -> None:
    store = PhotoStore(tmp_path)
    photo = process_photo(jpeg(), LIMITS)
    names = {store.save(photo) for _ in range(3)}
    assert len(names) == 3
    for name in names:
        assert NAME_PATTERN.match(name)
        assert store.read(name) == photo.data
        assert store.read(thumb_name(name)) == photo.thumb
    for evil in ("../../etc/passwd", "x.jpg", "0" * 32 + ".png", "/" + next(iter(names)), ""):
        assert store.key_of(evil) is None
        assert store.read(evil) is None
    name = names.pop()
    store.delete(name)
    assert store.read(name) is None
    assert store.read(thumb_name(name)) is None
    assert not list(tmp_path.rglob("*.tmp"))
