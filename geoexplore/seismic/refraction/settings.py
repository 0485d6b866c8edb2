"""Settings of seismic refraction: first-break picking, pick tables, traveltime tomography, statics.

Every refraction Settings class lives here (re-exported by
:mod:`geoexplore.seismic.settings`); units are in the field names.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from geoexplore.core.errors import ModelError
from geoexplore.core.settings import Settings, added_field


class PickSettings(Settings):
    """Settings of the first-break picker (:func:`geoexplore.seismic.refraction.picking.pick_gather`) and of ``refraction.pick``.

    The one parameter class of the picker (it replaces the ``PickParams``
    dataclass, with the same defaults); units in the names. The picker's
    stages are described in :mod:`geoexplore.seismic.refraction.picking`.
    """

    v_max_m_s: float = Field(6000.0, gt=0, description="fastest plausible first-arrival velocity (m/s): no earlier pick")
    v_min_m_s: float = Field(150.0, gt=0, description="slowest plausible first-arrival velocity (m/s)")
    max_time_margin_s: float = Field(0.02, ge=0, description="margin after offset / v_min (s)")
    lowpass_hz: float | None = Field(None, gt=0, description="low-pass corner (Hz); None: automatic from the noise spectrum")
    noise_factor: float = Field(4.0, gt=1, description="energy detector threshold in noise RMS")
    min_snr_db: float = Field(3.0, description="picks below this SNR (dB) are not used")
    outlier_tolerance_s: float | None = Field(None, gt=0, description="neighbour-consistency tolerance (s); None: automatic")
    repick: bool = Field(True, description="re-pick inconsistent picks around the neighbours' prediction")
    auto_lowpass: bool = added_field(True, added_in="0.2", description="with lowpass_hz None: low-pass where the signal spectrum exceeds twice the pre-arrival noise spectrum")
    t_max_s: float | None = added_field(None, added_in="0.2", gt=0, description="hard end of the search window (s); None: end of record")
    er_window_s: float | None = added_field(None, added_in="0.2", gt=0, description="energy-ratio window (s); None: 1.5 dominant periods")
    er_threshold: float = added_field(0.05, added_in="0.2", gt=0, le=1, description="coarse onset: first sample where the normalised energy ratio exceeds this fraction of its maximum")
    aic_before_s: float | None = added_field(None, added_in="0.2", gt=0, description="AIC window before the coarse pick (s); None: half a dominant period")
    aic_after_s: float | None = added_field(None, added_in="0.2", gt=0, description="AIC window after the coarse pick (s); None: a quarter dominant period")
    dead_rms_fraction: float = added_field(1e-3, added_in="0.2", ge=0, description="dead trace: RMS below this fraction of the gather's median RMS")
    outlier_rel_tolerance: float = added_field(0.05, added_in="0.2", ge=0, description="relative neighbour-consistency tolerance (fraction of the predicted time), added")
    extend: bool = added_field(True, added_in="0.2", description="walking outward from the shot, re-pick rejected traces around the extrapolation of the accepted picks")
    extend_noise_factor: float = added_field(2.5, added_in="0.2", gt=0, description="energy detector threshold (noise RMS) of the extension")
    synthetic: bool = Field(False, description="the records are synthetic (stamped on figures, carried to the image)")
    method: Literal["auto", "onset", "energy"] = added_field("auto", added_in="0.3", description="first pass: 'onset' (causal high-pass trigger against all the record before, AIC + trend break on the waveform, per-pick uncertainty; for coloured, drifting pre-arrival noise), 'energy' (the 0.2 picker: low-pass, energy detector or MER, AIC; for white noise), 'auto': 'onset' where the high-pass removes more than drift_fraction of the pre-arrival noise power, else 'energy'")
    drift_fraction: float = added_field(0.25, added_in="0.3", ge=0, le=1, description="method 'auto': fraction of the pre-arrival noise power below the trigger's high-pass corner above which 'onset' is used")
    trigger_ratio: float = added_field(30.0, added_in="0.3", gt=1, description="onset trigger: power of the next window over the mean power of all the record before (method 'onset')")
    highpass_hz: float | None = added_field(None, added_in="0.3", gt=0, description="causal high-pass corner of the trigger (Hz); None: 1 / (4 sta_s), i.e. 1 / (128 dt) without sta_s (method 'onset')")
    sta_s: float | None = added_field(None, added_in="0.3", gt=0, description="trigger window (s); None: 32 samples (method 'onset')")
    air_wave: bool = added_field(True, added_in="0.4", description="method 'onset': picks in the air-wave window (|offset| / v_air) with a high-frequency onset are re-picked on the ground arrival after the air wave")
    v_air_m_s: tuple[float, float] = added_field((330.0, 345.0), added_in="0.4", description="speed of sound range (m/s) of the air-wave window")
    air_tolerance_s: float = added_field(0.003, added_in="0.4", ge=0, description="air-wave window tolerance (s; shot timing), plus 5 % of the air traveltime")
    air_centroid_factor: float = added_field(1.6, added_in="0.4", gt=1, description="an air-wave pick's onset spectral centroid (4 and 6 ms windows) exceeds this times the gather's ground-arrival median")
    xcorr: bool = added_field(True, added_in="0.4", description="method 'onset': traces without a usable pick are picked by cross-correlating their onset window with accepted neighbours")
    xcorr_min_corr: float = added_field(0.7, added_in="0.4", gt=0, le=1, description="smallest normalised correlation of a neighbour's onset window that counts")
    calibrate_errors: Literal["auto", "on", "off"] = added_field("auto", added_in="0.4", description="pick errors sqrt(err^2 + floor^2), the floor from reciprocal-pair differences (else local second differences) so their normalised robust spread is 1; 'auto': on when every shot was picked with method 'onset'")
    xcorr_confirm_s: float = added_field(0.0015, added_in="0.4", gt=0, description="a rejected pick within this (s) of the neighbours' correlated onset is restored as it was")
    coordinate_unit: str | None = added_field(None, added_in="0.4", description="unit of a SEG-2 file's location strings when it states no UNITS (m, ft, ...; CLI --coordinate-unit); None: such a file's locations stay unknown and the geometry is refused, naming UNITS")


class TomoSettings(Settings):
    """Settings of the traveltime tomography (units in the names)."""

    sec_nodes: int = Field(3, ge=0, le=10, description="secondary nodes per cell edge for the shortest-path forward solver")
    max_cell_area_spacings2: float = Field(
        5.0, gt=0, description="maximum cell area of the parameter mesh in units of (median sensor spacing)^2")
    max_cell_area_m2: float | None = Field(None, gt=0, description="maximum cell area (m^2); overrides max_cell_area_spacings2")
    para_dx: float = Field(1.0, gt=0, le=2, description="mesh node spacing at the surface, relative to the sensor spacing")
    para_depth_m: float | None = Field(None, gt=0, description="depth of the parameter mesh (m); None: pyGIMLi's default (0.4 x spread)")
    z_weight: float = Field(0.2, ge=0, le=1, description="vertical / horizontal smoothness weight (< 1: layered models)")
    lam: float = Field(20.0, gt=0, description="regularisation strength lambda")
    v_top_m_s: float = Field(500.0, gt=0, description="starting model: velocity at the surface (m/s)")
    v_bottom_m_s: float = Field(5000.0, gt=0, description="starting model: velocity at the mesh bottom (m/s)")
    v_min_m_s: float | None = Field(None, gt=0, description="lower velocity limit (m/s); None: unbounded (log velocity)")
    v_max_m_s: float | None = Field(None, gt=0, description="upper velocity limit (m/s); None: unbounded (log velocity)")
    relative_error: float = Field(0.03, ge=0, lt=1, description="relative traveltime error used where picks carry no error")
    absolute_error_s: float = Field(0.0, ge=0, allow_inf_nan=False, description="absolute traveltime error (s) added to the relative error where picks carry no error")
    use_pick_errors: bool = Field(True, description="use the picks' own errors (err column) when present")
    max_iter: int = Field(20, ge=1, le=200, description="maximum Gauss-Newton iterations")
    min_dphi_percent: float = Field(0.5, gt=0, le=50, description="stop when the objective function decreases by less than this (%); pyGIMLi: 1")
    lambda_factor: float = Field(1.0, gt=0, le=1, description="lambda is multiplied by this after every iteration (< 1: cooling)")
    robust: bool = Field(False, description="robust (L1-like, IRLS) data weighting")
    threads: int | None = Field(None, ge=1, description="pyGIMLi C++ threads; None: all CPUs of this process")
    coverage_min: float = Field(0.0, ge=0, description="cells with ray coverage (m of ray per m^2) at or below this are masked")
    lambda_control: Literal["auto", "fixed"] = added_field(
        "auto", added_in="0.5", description="auto: lambda cooled when chi2 stalls above the target band, a step that "
        "overshoots it is cut back onto the target by a line search (geoexplore.core.inversion_control); fixed: "
        "lambda as given (times lambda_factor per iteration), stop at the first chi2 <= chi2_target or a dPhi below "
        "min_dphi_percent (the behaviour before 0.5)")
    chi2_target: float = added_field(1.0, added_in="0.5", gt=0, description="target chi2 (error-weighted misfit per datum)")
    chi2_tolerance: float = added_field(0.2, added_in="0.5", gt=0, lt=1, description="accepted band around chi2_target (auto control)")
    lambda_cooling: float = added_field(0.5, added_in="0.5", gt=0, lt=1, description="factor on lambda when chi2 stalls (auto control)")
    lam_min: float = added_field(1.0, added_in="0.5", gt=0, description="smallest lambda of the auto control")
    stall_fraction: float = added_field(0.1, added_in="0.5", gt=0, lt=1, description="a relative chi2 decrease per "
                                        "iteration below this counts as stalled (auto control)")
    coverage_mask: Literal["pygimli", "envelope"] = added_field(
        "pygimli", added_in="0.5", description="image mask: 'pygimli' the cells pyGIMLi's standardizedCoverage keeps "
        "(crossed by rays or next to such a cell); 'envelope' the rule before 0.5 (smoothed coverage and everything "
        "above the deepest covered point of each column, which keeps cells pyGIMLi blanks)")
    uncertainty_runs: int = added_field(
        0, added_in="0.6", ge=0, le=500, description="Monte Carlo runs of the velocity uncertainty: the picks "
        "perturbed by Gaussian draws of their errors, re-inverted on the same mesh; the spread of ln(velocity) per cell "
        "becomes velocity_rel_sd / the image's vp_rel_sd (0: off; each run costs one inversion; 1 is refused)")
    uncertainty_seed: int = added_field(0, added_in="0.6", ge=0, description="seed of the uncertainty runs' draws")
    uncertainty_distribute: Literal["auto", "off"] = added_field(
        "auto", added_in="0.6", description="uncertainty runs: 'auto' spreads them over the cluster's workers when the "
        "tomography runs as a workflow task on a cluster of more than one worker (the same spread as in one task); "
        "'off' runs them in the task")

    def check(self) -> None:
        if self.v_bottom_m_s <= 0 or self.v_top_m_s <= 0:
            raise ModelError("velocities must be positive")
        if (self.v_min_m_s is None) != (self.v_max_m_s is None):
            raise ModelError("give both v_min_m_s and v_max_m_s, or neither")
        if self.v_min_m_s is not None and self.v_max_m_s is not None and self.v_min_m_s >= self.v_max_m_s:
            raise ModelError(f"v_min_m_s ({self.v_min_m_s}) must be below v_max_m_s ({self.v_max_m_s})")
        if self.uncertainty_runs == 1:
            raise ModelError("uncertainty_runs: give 0 (off) or at least 2 runs (a spread needs two)")


class PicksSettings(Settings):
    """Settings of ``refraction.picks``."""

    reciprocity_tolerance_s: float | None = Field(None, gt=0, description="reciprocity tolerance (s); None: twice the median pick error")
    reciprocity_rel_tolerance: float = Field(0.05, ge=0, description="relative reciprocity tolerance")


class RefractionTomoSettings(TomoSettings):
    """Settings of ``refraction.tomo``: the tomography settings plus the image grid."""

    image_dx_m: float | None = Field(None, gt=0, description="image chainage spacing (m); None: half the sensor spacing")
    image_dz_m: float | None = Field(None, gt=0, description="image depth spacing (m); None: half of image_dx_m")
    image_max_depth_m: float | None = Field(None, gt=0, description="image depth (m); None: the mesh depth")


class StaticsSettings(Settings):
    """Settings of ``refraction.statics``."""

    v_replacement_m_s: float = Field(1600.0, gt=0, description="replacement velocity (m/s); the weathering base is where Vp first reaches it")
    datum_elevation_m: float | None = Field(None, description="flat datum elevation (m); None: the highest station elevation")
    station_spacing_m: float | None = Field(None, gt=0, description="station spacing (m); None: the tomogram's chainage grid")


__all__ = ["PickSettings", "PicksSettings", "RefractionTomoSettings", "StaticsSettings", "TomoSettings"]
