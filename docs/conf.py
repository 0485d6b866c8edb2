"""Sphinx configuration for the geoexplore user guide and API reference."""

from importlib.metadata import version as _version

project = "geoexplore"
author = "geoexplore developers"
release = _version("geoexplore")
extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
master_doc = "index"
exclude_patterns = ["_build", "img/README.md"]
napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_use_rtype = False
napoleon_use_ivar = True
autodoc_typehints = "none"
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": False}
autosummary_generate = False
myst_heading_anchors = 3
suppress_warnings = ["myst.header", "myst.xref_missing", "ref.python"]  # ref.python: a class re-exported by a front door has two targets
html_theme = "alabaster"
html_title = f"geoexplore {release}"
nitpicky = False
