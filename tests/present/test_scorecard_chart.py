"""The scorecard heatmap shows the saved probabilities, every target of the plan, both
languages, and met/missed for a single run."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from PIL import Image

from izsim.present.language import percent, word
from izsim.present.results import Results
from izsim.present.scorecard import contrast_colour, probability_matrix, scorecard_chart, wrap
from izsim.present.style import save
from tests.present.figure_text import VIETNAMESE, texts


def heatmap(fig: Figure) -> AxesImage:
    (image,) = fig.axes[0].images
    return image


def test_heatmap_holds_the_saved_probabilities(saved_compare: Results) -> None:
    fig = scorecard_chart(saved_compare)
    shown = heatmap(fig).get_array()
    card = saved_compare.scorecard
    modelled = [t.id for t in saved_compare.modelled_targets()]
    assert shown.shape == (len(modelled), len(saved_compare.policies))
    for row, target in enumerate(modelled):
        for col, policy in enumerate(saved_compare.policies):
            saved = card[(card["target"] == target) & (card["policy"] == policy)]
            assert float(shown[row, col]) == pytest.approx(float(saved["probability"].iloc[0]))
    # each cell says its probability
    cells = [t.get_text() for t in fig.axes[0].texts]
    for value in np.ravel(shown):
        assert percent(float(value), "en") in cells


def test_every_cell_is_its_own_target_and_policy(saved_compare: Results) -> None:
    """With a distinct probability in every cell, a swapped row or column shows."""
    card = saved_compare.scorecard.copy()
    modelled = card["status"] == "modelled"
    card.loc[modelled, "probability"] = np.linspace(0.01, 0.99, int(modelled.sum()))
    doctored = replace(saved_compare, scorecard=card)
    shown = heatmap(scorecard_chart(doctored)).get_array()
    expected = (
        card[modelled]
        .pivot(index="target", columns="policy", values="probability")
        .reindex(index=[t.id for t in saved_compare.modelled_targets()])
        .reindex(columns=saved_compare.policies)
    )
    assert np.allclose(shown, expected.to_numpy())


def test_every_target_of_the_plan_is_a_row(saved_compare: Results) -> None:
    fig = scorecard_chart(saved_compare)
    ax = fig.axes[0]
    targets = saved_compare.scenario.targets
    assert len(ax.get_yticks()) == len(targets)
    missing = [t for t in targets if t.not_modelled is not None]
    assert missing, "the Tuyên Quang scenario has targets that are not modelled"
    hatched = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_hatch()]
    assert len(hatched) == 1  # one grey hatched block holds them
    assert word("not_modelled", "en") in [t.get_text() for t in ax.texts]
    short = scorecard_chart(saved_compare, include_not_modelled=False)
    assert len(short.axes[0].get_yticks()) == len(targets) - len(missing)


def test_colour_bar_and_title(saved_compare: Results) -> None:
    fig = scorecard_chart(saved_compare)
    assert len(fig.axes) == 2  # heatmap and colour bar
    assert fig.axes[1].get_ylabel().startswith(word("probability", "en"))
    assert word("scorecard_title", "en") in texts(fig)


def test_cell_text_contrasts_with_its_colour() -> None:
    assert contrast_colour((0.0, 0.13, 0.3, 1.0)) == "white"  # cividis' dark blue
    assert contrast_colour((1.0, 0.92, 0.22, 1.0)) == "black"  # cividis' yellow


def test_long_labels_wrap_and_keep_the_deadline_whole() -> None:
    text = "Giá trị sản xuất công nghiệp (SS2010) > 27.700, đến 2025"
    lines = wrap(text, 20, keep_last=True).split("\n")
    assert len(lines) > 1
    assert lines[-1].endswith("đến\N{NO-BREAK SPACE}2025")
    assert wrap("a <i>b</i>\tc", 40) == "a b c"


def test_vietnamese_figure(saved_compare: Results) -> None:
    found = texts(scorecard_chart(saved_compare, lang="vi"))
    assert word("scorecard_title", "vi") in found
    assert any(VIETNAMESE.search(t) for t in found)
    assert not any(word("scorecard_title", "en") == t for t in found)


def test_single_run_says_met_or_missed(saved_run: Results) -> None:
    fig = scorecard_chart(saved_run)
    assert len(fig.axes) == 1  # no colour bar
    _, matrix = probability_matrix(saved_run)
    shown = heatmap(fig).get_array()
    assert np.array_equal(np.ma.filled(shown, np.nan), matrix, equal_nan=True)
    card = saved_run.scorecard.set_index("target")
    cells = [t.get_text() for t in fig.axes[0].texts]
    for row, target in enumerate(saved_run.modelled_targets()):
        status = card.loc[target.id, "status"]
        expected = {"met": 1.0, "missed": 0.0}.get(status, np.nan)
        assert np.array_equal([matrix[row, 0]], [expected], equal_nan=True)
    assert cells.count(word("met", "en")) == (card["status"] == "met").sum()
    assert cells.count(word("missed", "en")) == (card["status"] == "missed").sum()
    assert word("scorecard_run_title", "en") in texts(fig)


def test_saves_a_png(saved_compare: Results, tmp_path: Path) -> None:
    (path,) = save(scorecard_chart(saved_compare, lang="vi"), tmp_path / "card", ("png",))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(path) as image:
        assert image.width > 1000 and image.height > 1000


def test_the_title_clears_the_policy_names_above_the_heatmap(saved_compare: Results) -> None:
    """Titles elsewhere sit on the axes' edge (style.STYLE); this one must rise above the
    names of the policies written over the columns."""
    fig = scorecard_chart(saved_compare, lang="vi")
    fig.draw_without_rendering()  # lays the figure out
    renderer = fig._get_renderer()
    ax = fig.axes[0]
    (title,) = [t for t in fig.findobj(Text) if t.get_text() == word("scorecard_title", "vi")]
    names = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
    assert names and title.get_window_extent(renderer).y0 >= max(b.y1 for b in names)
