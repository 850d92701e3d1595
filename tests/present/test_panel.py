"""The one-run panel draws the run's saved values and the plan's targets, one indicator a panel."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import same_color
from PIL import Image

from izsim.present.language import indicator_label
from izsim.present.panel import TILES, TITLE_CHARS, run_panel, spread, wrap_title
from izsim.present.results import Results
from izsim.present.style import TARGET_COLOUR, save
from izsim.targets import measured
from tests.present.test_fans import PNG_SIGNATURE, by_gid, texts


def tile_axes(fig):
    return fig.axes[: len(TILES)]


def levels(ax) -> set[float]:
    return {
        float(line.get_ydata()[0])
        for line in ax.get_lines()
        if same_color(line.get_color(), TARGET_COLOUR) and line.get_linestyle() == "--"
    }


def test_every_line_is_the_chosen_runs_saved_values(saved_compare: Results) -> None:
    policy, replicate = "infrastructure_first", 2
    fig = run_panel(saved_compare, policy=policy, replicate=replicate)
    drawn = 0
    for tile in TILES:
        for series in tile.lines:
            (line,) = by_gid(fig, f"run:{series.indicator}")
            expected = saved_compare.series(series.indicator, policy)[replicate]
            other = saved_compare.series(series.indicator, policy)[0]
            assert np.array_equal(line.get_ydata(), expected, equal_nan=True), series.indicator
            assert np.array_equal(line.get_xdata(), saved_compare.years())
            drawn += not np.array_equal(expected, other, equal_nan=True)
    assert drawn  # the replicate chosen is not the first one drawn by mistake
    assert "run 3 of 4" in texts(fig)


def test_each_panel_shows_the_targets_on_what_it_plots(saved_compare: Results) -> None:
    fig = run_panel(saved_compare)
    targets = saved_compare.modelled_targets()
    shown = 0
    for ax, tile in zip(tile_axes(fig), TILES, strict=True):
        plotted = {s.indicator for s in tile.lines}
        expected = {
            float(t.value) for t in targets if t.indicator in plotted and not t.growth_since
        }
        assert levels(ax) == expected, tile
        shown += len(expected)
    assert shown >= 5  # Tuyên Quang: output, its growth, GRDP share, jobs, occupancy
    assert ">\u00a027,700 (2025)" in texts(fig)


def test_a_growth_target_is_drawn_with_the_growth_it_measures(saved_compare: Results) -> None:
    level = next(t for t in saved_compare.modelled_targets() if t.id == "ipv_2025")
    growth = level.model_copy(
        update={"id": "ipv_growth_later", "value": 17.0, "growth_since": "2025-12"}
    )
    scenario = saved_compare.scenario.model_copy(update={"targets": [level, growth]})
    fig = run_panel(replace(saved_compare, scenario=scenario))
    output_ax, growth_ax = tile_axes(fig)[:2]
    assert levels(output_ax) == {27700.0}  # the growth target is not a level
    assert levels(growth_ax) == {17.0}
    (line,) = by_gid(fig, "growth:ipv_growth_later")
    output = saved_compare.series("industrial_output_bn_vnd", saved_compare.reference)[0]
    expected = measured(growth, output, saved_compare.months[0])
    assert np.array_equal(line.get_ydata(), expected, equal_nan=True)
    assert np.isnan(expected[:60]).all() and not np.isnan(expected[-1])
    assert "growth since Dec 2025" in texts(fig)


def test_the_page_is_titled_with_the_province(saved_run: Results) -> None:
    text = texts(run_panel(saved_run, lang="vi"))
    assert "Tuyên Quang: các chỉ tiêu chính của một lần chạy" in text
    assert indicator_label("jobs_industry", "vi") in text  # Lao động công nghiệp
    assert "một lần chạy" in text


def test_a_single_run_panel_saves_as_a_png(saved_run: Results, tmp_path: Path) -> None:
    fig = run_panel(saved_run)
    for tile in TILES:
        for series in tile.lines:
            (line,) = by_gid(fig, f"run:{series.indicator}")
            expected = saved_run.series(series.indicator, saved_run.reference)[0]
            assert np.array_equal(line.get_ydata(), expected, equal_nan=True)
    (path,) = save(fig, tmp_path / "panel", ("png",))
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    with Image.open(path) as image:
        pixels = np.asarray(image.convert("L"))
    assert pixels.shape[1] > pixels.shape[0] > 1000  # a landscape page
    assert pixels.std() > 10


def test_a_run_that_is_not_there_is_refused(saved_compare: Results, saved_run: Results) -> None:
    with pytest.raises(ValueError, match="replicate 4"):
        run_panel(saved_compare, replicate=4)
    with pytest.raises(ValueError, match="replicate 1"):
        run_panel(saved_run, replicate=1)
    with pytest.raises(ValueError, match="no results"):
        run_panel(saved_compare, policy="no_such_policy")


def test_labels_are_spread_apart_in_their_order() -> None:
    placed = spread([0.95, 0.97, 0.2], 0.1)
    assert placed[1] > placed[0] > placed[2]
    assert placed[1] - placed[0] >= 0.1 - 1e-9
    assert placed[2] == pytest.approx(0.2)
    low = spread([0.0, 0.01], 0.1)
    assert min(low) >= 0.03 and abs(low[0] - low[1]) >= 0.1 - 1e-9


def test_long_titles_wrap_where_a_reader_would() -> None:
    assert wrap_title("Industrial jobs") == "Industrial jobs"
    assert wrap_title("IPV growth, average since start") == "IPV growth,\naverage since start"
    wrapped = wrap_title("Giá trị sản xuất công nghiệp (SS2010)")
    assert wrapped == "Giá trị sản xuất công nghiệp\n(SS2010)"
    assert all(len(line) <= TITLE_CHARS for line in wrapped.split("\n"))
