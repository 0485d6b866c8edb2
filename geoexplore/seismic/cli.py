"""``geoexplore seismic ...``: the seismic command group.

Sub-commands live in the modules listed in :data:`PARTS`; each has
``add_subcommands(subparsers)`` adding its commands to the group.
"""

from __future__ import annotations

from typing import Any

PARTS = ("geoexplore.seismic.cli_io", "geoexplore.seismic.cli_reflection", "geoexplore.seismic.cli_refraction")


def add_commands(sub: Any) -> None:
    p = sub.add_parser("seismic", help="seismic files, reflection processing, refraction picking and tomography")
    group = p.add_subparsers(dest="seismic_command", metavar="SEISMIC_COMMAND")
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])
    from geoexplore.core.plugins import present

    for m in present(PARTS):
        m.add_subcommands(group)


__all__ = ["add_commands"]
