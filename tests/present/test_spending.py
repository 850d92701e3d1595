"""Investment by source draws the saved runs' quantiles and the plan's figures at their
deadlines; cost-effectiveness draws cost_effectiveness.csv and is honest about policies that
spend no more than the reference."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from PIL import Image

from izsim.present.language import number, word
from izsim.present.marks import decimal_year
from izsim.present.results import Results
from izsim.present.spending import (
    SOURCES,
    cost_effectiveness_available,
    cost_effectiveness_chart,
    investment_by_source,
)
from izsim.present.style import save
from izsim.scenario.schema import Target
from tests.present.figure_text import VIETNAMESE, texts


def by_gid(fig: Figure, gid: str) -> list:
    return [a for a in fig.findobj() if a.get_gid() == gid]


def with_plan(results: Results, figures: dict[str, float]) -> Results:
    """``results`` with targets on investment indicators at the last December."""
    deadline = [m for m in results.months if m.endswith("-12")][-1]
    targets = [
        # a file cannot hold a NaN target any more; the figures still draw one safely
        Target.model_validate(
            {
                "id": f"plan_{indicator}",
                "indicator": indicator,
                "comparator": ">=",
                "value": 0 if math.isnan(value) else value,
                "deadline": deadline,
                "source": {
                    "seed": "003_7f81f80c4a81eaf2.txt",
                    "section": "II.4",
                    "quote": "a figure made up by a test",
                },
            }
        ).model_copy(update={"value": value})
        for indicator, value in figures.items()
    ]
    scenario = results.scenario.model_copy(update={"targets": targets})
    return replace(results, scenario=scenario)


def test_median_and_bands_are_the_runs_quantiles(saved_compare: Results) -> None:
    fig = investment_by_source(saved_compare)
    for indicator in SOURCES:
        series = saved_compare.series(indicator, saved_compare.reference)
        (line,) = by_gid(fig, f"median:{indicator}")
        assert np.allclose(line.get_ydata(), np.median(series, axis=0))
        assert np.allclose(line.get_xdata(), saved_compare.years())
        (band,) = by_gid(fig, f"band90:{indicator}")
        assert isinstance(band, PolyCollection)
        ys = np.concatenate([p.vertices[:, 1] for p in band.get_paths()])
        assert ys.min() == pytest.approx(np.quantile(series, 0.05, axis=0).min())
        assert ys.max() == pytest.approx(np.quantile(series, 0.95, axis=0).max())


def test_investment_is_cumulative(saved_compare: Results) -> None:
    for indicator in SOURCES:
        series = saved_compare.series(indicator, saved_compare.reference)
        assert (np.diff(series, axis=1) >= -1e-9).all(), f"{indicator} decreases"


def test_another_policy_can_be_drawn(saved_compare: Results) -> None:
    policy = saved_compare.policies[1]
    fig = investment_by_source(saved_compare, policy=policy)
    (line,) = by_gid(fig, f"median:{SOURCES[2]}")
    assert np.allclose(line.get_ydata(), np.median(saved_compare.series(SOURCES[2], policy), 0))
    with pytest.raises(ValueError, match="no results"):
        investment_by_source(saved_compare, policy="nonexistent")


def test_plan_figures_are_marked_at_their_deadline(saved_compare: Results) -> None:
    series = saved_compare.series("investment_fdi_bn_vnd", saved_compare.reference)
    near = float(np.median(series[:, -1]) * 1.5)
    far = float(np.quantile(saved_compare.series(SOURCES[0], saved_compare.reference), 0.95))
    far = max(far, 1.0) * 50  # far above the simulated path: an arrow at the top
    results = with_plan(saved_compare, {"investment_fdi_bn_vnd": near, SOURCES[0]: far})
    fig = investment_by_source(results)
    target = results.scenario.targets[0]
    (marker,) = by_gid(fig, f"plan:{target.id}")
    assert marker.get_ydata()[0] == pytest.approx(near)
    assert marker.get_xdata()[0] == pytest.approx(decimal_year(target.deadline))
    (arrow,) = by_gid(fig, f"plan:{results.scenario.targets[1].id}")
    ax = arrow.axes
    assert arrow.get_marker() == "^"
    assert arrow.get_ydata()[0] == pytest.approx(0.97 * ax.get_ylim()[1])
    assert any(f"≥\u00a0{number(far, 'en')}" in t for t in texts(fig))  # its value is written
    found = texts(fig)
    assert word("plan_figure", "en") in found
    assert word("no_plan_figure_short", "en") in found  # non-state has no figure here


def test_without_plan_figures_the_figure_says_so(saved_compare: Results) -> None:
    assert not any(t.indicator in SOURCES for t in saved_compare.modelled_targets())
    found = texts(investment_by_source(saved_compare))
    assert any(word("no_plan_figure", "en") in t for t in found)
    assert any(word("investment_scope", "en") in " ".join(t.split()) for t in found)  # scope


def test_single_run_is_a_line_without_bands(saved_run: Results) -> None:
    fig = investment_by_source(saved_run)
    for indicator in SOURCES:
        (line,) = by_gid(fig, f"median:{indicator}")
        assert np.allclose(line.get_ydata(), saved_run.series(indicator, saved_run.policies[0])[0])
        assert not by_gid(fig, f"band90:{indicator}")
    assert word("simulated", "en") in texts(fig)


def test_cost_effectiveness_is_the_csv(saved_compare: Results) -> None:
    fig = cost_effectiveness_chart(saved_compare)
    table = saved_compare.cost_effectiveness.set_index("policy")
    for policy in saved_compare.policies:
        (point,) = by_gid(fig, f"point:{policy}")
        if policy == saved_compare.reference:
            assert (point.get_xdata()[0], point.get_ydata()[0]) == (0, 0)
            continue
        row = table.loc[policy]
        assert point.get_xdata()[0] == pytest.approx(row["extra_public_spending_bn_vnd"])
        assert point.get_ydata()[0] == pytest.approx(row["extra_jobs"])
        bars = by_gid(fig, f"bar:{policy}")
        ratio = row["extra_jobs_per_trillion_vnd"]
        if math.isnan(ratio):
            assert not bars
        else:
            (bar,) = bars
            assert isinstance(bar, Rectangle)
            assert bar.get_width() == pytest.approx(ratio)


@pytest.mark.parametrize(
    ("extra", "key"), [(0.0, "no_extra_spending"), (3.0, "small_extra_spending")]
)
def test_no_ratio_gets_words_not_a_bar(saved_compare: Results, extra: float, key: str) -> None:
    """No extra spending, or too little for a ratio (``per_trillion_note``): words, no bar."""
    table = saved_compare.cost_effectiveness.copy()
    policy = saved_compare.policies[1]
    mine = table["policy"] == policy
    table.loc[mine, "extra_public_spending_bn_vnd"] = extra
    table.loc[mine, "extra_jobs_per_trillion_vnd"] = math.nan
    for lang in ("en", "vi"):
        fig = cost_effectiveness_chart(replace(saved_compare, cost_effectiveness=table), lang=lang)
        assert not by_gid(fig, f"bar:{policy}")
        assert word(key, lang) in texts(fig)


def test_cost_effectiveness_needs_a_comparison(saved_run: Results, saved_compare: Results) -> None:
    assert cost_effectiveness_available(saved_compare)
    assert not cost_effectiveness_available(saved_run)
    with pytest.raises(ValueError, match="two or more policies"):
        cost_effectiveness_chart(saved_run)


def test_vietnamese_figures(saved_compare: Results) -> None:
    for fig in (
        investment_by_source(saved_compare, lang="vi"),
        cost_effectiveness_chart(saved_compare, lang="vi"),
    ):
        found = texts(fig)
        assert any(VIETNAMESE.search(t) for t in found)
        assert not any("bn VND" in t for t in found)


def test_saves_a_png(saved_compare: Results, tmp_path: Path) -> None:
    for name, fig in (
        ("investment", investment_by_source(saved_compare, lang="vi")),
        ("cost", cost_effectiveness_chart(saved_compare, lang="vi")),
    ):
        (path,) = save(fig, tmp_path / name, ("png",))
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        with Image.open(path) as image:
            assert image.width > 1000 and image.height > 800


def test_empty_cost_effectiveness_csv_is_named(saved_compare: Results) -> None:
    empty = replace(saved_compare, cost_effectiveness=pd.DataFrame())
    assert not cost_effectiveness_available(empty)
    with pytest.raises(ValueError, match=r"cost_effectiveness\.csv"):
        cost_effectiveness_chart(empty)


def test_runs_without_a_count_fall_back(saved_compare: Results) -> None:
    table = saved_compare.cost_effectiveness.copy()
    table["runs"] = math.nan
    fig = cost_effectiveness_chart(replace(saved_compare, cost_effectiveness=table))
    expected = word("paired_means", "en", n=saved_compare.runs_per_policy)
    assert any(expected in " ".join(t.split()) for t in texts(fig))


def test_reference_without_runs(saved_compare: Results) -> None:
    """A reference whose runs are missing: the cost figure still draws it at the origin and
    investment by source draws the first policy that has runs."""
    reference = saved_compare.reference
    values = {p: v for p, v in saved_compare.values.items() if p != reference}
    missing = replace(
        saved_compare, values=values, policies=[p for p in saved_compare.policies if p in values]
    )
    (point,) = by_gid(cost_effectiveness_chart(missing), f"point:{reference}")
    assert (point.get_xdata()[0], point.get_ydata()[0]) == (0, 0)
    fig = investment_by_source(missing)
    (line,) = by_gid(fig, f"median:{SOURCES[0]}")
    first = missing.policies[0]
    assert np.allclose(line.get_ydata(), np.median(missing.series(SOURCES[0], first), axis=0))


def test_plan_figures_without_a_number_or_past_the_horizon(saved_compare: Results) -> None:
    """A NaN figure is not marked and leaves the axis fitted to the runs; a far figure whose
    deadline is past the simulated months is marked without a ratio to the simulation."""
    results = with_plan(saved_compare, {SOURCES[0]: math.nan})
    fig = investment_by_source(results)
    assert not by_gid(fig, f"plan:{results.scenario.targets[0].id}")
    (line,) = by_gid(fig, f"median:{SOURCES[0]}")
    assert line.axes.get_ylim()[1] >= np.nanmax(line.get_ydata())
    results = with_plan(saved_compare, {SOURCES[0]: 1e12})
    late = results.scenario.targets[0].model_copy(update={"deadline": "2099-12"})
    results = replace(results, scenario=results.scenario.model_copy(update={"targets": [late]}))
    (arrow,) = by_gid(investment_by_source(results), f"plan:{late.id}")
    assert arrow.get_marker() == "^"
