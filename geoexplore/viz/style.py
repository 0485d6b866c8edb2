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


def synthetic_stamp(ax: Any, text: str = "SYNTHETIC DATA") -> None:
    """Mark an axes as showing synthetic data (bottom-right, red, boxed)."""
    ax.text(
        0.995, 0.015, text, transform=ax.transAxes, ha="right", va="bottom", fontsize=8, color="#b00000",
        fontweight="bold", bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "#b00000", "alpha": 0.8},
    )
