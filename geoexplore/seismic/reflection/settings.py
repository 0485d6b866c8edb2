"""Settings of the seismic reflection steps (``seismic.*``): QC, gathers, velocity analysis, stack, migration, depth.

Every reflection Settings class lives here (re-exported by
:mod:`geoexplore.seismic.settings`); units are in the field names.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from geoexplore.core.settings import InputFile, InputGlob, Settings, added_field


class GathersSettings(Settings):
    """Settings of ``seismic.reflection_gathers``."""

    shots_glob: InputGlob = Field("seismic/shots/*.sg2", description="shot files (glob, relative to the input directory)")
    stations_file: InputFile | None = Field("seismic/stations.csv", description="station table CSV: station, chainage_m, x_m, y_m, elevation_m; None: geometry from the trace headers")
    observer_log_file: InputFile | None = Field("seismic/observer_log.csv", description="observer's log CSV: ffid, file, source_station, first_channel_station, station_increment, n_channels; None: geometry from the trace headers")
    x_origin_m: float = Field(0.0, description="header geometry: chainage of line position 0 in the headers (m)")
    bin_m: float | None = Field(None, gt=0, description="CMP bin size along the line (m); default half the station spacing")
    datum: Literal["floating", "flat"] = Field("floating", description="elevation-statics datum")
    datum_m: float | None = Field(None, description="flat datum elevation (m), needed for datum='flat'")
    replacement_velocity_m_s: float = Field(1000.0, gt=0, description="replacement velocity of the elevation statics (m/s)")
    datum_smooth_m: float = Field(100.0, ge=0, description="smoothing length of the floating datum (m)")
    elevation_statics: bool = Field(True, description="apply elevation statics to the datum (False: only record the datum, when external statics already reduce to it)")
    station_statics_file: InputFile | None = Field(None, description="optional CSV station,static_ms (e.g. refraction statics) applied to sources and receivers")
    fb_min_offset_m: float = Field(30.0, gt=0, description="first-break statics: smallest offset of refractor head waves (m), beyond the crossover")
    fb_max_offset_m: float | None = Field(None, gt=0, description="first-break statics: largest offset used (m)")
    fb_v_weathering_m_s: float | None = Field(None, gt=0, description="first-break statics: weathering velocity (m/s); None: fitted to the direct wave")
    fb_position_offset_m: float = Field(0.0, description="added to the first-break table's positions to give chainage (m)")
    freq_min_hz: float | None = Field(30.0, gt=0, description="band-pass low corner (Hz); None: no low cut")
    freq_max_hz: float | Literal["auto"] | None = Field("auto", description="band-pass high corner (Hz); 'auto': the high edge of the band where the record's signal is above its pre-arrival noise (at most 0.8 x Nyquist); a value above that band is kept with a note; clamped to 0.8 x Nyquist (warning, recorded); None: no high cut")
    notch_hz: float | None = Field(None, gt=0, description="notch frequency (Hz), e.g. 50 for power-line noise")
    fk_reject_m_s: float | None = Field(None, gt=0, description="f-k filter: reject apparent velocities below this (m/s)")
    mute_velocity_m_s: float | Literal["auto"] | None = Field("auto", description="top mute line velocity (m/s); 'auto': from the first arrivals (on land, where they start at the source: the direct wave, muting the direct and refracted waves; at sea: the earliest arrivals over ten offset classes); None: no mute")
    coordinate_units: Literal["m", "ft"] | None = Field(None, description="header geometry: units of trace-header coordinates whose unit code is not a length, and of the location strings of SEG-2 files without UNITS")
    mute_intercept_s: float = Field(0.02, ge=0, description="top mute intercept time (s)")
    gain: Literal["divergence", "tpow", "none"] = Field("divergence", description="gain: spherical divergence t v^2, t^n, or none")
    gain_velocity_m_s: float = Field(1800.0, gt=0, description="velocity of the spherical-divergence gain (m/s)")
    tpow: float = Field(1.0, description="exponent n of the t^n gain")
    agc_window_s: float = Field(0.0, ge=0, description="AGC window (s); 0: no AGC")
    decon_operator_s: float = Field(0.0, ge=0, description="predictive deconvolution operator length (s); 0: none")
    decon_gap_s: float | None = Field(None, gt=0, description="prediction gap (s); None: spiking deconvolution")
    min_offset_m: float = Field(0.0, ge=0, description="kill traces closer to the source than this (m): source-generated noise")


class VelocitySettings(Settings):
    """Settings of ``seismic.velocity_analysis``."""

    spacing_m: float = Field(50.0, gt=0, description="distance between analysis locations (m)")
    supergather_bins: int = Field(9, ge=1, le=101, description="CMP bins combined per analysis location")
    v_min_m_s: float | Literal["auto"] = Field("auto", description="lowest trial RMS velocity (m/s); 'auto': min_vrms_direct_fraction x the first arrivals' near-offset velocity (900 without first arrivals)")
    v_max_m_s: float | Literal["auto"] = Field("auto", description="highest trial RMS velocity (m/s); 'auto': the fastest RMS velocity the moveout at the largest offset resolves at the end of the record within the semblance window, at most max_vint_m_s")
    dv_m_s: float = Field(25.0, gt=0, description="velocity step (m/s)")
    window_s: float = Field(0.016, gt=0, description="semblance time window (s)")
    stretch_mute: float = Field(0.6, gt=0, description="NMO stretch mute during the scan (relative)")
    min_semblance: float = Field(0.15, ge=0, le=1, description="smallest semblance picked")
    t_min_s: float = Field(0.02, ge=0, description="no picks before this time (s)")
    min_separation_s: float = Field(0.025, gt=0, description="minimum time between picks (s)")
    picks_file: InputFile | None = Field(None, description="a picks CSV (cdp, chainage_m, time_s, vrms_m_s) to use instead of the automatic picks")
    reject_above_first_reflector: bool = Field(True, description="reject picks earlier than the zero-offset time of the first arrivals")
    min_vrms_direct_fraction: float = Field(0.9, ge=0, description="reject picks (RMS, or Dix interval from the pick above) slower than this fraction of the first arrivals' near-offset velocity")
    max_vint_m_s: float = Field(6000.0, gt=0, description="reject picks whose Dix interval velocity from the pick above exceeds this (m/s)")
    max_lateral_change: float = Field(0.0, ge=0, description="reject picks differing by more than this (relative) from the median of the neighbouring analyses; 0: no check")


class StackSettings(Settings):
    """Settings of ``seismic.stack``."""

    stretch_mute: float = Field(0.5, gt=0, description="NMO stretch mute (relative stretch)")
    smooth_m: float = Field(50.0, ge=0, description="lateral smoothing of the velocity field (m)")
    residual_statics: bool = Field(False, description="estimate and apply surface-consistent residual statics")
    max_static_s: float = Field(0.004, gt=0, description="largest residual static searched (s)")


class MigrateSettings(Settings):
    """Settings of ``seismic.migrate``."""

    method: Literal["kirchhoff", "phase_shift", "stolt"] = Field("kirchhoff", description="migration algorithm")
    aperture_m: float | Literal["auto"] = Field("auto", description="Kirchhoff half-aperture (m); 'auto': tan(max angle) x max RMS velocity x record length / 2")
    anti_alias: bool = Field(True, description="Kirchhoff anti-alias triangle filter")
    velocity_smooth_m: float | Literal["auto"] = Field("auto", description="smooth the RMS velocities along the line before migrating (m); 'auto': the larger of the velocity-analysis spacing and half the largest offset (the velocities' lateral footprint)")
    max_angle_deg: float = Field(60.0, gt=0, le=89, description="Kirchhoff largest dip summed (deg)")
    velocity_scale: float = Field(1.0, gt=0, description="scale the stacking velocities for migration")


class DepthSettings(Settings):
    """Settings of ``seismic.depth_convert``."""

    max_depth_m: float | None = Field(None, gt=0, description="deepest depth (m); default the model line's max depth, else the deepest converted sample")
    dz_m: float = Field(1.0, gt=0, description="depth sample interval (m)")
    smooth_time_s: float = Field(0.04, ge=0, description="smoothing of RMS velocities in time before Dix (s)")
    v_min_m_s: float = Field(800.0, gt=0, description="lowest interval velocity allowed (m/s)")
    v_max_m_s: float = Field(6000.0, gt=0, description="highest interval velocity allowed (m/s)")
    min_live_fold: float = Field(3.0, ge=0, description="blank (NaN, mask False) the image where fewer traces survived the mutes")
    lateral_smooth_m: float | Literal["auto"] = Field("auto", description="smooth the RMS velocities along the line before Dix (m); 'auto': the velocity-analysis spacing unless already smoothed over it")


class SectionSettings(Settings):
    """Settings of ``seismic.section`` (a post-stack SEG-Y / SU file as a time section)."""

    section_file: InputFile = Field(..., description="post-stack SEG-Y or SU file (one trace per CMP)")
    velocity_file: InputFile | None = Field(None, description="velocity function: Seismic Unix par file (cdp=, tnmo=, vnmo=), ProMAX HANDVEL cards, CSV table (cdp or chainage_m, time_s or time_ms, vrms_*/vint_* with units) or a column table with units in the header, in time or depth (docs/formats.md)")
    velocity_units: Literal["m/s", "ft/s", "km/s"] | None = Field(None, description="velocity unit when the file does not state it (SU par files, HANDVEL)")
    velocity_kind: Literal["rms", "interval", "average"] | None = added_field(None, added_in="0.4", description="RMS (stacking), interval or average velocities, when the file does not state it")
    interval_at: Literal["top", "base"] | None = added_field(None, added_in="0.4", description="interval velocities: a row's velocity holds from its time/depth down to the next row (top) or from the row above down to it (base); the files do not say which")
    velocity_m_s: float | None = Field(None, gt=0, description="one RMS velocity (m/s) instead of a velocity file")
    trace_spacing_m: float | None = Field(None, gt=0, description="distance between traces (m) when the headers hold no positions")
    coordinate_units: Literal["m", "ft"] | None = Field(None, description="units of header coordinates whose unit code is not a length")
    inline: int | None = Field(None, description="the inline of a 3-D file")
    crossline: int | None = Field(None, description="the crossline of a 3-D file")


class TraceQCSettings(Settings):
    """Settings of ``seismic.trace_qc``."""

    dead_rel_threshold: float = Field(1e-6, ge=0, description="dead trace: RMS at most this fraction of the median trace RMS")
    noisy_ratio: float = Field(1e3, gt=1, description="noisy trace: RMS more than this many times the median trace RMS (flagged dead too)")


__all__ = ["DepthSettings", "GathersSettings", "MigrateSettings", "SectionSettings", "StackSettings", "TraceQCSettings", "VelocitySettings"]
