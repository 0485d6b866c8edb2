"""Workflow steps of MT processing: time series -> transfer functions (one station per task).

``mt.tf`` runs once per time-series file (``foreach: {glob: mt/timeseries/*.mseed}``)
and returns the station's transfer-function Dataset (:mod:`geoexplore.mt.tfdata`)
with the EDI text of the result in the attribute ``edi`` so the store holds the
EDI file too (``geoexplore figure`` draws the curves).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field

from geoexplore.mt.processing import ProcessingSettings
from geoexplore.core.settings import InputFile
from geoexplore.pipeline.step import StepContext, step


class TFStepSettings(ProcessingSettings):
    """Settings of ``mt.tf``: the processing settings plus an optional remote reference."""

    remote_file: InputFile | None = Field(
        None, description="time-series file of a remote-reference station, relative to the input directory"
    )
    remote_neighbour: bool = Field(
        False, description="use the next file of the same folder (sorted by name) as remote reference"
    )


def neighbour_reference(path: Path) -> Path | None:
    """The remote reference ``remote_neighbour`` picks for a station file: the next file of its folder.

    Files of the same suffix, sorted by name; the last file takes the first.
    None if the file is alone in its folder.
    """
    files = sorted(p for p in path.parent.glob(f"*{path.suffix}") if p != path)
    if not files:
        return None
    later = [p for p in files if p.name > path.name]
    return (later or files)[0]


def _station_files(settings: TFStepSettings, item_value: Any, input_dir: Path) -> list[Path]:
    """The files a station's item reads besides its miniSEED file: its side-car metadata, the neighbour
    taken as remote reference, and the remote reference's side-car. Their contents join the item's run key,
    so ``--resume`` reruns a station whose metadata or remote reference changed (a ``remote_file`` itself
    is hashed with the settings)."""
    from geoexplore.mt.timeseries import sidecar_path

    if item_value is None:
        return []
    path = Path(item_value)
    out: list[Path] = []
    remote = None
    if settings.remote_file:
        remote = Path(settings.remote_file)
        if not remote.is_absolute():
            remote = Path(input_dir) / remote
            if not remote.resolve().is_relative_to(Path(input_dir).resolve()):
                remote = None  # refused by the step itself (ctx.path): nothing to read out there
    elif settings.remote_neighbour:
        remote = neighbour_reference(path)
        if remote is not None:
            out.append(remote)
    for f in (path, remote):
        if f is not None and f.suffix.lower() not in _NO_SIDECAR:
            side = sidecar_path(f)
            if side is not None:
                out.append(side)
    return out


_NO_SIDECAR = (".h5", ".mth5", ".hdf5")  # MTH5 files carry their metadata inside


@step("mt.tf", settings=TFStepSettings, fan_out="files", inputs=(), figure="geoexplore.mt.plot_processing:plot_tf_result",
      stack_items=True, item_files=_station_files)
def tf_step(ctx: StepContext, settings: TFStepSettings) -> Any:
    """Robust impedance and tipper of one station from its time series (per file)."""
    import tempfile

    from geoexplore.mt.edi import write_edi
    from geoexplore.mt.processing import estimate_tf
    from geoexplore.mt.timeseries import read_timeseries

    path = Path(ctx.item_value)
    local = read_timeseries(path)
    remote = None
    if settings.remote_file:
        remote = read_timeseries(ctx.path(settings.remote_file))
    elif settings.remote_neighbour:
        ref = neighbour_reference(path)
        if ref is not None:
            remote = read_timeseries(ref)
    proc = ProcessingSettings(**settings.model_dump(exclude={"remote_file", "remote_neighbour"}))
    ds = estimate_tf(local, remote, proc)
    ds.attrs["line"] = ctx.line
    ds.attrs["time_series_file"] = path.name
    with tempfile.TemporaryDirectory() as tmp:
        p = write_edi(ds, Path(tmp) / f"{ds.attrs['station'] or path.stem}.edi")
        text = p.read_text()
    if len(text) < 60000:  # HDF5 keeps attributes below 64 kB
        ds.attrs["edi"] = text
    else:
        ds.attrs["edi_note"] = f"EDI text ({len(text)} characters) too large for an attribute; write it with geoexplore.mt.edi.write_edi"
    return ds
