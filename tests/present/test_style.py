"""One style: files written where asked, colour-blind-safe marks, the source line kept clear."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import same_color
from matplotlib.figure import Figure
from PIL import Image

from izsim.present.fans import fan_chart
from izsim.present.results import Results
from izsim.present.style import (
    DPI,
    PALETTE,
    TARGET_COLOUR,
    add_source,
    encode_png,
    figure_function,
    new_figure,
    png_bytes,
    policy_style,
    save,
    settle,
    styled,
)


def test_save_keeps_a_dotted_stem_and_writes_both_formats(tmp_path: Path) -> None:
    fig = new_figure()
    fig.add_subplot().plot([0, 1], [0, 1])
    paths = save(fig, tmp_path / "scorecard.vi")
    assert [p.name for p in paths] == ["scorecard.vi.png", "scorecard.vi.svg"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in paths[1].read_bytes()[:500]


def test_no_policy_of_six_wears_the_target_colour() -> None:
    colours = [policy_style(i)["color"] for i in range(6)]
    assert not any(same_color(c, TARGET_COLOUR) for c in colours)
    assert len(set(colours)) == 6 and colours[0] == PALETTE[0]
    styles = [policy_style(i)["linestyle"] for i in range(6)]
    assert len({str(s) for s in styles}) == 6  # told apart in grey too


def test_the_source_line_sits_below_the_axes_and_their_labels(tmp_path: Path) -> None:
    @figure_function
    def draw() -> object:
        fig = new_figure()
        ax = fig.add_subplot()
        ax.plot([2021, 2030], [0, 1])
        ax.set_xlabel("Năm")
        add_source(fig, "Nguồn: mô phỏng izsim · " + "rất dài " * 40)
        return fig

    fig = draw()
    fig.draw_without_rendering()  # lays the figure out
    renderer = fig._get_renderer()
    source = fig.texts[-1].get_window_extent(renderer)
    label = fig.axes[0].xaxis.label.get_window_extent(renderer)
    assert source.y1 <= label.y0  # the wrapped source line stays under the axis label
    assert source.x1 <= fig.bbox.width  # and inside the figure


def test_no_figure_text_is_italic(saved_compare) -> None:
    """DejaVu's oblique face loses its diacritics when text is copied out of the PDF."""
    from matplotlib.text import Text

    from izsim.present.report import FIGURES

    for spec in FIGURES:
        if spec.applies(saved_compare):
            fig = spec.draw(saved_compare, "vi")
            styles = {t.get_fontstyle() for t in fig.findobj(Text) if t.get_text()}
            assert styles == {"normal"}, spec.key


def test_a_settled_figure_keeps_the_layout_and_pixels_savefig_gives(saved_compare: Results) -> None:
    plain = fan_chart(saved_compare, "jobs_industry", lang="vi")
    buffer = io.BytesIO()
    with styled():
        plain.savefig(buffer, format="png", dpi=DPI)  # matplotlib solves the layout itself
    settled = fan_chart(saved_compare, "jobs_industry", lang="vi")
    settle(settled)
    assert settled.get_layout_engine() is None
    for ours, theirs in zip(settled.axes, plain.axes, strict=True):
        assert ours.get_position().bounds == pytest.approx(theirs.get_position().bounds)
    with Image.open(io.BytesIO(png_bytes(settled))) as mine, Image.open(buffer) as reference:
        assert mine.info["dpi"] == pytest.approx((DPI, DPI), abs=0.01)  # stored per metre
        assert np.array_equal(np.asarray(mine.convert("RGBA")), np.asarray(reference))


def test_a_settled_figure_is_drawn_once_a_file(
    saved_compare: Results, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a layout engine, even a placeholder, every savefig draws the figure twice."""
    drawn: list[str] = []
    original = Figure.draw

    def counted(self: Figure, renderer: object) -> None:
        drawn.append(type(renderer).__name__)
        original(self, renderer)

    monkeypatch.setattr(Figure, "draw", counted)
    fig = fan_chart(saved_compare, "occupancy_rate")
    png_bytes(fig)
    drawn.clear()
    with styled():
        for fmt in ("svg", "pdf", "png"):
            fig.savefig(io.BytesIO(), format=fmt, dpi=DPI)
    assert drawn == ["MixedModeRenderer", "MixedModeRenderer", "RendererAgg"]  # SVG, PDF, PNG


def test_a_figure_without_a_layout_engine_is_written_at_200_dpi() -> None:
    fig = Figure(figsize=(3, 2), dpi=100)
    fig.add_subplot().plot([0, 1], [1, 0])
    with Image.open(io.BytesIO(png_bytes(fig))) as image:
        assert image.size == (3 * DPI, 2 * DPI)


def test_a_png_written_here_reads_back_as_its_pixels() -> None:
    rng = np.random.default_rng(3)
    see_through = rng.integers(0, 256, size=(37, 53, 4), dtype=np.uint8)
    opaque = see_through.copy()
    opaque[:, :, 3] = 255
    for pixels, mode in ((opaque, "RGB"), (see_through, "RGBA")):  # RGB: no alpha stored
        with Image.open(io.BytesIO(encode_png(pixels, DPI))) as image:
            image.load()  # checks every chunk's CRC and the compressed rows
            assert image.mode == mode and image.size == (53, 37)
            assert np.array_equal(np.asarray(image.convert("RGBA")), pixels)
            assert image.info["dpi"] == pytest.approx((DPI, DPI), abs=0.01)
