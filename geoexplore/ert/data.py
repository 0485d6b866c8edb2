"""The ERT data container: a quadrupole table plus electrode positions.

Conventions
-----------
* Electrodes are numbered from 1 in the order of :attr:`ERTData.electrodes`
  (rows ``x, y, z`` in metres; ``x`` is the position along the line, ``z`` the
  elevation, positive up). Number 0 in the ``a, b, m, n`` columns means a
  remote electrode at infinity (pole arrays).
* The quadrupole table is a :class:`pandas.DataFrame` whose columns are listed
  in :data:`COLUMNS` with their units. Absent quantities are NaN.
* Nothing is dropped silently: data that fail a check are moved to
  :attr:`ERTData.removed` with a ``reason`` column (see :mod:`geoexplore.ert.qc`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

#: column name -> (unit, meaning)
COLUMNS: dict[str, tuple[str, str]] = {
    "a": ("-", "current electrode A (C1), electrode number from 1; 0 = remote at infinity"),
    "b": ("-", "current electrode B (C2), 0 = remote at infinity"),
    "m": ("-", "potential electrode M (P1), 0 = remote at infinity"),
    "n": ("-", "potential electrode N (P2), 0 = remote at infinity"),
    "resistance_ohm": ("ohm", "transfer resistance V/I"),
    "current_a": ("A", "injected current"),
    "voltage_v": ("V", "measured potential difference"),
    "apparent_resistivity_ohm_m": ("ohm m", "apparent resistivity K R"),
    "geometric_factor_m": ("m", "geometric factor K (rho_a = K R)"),
    "error": ("1", "relative data error (fraction, e.g. 0.03 = 3 %)"),
    "stacking_error": ("1", "relative standard deviation of the stacks reported by the instrument (fraction)"),
    "ip_mrad": ("mrad", "phase (frequency-domain IP)"),
    "chargeability_mv_v": ("mV/V", "apparent chargeability (time-domain IP; ms for some instruments)"),
    "record": ("-", "record number in the source file (line or measurement number, from 1)"),
}

ELECTRODE_COLUMNS = ("a", "b", "m", "n")
FLOAT_COLUMNS = tuple(c for c in COLUMNS if c not in ELECTRODE_COLUMNS + ("record",))


def empty_table(n: int = 0) -> pd.DataFrame:
    """A quadrupole table with every documented column (NaN / 0)."""
    cols: dict[str, Any] = {c: np.zeros(n, dtype=np.int64) for c in ELECTRODE_COLUMNS}
    for c in FLOAT_COLUMNS:
        cols[c] = np.full(n, np.nan)
    cols["record"] = np.arange(1, n + 1, dtype=np.int64)
    return pd.DataFrame(cols)


def make_table(**columns: Any) -> pd.DataFrame:
    """Build a full table from some columns (the rest NaN); checks lengths."""
    n = len(next(iter(columns.values()))) if columns else 0
    t = empty_table(n)
    for k, v in columns.items():
        if k not in COLUMNS:
            raise KeyError(f"unknown ERT data column {k!r}; known: {', '.join(COLUMNS)}")
        arr = np.asarray(v)
        if arr.shape != (n,):
            raise ValueError(f"column {k!r} has shape {arr.shape}, expected ({n},)")
        t[k] = arr.astype(np.int64) if k in ELECTRODE_COLUMNS + ("record",) else arr.astype(float)
    return t


@dataclass
class ERTData:
    """Quadrupole table + electrode positions (see module docstring).

    Attributes
    ----------
    electrodes : ndarray, shape (n_electrodes, 3)
        x (along the line), y, z (elevation, up) in metres.
    data : pandas.DataFrame
        One row per quadrupole, columns :data:`COLUMNS`.
    meta : dict
        ``format``, ``path``, ``instrument``, ``title``, ``topography`` (an
        (n, 2) array of x, z points when the file gives topography apart from
        the electrodes), ``ip_unit`` ...
    removed : pandas.DataFrame
        Data removed by readers or QC, same columns plus ``reason``.
    """

    electrodes: np.ndarray
    data: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)
    removed: pd.DataFrame = field(default_factory=lambda: empty_table(0).assign(reason=pd.Series(dtype=str)))

    def __post_init__(self) -> None:
        e = np.asarray(self.electrodes, dtype=float)
        if e.ndim != 2 or e.shape[1] not in (2, 3):
            raise ValueError(f"electrodes must have shape (n, 3), got {e.shape}")
        if e.shape[1] == 2:  # x, z
            e = np.column_stack([e[:, 0], np.zeros(len(e)), e[:, 1]])
        self.electrodes = e
        full = empty_table(len(self.data))
        for c in self.data.columns:
            full[c] = self.data[c].to_numpy()
        self.data = full.reset_index(drop=True)

    # -- basics -------------------------------------------------------------------
    @property
    def n_electrodes(self) -> int:
        return int(len(self.electrodes))

    @property
    def n_data(self) -> int:
        return int(len(self.data))

    def __len__(self) -> int:
        return self.n_data

    def __repr__(self) -> str:
        fmt = self.meta.get("format", "?")
        return f"<ERTData {fmt}: {self.n_electrodes} electrodes, {self.n_data} data, {len(self.removed)} removed>"

    def plot(self, path: Any = None, **kwargs: Any) -> Any:
        """The apparent resistivity pseudosection, removed data as crosses (:func:`geoexplore.ert.plot.plot_pseudosection`).

        Returns a :class:`matplotlib.figure.Figure`, saved to ``path`` when given.
        """
        from geoexplore.ert.plot import plot_pseudosection

        return plot_pseudosection(self, path, **kwargs)

    def copy(self) -> "ERTData":
        return ERTData(self.electrodes.copy(), self.data.copy(), copy.deepcopy(self.meta), self.removed.copy())

    def abmn(self) -> np.ndarray:
        """Electrode numbers, shape (n_data, 4), from 1 (0 = remote)."""
        return self.data[list(ELECTRODE_COLUMNS)].to_numpy(dtype=np.int64)

    def positions(self, which: str) -> np.ndarray:
        """Positions (n_data, 3) of electrode ``which`` in a, b, m, n; NaN for remote electrodes."""
        idx = self.data[which].to_numpy(dtype=np.int64)
        out = np.full((len(idx), 3), np.nan)
        ok = idx > 0
        out[ok] = self.electrodes[idx[ok] - 1]
        return out

    def spacing(self) -> float:
        """Median distance between neighbouring electrodes (m)."""
        if self.n_electrodes < 2:
            return 1.0
        d = np.linalg.norm(np.diff(self.electrodes, axis=0), axis=1)
        d = d[d > 0]
        return float(np.median(d)) if d.size else 1.0

    def has(self, column: str) -> bool:
        """True when the column holds at least one finite value."""
        return column in self.data and bool(np.isfinite(self.data[column].to_numpy(float)).any())

    @property
    def has_topography(self) -> bool:
        z = self.electrodes[:, 2]
        return bool(np.ptp(z) > 1e-6 * max(1.0, np.ptp(self.electrodes[:, 0])))

    def arrays(self) -> dict[str, int]:
        """Array types found: name -> count (see :func:`geoexplore.ert.geometric.classify_arrays`)."""
        from geoexplore.ert.geometric import classify_arrays

        names = classify_arrays(self.electrodes, self.abmn())
        u, c = np.unique(names, return_counts=True)
        return {str(k): int(v) for k, v in zip(u, c)}

    # -- editing ------------------------------------------------------------------
    def remove(self, mask: np.ndarray, reason: str | np.ndarray) -> "ERTData":
        """New data with rows where ``mask`` is True moved to :attr:`removed` with ``reason``."""
        mask = np.asarray(mask, bool)
        if mask.shape != (self.n_data,):
            raise ValueError(f"mask has shape {mask.shape}, expected ({self.n_data},)")
        out = self.copy()
        if not mask.any():
            return out
        gone = self.data[mask].copy()
        gone["reason"] = np.asarray(reason)[mask] if np.ndim(reason) else reason
        out.data = self.data[~mask].reset_index(drop=True)
        out.removed = pd.concat([self.removed, gone], ignore_index=True) if len(self.removed) else gone.reset_index(drop=True)
        return out

    def with_columns(self, **columns: Any) -> "ERTData":
        """New data with some columns replaced."""
        out = self.copy()
        for k, v in columns.items():
            if k not in COLUMNS:
                raise KeyError(f"unknown ERT data column {k!r}")
            out.data[k] = np.asarray(v)
        return out

    # -- derived quantities ---------------------------------------------------------
    def fill_derived(self) -> "ERTData":
        """Fill resistance, apparent resistivity and K from each other where missing.

        Uses analytic flat-ground factors for K where none is given. Does not
        overwrite values present in the file.
        """
        from geoexplore.ert.geometric import geometric_factors

        out = self.copy()
        d = out.data
        r = d["resistance_ohm"].to_numpy(float)
        u, i = d["voltage_v"].to_numpy(float), d["current_a"].to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(np.isnan(r) & np.isfinite(u) & np.isfinite(i) & (i != 0), u / i, r)
        k = d["geometric_factor_m"].to_numpy(float)
        if np.isnan(k).any():
            k = np.where(np.isnan(k), geometric_factors(out.electrodes, out.abmn()), k)
        rhoa = d["apparent_resistivity_ohm_m"].to_numpy(float)
        rhoa = np.where(np.isnan(rhoa), k * r, rhoa)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(np.isnan(r) & np.isfinite(rhoa) & (k != 0), rhoa / k, r)
        d["resistance_ohm"], d["geometric_factor_m"], d["apparent_resistivity_ohm_m"] = r, k, rhoa
        return out

    # -- conversions ----------------------------------------------------------------
    def to_pygimli(self, *, include_k: bool = True) -> Any:
        """A ``pg.DataContainerERT`` (0-based indices, -1 for remote electrodes).

        Sensor positions are (x, y, z) as pyGIMLi's own unified-format loader
        gives them for 2D lines (x, 0, elevation).
        Columns: a b m n, r, rhoa, k, err, i, u, ip where present.
        """
        from geoexplore.core.gimli import import_pygimli

        pg = import_pygimli()
        dc = pg.DataContainerERT()
        for x, y, z in self.electrodes:
            dc.createSensor(pg.Pos(float(x), float(y), float(z)))
        n = self.n_data
        dc.resize(n)
        for c in ELECTRODE_COLUMNS:
            dc.set(c, (self.data[c].to_numpy(np.int64) - 1).astype(float))
        mapping = {"r": "resistance_ohm", "rhoa": "apparent_resistivity_ohm_m", "err": "error",
                   "i": "current_a", "u": "voltage_v", "ip": "ip_mrad"}
        if include_k:
            mapping["k"] = "geometric_factor_m"
        for tok, col in mapping.items():
            v = self.data[col].to_numpy(float)
            if np.isfinite(v).all():
                dc.set(tok, v)
        dc.markValid(pg.Vector(n, 1.0) > 0)
        return dc

    @classmethod
    def from_pygimli(cls, dc: Any, **meta: Any) -> "ERTData":
        """Build from a ``pg.DataContainerERT`` (inverse of :meth:`to_pygimli`)."""
        pos = np.array([[p[0], p[1], p[2]] for p in dc.sensorPositions()])
        # pyGIMLi 2D meshes use (x, y=up); its file loader gives (x, 0, z)
        if np.allclose(pos[:, 2], 0) and not np.allclose(pos[:, 1], 0):
            el = np.column_stack([pos[:, 0], np.zeros(len(pos)), pos[:, 1]])
        else:
            el = pos
        cols: dict[str, Any] = {c: np.asarray(dc[c], int) + 1 for c in ELECTRODE_COLUMNS}
        for tok, col in {"r": "resistance_ohm", "rhoa": "apparent_resistivity_ohm_m", "k": "geometric_factor_m",
                         "err": "error", "i": "current_a", "u": "voltage_v", "ip": "ip_mrad"}.items():
            if dc.haveData(tok):
                v = np.asarray(dc[tok], float)
                if np.any(v != 0):
                    cols[col] = v
        return cls(el, make_table(**cols), dict(meta))

    def to_dataset(self) -> Any:
        """The table and electrodes as an :class:`xarray.Dataset` (dims ``datum``, ``electrode``)."""
        import xarray as xr

        vars_: dict[str, Any] = {c: ("datum", self.data[c].to_numpy()) for c in COLUMNS}
        for k, c in enumerate(("x_m", "y_m", "z_m")):
            vars_[f"electrode_{c}"] = ("electrode", self.electrodes[:, k])
        ds = xr.Dataset(vars_, coords={"datum": np.arange(self.n_data), "electrode": np.arange(1, self.n_electrodes + 1)})
        for c, (unit, desc) in COLUMNS.items():
            ds[c].attrs.update(units=unit, description=desc)
        ds.attrs.update({k: v for k, v in self.meta.items() if isinstance(v, (str, int, float))})
        return ds

    @classmethod
    def from_dataset(cls, ds: Any) -> "ERTData":
        el = np.column_stack([ds[f"electrode_{c}"].values for c in ("x_m", "y_m", "z_m")])
        table = make_table(**{c: ds[c].values for c in COLUMNS if c in ds})
        return cls(el, table, dict(ds.attrs))


def electrodes_from_positions(
    points: np.ndarray, *, decimals: int = 4
) -> tuple[np.ndarray, np.ndarray]:
    """Unique electrodes from quadrupole positions.

    Parameters
    ----------
    points : ndarray, shape (n_data, 4, 3)
        Positions of A, B, M, N (NaN rows for remote electrodes).

    Returns
    -------
    electrodes : ndarray, shape (n_electrodes, 3)
        Sorted by x, then y.
    abmn : ndarray, shape (n_data, 4)
        Electrode numbers from 1, 0 for remote electrodes.
    """
    pts = np.asarray(points, float)
    flat = pts.reshape(-1, 3)
    ok = np.all(np.isfinite(flat), axis=1)
    key = np.round(flat[ok][:, :2], decimals)
    uniq, inv = np.unique(key, axis=0, return_inverse=True)
    inv = inv.ravel()
    z = np.bincount(inv, weights=flat[ok][:, 2], minlength=len(uniq)) / np.bincount(inv, minlength=len(uniq))
    order = np.lexsort((uniq[:, 1], uniq[:, 0]))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    num = np.zeros(len(flat), dtype=np.int64)
    num[ok] = rank[inv] + 1
    electrodes = np.column_stack([uniq[order], z[order]])
    return electrodes, num.reshape(pts.shape[0], 4)


def merge(datasets: list[ERTData]) -> ERTData:
    """Merge data sets of one spread (e.g. a dipole-dipole and a Wenner-Schlumberger file).

    Electrodes are matched by position (x, y to 0.1 mm); removed data and
    file topography are carried over; ``meta['sources']`` lists the files.
    """
    if not datasets:
        raise ValueError("nothing to merge")
    if len(datasets) == 1:
        return datasets[0].copy()
    pts, tables, removed, topo = [], [], [], []
    for d in datasets:
        q = d.abmn()
        p = np.full((len(q), 4, 3), np.nan)
        for k in range(4):
            ok = q[:, k] > 0
            p[ok, k] = d.electrodes[q[ok, k] - 1]
        pts.append(p)
        tables.append(d.data)
        if len(d.removed):
            removed.append(d.removed)
        t = d.meta.get("topography")
        if isinstance(t, np.ndarray):
            topo.append(t)
    el, abmn = electrodes_from_positions(np.concatenate(pts))
    table = pd.concat(tables, ignore_index=True)
    for k, c in enumerate(ELECTRODE_COLUMNS):
        table[c] = abmn[:, k]
    meta: dict[str, Any] = {"format": "+".join(str(d.meta.get("format", "?")) for d in datasets),
                            "sources": "; ".join(str(d.meta.get("path", d.meta.get("file", "?"))) for d in datasets)}
    for key in ("synthetic", "title"):
        vals = [d.meta[key] for d in datasets if key in d.meta]
        if vals:
            meta[key] = vals[0]
    if topo:
        tt = np.concatenate(topo)
        meta["topography"] = tt[np.argsort(tt[:, 0], kind="stable")]
    out = ERTData(el, table, meta)
    if removed:
        out.removed = pd.concat(removed, ignore_index=True)
    return out
