"""Small Datasets covering what the project store must write and read back exactly.

Used by the tests of the direct netCDF-4 writer (``tests/core/test_ncwrite.py``)
and of record tables (``tests/core/test_records.py``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr


def netcdf_cases() -> dict[str, xr.Dataset]:
    """Datasets of every kind the pipeline stores, by name (test data for the store's writers)."""
    rng = np.random.default_rng(1)
    return {
        "hv_like": xr.Dataset(
            {"hv": (("window", "frequency_hz"), rng.random((4, 30))), "keep": ("window", [True, False, True, True]),
             "median": ("frequency_hz", rng.random(30)), "window_start_s": ("window", np.arange(4) * 30.0)},
            coords={"window": np.arange(4), "frequency_hz": np.logspace(-1, 1, 30)},
            attrs={"f0_hz": 1.18, "n_windows": np.int64(18), "station": "S000", "reliable": True, "sesame": {"a": [1, 2]}},
        ),
        "dimension_without_coordinate": xr.Dataset({"a": (("x", "y"), rng.random((5, 3))), "b": ("y", [1, 2, 3])}, coords={"x": np.arange(5.0)}),
        "unicode_strings": xr.Dataset(
            {"name": ("s", np.array(["ab", "c", "断层"])), "v": ("s", [1.0, np.nan, 2.0])},
            coords={"s": ["S1", "S2", "S3"]}, attrs={"note": "四平段", "pair": [1, 2], "f": 1.5},
        ),
        "long_strings": xr.Dataset(
            {"method": ("candidate", np.array(["reflection+ert", "mt", "microtremor+refraction"])), "x_m": ("candidate", [1.0, 2.0, 3.0])},
            coords={"candidate": ["F1 (Yitong-Shulan west)", "F2", "F3"]}, attrs={"reasoning": "断层 " * 200},
        ),
        "times_and_booleans": xr.Dataset(
            {"k": ("t", [True, False]), "t2": ("t", pd.date_range("2020-01-01", periods=2))},
            coords={"t": pd.date_range("2021-01-01", periods=2, freq="h")},
        ),
        "scalars": xr.Dataset({"s": ((), 3.0), "n": ((), np.int32(2))}, attrs={"a": 1}),
        "non_index_coordinates": xr.Dataset(
            {"v": ("x", np.arange(4.0))},
            coords={"x": np.arange(4), "lat": ("x", np.linspace(0, 1, 4)), "label": ("x", ["a", "b", "c", "d"])},
        ),
        "two_dimensional_coordinate": xr.Dataset({"v": (("x", "z"), np.ones((3, 2)))}, coords={"depth": (("x", "z"), np.zeros((3, 2))), "x": [1, 2, 3]}),
        "integer_and_float32": xr.Dataset(
            {"v": ("x", np.array([1, 2], dtype=np.uint16)), "w": ("x", np.float32([1, np.nan]))},
            attrs={"arr": np.array([1.0, 2.0]), "empty": ""},
        ),
        "variable_attributes": xr.Dataset({"v": ("x", [1.0, 2.0], {"units": "m", "scale": 2.0, "flags": [1, 2]})}),
        "complex_impedance": xr.Dataset(
            {"z": (("period_s", "out", "in"), rng.random((3, 2, 2)) + 1j * rng.random((3, 2, 2))),
             "t": (("period_s", "in"), (rng.random((3, 2)) + 1j).astype(np.complex64))},
            coords={"period_s": [0.1, 1.0, 10.0], "out": ["ex", "ey"], "in": ["hx", "hy"]},
        ),
    }
