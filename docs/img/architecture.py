"""Draws docs/img/architecture.png: the layers and the data flow from raw files to the report.

Run from the repository root: ``python docs/img/architecture.py``.
"""

from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

OUT = Path(__file__).with_name("architecture.png")

LAYERS = [  # (label, y, colour, boxes)
    ("cli", 6, "#e8e8e8", ["geoexplore CLI: parses, then calls the API"]),
    ("report", 5, "#f3e3c3", ["composite figure, map", "report DOCX / HTML (en, zh)", "assess / report commands"]),
    ("fault", 4, "#f6d0c8", ["indicators per method", "integration across methods", "activity, slip rate, magnitude, setbacks"]),
    ("methods", 3, "#cfe3f3", ["seismic", "mt", "ert", "microtremor", "model"]),
    ("pipeline", 2, "#d7ecd2", ["steps + registry", "workflow (YAML)", "Dask runner: record, task, cluster, resume, schedule"]),
    ("viz", 1, "#e5dcf0", ["style", "i18n (en / zh)", "new_figure / save / stamp"]),
    ("core", 0, "#eeeeee", ["errors, settings", "formats protocol", "profile, model, codec", "project store (HDF5)"]),
]


def main() -> None:
    fig = Figure(figsize=(12, 6.6))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 12)
    ax.set_ylim(-0.6, 7.4)
    ax.axis("off")
    for label, y, colour, boxes in LAYERS:
        ax.add_patch(FancyBboxPatch((0.2, y + 0.08), 8.0, 0.84, boxstyle="round,pad=0.02", fc=colour, ec="0.6", lw=0.8))
        ax.text(0.35, y + 0.5, label, fontsize=10.5, fontweight="bold", va="center")
        w = 6.6 / len(boxes)
        for k, b in enumerate(boxes):
            x0 = 1.55 + k * w
            ax.add_patch(FancyBboxPatch((x0 + 0.04, y + 0.2), w - 0.12, 0.6, boxstyle="round,pad=0.02", fc="white", ec="0.5", lw=0.7))
            ax.text(x0 + w / 2 - 0.02, y + 0.5, b.replace(": ", ":\n").replace(", slip", ",\nslip"), fontsize=7.6,
                    ha="center", va="center")
    ax.text(4.2, 7.12, "layers: a module imports only its own package and the layers below", fontsize=11, ha="center")
    # the data flow, as a column on the right
    steps = [
        ("raw field files\nSEG-Y, EDI, Syscal, miniSEED ...", 6.3),
        ("read (method io/, format sniffed)", 5.35),
        ("method steps on Dask workers\n(settings validated, inputs unchanged)", 4.4),
        ("project.h5: every result\nwith provenance (resume)", 3.45),
        ("fault.assess: candidates, activity,\nmagnitude, setbacks", 2.5),
        ("report: DOCX, HTML, composite,\nGeoJSON (en, zh)", 1.55),
    ]
    ax.text(10.25, 7.12, "data flow", fontsize=11, ha="center", color="#b03030")
    for k, (text, y) in enumerate(steps):
        ax.add_patch(FancyBboxPatch((8.6, y - 0.3), 3.3, 0.6, boxstyle="round,pad=0.03", fc="#fbeaea", ec="#b03030", lw=0.9))
        ax.text(10.25, y, text, fontsize=7.8, ha="center", va="center")
        if k:
            ax.add_patch(FancyArrowPatch((10.25, steps[k - 1][1] - 0.32), (10.25, y + 0.32), arrowstyle="-|>",
                                         mutation_scale=12, color="#b03030", lw=1.3))
    ax.text(4.2, -0.35, "methods never import each other; the fault layer reads method results only through the store's data model",
            fontsize=8.2, ha="center", color="0.3")
    fig.savefig(OUT, dpi=110)


if __name__ == "__main__":
    main()
