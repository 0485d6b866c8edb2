"""RES2DINV .dat files (Loke, Geotomo): reader and general-array writer.

Index-based arrays (header: title, unit spacing, array code, number of data,
x-location type 0 = first electrode / 1 = midpoint, IP flag), data rows
``x a rho`` or ``x a n rho`` (+ IP):

====  =================  ===================================================
code  array              electrodes from the leftmost position x
====  =================  ===================================================
1     Wenner (alpha)     A M N B at x, x+a, x+2a, x+3a
2     pole-pole          A M at x, x+a
3     dipole-dipole      B A M N at x, x+a, x+a+na, x+2a+na
4     Wenner-beta        B A M N at x, x+a, x+2a, x+3a
5     Wenner-gamma       A M B N at x, x+a, x+2a, x+3a
6     pole-dipole        n>0: A M N at x, x+na, x+(n+1)a;
                         n<0 (reverse): N M A at x, x+a, x+(|n|+1)a
7     Wenner-Schlumberger A M N B at x, x+na, x+(n+1)a, x+(2n+1)a
====  =================  ===================================================

General array (code 11): sub-array code, a text line, measurement type
(0 = apparent resistivity, 1 = resistance), number of data, x-location
type, IP flag, then rows ``k xA zA xB zB xM zM xN zN value [ip]`` with k = 4,
3 (pole-dipole, no B) or 2 (pole-pole). With IP the flag is followed by three
lines: quantity (Chargeability / Phase), unit, delay and integration time.

After the data: topography flag (0 none, 1 distances along the surface,
2 true horizontal distances), number of points, ``x z`` rows, the number of
the first electrode; trailing zeros.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from geoexplore.core.errors import FileFormatError
from geoexplore.core.formats import head_lines
from geoexplore.ert.data import ERTData, electrodes_from_positions, make_table
from geoexplore.ert.io._text import (
    Cursor,
    is_number,
    read_lines,
    to_float,
    to_int,
    tokens,
)

NAME = "res2dinv"
EXTENSIONS = (".dat", ".txt")
ARRAY_CODES = {1: "wenner", 2: "pole-pole", 3: "dipole-dipole", 4: "wenner-beta", 5: "wenner-gamma",
               6: "pole-dipole", 7: "wenner-schlumberger", 11: "general"}
UNSUPPORTED = {8: "equatorial dipole-dipole", 9: "offset pole-dipole", 10: "non-conventional (old)",
               12: "cross-borehole", 13: "cross-borehole", 15: "gradient (index-based)"}


def can_read(path: str | os.PathLike[str]) -> bool:
    """True for a text file starting with a title line, a number (spacing), an array code from the RES2DINV list."""
    head = head_lines(path)
    if head is None:
        return False
    vals = [ln.strip() for ln in head if ln.strip()]
    if len(vals) < 4:
        return False
    t1, t2 = tokens(vals[1]), tokens(vals[2])
    if len(t1) != 1 or not is_number(t1[0]) or len(t2) != 1 or not is_number(t2[0]):
        return False
    code = float(t2[0])
    return bool(np.isfinite(code)) and code == int(code) and 1 <= code <= 15 and "#" not in vals[0][:3]


def _geometry(code: int, x: np.ndarray, a: np.ndarray, nf: np.ndarray, mid: bool) -> np.ndarray:
    """Positions along the line of A, B, M, N (NaN for remote), shape (n, 4)."""
    nan = np.full_like(x, np.nan)
    an = np.abs(nf)
    if code == 1:
        off = (0, 3, 1, 2)
        pts = [x + o * a for o in off]
    elif code == 2:
        pts = [x, nan, x + a, nan]
    elif code == 3:
        pts = [x + a, x, x + a + an * a, x + 2 * a + an * a]
    elif code == 4:
        pts = [x + a, x, x + 2 * a, x + 3 * a]
    elif code == 5:
        pts = [x, x + 2 * a, x + a, x + 3 * a]
    elif code == 6:
        fwd = nf > 0
        pts = [np.where(fwd, x, x + (an + 1) * a), nan,
               np.where(fwd, x + an * a, x + a), np.where(fwd, x + (an + 1) * a, x)]
    elif code == 7:
        pts = [x, x + (2 * an + 1) * a, x + an * a, x + (an + 1) * a]
    else:  # pragma: no cover - guarded by caller
        raise ValueError(code)
    p = np.column_stack(pts)
    if mid:
        span = np.nanmax(p, axis=1) - np.nanmin(p, axis=1)
        p = p - span[:, None] / 2.0
    return p


@dataclass
class Res2dinvHeader:
    """What the header of a RES2DINV file says (before the data rows)."""

    title: str
    spacing: float
    code: int
    sub: int
    meas_type: int
    n: int
    xloc: int
    ip_col: str | None
    ip_unit: str
    remote: dict[str, tuple[float, float, float]] | None = None
    exact_k: bool = False
    has_error: bool = False


def read_header(cur: Cursor) -> Res2dinvHeader:
    """Title, unit spacing, array code (general array: sub-array, measurement type), count, x-location, IP."""
    path = cur.path
    _, title = cur.next("title")
    spacing = cur.next_float("unit electrode spacing")
    ln_code, s_code = cur.next("array code")
    code = to_int(path, tokens(s_code)[0], ln_code, "array code")
    if code in UNSUPPORTED:
        raise FileFormatError(path, f"array code {code} ({UNSUPPORTED[code]}) is not supported", position=f"line {ln_code}")
    if code not in ARRAY_CODES:
        raise FileFormatError(path, f"unknown array code {code}; known: "
                              + ", ".join(f"{k} {v}" for k, v in ARRAY_CODES.items()), position=f"line {ln_code}")
    meas_type = 0
    sub = 0
    remote, exact_k = read_remote_block(cur, code)
    if code == 11:
        sub = cur.next_int("sub-array type")
        ln, s = cur.peek()
        if not is_number(tokens(s)[0]):
            cur.next()
        meas_type = cur.next_int("type of measurement")
        if meas_type not in (0, 1):
            raise FileFormatError(path, f"type of measurement must be 0 or 1, got {meas_type}", position=f"line {ln + 1}")
    ln_n, _ = cur.peek()
    n = cur.next_int("number of data")
    if n <= 0 or n > len(cur.items):
        raise FileFormatError(path, f"number of data {n} does not fit the file ({len(cur.items)} lines)",
                              position=f"line {ln_n}")
    xloc = cur.next_int("x-location type")
    ip_flag = cur.next_int("IP flag")
    ip_col, ip_unit = None, ""
    if ip_flag == 1:
        _, quantity = cur.next("IP quantity")
        _, ip_unit = cur.next("IP unit")
        cur.next("IP delay and integration time")
        q = quantity.lower()
        ip_col = "ip_mrad" if ("phase" in q or "mrad" in ip_unit.lower()) else "chargeability_mv_v"
    elif ip_flag != 0:
        raise FileFormatError(path, f"IP flag must be 0 or 1, got {ip_flag}", position=f"line {ln_n + 2}")
    has_error = False
    if not cur.eof() and "error estimate" in cur.peek()[1].lower():
        cur.next()
        if not cur.eof() and not is_number(tokens(cur.peek()[1])[0]):
            cur.next()  # "Type of error estimate (0=same unit as data)"
        ln_e = cur.peek()[0]
        etype = cur.next_int("type of error estimate")
        if etype != 0:
            raise FileFormatError(path, f"type of error estimate {etype} is not supported (0 = same unit as the data)",
                                  position=f"line {ln_e}")
        has_error = True
    return Res2dinvHeader(title, spacing, code, sub, meas_type, n, xloc, ip_col, ip_unit, remote, exact_k, has_error)


def read_remote_block(cur: Cursor, code: int) -> tuple[dict[str, tuple[float, float, float]] | None, bool]:
    """The optional block after the array code of pole arrays: ``Remote electrodes included``, C2 (and P2 for
    pole-pole) ``x, y, z`` each after a label line, then ``Exact Geometric factor used`` (or another text line).

    Returns the remote positions by slot (``"b"``, ``"n"``) and whether the file's apparent resistivities use the
    exact geometric factor with them (else the remote electrodes count as at infinity).
    """
    if cur.eof() or "remote" not in cur.peek()[1].lower():
        return None, False
    ln0, _ = cur.next()
    pos: list[tuple[float, float, float]] = []
    exact = False
    while not cur.eof():
        ln, s = cur.peek()
        t = tokens(s)
        if len(t) == 1 and is_number(t[0]):
            break  # number of data (or sub-array type): the block is over
        cur.next()
        if len(t) >= 2 and all(is_number(x) for x in t[:3]):
            f = [to_float(cur.path, x, ln, "remote electrode position") for x in t[:3]]
            pos.append((f[0], f[1] if len(f) > 2 else 0.0, f[2] if len(f) > 2 else f[1]))
        elif "exact" in s.lower() and "geometric" in s.lower():
            exact = True
    want = 2 if code == 2 else 1
    if len(pos) != want:
        raise FileFormatError(cur.path, f"remote-electrode block: {want} positions (x, y, z) expected, got {len(pos)}",
                              position=f"line {ln0}")
    slots = ("b", "n") if code == 2 else ("b",)
    return dict(zip(slots, pos)), exact


def read_general_rows(cur: Cursor, h: Res2dinvHeader) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """General-array rows (code 11): (positions (n, 4, 3) NaN for remote, values, IP, errors, line numbers)."""
    path, n = cur.path, h.n
    errs = np.full(n, np.nan)
    records = np.zeros(n, dtype=np.int64)
    vals = np.full(n, np.nan)
    ipv = np.full(n, np.nan)
    pts = np.full((n, 4, 3), np.nan)
    for i in range(n):
        ln, s = cur.next(f"datum {i + 1} of {n}")
        t = tokens(s)
        k = to_int(path, t[0], ln, "number of electrodes")
        if k not in (2, 3, 4):
            raise FileFormatError(path, f"datum {i + 1}: number of electrodes must be 2, 3 or 4, got {k}",
                                  position=f"line {ln}")
        need = 1 + 2 * k + 1 + (h.ip_col is not None) + h.has_error
        if len(t) < need:
            raise FileFormatError(path, f"datum {i + 1}: expected {need} values, got {len(t)}", position=f"line {ln}")
        f = [to_float(path, v, ln, f"datum {i + 1}") for v in t[1:need]]
        if h.has_error:
            errs[i] = f[-1]
        slots = {4: (0, 1, 2, 3), 3: (0, 2, 3), 2: (0, 2)}[k]
        for j, slot in enumerate(slots):
            pts[i, slot] = (f[2 * j], 0.0, f[2 * j + 1])
        vals[i] = f[2 * k]
        if h.ip_col:
            ipv[i] = f[2 * k + 1]
        records[i] = ln
    return pts, vals, ipv, errs, records


def read_indexed_rows(cur: Cursor, h: Res2dinvHeader) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Index-based rows (codes 1-7): (positions (n, 4, 3) NaN for remote, values, IP, errors, line numbers)."""
    path, n, code = cur.path, h.n, h.code
    errs = np.full(n, np.nan)
    records = np.zeros(n, dtype=np.int64)
    ipv = np.full(n, np.nan)
    width = 4 if code in (3, 6, 7) else 3
    rows = np.full((n, width), np.nan)
    for i in range(n):
        ln, s = cur.next(f"datum {i + 1} of {n}")
        t = tokens(s)
        need = width + (h.ip_col is not None) + h.has_error
        if len(t) < need:
            raise FileFormatError(path, f"datum {i + 1}: expected {need} values, got {len(t)}", position=f"line {ln}")
        f = [to_float(path, v, ln, f"datum {i + 1}") for v in t[:need]]
        rows[i] = f[:width]
        if h.has_error:
            errs[i] = f[-1]
        if h.ip_col:
            ipv[i] = f[width]
        records[i] = ln
    nf = rows[:, 2] if width == 4 else np.ones(n)
    if np.any(nf == 0):
        i = int(np.where(nf == 0)[0][0])
        raise FileFormatError(path, f"datum {i + 1}: n factor is 0", position=f"line {records[i]}")
    if np.any(rows[:, 1] <= 0):
        i = int(np.where(rows[:, 1] <= 0)[0][0])
        raise FileFormatError(path, f"datum {i + 1}: electrode spacing a must be positive", position=f"line {records[i]}")
    xs = _geometry(code, rows[:, 0], rows[:, 1], nf, h.xloc == 1)
    vals = rows[:, width - 1]
    pts = np.stack([xs, np.zeros_like(xs), np.zeros_like(xs)], axis=-1)
    pts[np.isnan(xs)] = np.nan
    return pts, vals, ipv, errs, records


def read_topography(cur: Cursor) -> tuple[int, np.ndarray | None]:
    """Topography after the data: (flag 0/1/2, (n, 2) x, z points sorted by x, or None)."""
    path = cur.path
    topo = None
    topo_flag = 0
    if not cur.eof():
        ln, s = cur.next("topography flag")
        t = tokens(s)
        topo_flag = to_int(path, t[0], ln, "topography flag") if t and is_number(t[0]) else 0
        if topo_flag in (1, 2):
            nt = cur.next_int("number of topography points")
            if nt <= 0 or nt > len(cur.items):
                raise FileFormatError(path, f"number of topography points {nt} does not fit the file",
                                      position=f"line {ln + 1}")
            tp = []
            for j in range(nt):
                lt, st = cur.next(f"topography point {j + 1} of {nt}")
                tt = tokens(st)
                if len(tt) < 2:
                    raise FileFormatError(path, f"topography point {j + 1}: expected x and z", position=f"line {lt}")
                tp.append((to_float(path, tt[0], lt, "topography x"), to_float(path, tt[-1], lt, "topography z")))
            topo = np.array(tp)
            order = np.argsort(topo[:, 0], kind="stable")
            topo = topo[order]
    return topo_flag, topo


def exact_factors(pts: np.ndarray, remote: dict[str, tuple[float, float, float]]) -> np.ndarray:
    """K (m) with the remote electrodes at their stated (x, y, z) instead of at infinity (RES2DINV's exact factor)."""
    p = pts.copy()
    for slot, xyz in remote.items():
        k = "abmn".index(slot)
        gone = np.isnan(p[:, k, 0])
        p[gone, k] = xyz
    a, b, m, n = (p[:, j] for j in range(4))

    def inv(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        d = np.linalg.norm(u - v, axis=1)
        return np.where(np.isfinite(d), 1.0 / d, 0.0)

    return 2 * np.pi / (inv(a, m) - inv(b, m) - inv(a, n) + inv(b, n))


def place_on_topography(electrodes: np.ndarray, topo_flag: int, topo: np.ndarray) -> None:
    """Electrode x (flag 1: distances along the surface -> horizontal) and z from the topography, in place."""
    x_el = electrodes[:, 0]
    if topo_flag == 1:  # distances along the surface -> horizontal positions
        seg = np.hypot(np.diff(topo[:, 0]), np.diff(topo[:, 1]))
        s_along = np.concatenate([[topo[0, 0]], topo[0, 0] + np.cumsum(seg)])
        horiz = np.interp(x_el, s_along, topo[:, 0])
        electrodes[:, 0] = horiz
        x_el = horiz
    electrodes[:, 2] = np.interp(x_el, topo[:, 0], topo[:, 1])


def read(path: str | os.PathLike[str]) -> ERTData:
    """Read a RES2DINV .dat file into :class:`ERTData`: header, data rows, topography."""
    cur = Cursor(path, read_lines(path))
    h = read_header(cur)
    pts, vals, ipv, errs, records = read_general_rows(cur, h) if h.code == 11 else read_indexed_rows(cur, h)
    topo_flag, topo = read_topography(cur)
    unread = [(ln, s.strip()[:60]) for ln, s in cur.items[cur.pos:] if not is_number(tokens(s)[0])]
    electrodes, abmn = electrodes_from_positions(pts)
    if topo is not None:
        place_on_topography(electrodes, topo_flag, topo)
    table: dict[str, Any] = {"a": abmn[:, 0], "b": abmn[:, 1], "m": abmn[:, 2], "n": abmn[:, 3], "record": records}
    if h.meas_type == 1:
        table["resistance_ohm"] = vals
    else:
        table["apparent_resistivity_ohm_m"] = vals
    if h.ip_col:
        table[h.ip_col] = ipv
    if h.has_error:
        with np.errstate(divide="ignore", invalid="ignore"):
            table["error"] = np.abs(errs / vals)  # "same unit as the data" -> relative
    if h.remote is not None and h.exact_k:
        k = exact_factors(pts, h.remote)
        table["geometric_factor_m"] = k
        if h.meas_type == 0:
            table["resistance_ohm"] = vals / k
    meta: dict[str, Any] = {"format": "res2dinv", "path": os.fspath(path), "title": h.title.strip(),
                            "array_code": h.code, "array": ARRAY_CODES[h.code], "sub_array": h.sub,
                            "unit_spacing_m": h.spacing, "ip_unit": h.ip_unit.strip(), "topography_flag": topo_flag}
    if topo is not None:
        meta["topography"] = topo
    if h.remote is not None:
        meta["remote_electrodes_xyz_m"] = {k.upper(): v for k, v in h.remote.items()}
        meta["exact_geometric_factor"] = h.exact_k
    if unread:
        meta["unread_sections"] = unread
    data = ERTData(electrodes, make_table(**table), meta)
    # rho_a (type 0) or R (type 1) as in the file; the other from the analytic flat-ground K, as RES2DINV does
    return data.fill_derived()


def write(data: ERTData, path: str | os.PathLike[str], *, title: str = "geoexplore export") -> None:
    """Write RES2DINV general-array format (code 11) with electrode elevations in the rows.

    Values are apparent resistivities (measurement type 0); IP is written
    when the data hold chargeability (mV/V) or phase (mrad).
    """
    d = data.fill_derived()
    rho = d.data["apparent_resistivity_ohm_m"].to_numpy(float)
    if not np.all(np.isfinite(rho)):
        raise ValueError("RES2DINV export needs apparent resistivity for every datum")
    ip_col = "chargeability_mv_v" if d.has("chargeability_mv_v") else ("ip_mrad" if d.has("ip_mrad") else None)
    lines = [title.replace("\n", " "), f"{d.spacing():.4f}", "11", "0",
             "Type of measurement (0=app. resistivity,1=resistance)", "0", str(d.n_data), "1",
             "1" if ip_col else "0"]
    if ip_col:
        lines += (["Chargeability", "mV/V", "0.12,1.0"] if ip_col == "chargeability_mv_v"
                  else ["Phase", "mrad", "0,1"])
    el = d.electrodes
    ipv = d.data[ip_col].to_numpy(float) if ip_col else None
    for i, q in enumerate(d.abmn()):
        if q[1] == 0 and q[3] == 0:
            order = [q[0], q[2]]
        elif q[1] == 0:
            order = [q[0], q[2], q[3]]
        elif q[3] == 0:  # dipole-pole: write its reciprocal pole-dipole (same transfer resistance)
            order = [q[2], q[0], q[1]]
        else:
            order = list(q)
        s = f"{len(order)}"
        for e in order:
            s += f" {el[e - 1, 0]:.4f} {el[e - 1, 2]:.4f}"
        s += f" {rho[i]:.6g}"
        if ipv is not None:
            s += f" {ipv[i]:.6g}"
        lines.append(s)
    lines += ["0", "0", "0", "0", "0"]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
