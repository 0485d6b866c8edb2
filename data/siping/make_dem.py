"""Write the SYNTHETIC DEM of the Siping reference model (data/siping/dem/siping-dem.tif).

The DEM is computed from model.yaml's ``along_strike`` section by
:func:`geoexplore.core.dem.synth_dem` (profile topography extended along strike, smooth random terrain, the
F3 scarps and a terrace riser, white noise; seed in the model) and written as a float32 GeoTIFF in the
model's projected CRS (EPSG:4551) with the tag SYNTHETIC=1. Run from the repository root:

    python data/siping/make_dem.py
"""

from __future__ import annotations

from pathlib import Path


def main() -> int:
    from geoexplore.core.dem import synth_dem, write_dem
    from geoexplore.core.faultmap import fault_map
    from geoexplore.core.geomodel import load_model

    here = Path(__file__).resolve().parent
    fm = fault_map(load_model(here / "model.yaml"))
    out = write_dem(synth_dem(fm), here / "dem" / "siping-dem.tif")
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
