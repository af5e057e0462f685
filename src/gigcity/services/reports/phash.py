"""Perceptual difference hash (dHash) of photos, and the Hamming-distance search around it.

The hash compares neighbouring pixels of a 9x8 grey thumbnail: 64 bits that survive
re-encoding, resizing and small colour changes. Near-identical photos differ in a few bits.

To find them without scanning every stored hash, the 64 bits are cut into four 16-bit bands
(multi-index hashing): two hashes within 7 bits of each other differ in at most one bit in
at least one band (pigeonhole), so looking each band up with itself and its 16 one-bit
neighbours finds every such hash.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

HASH_BITS = 64
BAND_BITS = 16
BANDS = HASH_BITS // BAND_BITS
# The largest distance the band lookup is guaranteed to find (see the module docstring).
MAX_GUARANTEED_DISTANCE = BANDS * 2 - 1
# Nearly uniform images (a white wall, a black frame) hash to almost all zeros or ones; such
# hashes match each other without the photos being alike, so they are not compared.
MIN_INFORMATIVE_BITS = 8


def dhash(image: Image.Image) -> int:
    """The 64-bit difference hash of `image` (unsigned)."""
    grey = image.convert("L").resize((9, 8), Image.Resampling.LANCZOS)
    pixels = np.asarray(grey, dtype=np.int16)
    bits = (pixels[:, 1:] > pixels[:, :-1]).flatten()
    return int("".join("1" if bit else "0" for bit in bits), 2)


def hamming(a: int, b: int) -> int:
    difference: int = (a ^ b) & (2**HASH_BITS - 1)
    return difference.bit_count()


def to_signed(value: int) -> int:
    """The unsigned 64-bit hash as a signed BIGINT (databases have no unsigned 64-bit type)."""
    return value - 2**HASH_BITS if value >= 2 ** (HASH_BITS - 1) else value


def to_unsigned(value: int) -> int:
    return value + 2**HASH_BITS if value < 0 else value


def bands(value: int) -> tuple[int, int, int, int]:
    """The four 16-bit bands of an unsigned hash, most significant first."""
    mask = 2**BAND_BITS - 1
    return (
        (value >> 48) & mask,
        (value >> 32) & mask,
        (value >> 16) & mask,
        value & mask,
    )


def band_neighbours(band: int) -> list[int]:
    """The band itself and every value one bit away from it."""
    return [band] + [band ^ (1 << i) for i in range(BAND_BITS)]


def informative(value: int) -> bool:
    ones = value.bit_count()
    return MIN_INFORMATIVE_BITS <= ones <= HASH_BITS - MIN_INFORMATIVE_BITS
