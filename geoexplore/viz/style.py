"""One figure style for every geoexplore figure (applied locally, never globally)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

STYLE = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "axes.grid": False,
    "image.cmap": "viridis",
}


@contextlib.contextmanager
def figure_style(**overrides: Any) -> Iterator[None]:
    """Context manager: geoexplore's rcParams inside, the user's untouched outside."""
    import matplotlib as mpl

    with mpl.rc_context({**STYLE, **overrides}):
        yield


#: relative standard uncertainty of an image value (e.g. Vp from the pick errors) above which figures hatch it
UNCERTAIN_REL_SD = 0.10


def hatch_uncertain(ax: Any, x: Any, y: Any, rel_sd: Any, *, outline: bool = True) -> bool:
    """Hatch where ``rel_sd`` (NaN: not shown) exceeds :data:`UNCERTAIN_REL_SD`, outlined dashed; True if any did.

    ``x``, ``y``: the coordinates ``contourf`` takes with ``rel_sd`` (1-D or 2-D).
    """
    import numpy as np

    sd = np.asarray(rel_sd, float)
    if not np.any(np.nan_to_num(sd, nan=0.0) > UNCERTAIN_REL_SD):
        return False
    ax.contourf(x, y, sd, levels=[UNCERTAIN_REL_SD, np.inf], colors="none", hatches=["////"])
    if outline:
        ax.contour(x, y, sd, levels=[UNCERTAIN_REL_SD], colors="k", linewidths=0.8, linestyles="--")
    return True


def synthetic_stamp(ax: Any, text: str = "SYNTHETIC DATA") -> None:
    """Mark an axes as showing synthetic data (bottom-right, red, boxed)."""
    ax.text(
        0.995, 0.015, text, transform=ax.transAxes, ha="right", va="bottom", fontsize=8, color="#b00000",
        fontweight="bold", bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "#b00000", "alpha": 0.8},
    )
