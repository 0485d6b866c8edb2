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


def _ibm2ieee_exact(w: np.ndarray, out: np.ndarray) -> None:
    """General path: fraction * 16**(e-64) in float64, rounded once to float32 (handles every exponent)."""
    frac = (w & np.uint32(0x00FFFFFF)).astype(np.float64)
    frac *= _SCALE[w >> np.uint32(24)]
    with np.errstate(over="ignore", under="ignore"):
        np.copyto(out, frac, casting="same_kind")


def _ibm2ieee_block(w: np.ndarray, out: np.ndarray) -> None:
    """Fast path for one cache-sized block: integer arithmetic on the IEEE bits.

    The 24-bit fraction converts exactly to float32 (normalising it); adding
    ``(4 * e - 280) << 23`` to the float's bits scales it by 16**(e-64) / 2**24,
    and the sign bit is added in the same sum. Valid while the result stays a
    normal float32, i.e. for exponents 39 <= e <= 96 (|x| between about 1e-30
    and 1e35); blocks with other non-zero values use the float64 path.
    """
    t25 = w << np.uint32(1)
    t25 &= np.uint32(0xFE000000)  # e << 25 == (4 e) << 23
    frac = w & np.uint32(0x00FFFFFF)
    nz = None
    if t25.size and not ((39 << 25) <= int(t25.min()) and int(t25.max()) <= (96 << 25)):
        nz = frac != 0  # zero samples (any exponent) do not count
        ee = t25[nz]
        if ee.size and (int(ee.min()) < (39 << 25) or int(ee.max()) > (96 << 25)):
            _ibm2ieee_exact(w, out)
            return
    np.copyto(out, frac, casting="unsafe")
    bits = out.view(np.uint32)
    bits += t25
    bits -= np.uint32(280 << 23)
    sign = w & np.uint32(0x80000000)
    bits |= sign
    if nz is None:
        nz = frac != 0
    if not nz.all():
        np.copyto(bits, sign, where=~nz)


def ibm2ieee(words: np.ndarray, out: np.ndarray | None = None, block: int = 1 << 18) -> np.ndarray:
    """Convert IBM floats to IEEE float32.

    Parameters
    ----------
    words : ndarray of uint32 (any shape)
        The IBM words as unsigned integers, in any byte order (a big-endian
        view such as ``raw.view('>u4')`` of file bytes works directly).
    out : ndarray of float32, optional
        Output array of the same shape.
    block : int
        Elements converted at a time (cache-sized temporaries).

    Returns
    -------
    ndarray of float32
    """
    w_all = np.asarray(words)
    if out is None:
        out = np.empty(w_all.shape, dtype=np.float32)
    if out.dtype != np.float32:
        tmp = ibm2ieee(w_all)
        np.copyto(out, tmp, casting="unsafe")
        return out
    if w_all.ndim != 2:  # flat blocks of `block` elements
        wf = w_all.reshape(-1)
        of = out.reshape(-1) if out.flags.c_contiguous else np.empty(out.size, np.float32)
        buf = np.empty(min(block, max(wf.size, 1)), np.uint32)
        for i in range(0, wf.size, block):
            n = min(block, wf.size - i)
            np.copyto(buf[:n], wf[i:i + n], casting="unsafe")
            _ibm2ieee_block(buf[:n], of[i:i + n])
        if not out.flags.c_contiguous:
            out[...] = of.reshape(out.shape)
        return out
    w2, o2 = w_all, out
    n_rows, ns = w2.shape
    if ns == 0 or n_rows == 0:
        return out
    rows = max(1, block // ns)
    buf = np.empty(min(rows, n_rows) * ns, np.uint32)
    contiguous_out = o2.flags.c_contiguous
    for i in range(0, n_rows, rows):
        r = min(rows, n_rows - i)
        b = buf[: r * ns]
        np.copyto(b.reshape(r, ns), w2[i:i + r], casting="unsafe")  # gathers strided rows, swaps bytes
        if contiguous_out:
            _ibm2ieee_block(b, o2[i:i + r].reshape(-1))
        else:
            tmp = np.empty(r * ns, np.float32)
            _ibm2ieee_block(b, tmp)
            o2[i:i + r] = tmp.reshape(r, ns)
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
    inf = np.isinf(a)
    if inf.any():
        a = np.where(inf, 0.0, a)
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
    word = np.where(inf, np.uint32(0x7FFFFFFF), word)
    return (word | sign).astype(np.uint32)


__all__ = ["ibm2ieee", "ieee2ibm"]
