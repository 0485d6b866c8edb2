"""OpenQuake NRML 0.5 export: fault sources, the source-model and GMPE logic trees, a job file.

What is written (one folder):

* ``source_model_<branch>.xml``: one ``simpleFaultSource`` per fault with an
  ``incrementalMFD`` (the balanced rates of :mod:`geoexplore.fault.hazard.mfd`);
* ``source_model_logic_tree.xml``: the scaling-law x MFD branches with their weights;
* ``gmpe_logic_tree.xml``: the GMPEs and their weights (one branch set; see :func:`write_gmpe_logic_tree`);
* ``job.ini``: a classical PSHA job for the OpenQuake engine (sites, IMTs, levels).

The background seismicity (area sources of the regional zonation) is *not*
written: it is the hazard modeller's input; ``job.ini`` says where to add it.
Every file is checked with OpenQuake's own parsers by :func:`validate_export`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from geoexplore.core.errors import GeoexploreError
from geoexplore.fault.hazard.logic import Branch
from geoexplore.fault.hazard.oqsource import (
    RUPTURE_ASPECT_RATIO,
    RUPTURE_MESH_SPACING_KM,
)
from geoexplore.fault.hazard.sources import FaultSource

NRML_NS = "http://openquake.org/xmlns/nrml/0.5"
GML_NS = "http://www.opengis.net/gml"


def _root() -> ET.Element:
    ET.register_namespace("", NRML_NS)
    ET.register_namespace("gml", GML_NS)
    return ET.Element(f"{{{NRML_NS}}}nrml")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: Any) -> ET.Element:
    ns = GML_NS if tag.startswith("gml:") else NRML_NS
    el = ET.SubElement(parent, f"{{{ns}}}{tag.removeprefix('gml:')}", {k: str(v) for k, v in attrs.items()})
    if text is not None:
        el.text = text
    return el


def _write(root: ET.Element, path: Path) -> Path:
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path


def branch_slug(branch: Branch) -> str:
    """File-name-safe label of a branch."""
    return re.sub(r"[^A-Za-z0-9]+", "_", f"{branch.law}_{branch.mfd_kind}").strip("_").lower()


def write_source_model(sources: list[tuple[FaultSource, Branch]], path: str | Path, *, name: str, trt: str) -> Path:
    """One NRML source model with a ``simpleFaultSource`` per (fault, branch) pair."""
    root = _root()
    sm = _sub(root, "sourceModel", name=name)
    grp = _sub(sm, "sourceGroup", name=name, tectonicRegion=trt)
    for src, br in sources:
        sf = _sub(grp, "simpleFaultSource", id=re.sub(r"[^A-Za-z0-9_-]", "_", src.id), name=src.name)
        geom = _sub(sf, "simpleFaultGeometry")
        ls = _sub(geom, "gml:LineString")
        _sub(ls, "gml:posList", " ".join(f"{lon:.6f} {lat:.6f}" for lon, lat in src.trace_lonlat))
        _sub(geom, "dip", f"{src.dip_deg:.3f}")
        _sub(geom, "upperSeismoDepth", f"{src.upper_depth_km:.3f}")
        _sub(geom, "lowerSeismoDepth", f"{src.lower_depth_km:.3f}")
        _sub(sf, "magScaleRel", br.law)
        _sub(sf, "ruptAspectRatio", f"{RUPTURE_ASPECT_RATIO:g}")
        m = br.mfd
        mfd = _sub(sf, "incrementalMFD", minMag=f"{m.min_mag + 0.5 * m.bin_width:.4f}", binWidth=f"{m.bin_width:g}")
        _sub(mfd, "occurRates", " ".join(f"{r:.8e}" for r in m.rates))
        _sub(sf, "rake", f"{src.rake_deg:.1f}")
    return _write(root, Path(path))


def write_source_logic_tree(files: list[tuple[str, float]], path: str | Path) -> Path:
    """Source-model logic tree: one branch per (file name, weight)."""
    root = _root()
    lt = _sub(root, "logicTree", logicTreeID="source_model_lt")
    bs = _sub(lt, "logicTreeBranchSet", uncertaintyType="sourceModel", branchSetID="bs_source_model")
    for k, (fname, w) in enumerate(files):
        b = _sub(bs, "logicTreeBranch", branchID=f"sm{k + 1}")
        _sub(b, "uncertaintyModel", fname)
        _sub(b, "uncertaintyWeight", f"{w:.6g}")
    return _write(root, Path(path))


def write_gmpe_logic_tree(gmpes: dict[str, dict[str, float]], path: str | Path, *, trt: str) -> Path:
    """GMPE logic tree with IMT-dependent weights (OpenQuake's ``uncertaintyWeight imt=...``).

    A GMPE absent for an IMT gets weight 0 for it (OpenQuake then skips it for that IMT).
    """
    names = list(dict.fromkeys(g for w in gmpes.values() for g in w))
    root = _root()
    lt = _sub(root, "logicTree", logicTreeID="gmpe_lt")
    bs = _sub(lt, "logicTreeBranchSet", uncertaintyType="gmpeModel", branchSetID="bs_gmpe", applyToTectonicRegionType=trt)
    first = next(iter(gmpes))
    for k, g in enumerate(names):
        b = _sub(bs, "logicTreeBranch", branchID=f"gmpe{k + 1}")
        _sub(b, "uncertaintyModel", g)
        _sub(b, "uncertaintyWeight", f"{gmpes[first].get(g, 0.0):.6g}")
        for imt, w in gmpes.items():
            _sub(b, "uncertaintyWeight", f"{w.get(g, 0.0):.6g}", imt=imt)
    return _write(root, Path(path))


def write_job_ini(path: str | Path, *, sites: list[Any], levels: dict[str, Any], investigation_time_yr: float,
                  truncation_level: float, vs30_m_s: float, title: str) -> Path:
    """A classical PSHA ``job.ini`` for the OpenQuake engine over the exported logic trees."""
    lv = ", ".join(f'"{imt}": [{", ".join(f"{v:.6g}" for v in vals)}]' for imt, vals in levels.items())
    site_txt = ", ".join(f"{s.lon:.5f} {s.lat:.5f}" for s in sites)
    text = f"""[general]
description = {title}
calculation_mode = classical
random_seed = 23

[geometry]
sites = {site_txt}

[logic_tree]
number_of_logic_tree_samples = 0

[erf]
rupture_mesh_spacing = {RUPTURE_MESH_SPACING_KM:g}
width_of_mfd_bin = 0.1
area_source_discretization = 5.0

[site_params]
reference_vs30_type = inferred
reference_vs30_value = {vs30_m_s:g}
reference_depth_to_1pt0km_per_sec = -999
reference_depth_to_2pt5km_per_sec = -999

[calculation]
# The fault sources of this survey only. Add the regional background (area sources of the
# zonation, GB 18306) as another source model in source_model_logic_tree.xml before design use.
source_model_logic_tree_file = source_model_logic_tree.xml
gsim_logic_tree_file = gmpe_logic_tree.xml
investigation_time = {investigation_time_yr:g}
intensity_measure_types_and_levels = {{{lv}}}
truncation_level = {truncation_level:g}
maximum_distance = 300

[output]
mean = true
quantiles = 0.16 0.5 0.84
poes = 0.1 0.02
"""
    p = Path(path)
    p.write_text(text, encoding="utf-8")
    return p


def validate_export(folder: str | Path) -> dict[str, Any]:
    """Parse every exported file with OpenQuake's own readers; raise on the first failure.

    Returns
    -------
    dict
        ``sources`` (number of parsed fault sources per file), ``source_branches``,
        ``gmpe_branches``, ``job`` (parsed parameters of ``job.ini``).
    """
    from openquake.hazardlib import nrml
    from openquake.hazardlib.gsim_lt import GsimLogicTree
    from openquake.hazardlib.logictree import SourceModelLogicTree
    from openquake.hazardlib.sourceconverter import SourceConverter

    folder = Path(folder)
    out: dict[str, Any] = {"sources": {}}
    conv = SourceConverter(investigation_time=50.0, rupture_mesh_spacing=RUPTURE_MESH_SPACING_KM, width_of_mfd_bin=0.1)
    for f in sorted(folder.glob("source_model_*.xml")):
        if f.name == "source_model_logic_tree.xml":
            continue
        try:
            sm = nrml.to_python(str(f), conv)
        except Exception as exc:
            raise GeoexploreError(f"{f}: OpenQuake cannot read it: {exc}") from exc
        out["sources"][f.name] = [s for grp in sm.src_groups for s in grp.sources]
    try:
        smlt = SourceModelLogicTree(str(folder / "source_model_logic_tree.xml"))
        out["source_branches"] = [b.value for bs in smlt.branchsets for b in bs.branches]
        gslt = GsimLogicTree(str(folder / "gmpe_logic_tree.xml"))
        out["gmpe_branches"] = [str(g) for g in gslt.values[list(gslt.values)[0]]]
    except Exception as exc:
        raise GeoexploreError(f"{folder}: OpenQuake cannot read the logic trees: {exc}") from exc
    job = folder / "job.ini"
    if job.exists():
        from openquake.commonlib import readinput

        try:
            out["job"] = readinput.get_params(str(job))
            out["oqparam"] = readinput.get_oqparam(str(job))
        except Exception as exc:
            raise GeoexploreError(f"{job}: OpenQuake cannot read it: {exc}") from exc
    return out
