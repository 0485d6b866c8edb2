"""Every settings class of the MT package: processing (``mt.tf``), analysis and inversion steps.

Each class is a :class:`~geoexplore.core.settings.Settings` (pydantic) whose
fields are what a workflow's ``settings:`` block and the ``--settings`` files
of ``geoexplore mt`` accept.

* :class:`ProcessingSettings`: time series -> transfer functions (:func:`geoexplore.mt.processing.estimate_tf`);
* :class:`TFStepSettings`: the step ``mt.tf`` (processing plus a remote reference);
* :class:`AnalyseSettings`: the step ``mt.analyse`` (phase tensor, dimensionality);
* :class:`Invert1DSettings`: the step ``mt.invert1d`` and :func:`geoexplore.mt.invert1d.invert1d` (Occam);
* :class:`Invert2DSettings`: the step ``mt.invert2d`` and :func:`geoexplore.mt.invert2d.run_invert2d`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from geoexplore.core.settings import InputFile, Settings, added_field


class ProcessingSettings(Settings):
    """Settings of the transfer-function estimation (``mt.tf`` step, ``geoexplore mt tf``)."""

    n_fft: int = Field(128, ge=16, le=1 << 20, description="window length in samples at every decimation level")
    overlap: int = Field(96, ge=0, description="samples shared by consecutive windows")
    n_levels: int = Field(4, ge=1, le=12, description="number of decimation levels")
    decimation_factor: int = Field(4, ge=2, le=16, description="decimation factor between levels")
    bin_min: int = Field(5, ge=1, description="lowest Fourier bin used at every level")
    top_frequency_fraction: float = Field(
        0.25, gt=0, le=0.5, description="highest frequency of the first level, as a fraction of the sampling rate"
    )
    bands_per_decade: float = Field(7.0, gt=0.5, le=40, description="log-spaced bands per decade of frequency")
    min_windows: int = Field(5, ge=2, description="bands with fewer windows are dropped")
    min_points: int = Field(10, ge=4, description="bands with fewer (window x frequency) points are dropped")
    taper: str = Field("hann", description="scipy window name for the FFT taper")
    prewhiten: bool = Field(True, description="first-difference prewhitening (divided out after the FFT)")
    huber_r0: float = Field(1.5, gt=0, description="Huber threshold, in robust residual scales")
    redescend_u0: float = Field(2.8, gt=0, description="Thomson redescending threshold, in robust residual scales")
    n_huber: int = Field(10, ge=0, le=200, description="maximum Huber iterations")
    n_redescend: int = Field(2, ge=0, le=50, description="redescending iterations")
    leverage_factor: float = Field(2.0, gt=1, description="hat-matrix diagonal above factor*p/n is down-weighted")
    min_coherence: float = Field(0.0, ge=0, lt=1, description="drop windows whose band coherence (Ex-Hy, Ey-Hx) is lower")
    spike_threshold: float = Field(
        20.0, gt=0, description="jumps out and back beyond this many MAD scales of the first differences are spikes (interpolated)"
    )
    max_period_s: float | None = Field(None, gt=0, description="drop bands with longer periods")
    bands: list[tuple[int, int, int]] | None = Field(
        None,
        description="explicit bands (level, first bin, last bin), levels counted from 0; replaces the log-spaced bands",
    )
    band_period: Literal["mean", "geometric", "power"] = Field(
        "power",
        description="period assigned to a band: 1/mean bin frequency (EMTF, Aurora), 1/geometric mean, or "
        "1/(mean frequency weighted by the band's magnetic power)",
    )
    hz: Literal["auto", "on", "off"] = Field("auto", description="estimate the tipper: auto = if Hz is present and varies")

    @model_validator(mode="after")
    def _overlap_lt_window(self) -> "ProcessingSettings":
        if self.overlap >= self.n_fft:
            raise ValueError(f"overlap ({self.overlap}) must be smaller than n_fft ({self.n_fft})")
        for lv, lo, hi in self.bands or []:
            if not (0 <= lv < self.n_levels and 1 <= lo <= hi < self.n_fft // 2):
                raise ValueError(f"band ({lv}, {lo}, {hi}) outside levels 0..{self.n_levels - 1} or bins 1..{self.n_fft // 2 - 1}")
        return self


class TFStepSettings(ProcessingSettings):
    """Settings of ``mt.tf``: the processing settings plus an optional remote reference."""

    remote_file: InputFile | None = Field(
        None, description="time-series file of a remote-reference station, relative to the input directory"
    )
    remote_neighbour: bool = Field(
        False, description="use the next file of the same folder (sorted by name) as remote reference"
    )


class AnalyseSettings(Settings):
    """Settings of ``mt.analyse``."""

    skew_max_deg: float = Field(3.0, gt=0, le=20, description="phase-tensor skew |beta| below which a tensor is 1D/2D")
    ellipticity_max: float = Field(0.1, gt=0, lt=1, description="ellipticity below which a tensor is 1D")
    error_draws: int = Field(100, ge=0, le=5000, description="Monte-Carlo draws for phase-tensor errors (0: none)")


class Invert1DSettings(Settings):
    """Settings of ``mt.invert1d`` (Occam)."""

    mode: Literal["det", "xy", "yx"] = Field("det", description="determinant invariant, Zxy or -Zyx")
    n_layers: int = Field(40, ge=5, le=200, description="layers (log-spaced thicknesses)")
    target_rms: float = Field(1.0, gt=0, description="target RMS of the error-weighted residuals")
    max_iter: int = Field(12, ge=1, le=100, description="Occam iterations")
    floor_rho: float = Field(0.05, ge=0, lt=1, description="relative error floor on apparent resistivity")
    floor_phase_deg: float = Field(1.43, ge=0, lt=45, description="error floor on phase (deg)")
    period_min_s: float = Field(0.0, ge=0, description="shortest period used (s)")
    period_max_s: float = Field(1e6, gt=0, description="longest period used (s)")
    rho_min_ohm_m: float = added_field(0.1, added_in="0.2", gt=0, description="lower resistivity bound of the model (ohm-m); a warning when layers above the DOI reach it")
    rho_max_ohm_m: float = added_field(1e5, added_in="0.2", gt=0, description="upper resistivity bound of the model (ohm-m); a warning when layers above the DOI reach it")
    drop_out_of_quadrant: bool = added_field(True, added_in="0.2", description="exclude periods whose phase is outside 0-90 deg (not 1D)")
    outlier_mad: float = added_field(5.0, added_in="0.2", ge=0, description="exclude points further than this many robust scales (and own errors) from the robust local trend of the 5 nearest periods; 0: off")
    exclude_periods_s: list[float] = added_field([], added_in="0.2", description="periods excluded by hand (matched to 1 %)")
    keep_periods_s: list[float] = added_field([], added_in="0.2", description="periods kept whatever the hygiene rules say (matched to 1 %)")
    static_shift: Literal["none", "phase", "reference"] = added_field("none", added_in="0.2", description="static-shift correction: none (reported only), phase (equalise the modes where their phases agree) or reference (scale to reference_ohm_m)")
    reference_ohm_m: list[float] | None = added_field(None, added_in="0.2", description="near-surface column from ERT/TEM (ohm-m, top to bottom) for static_shift: reference")
    reference_thickness_m: list[float] = added_field([], added_in="0.2", description="layer thicknesses of the reference column (m); empty: a half-space")
    reference_depth_m: float | None = added_field(None, added_in="0.2", gt=0, description="depth to which the reference column is known (m)")
    doi_fraction: float = added_field(0.9, added_in="0.2", gt=0, lt=1, description="DOI: depth above which the layers hold this fraction of the Occam model's resolution (trace of R)")

    @model_validator(mode="after")
    def _bounds(self) -> "Invert1DSettings":
        if self.rho_min_ohm_m >= self.rho_max_ohm_m:
            raise ValueError(f"rho_min_ohm_m ({self.rho_min_ohm_m}) must be below rho_max_ohm_m ({self.rho_max_ohm_m})")
        if self.static_shift == "reference" and (not self.reference_ohm_m or self.reference_depth_m is None):
            raise ValueError("static_shift: reference needs reference_ohm_m and reference_depth_m")
        return self


class Invert2DSettings(Settings):
    """Settings of ``mt.invert2d``. Defaults are the lean demo run; the full inversion is
    ``station_step: 1, per_decade: 4, period_min_s: 0.003, dx_m: 250, max_iter: 20``."""

    strike_deg: float | None = Field(None, ge=0, lt=180, description="geoelectric strike (deg from north); None: phase-tensor regional strike, candidate closest to perpendicular to the profile")
    period_min_s: float = Field(0.01, gt=0, description="shortest period inverted (s)")
    period_max_s: float = Field(1000.0, gt=0, description="longest period inverted (s)")
    per_decade: float | None = Field(2.0, gt=0, description="periods per decade kept (None: all)")
    station_step: int = Field(2, ge=1, description="use every n-th station along the profile")
    modes: list[Literal["te", "tm"]] = Field(["te", "tm"], description="modes inverted jointly")
    floor_rho: float = Field(0.05, ge=0, lt=1, description="relative error floor on apparent resistivity")
    floor_phase_deg: float = Field(1.43, ge=0, lt=45, description="error floor on phase (deg)")
    dx_m: float = Field(500.0, gt=0, description="core cell width along the profile (m)")
    dz_top_m: float = Field(25.0, gt=0, description="thickness of the top ground cell (m)")
    dz_max_m: float = Field(500.0, gt=0, description="largest cell thickness in the core mesh (m)")
    core_depth_m: float = Field(12000.0, gt=0, description="depth of the core mesh (m)")
    warm_start: bool = Field(True, description="start from the stitched 1D models (needs the models1d input)")
    start_ohm_m: float = Field(100.0, gt=0, description="start half-space when not warm-starting (ohm-m)")
    max_iter: int = Field(6, ge=1, le=100, description="Gauss-Newton iterations")
    chi_factor: float = Field(1.0, gt=0, description="target chi2 per datum")
    beta0_ratio: float = Field(1.0, gt=0, description="initial beta over the eigenvalue ratio (10 from a half-space)")
    cg_maxiter: int = Field(20, ge=1, description="CG iterations per Gauss-Newton step")
    alpha_z: float = Field(1.0, gt=0, description="weight of vertical smoothness relative to horizontal (1: isotropic)")
    max_depth_m: float = Field(10000.0, gt=0, description="depth of the output image (m)")
    image_dx_m: float = Field(100.0, gt=0, description="image grid spacing along the profile (m)")
    image_dz_m: float = Field(50.0, gt=0, description="image grid spacing in depth (m)")
    mask_threshold: float = Field(10**-2.5, gt=0, lt=1, description="normalised sensitivity below which the image is masked")
    blas_threads: int | None = Field(1, ge=1, description="BLAS threads during the solves (None: library default)")
    distribute: Literal["auto", "off"] = added_field(
        "auto", added_in="0.4",
        description="auto: on a Dask cluster with more than one worker, spread the per-frequency solves and "
                    "sensitivities over the workers (same model to rounding); off: all in the step's process")


__all__ = ["AnalyseSettings", "Invert1DSettings", "Invert2DSettings", "ProcessingSettings", "TFStepSettings"]
