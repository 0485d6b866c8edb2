"""The report's image compression: the sizes it skips are ones that could not fit, so its choice is the plain loop's."""

from __future__ import annotations

import base64

import numpy as np

from geoexplore.report import writers
from geoexplore.viz.figure import new_figure


def _figures(tmp_path, n: int) -> list:
    rng = np.random.default_rng(3)
    paths = []
    for i in range(n):
        fig, ax = new_figure(figsize=(8, 5))
        if i % 2:  # line art: compressed bytes fall about linearly with the width
            for k in range(6):
                ax.plot(np.cumsum(rng.normal(size=400)) + 5 * k)
        else:  # a noisy image: bytes fall about with the area
            ax.imshow(rng.normal(size=(120, 200)), cmap="viridis")
        p = tmp_path / f"f{i}.png"
        fig.savefig(p, dpi=130)
        paths.append(p)
    return paths


def _plain_loop(paths, budget, max_px=writers.MAX_PX, min_px=500):
    px = max_px
    while True:
        out = {str(p): writers.compress_image(p, px) for p in paths}
        if sum(len(b) for b, _ in out.values()) <= budget or px <= min_px:
            return out, px
        px = max(min_px, int(px * 0.75))


def test_compressed_images_choose_what_trying_every_size_chooses(tmp_path):
    paths = _figures(tmp_path, 4)
    for budget in (10_000_000, 200_000, 1_000):
        writers._COMPRESSED.clear()
        fast = writers.compressed_images(paths, budget)
        writers._COMPRESSED.clear()
        plain, px = _plain_loop(paths, budget)
        assert fast == plain, (budget, px)


def test_an_image_is_compressed_once_per_size_and_again_when_it_changes(tmp_path):
    (p,) = _figures(tmp_path, 1)
    writers._COMPRESSED.clear()
    a = writers.compress_image(p, 800)
    assert len(writers._COMPRESSED) == 1 and writers.compress_image(p, 800) is a
    fig, ax = new_figure(figsize=(4, 3))
    ax.plot([0, 1], [1, 0])
    fig.savefig(p)  # a new figure under the same name
    b = writers.compress_image(p, 800)
    assert b != a and len(writers._COMPRESSED) == 2


def test_a_size_given_up_early_still_gives_the_plain_loops_choice(tmp_path):
    """More images than threads, with a budget only the smallest document meets: the sizes before it are given
    up after their largest images; the choice and the bytes are the plain loop's."""
    paths = _figures(tmp_path, 10)
    writers._COMPRESSED.clear()
    totals = {px: sum(len(writers.compress_image(p, px)[0]) for p in paths) for px in (1600, 1200, 900, 675, 506, 500)}
    budget = min(totals.values())
    writers._COMPRESSED.clear()
    fast = writers.compressed_images(paths, budget)
    writers._COMPRESSED.clear()
    plain, px = _plain_loop(paths, budget)
    assert px < 1600 and totals[1600] > budget and fast == plain


def _docx_parts(path) -> dict:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_documents_starting_at_the_size_the_search_lands_on_are_the_same_documents(tmp_path):
    """``image_max_px`` set to the size the search from 1600 px lands on: the same HTML bytes and the same DOCX parts
    (the demo workflow sets 506, where its 113 figures land, so the larger sizes need not be proven too big)."""
    paths = _figures(tmp_path, 4)
    writers._COMPRESSED.clear()
    budget = min(sum(len(writers.compress_image(p, px)[0]) for p in paths) for px in (1600, 1200, 900, 675, 506))
    writers._COMPRESSED.clear()
    plain, landed = _plain_loop(paths, budget)
    assert landed < writers.MAX_PX
    blocks = [("heading", 0, "report"), ("para", "text", "")] + [("image", str(p), f"figure {k}") for k, p in enumerate(paths)]
    out = {}
    for px in (writers.MAX_PX, landed):
        writers._COMPRESSED.clear()
        d = tmp_path / str(px)
        out[px] = (writers.write_html(blocks, d / "r.html", image_budget_bytes=budget, image_max_px=px).read_bytes(),
                   _docx_parts(writers.write_docx(blocks, d / "r.docx", image_budget_bytes=budget, image_max_px=px)))
    assert out[landed][0] == out[writers.MAX_PX][0]
    assert out[landed][1] == out[writers.MAX_PX][1]
    html = out[landed][0].decode()
    assert all(base64.b64encode(b).decode() in html for b, _ in plain.values())  # the plain loop's images
