"""The store package: imports point one way (to the leaf ``encoding``), old module paths still import."""

from __future__ import annotations

import ast
from pathlib import Path

import geoexplore.core.store as store_pkg

STORE = Path(store_pkg.__file__).parent


def _siblings_imported(module: str) -> set[str]:
    tree = ast.parse((STORE / f"{module}.py").read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("geoexplore.core.store"):
            rest = node.module.removeprefix("geoexplore.core.store").lstrip(".")
            out |= {rest} if rest else {a.name for a in node.names}
    return out


def test_the_store_modules_import_only_towards_the_leaf():
    assert _siblings_imported("encoding") == set()
    assert _siblings_imported("ncwrite") == {"encoding"}
    assert _siblings_imported("records") == {"encoding"}
    assert _siblings_imported("ncread") == set()
    assert _siblings_imported("project") <= {"encoding", "ncread", "ncwrite", "records", "testhooks"}
    assert _siblings_imported("testhooks") == set()


def test_old_module_paths_re_export_the_same_objects():
    from geoexplore.core import ncwrite as old_ncwrite
    from geoexplore.core import records as old_records
    from geoexplore.core.store import encoding, ncwrite, project, records

    for name in old_records.__all__:
        assert getattr(old_records, name) is getattr(records, name, None) or getattr(old_records, name) is project.warm_up
    for name in old_ncwrite.__all__:
        assert getattr(old_ncwrite, name) is getattr(ncwrite, name)
    assert store_pkg.ProjectStore is project.ProjectStore
    assert store_pkg.prepare_for_netcdf is encoding.prepare_for_netcdf
    assert ncwrite.fast_writable is encoding.fast_writable
