"""The KCN/CCN figure draws each kind's saved runs, its observed values and its targets."""

from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import same_color
from matplotlib.container import ErrorbarContainer
from matplotlib.lines import Line2D
from PIL import Image

from izsim.indicators import CATALOGUE
from izsim.present import observed
from izsim.present.language import word
from izsim.present.results import Results
from izsim.present.style import TARGET_COLOUR, save
from izsim.present.zone_kinds import KINDS, PANELS, by_zone_kind
from tests.present.test_fans import (
    PNG_SIGNATURE,
    assert_band_is,
    by_gid,
    target_levels,
    texts,
)

INDICATORS = [f"{stem}_{kind.suffix}" for stem, _ in PANELS for kind in KINDS]


def test_each_kinds_median_and_90_band_are_the_runs_quantiles(saved_compare: Results) -> None:
    policy = "regulation_first"
    fig = by_zone_kind(saved_compare, policy=policy)
    years = saved_compare.years()
    for indicator in INDICATORS:
        series = saved_compare.series(indicator, policy)
        (line,) = by_gid(fig, f"median:{indicator}")
        assert np.allclose(line.get_ydata(), np.nanmedian(series, axis=0), equal_nan=True)
        (band,) = by_gid(fig, f"band90:{indicator}")
        assert_band_is(band, years, *np.nanquantile(series, [0.05, 0.95], axis=0))
        assert not by_gid(fig, f"band50:{indicator}")
    kcn, ccn = (by_gid(fig, f"median:occupancy_rate_{k.suffix}")[0] for k in KINDS)
    assert not same_color(kcn.get_color(), ccn.get_color())
    assert kcn.get_linestyle() != ccn.get_linestyle()  # apart in grey too


def test_the_reference_is_drawn_by_default(saved_compare: Results) -> None:
    fig = by_zone_kind(saved_compare)
    series = saved_compare.series("wwtp_compliance_ccn", saved_compare.reference)
    (line,) = by_gid(fig, "median:wwtp_compliance_ccn")
    assert np.allclose(line.get_ydata(), np.median(series, axis=0))


def test_observed_values_are_drawn_in_their_kinds_colour(saved_compare: Results) -> None:
    fig = by_zone_kind(saved_compare)
    scenario = saved_compare.scenario.scenario.id
    for ax, (stem, _) in zip(fig.axes[: len(PANELS)], PANELS, strict=True):
        for kind in KINDS:
            found = observed.for_indicator(scenario, f"{stem}_{kind.suffix}")
            drawn = sorted(
                (float(c.lines[0].get_xdata()[0]), float(c.lines[0].get_ydata()[0]))
                for c in ax.containers
                if isinstance(c, ErrorbarContainer)
                and same_color(c.lines[0].get_markeredgecolor(), kind.colour)
            )
            assert drawn == sorted((o.year, o.value) for o in found), (stem, kind.suffix)
    assert f"{word('observed_national', 'en')}, KCN" in texts(fig)
    assert fig.axes[0].get_xlim()[0] < 2016.5  # the 2016 national KCN occupancy


def test_targets_of_either_kind_are_drawn(saved_compare: Results) -> None:
    model = saved_compare.modelled_targets()[0]

    def target(name: str, indicator: str, value: float) -> object:
        update = {"id": name, "indicator": indicator, "comparator": ">=", "value": value}
        return model.model_copy(update={**update, "growth_since": None})

    targets = [
        target("kcn", "wwtp_compliance_kcn", 100.0),
        target("ccn", "wwtp_compliance_ccn", 100.0),
        target("ccn_early", "wwtp_compliance_ccn", 70.0),
        target("occupancy", "occupancy_rate", 60.0),  # both kinds together: not drawn here
    ]
    scenario = saved_compare.scenario.model_copy(update={"targets": targets})
    fig = by_zone_kind(replace(saved_compare, scenario=scenario))
    occupancy, plants, compliance = fig.axes[:3]
    assert target_levels(fig) == {100.0, 70.0}

    def in_target_colour(ax: Axes) -> list[Line2D]:
        return [line for line in ax.get_lines() if same_color(line.get_color(), TARGET_COLOUR)]

    assert not in_target_colour(occupancy)
    assert not in_target_colour(plants)  # the plans' targets are on compliant plants
    assert in_target_colour(compliance)
    text = texts(fig)
    assert "Target KCN, CCN: ≥\u00a0100 (Dec 2025)" in text
    assert "Target CCN: ≥\u00a070 (Dec 2025)" in text


def test_a_vietnamese_figure_speaks_vietnamese(saved_compare: Results) -> None:
    text = texts(by_zone_kind(saved_compare, lang="vi"))
    assert word("by_kind_title", "vi") in text
    assert "HTXLNT đang vận hành" in text and "KCN, CCN đang hoạt động" in text
    assert "số liệu thực tế, cả nước, CCN" in text


def test_a_single_run_draws_each_kind_as_a_line(saved_run: Results) -> None:
    fig = by_zone_kind(saved_run)
    for indicator in INDICATORS:
        (line,) = by_gid(fig, f"median:{indicator}")
        expected = saved_run.series(indicator, saved_run.reference)[0]
        assert np.array_equal(line.get_ydata(), expected, equal_nan=True)
        assert not by_gid(fig, f"band90:{indicator}")


def test_the_figure_saves_as_a_png(saved_run: Results, tmp_path: Path) -> None:
    (path,) = save(by_zone_kind(saved_run, lang="vi"), tmp_path / "kinds", ("png",))
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    with Image.open(path) as image:
        assert np.asarray(image.convert("L")).std() > 10


def test_an_unknown_policy_is_refused(saved_compare: Results) -> None:
    with pytest.raises(ValueError, match="no results"):
        by_zone_kind(saved_compare, policy="no_such_policy")


def test_a_kind_without_zones_leaves_its_lines_empty(saved_compare: Results) -> None:
    values = {p: v.copy() for p, v in saved_compare.values.items()}
    for indicator in INDICATORS:
        if indicator.endswith("_ccn"):
            values[saved_compare.reference][:, :, list(CATALOGUE).index(indicator)] = np.nan
    empty = replace(saved_compare, values=values)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = by_zone_kind(empty)
    for stem, _ in PANELS:
        (line,) = by_gid(fig, f"median:{stem}_ccn")
        assert np.isnan(line.get_ydata()).all()
        (line,) = by_gid(fig, f"median:{stem}_kcn")
        assert not np.isnan(line.get_ydata()).all()
