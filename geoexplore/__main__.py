"""``python -m geoexplore``: the command line."""

import sys

from geoexplore.cli import main

if __name__ == "__main__":
    sys.exit(main())
