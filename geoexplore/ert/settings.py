"""Validated settings of the ERT steps, CLI and API (units in the names).

Every ERT settings class lives here: :class:`QCSettings`,
:class:`InversionSettings`, :class:`ImageSettings`, :class:`ErtSettings`
(``ert invert`` and :func:`geoexplore.ert.invert`) and the step settings
:class:`ReadSettings`, :class:`QCStepSettings`, :class:`InvertStepSettings`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from geoexplore.core.settings import Settings, added_field


class QCSettings(Settings):
    """Quality control: checks, reciprocal analysis, filters and the error model."""

    geometric_factors: Literal["auto", "analytic", "numerical"] = Field(
        "auto", description="K: analytic for flat ground, numerical (pyGIMLi homogeneous run) with topography; "
        "auto = numerical when the electrodes have topography and the file gives resistances")
    min_rhoa_ohm_m: float = Field(0.0, ge=0, description="remove apparent resistivity at or below this (ohm m)")
    max_rhoa_ohm_m: float = Field(1e6, gt=0, description="remove apparent resistivity above this (ohm m)")
    max_stacking_error: float = Field(0.1, gt=0, description="remove data whose stacking deviation exceeds this (fraction)")
    max_reciprocal_error: float = Field(0.1, gt=0, description="remove normal/reciprocal pairs differing by more than this (fraction)")
    outlier_n_sigma: float = Field(4.0, gt=0, description="pseudosection outliers: robust sigmas from the neighbours' median (0 disables)")
    outlier_radius_spacings: float = Field(3.0, gt=0, description="neighbourhood radius in electrode spacings for the outlier test")
    relative_error: float = Field(0.03, ge=0, le=1, description="relative error of the error model (fraction) when no reciprocals")
    absolute_error_v: float = Field(5e-5, ge=0, description="absolute voltage error (V) when no reciprocals")
    default_current_a: float = Field(0.1, gt=0, description="current assumed for the absolute error when the file has none (A)")
    use_file_errors: bool = Field(True, description="keep errors given in the file")
    min_reciprocal_pairs: int = Field(10, ge=2, description="fit the error model from reciprocals only with at least this many pairs")
    error_source: Literal["auto", "file", "reciprocal", "model"] = added_field(
        "auto", added_in="0.2", description="data errors: auto = reciprocal fit if any, else the file's errors, else the "
        "relative + absolute model; or force file, reciprocal or model (the QC summary says which and why)")


class BoreholeLog(Settings):
    """A borehole log: resistivity of depth intervals at one position along the line."""

    x_m: float = Field(description="position along the line (electrode x coordinate, m)")
    top_m: list[float] = Field(description="depth below the surface of each interval's top (m)")
    bottom_m: list[float] = Field(description="depth below the surface of each interval's bottom (m)")
    resistivity_ohm_m: list[float] = Field(description="resistivity of each interval (ohm m)")
    uncertainty_log10: float = Field(0.05, gt=0, description="uncertainty of the logged values (log10 units; "
                                     "0.05 = 12 %; 0.01 practically fixes the cells)")
    radius_m: float | None = Field(None, gt=0, description="override: cells whose centre lies within this distance "
                                   "of x_m are constrained (m); default: the cells the column passes through and those "
                                   "within the survey's lateral resolution max(a/2, z/2) (a electrode spacing, z depth)")

    @model_validator(mode="after")
    def _check(self) -> "BoreholeLog":
        n = len(self.top_m)
        if not n or len(self.bottom_m) != n or len(self.resistivity_ohm_m) != n:
            raise ValueError("top_m, bottom_m and resistivity_ohm_m need the same, non-zero length")
        if any(b <= t for t, b in zip(self.top_m, self.bottom_m)) or any(r <= 0 for r in self.resistivity_ohm_m):
            raise ValueError("each interval needs bottom_m > top_m and a positive resistivity")
        return self


class Interface(Settings):
    """A known interface (contact, fault plane) where the smoothing is cut."""

    x_m: list[float] = Field(description="positions along the line of the polyline's points (m)")
    depth_m: list[float] = Field(description="depth below the surface of each point (m)")
    weight: float = Field(0.0, ge=0, le=1, description="smoothness weight across it (0 = cut, 1 = ordinary)")

    @model_validator(mode="after")
    def _check(self) -> "Interface":
        if len(self.x_m) < 2 or len(self.x_m) != len(self.depth_m):
            raise ValueError("an interface needs at least two points, with as many depths as positions")
        return self


class ConstraintSettings(Settings):
    """Borehole logs and interfaces (see :mod:`geoexplore.ert.constraints`)."""

    boreholes: list[BoreholeLog] = Field(default_factory=list, description="borehole logs")
    interfaces: list[Interface] = Field(default_factory=list, description="interfaces where smoothing is cut")


class IPSettings(Settings):
    """Inversion of the IP data (chargeability or phase) on the DC model (:mod:`geoexplore.ert.ip_inversion`)."""

    invert: Literal["auto", "on", "off"] = Field("auto", description="auto: when the data carry chargeability "
                                                  "or phase; on: refuse data without")
    absolute_error: float = Field(1.0, gt=0, description="absolute error of the IP data (mV/V or mrad)")
    relative_error: float = Field(0.05, ge=0, description="relative error of the IP data (fraction)")
    max_depth_index: float = Field(0.2, gt=0, lt=1, description="mask IP cells with DOI index above this")


class InversionSettings(Settings):
    """2D inversion with pyGIMLi's ERTManager."""

    lam: float = Field(10.0, gt=0, description="regularisation strength lambda")
    z_weight: float = Field(1.0, gt=0, le=1, description="vertical/horizontal smoothness weight")
    norm: Literal["L2", "L1"] = Field("L2", description="L2 smoothness, or L1 = robust data and blocky model (IRLS)")
    max_iter: int = Field(20, ge=1, le=100, description="maximum Gauss-Newton iterations")
    chi2_target: float = Field(1.0, gt=0, description="target chi2 (error-weighted misfit per datum)")
    lambda_control: Literal["auto", "fixed"] = Field(
        "auto", description="auto: lambda cooled when chi2 stalls above the target band, a step that overshoots "
        "it is cut back onto the target by a line search; fixed: lambda as given, stop at the first chi2 <= "
        "target (the behaviour before 0.3)")
    chi2_tolerance: float = Field(0.2, gt=0, lt=1, description="accepted band around chi2_target (auto control)")
    lambda_cooling: float = Field(0.5, gt=0, lt=1, description="factor on lambda when chi2 stalls (auto control)")
    lam_min: float = Field(0.1, gt=0, description="smallest lambda of the auto control")
    stall_fraction: float = Field(0.1, gt=0, lt=1, description="a relative chi2 decrease per iteration below "
                                  "this counts as stalled (auto control)")
    model_norm: Literal["L2", "L1"] | None = added_field(
        None, added_in="0.3", description="norm of the model roughness: L1 = blocky (IRLS); default: norm")
    data_norm: Literal["L2", "L1"] | None = added_field(
        None, added_in="0.3", description="norm of the data misfit: L1 = robust (IRLS); default: norm")
    para_dx: float = Field(0.3, gt=0, description="mesh: relative distance of extra nodes between electrodes")
    para_depth_m: float | None = Field(None, gt=0, description="mesh: depth of the model domain (m); default 0.4 x spread")
    para_max_cell_size_m2: float | None = Field(None, gt=0, description="mesh: maximum cell area (m2); default free")
    quality: float = Field(34.0, ge=30, le=34.5, description="mesh quality (minimum angle, degrees)")
    doi: bool = Field(True, description="compute the Oldenburg-Li DOI index (see doi_method)")
    doi_method: Literal["linearised", "full"] = Field(
        "linearised", description="DOI: both reference inversions linearised about the final model (one solve), "
        "or two full nonlinear reference inversions")
    doi_factor: float = Field(10.0, gt=1, description="reference models at median(rho_a) x factor and / factor")
    doi_smallness: float = Field(0.01, gt=0, description="DOI: smallness weight alpha_s (dimensionless, cell area "
                                 "in electrode spacings squared; Oldenburg and Li 1999)")
    doi_normalise: bool = Field(True, description="DOI: divide the index by its maximum (Marescot et al. 2003)")
    doi_threshold: float = Field(0.2, gt=0, lt=1, description="mask cells with DOI index above this")
    doi_max_iter: int = Field(6, ge=1, le=50, description="iterations of each reference inversion (full method)")
    coverage_threshold: float = Field(-2.5, description="mask cells with log10 standardised coverage below this")
    constraints: ConstraintSettings = added_field(ConstraintSettings(), added_in="0.3",
                                                  description="borehole logs and known interfaces")
    ip: IPSettings = added_field(IPSettings(invert="off"), added_in="0.3",
                                 description="IP inversion (invert: auto, on, off)")
    threads: int | None = Field(None, ge=1, description="pyGIMLi threads (default: all CPUs)")
    jacobian: Literal["vectorised", "pygimli"] = added_field(
        "vectorised", added_in="0.4", description="Jacobian of the ERT forward operator: vectorised (batched "
        "products over pyGIMLi's potentials, with the primary potentials over topography taken from the P2 "
        "mesh's nodes without interpolation; equal to pyGIMLi's to rounding, several times faster) or "
        "pygimli (its createSensitivityCol)")
    broyden_after: int | None = added_field(
        None, added_in="0.4", ge=1, description="None: a full Jacobian every iteration; n: the first n "
        "Jacobians in full, later ones by Broyden's rank-one update of the last (log-log, from the model step "
        "and its responses; RES2DINV's quasi-Newton option): one sensitivity computation saved per later "
        "iteration, the iteration path changes slightly (docs/ert.md); vectorised Jacobian only")
    seed: int = Field(0, ge=0, description="seed for anything random")


class ImageSettings(Settings):
    """Regular-grid image of the inverted section."""

    dx_m: float | None = Field(None, gt=0, description="grid step along the line (m); default half the electrode spacing")
    dz_m: float | None = Field(None, gt=0, description="grid step in depth (m); default half the electrode spacing")
    max_depth_m: float | None = Field(None, gt=0, description="image depth (m); default the model depth")
    chainage_offset_m: float = Field(0.0, description="chainage of electrode x = 0 (m)")
    mask_pseudosection: bool = Field(True, description="mask cells outside the lateral extent of the data at their "
                                     "depth: at depth z, between the first and last midpoint of data with pseudo-depth >= z")


class ErtSettings(Settings):
    """Everything for ``ert invert`` (QC + inversion + image)."""

    qc: QCSettings = Field(default_factory=QCSettings)
    inversion: InversionSettings = Field(default_factory=InversionSettings)
    image: ImageSettings = Field(default_factory=ImageSettings)

    @model_validator(mode="after")
    def _check(self) -> "ErtSettings":
        if self.qc.min_rhoa_ohm_m >= self.qc.max_rhoa_ohm_m:
            raise ValueError("qc.min_rhoa_ohm_m must be below qc.max_rhoa_ohm_m")
        return self


# -- settings of the workflow steps (geoexplore.ert.steps) --------------------------------
class ReadSettings(Settings):
    """Settings of ``ert.read``."""

    format: str | None = Field(None, description="file format (default: detected from the content)")


class QCStepSettings(QCSettings):
    """Settings of ``ert.qc`` (see :class:`~geoexplore.ert.settings.QCSettings`)."""


class InvertStepSettings(Settings):
    """Settings of ``ert.invert``: inversion and image."""

    inversion: InversionSettings = Field(default_factory=InversionSettings)
    image: ImageSettings = Field(default_factory=ImageSettings)
    synthetic: bool | None = Field(None, description="label the image synthetic (default: from the data)")


__all__ = ["BoreholeLog", "ConstraintSettings", "ErtSettings", "IPSettings", "Interface", "ImageSettings", "InversionSettings", "InvertStepSettings", "QCSettings", "QCStepSettings",
           "ReadSettings"]
