"""Moved to :mod:`geoexplore.seismic.refraction.synth`; this old path re-exports its public names for one release."""

from geoexplore.seismic.refraction.synth import *  # noqa: F403
from geoexplore.seismic.refraction.synth import __all__  # noqa: F401

if __name__ == "__main__":  # python -m geoexplore.seismic.refraction_synth
    from geoexplore.seismic.refraction.synth import main

    raise SystemExit(main())
