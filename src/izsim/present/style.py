"""One look for every figure: a colour-blind-safe palette, a type scale readable when projected,
and marks that still tell series apart when printed in grey.

Figures are built on :class:`matplotlib.figure.Figure` directly (no pyplot), so drawing never
touches global state and works without a display.
"""

from __future__ import annotations

import contextlib
import functools
import io
import struct
import textwrap
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ParamSpec

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from izsim.present.language import Lang, number

# Okabe & Ito's colour-blind-safe palette; the first colour, near black, is the reference
# policy. Vermillion is kept for the plan's targets, so no policy before the seventh wears it.
PALETTE = (
    "#000000",  # black
    "#0072B2",  # blue
    "#009E73",  # bluish green
    "#E69F00",  # orange
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion (= the target colour; only a seventh policy)
    "#F0E442",  # yellow (last: too light for lines)
)
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1)))
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
HATCHES = ("", "//", "\\\\", "xx", "..", "--", "++")
TARGET_COLOUR = "#D55E00"
OBSERVED_COLOUR = "#000000"
SEQUENTIAL = "cividis"  # perceptually uniform, colour-blind-safe, monotone in grey
DPI = 200
PNG_LEVEL = 3  # zlib level: twice as fast to write as 6, 10 % larger
WIDTH, HEIGHT = 11.0, 6.2  # inches: 2200 × 1240 px at 200 dpi, a 16:9-ish slide

STYLE = {
    "font.family": "DejaVu Sans",  # ships with matplotlib and has every Vietnamese diacritic
    "font.size": 13,
    "axes.titlesize": 15,
    "axes.titleweight": "bold",
    # Titles sit on the axes' top edge. Left unset ("auto"), matplotlib measures every tick
    # label of the y axis again for each title at each layout pass and each drawing, to move
    # the title above x tick labels drawn at the top (a tenth of the report's time); only the
    # scorecard has those, and it asks for the automatic position (scorecard.py).
    "axes.titley": 1.0,
    "axes.labelsize": 13,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 11,
    "legend.frameon": False,
    "figure.titlesize": 17,
    "figure.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.8,
    "lines.linewidth": 2.2,
    # SVG text stays text (editable in Inkscape or PowerPoint, a third of the size and time of
    # outlines); Vietnamese is Unicode, so any system font with its diacritics shows it.
    "svg.fonttype": "none",
    # Unhinted glyphs measure the same in the PNG as in the PDF and SVG, so the layout solved
    # once for the PNG fits the vector files too (hinted, long labels overflowed in the PDF).
    "text.hinting": "no_hinting",
    "svg.hashsalt": "izsim",  # the same figure gives the same SVG bytes
    # Subset Type 3 fonts: fast, and the handout's text copies out with its diacritics
    # (checked with pdftotext). DejaVu's oblique face did not, so figures use no italics.
    "pdf.fonttype": 3,
}

P = ParamSpec("P")


@contextlib.contextmanager
def styled() -> Iterator[None]:
    """Apply izsim's style within the block (figures read some settings only when drawn)."""
    with mpl.rc_context(STYLE):
        yield


def figure_function(draw: Callable[P, Figure]) -> Callable[P, Figure]:
    """Decorate a function that builds a figure so that it builds it in izsim's style."""

    @functools.wraps(draw)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Figure:
        with styled():
            return draw(*args, **kwargs)

    return wrapper


def new_figure(width: float = WIDTH, height: float = HEIGHT) -> Figure:
    """A blank figure of izsim's size with a constrained layout."""
    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def policy_style(position: int) -> dict[str, object]:
    """Colour, line style and marker of the policy at ``position`` (0 = the reference)."""
    i = position % (len(PALETTE) - 1)
    return {
        "color": PALETTE[i],
        "linestyle": LINESTYLES[i % len(LINESTYLES)],
        "marker": MARKERS[i % len(MARKERS)],
    }


def number_axis(axis: object, lang: Lang, decimals: int | None = None) -> None:
    """Format an axis' tick labels with ``lang``'s thousands and decimal marks."""
    axis.set_major_formatter(  # type: ignore[attr-defined]
        FuncFormatter(lambda value, _pos: number(value, lang, decimals))
    )


def year_axis(ax: Axes, *, ticks: int = 8) -> None:
    """Ticks on whole years (at most about ``ticks``; fewer for narrow panels) of a time axis
    measured in decimal years."""
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:.0f}"))
    ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True, nbins=ticks))


SOURCE_SIZE = 9  # points


def add_source(fig: Figure, text: str) -> None:
    """The source line at the foot of a figure: what was run and where the numbers come from.

    The text is wrapped to the figure's width and the layout keeps that strip free, so the
    line never runs into an axis label.
    """
    width_in, height_in = fig.get_size_inches()
    # DejaVu Sans averages about 0.55 em a character
    chars = max(40, int(width_in * 72 / (SOURCE_SIZE * 0.56)))
    lines = textwrap.wrap(text, chars) or [""]
    strip = (len(lines) * SOURCE_SIZE * 1.3 + 6) / (height_in * 72)
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        engine.set(rect=(0, strip, 1, 1 - strip))  # left, bottom, width, height
    fig.text(
        0.005,
        0.004,
        "\n".join(lines),
        fontsize=SOURCE_SIZE,
        color="#444444",
        ha="left",
        va="bottom",
        linespacing=1.3,
    )


def settle(fig: Figure) -> None:
    """Solve ``fig``'s layout once, with the text measured as in the 200 dpi PNG, and keep it.

    matplotlib solves a figure's layout at every ``savefig``, in a whole extra drawing of the
    figure without output before the real one; even a placeholder engine (``"none"``) costs
    that drawing. Solved here and the engine removed, each later ``savefig`` (PNG, SVG, PDF
    page) draws the figure once, and every format has the PNG's layout (text is unhinted, so
    it measures the same in all of them). A figure without a layout engine is left as it is.
    """
    fig.set_dpi(DPI)  # as the PNG will be drawn, with or without an engine
    engine = fig.get_layout_engine()
    if engine is None:
        return
    with styled():
        FigureCanvasAgg(fig)  # the PNG's renderer: its text metrics are kept for the drawing
        engine.execute(fig)
    # None means "no engine" unless the rcParams ask for one
    with mpl.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
        fig.set_layout_engine(None)


def png_bytes(fig: Figure) -> bytes:
    """``fig`` as a 200 dpi PNG (its layout settled first: :func:`settle`)."""
    settle(fig)
    raw = io.BytesIO()
    with styled():
        fig.savefig(raw, format="rgba", dpi=DPI)
        width, height = fig.canvas.get_width_height(physical=True)
    pixels = np.frombuffer(raw.getbuffer(), dtype=np.uint8).reshape(height, width, 4)
    return encode_png(pixels, DPI)


def encode_png(pixels: np.ndarray, dpi: float) -> bytes:
    """A PNG of an 8-bit RGBA image (rows × columns × 4), RGB if it is opaque throughout.

    Pillow (behind ``savefig``) tries five filters on every row and keeps the best: 0.13 s a
    figure, an eighth of the report's time. Figures are mostly flat colour, which zlib packs
    well unfiltered; written here as RGB they take half the time and 10 % fewer bytes. The
    file: the signature, then the header, the resolution (pixels a metre), the compressed rows
    (each after a 0 byte: no filter) and the end, each chunk with its length and CRC (PNG
    specification, §5).
    """
    height, width, _ = pixels.shape
    opaque = bool((pixels[:, :, 3] == 255).all())
    channels = pixels[:, :, :3] if opaque else pixels
    rows = np.zeros((height, 1 + width * channels.shape[2]), dtype=np.uint8)
    rows[:, 1:] = channels.reshape(height, -1)
    per_metre = round(dpi / 0.0254)
    colour_type = 2 if opaque else 6  # truecolour, truecolour with alpha

    def chunk(kind: bytes, data: bytes) -> bytes:
        check = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", check)

    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)),
            chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
            chunk(b"IDAT", zlib.compress(rows.tobytes(), PNG_LEVEL)),
            chunk(b"IEND", b""),
        ]
    )


def save(fig: Figure, stem: Path, formats: tuple[str, ...] = ("png", "svg")) -> list[Path]:
    """Write ``fig`` as ``stem.png`` (200 dpi) and ``stem.svg``, both with the layout solved for
    the PNG (:func:`settle`); returns the paths."""
    paths = []
    stem.parent.mkdir(parents=True, exist_ok=True)
    settle(fig)
    with styled():
        for fmt in formats:
            path = stem.parent / f"{stem.name}.{fmt}"  # stems may hold dots: scorecard.en
            if fmt == "png":
                path.write_bytes(png_bytes(fig))
            else:
                fig.savefig(path, format=fmt, dpi=DPI, metadata={"Date": None})
            paths.append(path)
    return paths
