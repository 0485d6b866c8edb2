"""``geoexplore seismic ...``: the seismic command group.

Sub-commands live in the modules listed in :data:`PARTS`, one per part of
the package: files (``info``, ``convert``: :mod:`.io.cli`), reflection
(``stack``, ``velocity-picks``: :mod:`.reflection.cli`) and refraction
(``pick``, ``tomo``: :mod:`.refraction.cli`); each has
``add_subcommands(group)``.
"""

from __future__ import annotations

from typing import Any

PARTS = ("geoexplore.seismic.io.cli", "geoexplore.seismic.reflection.cli", "geoexplore.seismic.refraction.cli")


def add_commands(sub: Any) -> None:
    """Add the ``seismic`` command group and its sub-commands to the top-level parser's sub-parsers."""
    p = sub.add_parser("seismic", help="seismic files, reflection processing, refraction picking and tomography")
    group = p.add_subparsers(dest="seismic_command", metavar="SEISMIC_COMMAND")
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])
    from geoexplore.core.plugins import present

    for m in present(PARTS):
        m.add_subcommands(group)


__all__ = ["PARTS", "add_commands"]
