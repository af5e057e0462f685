"""Photos of reports: accepted only when they really are JPEG, PNG or WebP, then rebuilt.

An upload is checked by its bytes (the file name and the declared type are ignored): it must
start with a JPEG, PNG or WebP signature and decode with that format's decoder alone. Its
pixel count is read from the header and refused above the limit before anything is decoded
(decompression bombs). The picture is then turned upright (EXIF orientation), converted to
sRGB, scaled down and encoded afresh as a baseline JPEG with no metadata at all: EXIF, GPS,
XMP, comments, ICC profiles and anything appended to the file (polyglots) are gone. Files
get random names chosen here and are kept in the platform's file store (services.storage),
which every worker shares.

Memory: a decode holds one full frame at most. JPEGs are decoded scaled down (`draft`),
other frames are reduced and converted to RGB a strip at a time, before the turn and the
colour profile. Decodes run in this worker's `DECODE_SLOTS` (a count and a budget of the
bytes the headers say they need; beyond it uploads wait briefly, then get 503), and the
freed frames are handed back to the system (glibc's malloc_trim), not kept in its pools.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import io
import logging
import re
import secrets
import struct
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from PIL import ExifTags, Image, ImageCms

from gigcity.i18n import N_
from gigcity.services.errors import InvalidInput, ServiceError
from gigcity.services.reports.phash import dhash
from gigcity.services.storage import FileStore, LocalFileStore, StorageUnavailable, join_key

log = logging.getLogger("gigcity.reports")

# Signatures: JPEG SOI + marker, the PNG magic, a RIFF container of type WEBP.
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
MIN_SIDE = 16
THUMB_SIDE = 480
JPEG_QUALITY = 85
THUMB_QUALITY = 78
NAME_PATTERN = re.compile(r"^(?P<stem>[0-9a-f]{32})(?P<thumb>\.t)?\.jpg$")
_SRGB = ImageCms.createProfile("sRGB")
STRIP_PIXELS = 1 << 20  # source pixels converted at a time while shrinking
# Bytes a pixel of a decoded frame takes in Pillow (RGB is stored as 4).
_BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "LA": 2, "I;16": 2, "I;16B": 2}
# libwebp's animation decoder (Pillow's only WebP reader) holds the canvas, the previous
# frame and the frame handed out, and Pillow copies it: ~16 bytes a pixel, three times a
# PNG's. So a WebP may have a third of the pixel limit (phones do not take WebP photos).
WEBP_BYTES_PER_PIXEL = 16
WEBP_SHARE = 3
# EXIF orientation: the turn that makes the picture upright (as ImageOps.exif_transpose).
_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@dataclass(frozen=True, slots=True)
class PhotoLimits:
    max_bytes: int
    max_pixels: int
    max_side: int


@dataclass(frozen=True, slots=True)
class ProcessedPhoto:
    """A photo rebuilt for storage: the JPEG bytes, a thumbnail, and what is known of it."""

    data: bytes
    thumb: bytes
    width: int
    height: int
    source_sha256: str
    dhash: int


class PhotosBusy(ServiceError):
    """503: every decoding slot of this worker stayed busy while the upload waited."""

    status: ClassVar[int] = 503
    title: ClassVar[str] = N_("Photo checks are busy")
    type_slug: ClassVar[str] = "photos-busy"

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(
            N_("Many photos are being checked right now; please try again in {seconds} seconds."),
            seconds=retry_after_s,
        )
        self.retry_after_s = retry_after_s


def _find_malloc_trim() -> Callable[[int], int] | None:
    # glibc keeps freed image buffers in its arenas (its mmap threshold rises after the
    # first large free); malloc_trim gives them back. Other C libraries lack it: no-op.
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim: Callable[[int], int] = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


_malloc_trim = _find_malloc_trim()


def _release_memory() -> None:
    # Without this, eight concurrent 30 MP decodes left the worker at 1.2 GB (measured).
    if _malloc_trim is not None:
        _malloc_trim(0)


class DecodeSlots:
    """Photos decoded at once in this process: at most `count`, and together at most
    `budget` bytes of what their decodes need (estimated from the headers; a decode
    needing more than the whole budget runs alone). A caller waits up to `wait_s`, then
    gets PhotosBusy."""

    def __init__(self, count: int, budget: int, wait_s: float, retry_after_s: int) -> None:
        self.count = count
        self.budget = budget
        self.wait_s = wait_s
        self.retry_after_s = retry_after_s
        self._running = 0
        self._reserved = 0
        self._changed = threading.Condition()

    @contextmanager
    def hold(self, cost: int = 0) -> Iterator[None]:
        cost = min(max(cost, 0), self.budget)
        deadline = time.monotonic() + self.wait_s
        with self._changed:
            while self._running >= self.count or self._reserved + cost > self.budget:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise PhotosBusy(self.retry_after_s)
                self._changed.wait(left)
            self._running += 1
            self._reserved += cost
        try:
            yield
        finally:
            with self._changed:
                self._running -= 1
                self._reserved -= cost
                self._changed.notify_all()
            _release_memory()  # the frame's memory goes back to the system, not to a pool


MB = 1 << 20
# Per worker process. Two decodes use both cores of a small server; the budget keeps two
# big ones apart (a 30 MP decode needs up to ~200 MB, a 12 MP phone JPEG ~85 MB), so eight
# worst-case uploads at once peaked under 500 MB (benchmarks/photo_memory.py). A worst-case
# decode takes ~1 s on a loaded 2-core machine: ten seconds of waiting covers a burst of
# eight; beyond that the upload is refused with 503 and Retry-After.
DECODE_SLOTS = DecodeSlots(count=2, budget=192 * MB, wait_s=10.0, retry_after_s=5)


def sniff(data: bytes) -> str | None:
    """The image format the bytes start with (jpeg, png, webp), whatever the file is called."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == _PNG_MAGIC:
        return "png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def _refuse(message: str, **params: object) -> InvalidInput:
    return InvalidInput(message, field="file", **params)


def webp_canvas(data: bytes) -> tuple[int, int] | None:
    """The canvas of a WebP file from its first chunk's header (lossy, lossless, extended)."""
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(data) >= 30:
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    return None


def _check_size(width: int, height: int, max_pixels: int) -> None:
    if width * height > max_pixels:
        raise _refuse(
            N_("The photo has too many pixels ({pixels} million; at most {max} million)."),
            pixels=round(width * height / 1e6, 1),
            max=round(max_pixels / 1e6, 1),
        )
    if min(width, height) < MIN_SIDE:
        raise _refuse(N_("The photo is too small to show anything."))


def _shrunk_bytes(width: int, height: int, mode: str, limits: PhotoLimits) -> int:
    factor = max(1, max(width, height) // limits.max_side)
    if factor == 1 and mode == "RGB":
        return 0  # the frame itself goes on
    return -(-width // factor) * -(-height // factor) * 4


def _pillow_open(data: bytes, kind: str, limits: PhotoLimits) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # Our own pixel limit is the one that decides; Pillow's is a backstop.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[FORMATS[kind]])
    except Image.DecompressionBombError as exc:  # a header far beyond any camera
        raise _refuse(
            N_("The photo has too many pixels (at most {max} million)."),
            max=round(limits.max_pixels / 1e6, 1),
        ) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise _refuse(N_("The photo could not be read as {format}."), format=kind.upper()) from exc
    _check_size(
        *image.size, limits.max_pixels // WEBP_SHARE if kind == "webp" else limits.max_pixels
    )
    return image


def _open(data: bytes, limits: PhotoLimits) -> tuple[str, Image.Image | None, int]:
    """Check what the headers say, nothing decoded: the format, the opened image (None for
    WebP: libwebp allocates its whole canvas on opening, so that waits for a decoding
    slot) and the bytes its decode will hold at most (roughly)."""
    if len(data) > limits.max_bytes:
        raise _refuse(
            N_("The photo is larger than {max} MB."), max=round(limits.max_bytes / 2**20, 1)
        )
    kind = sniff(data)
    if kind is None:
        raise _refuse(N_("Only JPEG, PNG and WebP photos are accepted."))
    if kind == "webp":
        canvas = webp_canvas(data)
        if canvas is None:
            raise _refuse(N_("The photo could not be read as {format}."), format="WEBP")
        _check_size(*canvas, limits.max_pixels // WEBP_SHARE)
        return kind, None, canvas[0] * canvas[1] * WEBP_BYTES_PER_PIXEL
    image = _pillow_open(data, kind, limits)
    width, height = image.size
    coefficients = 0
    if kind == "jpeg":
        # libjpeg keeps every DCT coefficient (2 bytes) of a progressive or multi-scan file
        # at full size; the frame itself comes out scaled down (1/2 to 1/8) by the decoder.
        layers = getattr(image, "layer", None) or [(0, 1, 1, 0)]
        most = max(h for _, h, _, _ in layers) * max(v for _, _, v, _ in layers)
        coefficients = width * height * 2 * sum(h * v for _, h, v, _ in layers) // most
        image.draft("RGB", (limits.max_side, limits.max_side))
    frame = image.width * image.height * _BYTES_PER_PIXEL.get(image.mode, 4)
    shrunk = _shrunk_bytes(image.width, image.height, image.mode, limits)
    return kind, image, coefficients + frame + shrunk


def _rgb(part: Image.Image) -> Image.Image:
    """The pixels of `part` in RGB, transparency flattened onto white."""
    if part.mode in ("RGBA", "LA", "PA") or (part.mode == "P" and "transparency" in part.info):
        rgba = part.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return part if part.mode == "RGB" else part.convert("RGB")


def _shrunk_rgb(image: Image.Image, factor: int) -> Image.Image:
    """`image` in RGB, reduced `factor` times (box average), converted a strip at a time:
    only the decoded frame is full size, never an RGB or RGBA copy of it."""
    if factor == 1 and image.mode == "RGB":
        return image
    width, height = image.size
    out = Image.new("RGB", (-(-width // factor), -(-height // factor)))
    rows = factor * max(1, STRIP_PIXELS // (width * factor))
    for top in range(0, height, rows):
        part = _rgb(image.crop((0, top, width, min(top + rows, height))))
        out.paste(part.reduce(factor) if factor > 1 else part, (0, top // factor))
    return out


def _decode(image: Image.Image, limits: PhotoLimits) -> Image.Image:
    """Decode the first frame, upright, in sRGB, without transparency, at most max_side."""
    picture = image
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image.seek(0)  # animations: the first frame only
            image.load()
            orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
            icc = image.info.get("icc_profile")
            # Shrink first (to between 1 and 2 times max_side), so the conversions, the
            # turn and the colour profile work on a small picture, not the full frame.
            factor = max(1, max(image.size) // limits.max_side)
            picture = _shrunk_rgb(image, factor)
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError) as exc:
        raise _refuse(N_("The photo is damaged or incomplete.")) from exc
    finally:
        if picture is not image:
            image.close()  # the full frame's memory goes back now, not when collected
    turn = _ORIENTATION.get(orientation)
    if turn is not None:
        picture = picture.transpose(turn)
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(picture, source, _SRGB, outputMode="RGB")
            if converted is not None:
                picture = converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: keep the pixels as they are
    picture.thumbnail((limits.max_side, limits.max_side), Image.Resampling.LANCZOS)
    # A new image from the bare pixels: nothing of the file's metadata (`info`: comments,
    # XMP, EXIF, ICC) can follow it into the encoder, which copies some of it by default.
    return Image.frombytes("RGB", picture.size, picture.tobytes())


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    # No exif=, icc_profile= or comment=: the file carries pixels only.
    image.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def process_photo(
    data: bytes, limits: PhotoLimits, slots: DecodeSlots | None = None
) -> ProcessedPhoto:
    """Check and rebuild an uploaded photo; InvalidInput (field `file`) says why not,
    PhotosBusy that this worker is decoding as many photos as it may (`DECODE_SLOTS`)."""
    kind, image, cost = _open(data, limits)  # bombs are refused without waiting
    with (slots or DECODE_SLOTS).hold(cost):
        picture = _decode(image or _pillow_open(data, kind, limits), limits)
    thumb = picture.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    processed = ProcessedPhoto(
        data=_jpeg(picture, JPEG_QUALITY),
        thumb=_jpeg(thumb, THUMB_QUALITY),
        width=picture.width,
        height=picture.height,
        source_sha256=hashlib.sha256(data).hexdigest(),
        dhash=dhash(picture),
    )
    picture.close()
    thumb.close()
    _release_memory()  # the encoders' buffers too
    return processed


def new_photo_name() -> str:
    """A random, unguessable name (128 bits); it is the photo's only address."""
    return secrets.token_hex(16) + ".jpg"


def thumb_name(name: str) -> str:
    return name.removesuffix(".jpg") + ".t.jpg"


# Where photos have always been kept: data_dir/reports/photos/ab/<name> on disk, so the
# default store (a directory at data_dir) finds the photos of existing installations.
PHOTO_PREFIX = "reports/photos"


class PhotoStore:
    """Photos and their thumbnails in a file store under `prefix`, spread over 256 "folders"
    by the first two hex digits of their names (a directory stays small; S3 does not care).

    `files` may be a directory, for tools and tests: a local store rooted there."""

    def __init__(self, files: FileStore | Path, prefix: str = "") -> None:
        self.files: FileStore = LocalFileStore(files) if isinstance(files, Path) else files
        self.prefix = prefix

    def key_of(self, name: str) -> str | None:
        """The store's key of a photo or thumbnail; None for any name we would not give out."""
        match = NAME_PATTERN.match(name)
        if match is None:
            return None
        return join_key(self.prefix, f"{match['stem'][:2]}/{name}")

    def _put(self, name: str, data: bytes) -> None:
        key = self.key_of(name)
        assert key is not None, name
        self.files.put(key, data, "image/jpeg")

    def save(self, photo: ProcessedPhoto) -> str:
        """Store a processed photo and its thumbnail; the new name. StorageUnavailable when
        the store fails, with nothing of the photo left behind if that can be helped."""
        name = new_photo_name()
        self._put(name, photo.data)
        try:
            self._put(thumb_name(name), photo.thumb)
        except BaseException:
            self.discard(name)
            raise
        return name

    def delete(self, name: str) -> None:
        """Remove a photo and its thumbnail (either may be gone already); StorageUnavailable
        when the store fails, so the caller can keep track and try again."""
        for each in (name, thumb_name(name)):
            key = self.key_of(each)
            if key is not None:
                self.files.delete(key)

    def discard(self, name: str) -> bool:
        """Remove a photo as `delete` does, but a failure is only logged (a cleanup must not
        hide the error that caused it); whether it is gone."""
        try:
            self.delete(name)
        except StorageUnavailable:
            log.warning("photo %s could not be removed; it stays in the store", name)
            return False
        return True

    def read(self, name: str) -> bytes | None:
        """A photo's bytes; None for a name we never gave out or a photo no longer stored."""
        key = self.key_of(name)
        return None if key is None else self.files.get(key)
