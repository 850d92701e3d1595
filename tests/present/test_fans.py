"""Fan charts draw the quantiles of the saved runs, the plan's targets and the observed values."""

from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.colors import same_color
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text
from PIL import Image

from izsim.indicators import CATALOGUE
from izsim.present import observed
from izsim.present.fans import (
    FAN_INDICATORS,
    QUANTILES,
    fan,
    fan_chart,
    nan_quantiles,
    row_major,
    time_limits,
)
from izsim.present.language import indicator_label, word
from izsim.present.results import Results
from izsim.present.style import TARGET_COLOUR, policy_style, save

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def by_gid(fig: Figure, gid: str) -> list[object]:
    return [a for a in fig.findobj() if a.get_gid() == gid]


def median_line(fig: Figure, policy: str) -> Line2D:
    (line,) = by_gid(fig, f"median:{policy}")
    return line


def band_points(band: PolyCollection, years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Month index and y of every vertex of a band."""
    vertices = np.concatenate([p.vertices for p in band.get_paths()])
    months = np.rint((vertices[:, 0] - years[0]) * 12).astype(int)
    assert np.allclose(years[months], vertices[:, 0])  # every vertex sits on a month
    return months, vertices[:, 1]


def assert_band_is(band: PolyCollection, years: np.ndarray, low: np.ndarray, high: np.ndarray):
    months, ys = band_points(band, years)
    on_low = np.isclose(ys, low[months])
    on_high = np.isclose(ys, high[months])
    assert (on_low | on_high).all(), "a band vertex is not at a quantile"
    defined = set(np.flatnonzero(~np.isnan(low)))
    assert set(months[on_low]) == defined
    assert set(months[on_high]) == defined


def target_levels(fig: Figure) -> set[float]:
    """y of the horizontal dashed target lines."""
    return {
        float(line.get_ydata()[0])
        for ax in fig.axes
        for line in ax.get_lines()
        if same_color(line.get_color(), TARGET_COLOUR)
        and line.get_linestyle() == "--"
        and len(line.get_ydata()) == 2
        and line.get_ydata()[0] == line.get_ydata()[1]
    }


def texts(fig: Figure) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(Text))


def test_the_median_and_bands_are_the_runs_quantiles(saved_compare: Results) -> None:
    indicator = "industrial_output_bn_vnd"
    fig = fan_chart(saved_compare, indicator)
    series = saved_compare.series(indicator, saved_compare.reference)
    years = saved_compare.years()
    line = median_line(fig, saved_compare.reference)
    assert np.array_equal(line.get_xdata(), years)
    assert np.allclose(line.get_ydata(), np.median(series, axis=0))
    assert series.std(axis=0).max() > 0  # the bands below are not lines
    (band90,) = by_gid(fig, f"band90:{saved_compare.reference}")
    (band50,) = by_gid(fig, f"band50:{saved_compare.reference}")
    assert_band_is(band90, years, *np.quantile(series, [0.05, 0.95], axis=0))
    assert_band_is(band50, years, *np.quantile(series, [0.25, 0.75], axis=0))


def test_months_without_a_value_leave_gaps(saved_compare: Results) -> None:
    indicator = "occupancy_rate_ccn"
    values = {p: v.copy() for p, v in saved_compare.values.items()}
    column = list(CATALOGUE).index(indicator)
    cube = values[saved_compare.reference]
    cube[:, :6, column] = np.nan  # no CCN operates yet
    cube[0, 10, column] = np.nan  # one run has none in month 10
    gappy = replace(saved_compare, values=values)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = fan_chart(gappy, indicator)
    series = gappy.series(indicator, gappy.reference)
    drawn = median_line(fig, gappy.reference).get_ydata()
    assert np.isnan(drawn[:6]).all()
    assert np.allclose(drawn[6:], np.nanmedian(series[:, 6:], axis=0))
    assert drawn[10] == np.median(series[1:, 10])
    (band90,) = by_gid(fig, f"band90:{gappy.reference}")
    low, high = np.nanquantile(series[:, 6:], [0.05, 0.95], axis=0)
    nan6 = np.full(6, np.nan)
    assert_band_is(band90, gappy.years(), np.r_[nan6, low], np.r_[nan6, high])


def test_the_plans_target_and_deadline_are_drawn(saved_compare: Results) -> None:
    fig = fan_chart(saved_compare, "industrial_output_bn_vnd")
    (target,) = [t for t in saved_compare.modelled_targets() if t.id == "ipv_2025"]
    assert target_levels(fig) == {target.value}
    deadlines = [
        line.get_xdata()[0]
        for line in fig.axes[0].get_lines()
        if same_color(line.get_color(), TARGET_COLOUR) and line.get_linestyle() == ":"
    ]
    assert deadlines == [2026.0]  # the end of December 2025
    assert f"{word('target', 'en')}: >\u00a027,700 (Dec 2025)" in texts(fig)


def test_a_growth_target_is_not_drawn_on_the_level(saved_compare: Results) -> None:
    level = next(t for t in saved_compare.modelled_targets() if t.id == "ipv_2025")
    growth = level.model_copy(update={"id": "ipv_growth", "value": 17.0, "growth_since": "2025-12"})
    scenario = saved_compare.scenario.model_copy(update={"targets": [growth]})
    fig = fan_chart(replace(saved_compare, scenario=scenario), "industrial_output_bn_vnd")
    assert target_levels(fig) == set()


def test_observed_values_are_drawn_and_the_axis_reaches_back_to_them(
    saved_compare: Results,
) -> None:
    indicator = "occupancy_rate_kcn"
    fig = fan_chart(saved_compare, indicator)
    found = observed.for_indicator(saved_compare.scenario.scenario.id, indicator)
    assert found, "the test needs observations"
    points = sorted(
        (float(c.lines[0].get_xdata()[0]), float(c.lines[0].get_ydata()[0]))
        for c in fig.axes[0].containers
        if isinstance(c, ErrorbarContainer)
    )
    assert points == sorted((o.year, o.value) for o in found)
    left, right = fig.axes[0].get_xlim()
    assert left < min(o.year for o in found) < saved_compare.years()[0]
    assert right >= saved_compare.years()[-1]
    assert word("observed_national", "en") in texts(fig)


def test_several_policies_each_have_their_colour(saved_compare: Results) -> None:
    fig = fan_chart(saved_compare, "jobs_industry", policies=saved_compare.policies[::-1])
    for i, policy in enumerate(saved_compare.policies):
        line = median_line(fig, policy)
        assert same_color(line.get_color(), policy_style(i)["color"])
        series = saved_compare.series("jobs_industry", policy)
        assert np.allclose(line.get_ydata(), np.median(series, axis=0))
    assert same_color(median_line(fig, saved_compare.reference).get_color(), "black")


def test_a_vietnamese_fan_speaks_vietnamese(saved_compare: Results) -> None:
    text = texts(fan_chart(saved_compare, "industry_share_grdp", lang="vi"))
    assert indicator_label("industry_share_grdp", "vi") in text  # Tỷ trọng công nghiệp…
    assert "trung vị" in text and "50 % số lần chạy" in text
    assert "Nguồn: mô phỏng izsim" in text


def test_a_single_run_is_one_line_without_bands(saved_run: Results) -> None:
    fig = fan_chart(saved_run, "occupancy_rate")
    line = median_line(fig, saved_run.reference)
    assert np.array_equal(
        line.get_ydata(), saved_run.series("occupancy_rate", saved_run.reference)[0]
    )
    assert not [a for a in fig.findobj() if str(a.get_gid()).startswith("band")]
    assert word("one_run", "en") in texts(fig)


def test_a_fan_saves_as_a_png(saved_compare: Results, tmp_path: Path) -> None:
    (path,) = save(fan_chart(saved_compare, "wwtp_compliance_kcn"), tmp_path / "fan", ("png",))
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    with Image.open(path) as image:
        pixels = np.asarray(image.convert("L"))
    assert pixels.shape[0] > 500 and pixels.shape[1] > 1000
    assert pixels.std() > 10  # something is drawn


def test_unknown_indicators_and_policies_are_refused(saved_compare: Results) -> None:
    with pytest.raises(KeyError, match="catalogue"):
        fan_chart(saved_compare, "no_such_indicator")
    with pytest.raises(ValueError, match="no results"):
        fan_chart(saved_compare, "jobs_industry", policies=["no_such_policy"])


def test_the_report_fans_are_in_the_catalogue() -> None:
    assert len(FAN_INDICATORS) == 5 and set(FAN_INDICATORS) <= set(CATALOGUE)


def test_quantiles_ignore_missing_runs() -> None:
    series = np.array([[1.0, np.nan], [2.0, np.nan], [3.0, 4.0], [np.nan, np.nan]])
    quantiles = fan(series)
    assert quantiles.median[0] == 2.0 and quantiles.median[1] == 4.0
    assert quantiles.low90[0] == pytest.approx(1.1) and quantiles.high90[0] == pytest.approx(2.9)


def test_quantiles_of_all_columns_at_once_are_numpys_to_the_bit() -> None:
    rng = np.random.default_rng(7)
    for runs in (1, 2, 5, 50):
        series = rng.lognormal(3, 2, size=(runs, 40))
        series[rng.random(series.shape) < 0.3] = np.nan  # months some runs have no value
        series[:, 0] = np.nan  # a month no run has
        series[:, 1] = 5.0  # ties
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # numpy warns on the empty month
            expected = np.nanquantile(series, QUANTILES, axis=0)
        got = nan_quantiles(series, QUANTILES)
        assert np.array_equal(got, expected, equal_nan=True), runs
        assert np.isnan(got[:, 0]).all()


def test_the_axis_starts_at_the_simulation_without_earlier_observations(
    saved_run: Results,
) -> None:
    start = saved_run.years()[0] - 1 / 12
    assert time_limits(saved_run, [])[0] == pytest.approx(start)
    found = observed.for_indicator("tuyen_quang", "occupancy_rate_kcn")
    assert time_limits(saved_run, found)[0] < min(o.year for o in found)


def test_legend_entries_read_along_rows() -> None:
    # 5 entries in 3 columns: matplotlib fills columns [0, 3], [1, 4], [2]
    assert row_major(5, 3) == [0, 3, 1, 4, 2]
    assert sorted(row_major(7, 3)) == list(range(7))
