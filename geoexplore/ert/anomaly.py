"""Locate a conductive, steep zone (a fault's damage zone) in an ``ert`` image.

Pure NumPy on the image arrays: within a depth band, each row's log10
resistivity minus the row's median (the lateral anomaly) is averaged over
the band where the image is masked as reliable; the chainage of the most
negative average is the centre of the conductive zone.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def lateral_anomaly(img: Any, depth_min_m: float, depth_max_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Mean lateral log10-resistivity anomaly per chainage within a depth band.

    Returns
    -------
    chainage_m : ndarray, shape (n_chainage,)
    anomaly : ndarray, shape (n_chainage,)
        Mean of log10(rho) - median_row(log10 rho) over the band (NaN where masked out).
    """
    z = img["depth_m"].values
    sel = (z >= depth_min_m) & (z <= depth_max_m)
    lr = np.log10(img["resistivity_ohm_m"].values[sel])
    m = img["mask"].values[sel].astype(bool)
    lr = np.where(m, lr, np.nan)
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            dev = lr - np.nanmedian(lr, axis=1, keepdims=True)
            an = np.nanmean(dev, axis=0)
    return img["chainage_m"].values, an


def locate_conductive_zone(img: Any, depth_min_m: float, depth_max_m: float, *, edge_m: float = 0.0) -> float:
    """Chainage (m) of the strongest conductive lateral anomaly in a depth band.

    ``edge_m`` excludes that distance at both ends of the line (poorly covered).
    """
    ch, an = lateral_anomaly(img, depth_min_m, depth_max_m)
    ok = np.isfinite(an) & (ch >= ch.min() + edge_m) & (ch <= ch.max() - edge_m)
    if not ok.any():
        raise ValueError("no reliable image cells in the depth band")
    k = np.where(ok)[0][np.argmin(an[ok])]
    return float(ch[k])
