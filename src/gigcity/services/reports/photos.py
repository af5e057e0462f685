"""Photos of reports: accepted only when they really are JPEG, PNG or WebP, then rebuilt.

An upload is checked by its bytes (the file name and the declared type are ignored): it must
start with a JPEG, PNG or WebP signature and decode with that format's decoder alone. Its
pixel count is read from the header and refused above the limit before anything is decoded
(decompression bombs). The picture is then turned upright (EXIF orientation), converted to
sRGB, scaled down and encoded afresh as a baseline JPEG with no metadata at all: EXIF, GPS,
XMP, comments, ICC profiles and anything appended to the file (polyglots) are gone. Files
get random names chosen here and are written atomically.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageOps

from gigcity.i18n import N_
from gigcity.services.errors import InvalidInput
from gigcity.services.reports.phash import dhash

# Signatures: JPEG SOI + marker, the PNG magic, a RIFF container of type WEBP.
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
MIN_SIDE = 16
THUMB_SIDE = 480
JPEG_QUALITY = 85
THUMB_QUALITY = 78
NAME_PATTERN = re.compile(r"^(?P<stem>[0-9a-f]{32})(?P<thumb>\.t)?\.jpg$")
_SRGB = ImageCms.createProfile("sRGB")


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


def _open(data: bytes, limits: PhotoLimits) -> Image.Image:
    if len(data) > limits.max_bytes:
        raise _refuse(
            N_("The photo is larger than {max} MB."), max=round(limits.max_bytes / 2**20, 1)
        )
    kind = sniff(data)
    if kind is None:
        raise _refuse(N_("Only JPEG, PNG and WebP photos are accepted."))
    try:
        with warnings.catch_warnings():
            # Our own pixel limit (below) is the one that decides; Pillow's is a backstop.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[FORMATS[kind]])
    except Image.DecompressionBombError as exc:  # a header far beyond any camera
        raise _refuse(
            N_("The photo has too many pixels (at most {max} million)."),
            max=round(limits.max_pixels / 1e6, 1),
        ) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise _refuse(N_("The photo could not be read as {format}."), format=kind.upper()) from exc
    width, height = image.size
    if width * height > limits.max_pixels:
        raise _refuse(
            N_("The photo has too many pixels ({pixels} million; at most {max} million)."),
            pixels=round(width * height / 1e6, 1),
            max=round(limits.max_pixels / 1e6, 1),
        )
    if min(width, height) < MIN_SIDE:
        raise _refuse(N_("The photo is too small to show anything."))
    return image


def _decode(image: Image.Image, limits: PhotoLimits) -> Image.Image:
    """Decode the first frame, upright, in sRGB, without transparency, at most max_side."""
    if image.format == "JPEG":
        # Let the JPEG decoder skip detail we would throw away anyway (it never goes below).
        image.draft("RGB", (limits.max_side, limits.max_side))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image.seek(0)  # animations: the first frame only
            image.load()
            upright = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError) as exc:
        raise _refuse(N_("The photo is damaged or incomplete.")) from exc
    icc = image.info.get("icc_profile")
    if upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    ):
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        upright = flat
    elif upright.mode != "RGB":
        upright = upright.convert("RGB")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(upright, source, _SRGB, outputMode="RGB")
            if converted is not None:
                upright = converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: keep the pixels as they are
    upright.thumbnail((limits.max_side, limits.max_side), Image.Resampling.LANCZOS)
    # A new image from the bare pixels: nothing of the file's metadata (`info`: comments,
    # XMP, EXIF, ICC) can follow it into the encoder, which copies some of it by default.
    return Image.frombytes("RGB", upright.size, upright.tobytes())


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    # No exif=, icc_profile= or comment=: the file carries pixels only.
    image.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def process_photo(data: bytes, limits: PhotoLimits) -> ProcessedPhoto:
    """Check and rebuild an uploaded photo; InvalidInput (field `file`) says why not."""
    image = _open(data, limits)
    picture = _decode(image, limits)
    thumb = picture.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    return ProcessedPhoto(
        data=_jpeg(picture, JPEG_QUALITY),
        thumb=_jpeg(thumb, THUMB_QUALITY),
        width=picture.width,
        height=picture.height,
        source_sha256=hashlib.sha256(data).hexdigest(),
        dhash=dhash(picture),
    )


def new_photo_name() -> str:
    """A random, unguessable name (128 bits); it is the photo's only address."""
    return secrets.token_hex(16) + ".jpg"


def thumb_name(name: str) -> str:
    return name.removesuffix(".jpg") + ".t.jpg"


class PhotoStore:
    """Photo files under `root`, spread over 256 directories by the first two hex digits."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, name: str) -> Path | None:
        """Where a stored photo or thumbnail lives; None for any name we would not give out."""
        match = NAME_PATTERN.match(name)
        if match is None:
            return None
        return self.root / match["stem"][:2] / name

    def _write(self, name: str, data: bytes) -> None:
        path = self.path_of(name)
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        with open(temp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, path)

    def save(self, photo: ProcessedPhoto) -> str:
        """Store a processed photo and its thumbnail; the new name."""
        name = new_photo_name()
        self._write(name, photo.data)
        self._write(thumb_name(name), photo.thumb)
        return name

    def delete(self, name: str) -> None:
        for each in (name, thumb_name(name)):
            path = self.path_of(each)
            if path is not None:
                path.unlink(missing_ok=True)

    def read(self, name: str) -> bytes | None:
        path = self.path_of(name)
        if path is None or not path.is_file():
            return None
        return path.read_bytes()
