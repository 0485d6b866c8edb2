"""Typed settings of the microtremor processing (units in the names)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from geoexplore.core.settings import InputFile, InputPath, Settings, added_field

__all__ = ["ArraySettings", "HvsrSettings", "HvsrStepSettings", "ThicknessSettings", "ThicknessStepSettings", "POWER_LAW_DEFAULTS"]

#: published power-law coefficients (a, b) of h = a * f0**(-b) (h in m, f0 in Hz, b > 0), as the papers give them
POWER_LAW_DEFAULTS: dict[str, tuple[float, float, str]] = {
    "ibs-von_seht_1999": (96.0, 1.388, "Ibs-von Seht and Wohlenberg (1999), BSSA 89(1): Lower Rhine Embayment, Germany"),
    "delgado_2000": (55.11, 1.256, "Delgado et al. (2000), Eng. Geol. 56: Segura river valley, Spain"),
    "parolai_2002": (108.0, 1.551, "Parolai et al. (2002), BSSA 92(6): Cologne area, Germany"),
    "hinzen_2004": (137.0, 1.19, "Hinzen et al. (2004), J. Earthq. Eng. 8(6): Lower Rhine Embayment, Germany"),
}


class HvsrSettings(Settings):
    """Single-station H/V processing (defaults: Geopsy-like, SESAME-conforming)."""

    window_length_s: float = Field(60.0, gt=0, description="time window length (s)")
    window_overlap: float = Field(0.0, ge=0, lt=1, description="fractional window overlap")
    detrend: Literal["linear", "constant", "none"] = Field("linear", description="per-window detrend")
    taper_alpha: float = Field(0.1, ge=0, le=1, description="Tukey taper: tapered fraction of the window")
    n_fft: int | None = Field(None, ge=2, description="FFT length (zero padding); default the window length")
    bandpass_hz: tuple[float, float] | None = Field(None, description="optional zero-phase Butterworth band-pass (low, high) Hz applied before windowing")
    freq_min_hz: float = Field(0.3, gt=0, description="lowest output frequency (Hz)")
    freq_max_hz: float | None = Field(None, gt=0, description="highest output frequency (Hz); default min(40, 0.45 x sampling rate)")
    n_freq: int = Field(2048, ge=8, le=100000, description="log-spaced output frequencies")
    smoothing_b: float = Field(40.0, gt=0, description="Konno-Ohmachi bandwidth coefficient b")
    smoothing_cutoff: float | None = Field(3.0, gt=0, description="truncate the Konno-Ohmachi window at |b log10(f/fc)| <= cutoff (3 as hvsrpy; None = no truncation)")
    combination: Literal["squared_average", "geometric_mean", "arithmetic_mean", "total_horizontal", "maximum", "azimuth"] = Field(
        "squared_average", description="horizontal combination (squared_average = Geopsy 'Squared')")
    azimuth_deg: float = Field(0.0, description="azimuth (deg clockwise from north) for combination='azimuth'")
    azimuths_deg: list[float] | None = Field(None, description="if set, also compute rotated H/V at these azimuths (deg)")
    anti_trigger: bool = Field(False, description="reject windows by STA/LTA")
    sta_s: float = Field(1.0, gt=0, description="STA length (s)")
    lta_s: float = Field(30.0, gt=0, description="LTA length (s)")
    sta_lta_min: float = Field(0.2, ge=0, description="lowest STA/LTA allowed")
    sta_lta_max: float = Field(2.5, gt=0, description="highest STA/LTA allowed")
    sta_lta_reference: Literal["trailing", "window"] = Field(
        "trailing", description="STA/LTA of the mean |amplitude|: 'trailing' = sliding over the record, 'window' = 1 s blocks over each window's own LTA (hvsrpy)")
    max_amplitude_factor: float | None = Field(None, gt=1, description="reject windows whose peak exceeds this factor times the median window peak")
    frequency_rejection: bool = Field(True, description="Cox et al. (2020) frequency-domain window rejection")
    rejection_n_std: float = Field(2.0, gt=0, description="rejection band in lognormal standard deviations")
    peak_freq_min_hz: float | None = Field(None, gt=0, description="lower bound of the f0 search (Hz)")
    peak_freq_max_hz: float | None = Field(None, gt=0, description="upper bound of the f0 search (Hz)")
    min_windows: int = Field(3, ge=1, description="fewer kept windows than this is an error")
    expected_fs_hz: float | None = Field(None, gt=0, description="raise if the header sampling rate differs")
    channels: dict[str, str] | None = Field(None, description="component -> channel code, e.g. {N: HH1, E: HH2, Z: HHZ}")


def check_power_law_exponent(b: float | None) -> float | None:
    """The exponent of h = a * f0**(-b) as published: positive; a negative one is refused with the expected form."""
    if b is not None and not b > 0:
        raise ValueError(f"the power law is h = a * f0^(-b) with b > 0, as published (Ibs-von Seht and Wohlenberg 1999: "
                         f"a = 96, b = 1.388); b = {b:g} would make the thickness grow with f0: give b without its sign "
                         f"(h = 88.631 f0^-1.683 is a = 88.631, b = 1.683)")
    return b


class ThicknessSettings(Settings):
    """f0 to sediment thickness."""

    method: Literal["power_law", "quarter_wavelength"] = Field("power_law", description="conversion")
    a: float | None = Field(None, gt=0, description="power law coefficient a in h = a f0^(-b) (m); default from 'preset'")
    b: float | None = Field(None, description="power law exponent b > 0 in h = a f0^(-b), as published (e.g. 1.388)")
    coef_sigma_ln: float | None = added_field(None, added_in="0.2", ge=0,
                                              description="uncertainty (sigma of ln h) of a user's own law; None: none given")
    preset: str = Field("ibs-von_seht_1999", description=f"published coefficients: {', '.join(POWER_LAW_DEFAULTS)}")
    vs_m_s: float | None = Field(None, gt=0, description="quarter wavelength: average sediment Vs (m/s)")

    @field_validator("b")
    @classmethod
    def _b_as_published(cls, b: float | None) -> float | None:
        return check_power_law_exponent(b)


class HvsrStepSettings(HvsrSettings):
    """H/V settings plus where to find station chainages."""

    stations_file: InputFile | None = Field(None, description="JSON with a 'stations' list (file, station, chainage_m), relative to the input dir")
    synthetic: bool = Field(False, description="label results as synthetic")
    columns: str | None = added_field(None, added_in="0.3",
                                      description="component of each column of a CityShark/MiniShark file, e.g. 'ZNE' (its header "
                                                  "does not state it; such a file is refused without it); refused for other formats")

    @field_validator("columns")
    @classmethod
    def _columns_permutation(cls, columns: str | None) -> str | None:
        if columns is None:
            return None
        cols = ["Z" if c in "VU" else c for c in columns.strip().upper()]
        if sorted(cols) != ["E", "N", "Z"]:
            raise ValueError(f"columns={columns!r} must name each of Z (or V), N, E once, in the file's column order, e.g. 'ZNE'")
        return "".join(cols)


class ArraySettings(Settings):
    """Array processing and Vs inversion."""

    array_file: Annotated[str, InputPath("file", lists="file")] = Field("microtremor/array/array.csv", description="CSV station,x_m,y_m,file (files relative to the CSV)")
    freq_min_hz: float = Field(1.0, gt=0, description="lowest dispersion frequency (Hz)")
    freq_max_hz: float = Field(12.0, gt=0, description="highest dispersion frequency (Hz)")
    n_freq: int = Field(25, ge=3, description="log-spaced dispersion frequencies")
    window_length_s: float = Field(20.0, gt=0, description="SPAC window length (s)")
    fk: bool = Field(True, description="also run FK; the points of MSPAC and FK inside the valid band are combined by their errors")
    fk_method: Literal["capon", "conventional"] = Field("capon", description="FK beam: high-resolution (Capon) or conventional")
    fk_kmin_factor: float = Field(0.5, gt=0, description="MSPAC and FK points need |k| >= this x kmin (array resolution limit, kmin/2 as Geopsy)")
    max_rel_error: float = added_field(0.5, added_in="0.2", gt=0,
                                       description="MSPAC and FK points with a larger relative error are unstable (not used)")
    n_layers: int = Field(5, ge=1, le=8, description="layers over the half-space in the inversion")
    max_iterations: int = Field(25, ge=1, description="differential-evolution generations per run")
    popsize: int = Field(10, ge=4, description="differential-evolution population factor")
    n_runs: int = Field(4, ge=1, description="differential-evolution runs (seeds seed, seed + 1, ...)")
    n_walk: int = Field(8000, ge=100, description="models of the random walks in the acceptable region")
    confidence: float = Field(0.95, gt=0, lt=1, description="chi-square level of the acceptable region")
    bedrock_vs_m_s: float | None = Field(750.0, gt=0, description="depth to the half-space = top of the first layer this fast")
    seed: int = Field(1, description="random seed of the global search")
    increasing_vs: bool = Field(True, description="no velocity inversions in the inverted profile")
    synthetic: bool = Field(False, description="label results as synthetic")


class ThicknessStepSettings(Settings):
    """f0 -> thickness along the line."""

    method: Literal["power_law", "quarter_wavelength", "sh_transfer"] = Field("sh_transfer", description="conversion (see thickness.py)")
    preset: str = Field("ibs-von_seht_1999", description="power-law coefficients preset")
    a: float | None = Field(None, gt=0, description="power law a (m) in h = a f0^(-b)")
    b: float | None = Field(None, description="power law exponent b > 0 in h = a f0^(-b), as published")
    coef_sigma_ln: float | None = added_field(None, added_in="0.2", ge=0,
                                              description="uncertainty (sigma of ln h) of a user's own law; None: none given")
    halfspace_vs_m_s: float | None = Field(None, gt=0, description="sh_transfer: Vs below the mapped contrast; default the first inverted layer at or above bedrock_vs_m_s")
    bedrock_vs_m_s: float = Field(750.0, gt=0, description="inverted layers slower than this are the sediments above the mapped contrast")
    line: str = Field("shallow", description="line name")

    @field_validator("b")
    @classmethod
    def _b_as_published(cls, b: float | None) -> float | None:
        return check_power_law_exponent(b)
