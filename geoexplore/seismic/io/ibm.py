"""Vectorised IBM System/360 single-precision float <-> IEEE 754 conversion in NumPy.

An IBM float is ``(-1)**s * 0.f * 16**(e - 64)`` with a 7-bit exponent ``e``
and a 24-bit fraction ``f``. Every IBM value in the IEEE single range
converts exactly (the fraction has at most 24 significant bits); values
beyond it become +-inf, values below it round to the nearest IEEE
subnormal or zero. The reverse conversion rounds to the nearest IBM value
(ties to even), saturates at the largest IBM magnitude and flushes values
below the smallest IBM normal to zero; so an IBM -> IEEE -> IBM round trip
of a file is bit-exact.
"""

from __future__ import annotations

import numpy as np

# scale[b] for the top byte b = sign bit + 7-bit exponent: value = fraction24 * scale[b]
_SCALE = np.array(
    [(-1.0 if b >> 7 else 1.0) * 2.0 ** (4 * (b & 0x7F) - 256 - 24) for b in range(256)], dtype=np.float64
)


def ibm2ieee(words: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Convert IBM floats to IEEE float32.

    Parameters
    ----------
    words : ndarray of uint32 (any shape)
        The IBM words as unsigned integers in native byte order (byte-swap
        big-endian file data first, e.g. view as ``'>u4'``).
    out : ndarray of float32, optional
        Output array of the same shape.

    Returns
    -------
    ndarray of float32
    """
    w = np.asarray(words)
    if w.dtype != np.uint32:
        w = w.astype(np.uint32)
    frac = (w & np.uint32(0x00FFFFFF)).astype(np.float64)
    frac *= _SCALE[w >> np.uint32(24)]
    if out is None:
        out = np.empty(w.shape, dtype=np.float32)
    with np.errstate(over="ignore", under="ignore"):
        np.copyto(out, frac, casting="same_kind")
    return out


def ieee2ibm(values: np.ndarray) -> np.ndarray:
    """Convert IEEE floats to IBM single-precision words.

    Parameters
    ----------
    values : ndarray of float (any shape)
        Finite values (NaN raises ValueError; +-inf saturates).

    Returns
    -------
    ndarray of uint32
        IBM words in native byte order (byte-swap for a big-endian file).
    """
    x = np.asarray(values, dtype=np.float64)
    if np.isnan(x).any():
        raise ValueError("NaN cannot be written as an IBM float")
    sign = np.signbit(x).astype(np.uint32) << np.uint32(31)
    a = np.abs(x)
    m, e = np.frexp(a)  # a = m * 2**e, m in [0.5, 1)
    e16 = -((-e) // 4)  # ceil(e / 4)
    frac = np.ldexp(m, (e - 4 * e16) + 24)  # in [2**20, 2**24)
    mant = np.rint(frac)
    carry = mant >= 2.0**24
    mant = np.where(carry, mant / 16.0, mant)
    e16 = e16 + carry
    expo = e16 + 64
    mant_u = mant.astype(np.uint64).astype(np.uint32)
    word = (expo.clip(0, 127).astype(np.uint32) << np.uint32(24)) | mant_u
    word = np.where(expo > 127, np.uint32(0x7FFFFFFF), word)
    word = np.where((expo < 0) | (a == 0), np.uint32(0), word)
    return (word | sign).astype(np.uint32)


__all__ = ["ibm2ieee", "ieee2ibm"]
