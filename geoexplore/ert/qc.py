"""Quality control of ERT data: checks, reciprocals, filters, error model.

Every function returns new :class:`~geoexplore.ert.data.ERTData`; removed data
go to ``data.removed`` with a ``reason``, so a QC report lists every datum
that is not inverted and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from geoexplore.ert.data import ERTData
from geoexplore.ert.error_model import ErrorModel, fit_reciprocal_std
from geoexplore.ert.geometric import geometric_factors, pseudo_positions


# -- basic checks ------------------------------------------------------------------
def check(data: ERTData) -> ERTData:
    """Remove data that cannot be used, naming the reason.

    * an electrode used twice in one quadrupole, or both currents (or both
      potentials) remote;
    * zero or non-finite current where the current is known;
    * no finite resistance and no finite apparent resistivity;
    * infinite geometric factor (the configuration measures nothing);
    * duplicated quadrupoles (the later ones are removed, naming the first).
    """
    q = data.abmn()
    reason = np.full(data.n_data, "", dtype=object)

    def flag(mask: np.ndarray, why: str) -> None:
        new = mask & (reason == "")
        reason[new] = why

    same = np.zeros(data.n_data, bool)
    for i in range(4):
        for j in range(i + 1, 4):
            same |= (q[:, i] == q[:, j]) & (q[:, i] > 0)
    flag(same, "electrode used twice in the quadrupole")
    flag(((q[:, 0] == 0) & (q[:, 1] == 0)) | ((q[:, 2] == 0) & (q[:, 3] == 0)), "no current or no potential electrode")
    cur = data.data["current_a"].to_numpy(float)
    flag(np.isfinite(cur) & (cur == 0), "zero current")
    r = data.data["resistance_ohm"].to_numpy(float)
    rho = data.data["apparent_resistivity_ohm_m"].to_numpy(float)
    flag(~np.isfinite(r) & ~np.isfinite(rho), "no finite resistance or apparent resistivity")
    k = data.data["geometric_factor_m"].to_numpy(float)
    flag(~np.isfinite(k), "infinite geometric factor")
    # duplicates: same ordered quadrupole
    keys = pd.Series([tuple(x) for x in q])
    first = keys.groupby(keys).transform(lambda s: s.index[0]).to_numpy()
    dup = first != np.arange(data.n_data)
    rec = data.data["record"].to_numpy()
    for i in np.where(dup & (reason == ""))[0]:
        reason[i] = f"duplicate of record {rec[first[i]]}"
    return data.remove(reason != "", reason.astype(str))


# -- geometric factors and rho_a ------------------------------------------------------
def apply_geometric_factors(data: ERTData, method: str = "auto") -> ERTData:
    """Set K (analytic or numerical) and recompute rho_a = K R where R is known.

    ``auto``: numerical when the electrodes have topography and the file
    gives resistances, analytic otherwise. Files that give only apparent
    resistivity keep it (their K is the one the instrument used).
    """
    has_r = data.has("resistance_ohm") and np.isfinite(data.data["resistance_ohm"].to_numpy(float)).all()
    if method == "auto":
        method = "numerical" if (data.has_topography and has_r) else "analytic"
    if method == "numerical":
        from geoexplore.ert.geometric import numerical_geometric_factors

        k = numerical_geometric_factors(data)
    else:
        k = geometric_factors(data.electrodes, data.abmn())
    out = data.copy()
    out.data["geometric_factor_m"] = k
    if has_r:
        out.data["apparent_resistivity_ohm_m"] = k * out.data["resistance_ohm"].to_numpy(float)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            out.data["resistance_ohm"] = out.data["apparent_resistivity_ohm_m"].to_numpy(float) / k
    out.meta["geometric_factors"] = method
    return out


# -- reciprocals -------------------------------------------------------------------
@dataclass
class ReciprocalResult:
    """Normal/reciprocal pairs and the fitted error model.

    Attributes
    ----------
    pairs : DataFrame
        ``normal``, ``reciprocal`` (row indices), ``record_normal``,
        ``record_reciprocal``, ``r_normal_ohm``, ``r_reciprocal_ohm`` (sign
        corrected), ``r_mean_ohm``, ``dr_ohm``, ``rel_error``, ``flagged``.
    model : ErrorModel or None
        ``dR = a + b |R|`` when enough pairs were found.
    bins : tuple of ndarray
        Mean abs(R) (ohm) and standard deviation of dR (ohm) in each bin of the fit.
    """

    pairs: pd.DataFrame
    model: ErrorModel | None
    bins: tuple[np.ndarray, np.ndarray] = field(default_factory=lambda: (np.zeros(0), np.zeros(0)))


def find_reciprocals(data: ERTData) -> pd.DataFrame:
    """Pair every quadrupole with its reciprocal (current and potential dipoles swapped).

    The reciprocal resistance is sign-corrected for swapped electrode order
    within a dipole. Each datum belongs to at most one pair; the normal is
    the one that comes first in the file.
    """
    q = data.abmn()
    r = data.data["resistance_ohm"].to_numpy(float)
    index: dict[tuple[int, int, int, int], int] = {}
    for i, t in enumerate(map(tuple, q)):
        index.setdefault(t, i)
    used = np.zeros(len(q), bool)
    rows = []
    rec = data.data["record"].to_numpy()
    for i, (a, b, m, n) in enumerate(q):
        if used[i]:
            continue
        for cand, sign in (((m, n, a, b), 1.0), ((n, m, b, a), 1.0), ((n, m, a, b), -1.0), ((m, n, b, a), -1.0)):
            j = index.get(tuple(int(c) for c in cand))  # type: ignore[arg-type]
            if j is not None and j != i and not used[j]:
                used[i] = used[j] = True
                rn, rr = r[i], sign * r[j]
                mean = 0.5 * (rn + rr)
                with np.errstate(divide="ignore", invalid="ignore"):
                    rel = abs(rn - rr) / abs(mean) if mean != 0 else np.inf
                rows.append((i, j, rec[i], rec[j], rn, rr, mean, rn - rr, rel))
                break
    cols = ["normal", "reciprocal", "record_normal", "record_reciprocal", "r_normal_ohm", "r_reciprocal_ohm",
            "r_mean_ohm", "dr_ohm", "rel_error"]
    return pd.DataFrame(rows, columns=cols)


def reciprocal_analysis(data: ERTData, *, max_error: float = 0.1, min_pairs: int = 10,
                        n_bins: int | None = None) -> tuple[ERTData, ReciprocalResult]:
    """Pair normals and reciprocals, fit the error model, merge or remove pairs.

    The error model is :func:`~geoexplore.ert.error_model.fit_reciprocal_std` on all pairs (pyGIMLi's
    statistic; ``n_bins`` None = pyGIMLi's count).

    Pairs whose relative difference exceeds ``max_error`` are removed (both
    data, reason names the pair and the difference). Good pairs keep the
    normal with the mean resistance; the reciprocal is removed with reason
    "averaged into record N".

    Returns
    -------
    data : ERTData
    result : ReciprocalResult
    """
    pairs = find_reciprocals(data)
    if pairs.empty:
        return data.copy(), ReciprocalResult(pairs.assign(flagged=pd.Series(dtype=bool)), None)
    pairs["flagged"] = pairs["rel_error"].to_numpy() > max_error
    model, bins = None, (np.zeros(0), np.zeros(0))
    if len(pairs) >= min_pairs:  # all pairs, as pyGIMLi and ResIPy fit them: the flagged ones are part of the spread
        a, b, br, bs = fit_reciprocal_std(pairs["r_normal_ohm"].to_numpy(), pairs["r_reciprocal_ohm"].to_numpy(),
                                          n_bins=n_bins)
        model = ErrorModel(a, b, "reciprocal fit")
        bins = (br, bs)
    out = data.copy()
    r = out.data["resistance_ohm"].to_numpy(float).copy()
    reason = np.full(data.n_data, "", dtype=object)
    for row in pairs.itertuples():
        if row.flagged:
            reason[row.normal] = f"reciprocal error {100 * row.rel_error:.1f} % > {100 * max_error:.1f} % (pair with record {row.record_reciprocal})"
            reason[row.reciprocal] = f"reciprocal error {100 * row.rel_error:.1f} % > {100 * max_error:.1f} % (pair with record {row.record_normal})"
        else:
            r[row.normal] = row.r_mean_ohm
            reason[row.reciprocal] = f"reciprocal averaged into record {row.record_normal}"
    k = out.data["geometric_factor_m"].to_numpy(float)
    out.data["resistance_ohm"] = r
    out.data["apparent_resistivity_ohm_m"] = k * r
    out = out.remove(reason != "", reason.astype(str))
    return out, ReciprocalResult(pairs, model, bins)


# -- filters -------------------------------------------------------------------------
def filter_rhoa(data: ERTData, min_ohm_m: float = 0.0, max_ohm_m: float = 1e6) -> ERTData:
    """Remove negative/zero (<= min) and extreme (> max) apparent resistivities."""
    rho = data.data["apparent_resistivity_ohm_m"].to_numpy(float)
    reason = np.full(data.n_data, "", dtype=object)
    reason[~np.isfinite(rho)] = "apparent resistivity not finite"
    reason[np.isfinite(rho) & (rho <= 0)] = "negative apparent resistivity"
    reason[np.isfinite(rho) & (rho > 0) & (rho <= min_ohm_m)] = f"apparent resistivity <= {min_ohm_m:g} ohm m"
    reason[np.isfinite(rho) & (rho > max_ohm_m)] = f"apparent resistivity > {max_ohm_m:g} ohm m"
    return data.remove(reason != "", reason.astype(str))


def filter_stacking(data: ERTData, max_error: float = 0.1) -> ERTData:
    """Remove data whose instrument stacking deviation exceeds ``max_error`` (fraction)."""
    s = data.data["stacking_error"].to_numpy(float)
    bad = np.isfinite(s) & (s > max_error)
    reasons = np.array([f"stacking error {100 * v:.1f} % > {100 * max_error:.1f} %" for v in np.nan_to_num(s)], dtype=object)
    return data.remove(bad, reasons.astype(str))


def outlier_scores(data: ERTData, radius_spacings: float = 3.0) -> np.ndarray:
    """Robust z-scores of log10 rho_a against pseudosection neighbours.

    For each datum, the neighbours are the other data within
    ``radius_spacings`` electrode spacings in (midpoint, pseudo-depth); the
    score is (log rho_a - median of neighbours) / (1.4826 MAD of all
    residuals). Data with fewer than 3 neighbours score 0.
    """
    rho = data.data["apparent_resistivity_ohm_m"].to_numpy(float)
    lr = np.log10(np.where(rho > 0, rho, np.nan))
    x, z = pseudo_positions(data.electrodes, data.abmn())
    rad = radius_spacings * data.spacing()
    resid = np.zeros(len(lr))
    for i in range(len(lr)):
        d = np.hypot(x - x[i], z - z[i])
        nb = (d <= rad) & (np.arange(len(lr)) != i) & np.isfinite(lr)
        if nb.sum() >= 3 and np.isfinite(lr[i]):
            resid[i] = lr[i] - np.median(lr[nb])
    mad = 1.4826 * np.median(np.abs(resid - np.median(resid)))
    if mad <= 0:
        return np.zeros(len(lr))
    return resid / mad


def filter_outliers(data: ERTData, n_sigma: float = 4.0, radius_spacings: float = 3.0) -> ERTData:
    """Remove pseudosection outliers (abs(robust z-score) > n_sigma)."""
    if n_sigma <= 0 or data.n_data < 10:
        return data.copy()
    z = outlier_scores(data, radius_spacings)
    bad = np.abs(z) > n_sigma
    reasons = np.array([f"pseudosection outlier ({v:+.1f} sigma from neighbours)" for v in z], dtype=object)
    return data.remove(bad, reasons.astype(str))


# -- errors --------------------------------------------------------------------------
def choose_error_source(has_file: bool, model: ErrorModel | None, n_pairs: int, choice: str = "auto",
                        keep_file_errors: bool = True) -> tuple[str, str]:
    """Which errors to use -- ``"file"``, ``"reciprocal"`` or ``"model"`` -- and why, in words for the QC summary.

    ``choice`` ``"auto"``: the reciprocal fit when there is one (it measures how well each quadrupole repeats,
    which a file's stacking or estimated errors do not), else the file's errors, else the relative + absolute
    model. ``"file"``, ``"reciprocal"``, ``"model"`` force a source; a forced source that is missing falls back
    the same way, saying so.
    """
    file_ok = has_file and keep_file_errors
    if choice == "model":
        return "model", "error_source 'model' chosen in the settings"
    if choice == "file":
        if file_ok:
            extra = f" (the reciprocal fit from {n_pairs} pairs is not used)" if model is not None else ""
            return "file", "error_source 'file' chosen in the settings" + extra
        if model is not None:
            return "reciprocal", "error_source 'file' chosen but the file gives no errors: reciprocal fit used"
        return "model", "error_source 'file' chosen but the file gives no errors and there is no reciprocal fit"
    if choice == "reciprocal" and model is None:
        if file_ok:
            return "file", f"error_source 'reciprocal' chosen but no reciprocal fit ({n_pairs} pairs): the file's errors used"
        return "model", f"error_source 'reciprocal' chosen but no reciprocal fit ({n_pairs} pairs)"
    if model is not None:
        why = f"reciprocal fit from {n_pairs} normal/reciprocal pairs"
        if file_ok and choice == "auto":
            why += (" preferred over the file's error column (error_source 'auto': reciprocals measure how well each "
                    "quadrupole repeats; set error_source 'file' to use the file's errors)")
        elif choice == "reciprocal":
            why += " (error_source 'reciprocal' chosen in the settings)"
        return "reciprocal", why
    if file_ok:
        return "file", "errors given in the file (no reciprocal fit)"
    return "model", "no errors in the file and no reciprocal fit"


def assign_errors(data: ERTData, model: ErrorModel | None, *, relative: float = 0.03, absolute_v: float = 5e-5,
                  current_a: float = 0.1, keep_file_errors: bool = True, source: str = "auto",
                  n_pairs: int = 0) -> ERTData:
    """Set the ``error`` column (relative) from the file, a reciprocal model, or relative + absolute-voltage.

    The source is chosen by :func:`choose_error_source`; ``meta["error_source"]`` names it with its formula
    and ``meta["error_source_reason"]`` says why. Without a reciprocal model the error is
    ``relative + absolute_v / |U|`` with U = R I (I from the file, else ``current_a``), as pyGIMLi's
    ``estimateError`` does. A reciprocal error ``a + b |R|`` that is not positive (a fitted ``a`` < 0
    at small ``|R|``) is replaced by ``b |R|``.
    """
    out = data.copy()
    err = out.data["error"].to_numpy(float)
    file_vals = np.isfinite(err) & (err > 0)
    kind, why = choose_error_source(bool(file_vals.any()), model, n_pairs, source, keep_file_errors)
    out.meta["error_source_reason"] = why
    r = out.data["resistance_ohm"].to_numpy(float)
    if kind == "file" and file_vals.all():
        out.meta["error_source"] = "file"
        return out
    if kind == "reciprocal" and model is not None:
        e = model.relative_error(r)
        e = np.where(e > 0, e, model.relative)
        out.meta["error_source"] = f"reciprocal fit: dR = {model.absolute_ohm:.3g} ohm + {model.relative:.3g} |R|"
    else:
        cur = out.data["current_a"].to_numpy(float)
        cur = np.where(np.isfinite(cur) & (cur != 0), cur, current_a)
        u = np.abs(r * cur)
        with np.errstate(divide="ignore"):
            e = relative + absolute_v / np.where(u > 0, u, np.nan)
        out.meta["error_source"] = f"model: {relative:g} + {absolute_v:g} V / |U|"
    e = np.where(np.isfinite(e), e, np.nan)
    keep = file_vals if kind == "file" else np.zeros(len(err), bool)
    if kind == "file":
        out.meta["error_source"] = f"file where given, else {out.meta['error_source']}"
    out.data["error"] = np.where(keep, err, e)
    return out


# -- the whole QC ------------------------------------------------------------------------
@dataclass
class QCReport:
    """What QC did: counts, the error model, every removed datum with its reason."""

    n_read: int
    n_used: int
    removed: pd.DataFrame
    reciprocals: ReciprocalResult | None
    error_source: str
    geometric_factors: str
    error_source_reason: str = ""

    def summary(self) -> dict[str, Any]:
        reasons = (self.removed["reason"].astype(str).str.replace(r"\(.*\)|[\d.]+ %|[+-]?[\d.]+|[<>=]", "", regex=True)
                   .str.replace(r"\s+", " ", regex=True).str.strip())
        m = self.reciprocals.model if self.reciprocals else None
        return {
            "n_read": self.n_read, "n_used": self.n_used, "n_removed": int(len(self.removed)),
            "removed_by_reason": {str(k): int(v) for k, v in reasons.value_counts().items()},
            "n_reciprocal_pairs": int(len(self.reciprocals.pairs)) if self.reciprocals else 0,
            "error_model_absolute_ohm": None if m is None else m.absolute_ohm,
            "error_model_relative": None if m is None else m.relative,
            "error_source": self.error_source, "error_source_reason": self.error_source_reason,
            "geometric_factors": self.geometric_factors,
        }


def quality_control(data: ERTData, settings: Any = None) -> tuple[ERTData, QCReport]:
    """Checks, K and rho_a, reciprocals, filters and errors, in that order.

    Parameters
    ----------
    data : ERTData
    settings : QCSettings, optional

    Returns
    -------
    data : ERTData
        The data to invert (``error`` set for every datum).
    report : QCReport
    """
    from geoexplore.ert.settings import QCSettings

    s = settings or QCSettings()
    n0 = data.n_data
    d = check(data.fill_derived())
    d = apply_geometric_factors(d, s.geometric_factors)
    d = filter_rhoa(d, s.min_rhoa_ohm_m, s.max_rhoa_ohm_m)
    d = filter_stacking(d, s.max_stacking_error)
    d, rec = reciprocal_analysis(d, max_error=s.max_reciprocal_error, min_pairs=s.min_reciprocal_pairs)
    d = filter_outliers(d, s.outlier_n_sigma, s.outlier_radius_spacings)
    d = assign_errors(d, rec.model, relative=s.relative_error, absolute_v=s.absolute_error_v,
                      current_a=s.default_current_a, keep_file_errors=s.use_file_errors, source=s.error_source,
                      n_pairs=len(rec.pairs))
    bad = ~np.isfinite(d.data["error"].to_numpy(float))
    d = d.remove(bad, "no finite data error")
    rep = QCReport(n0, d.n_data, d.removed.copy(), rec, str(d.meta.get("error_source", "")),
                   str(d.meta.get("geometric_factors", "")), str(d.meta.get("error_source_reason", "")))
    return d, rep


#: old name of :func:`quality_control`, kept for one release
run_qc = quality_control
