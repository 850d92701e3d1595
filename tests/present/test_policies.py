"""Policy figures draw the saved probabilities with their Wilson intervals and the paired
differences from comparison.csv; a single run has no differences to draw."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure
from PIL import Image

from izsim.present.language import policy_label, word
from izsim.present.policies import (
    paired_differences,
    paired_differences_available,
    policy_probabilities,
    signed,
)
from izsim.present.results import Results
from izsim.present.style import save
from tests.present.figure_text import VIETNAMESE, texts


def errorbars(fig: Figure) -> dict[str, list[ErrorbarContainer]]:
    """Errorbar containers by the policy id on their data line."""
    found: dict[str, list[ErrorbarContainer]] = {}
    for ax in fig.axes:
        for container in ax.containers:
            if isinstance(container, ErrorbarContainer):
                found.setdefault(container.lines[0].get_gid(), []).append(container)
    return found


def whiskers(container: ErrorbarContainer) -> tuple[np.ndarray, np.ndarray]:
    """Left and right ends of each horizontal whisker."""
    (bars,) = container.lines[2]
    segments = np.array(bars.get_segments())
    return segments[:, 0, 0], segments[:, 1, 0]


def test_probabilities_and_wilson_intervals_are_the_scorecards(saved_compare: Results) -> None:
    fig = policy_probabilities(saved_compare)
    drawn = errorbars(fig)
    assert list(drawn) == saved_compare.policies
    card = saved_compare.scorecard.set_index(["target", "policy"])
    targets = [t.id for t in saved_compare.modelled_targets()]
    for policy, (container,) in drawn.items():
        rows = card.loc[[(t, policy) for t in targets]]
        assert np.allclose(container.lines[0].get_xdata(), rows["probability"])
        low, high = whiskers(container)
        assert np.allclose(low, rows["probability_low"])
        assert np.allclose(high, rows["probability_high"])
    legend = texts(fig)
    for policy in saved_compare.policies:
        assert policy_label(policy, "en", saved_compare.policy_names[policy]) in legend


def test_each_point_is_its_own_target_and_policy(saved_compare: Results) -> None:
    """Distinct numbers in every row of the tables: a swapped target or policy shows."""
    card = saved_compare.scorecard.copy()
    modelled = card["status"] == "modelled"
    values = np.linspace(0.1, 0.9, int(modelled.sum()))
    card.loc[modelled, "probability"] = values
    card.loc[modelled, "probability_low"] = values - 0.05
    card.loc[modelled, "probability_high"] = values + 0.07
    table = saved_compare.comparison.copy()
    table["probability_difference"] = np.linspace(-0.5, 0.5, len(table))
    table["probability_difference_low"] = table["probability_difference"] - 0.1
    table["probability_difference_high"] = table["probability_difference"] + 0.2
    doctored = replace(saved_compare, scorecard=card, comparison=table)
    targets = [t.id for t in saved_compare.modelled_targets()]
    by_pair = card.set_index(["target", "policy"])
    for policy, (container,) in errorbars(policy_probabilities(doctored)).items():
        rows = by_pair.loc[[(t, policy) for t in targets]]
        assert np.allclose(container.lines[0].get_xdata(), rows["probability"])
        assert np.allclose(whiskers(container)[0], rows["probability_low"])
        assert np.allclose(whiskers(container)[1], rows["probability_high"])
    by_pair = table.set_index(["target", "policy"])
    for policy, (container,) in errorbars(paired_differences(doctored)).items():
        rows = by_pair.loc[[(t, policy) for t in targets]]
        assert np.allclose(container.lines[0].get_xdata(), rows["probability_difference"])
        assert np.allclose(whiskers(container)[0], rows["probability_difference_low"])
        assert np.allclose(whiskers(container)[1], rows["probability_difference_high"])


def test_policies_differ_by_marker_not_colour_alone(saved_compare: Results) -> None:
    drawn = errorbars(policy_probabilities(saved_compare))
    markers = {containers[0].lines[0].get_marker() for containers in drawn.values()}
    assert len(markers) == len(saved_compare.policies)


def test_single_run_has_points_at_met_or_missed_and_no_interval(saved_run: Results) -> None:
    fig = policy_probabilities(saved_run)
    ((container,),) = errorbars(fig).values()
    x = np.asarray(container.lines[0].get_xdata(), dtype=float)
    card = saved_run.scorecard.set_index("target")
    expected = [
        {"met": 1.0, "missed": 0.0}.get(card.loc[t.id, "status"], np.nan)
        for t in saved_run.modelled_targets()
    ]
    assert np.array_equal(x, expected, equal_nan=True)
    assert not container.has_xerr
    assert word("scorecard_run_title", "en") in texts(fig)


def test_paired_probability_differences_are_comparison_csv(saved_compare: Results) -> None:
    fig = paired_differences(saved_compare)
    table = saved_compare.comparison.set_index(["target", "policy"])
    drawn = errorbars(fig)
    others = [p for p in saved_compare.policies if p != saved_compare.reference]
    assert list(drawn) == others
    targets = [t.id for t in saved_compare.modelled_targets()]
    for policy, (container,) in drawn.items():
        rows = table.loc[[(t, policy) for t in targets]]
        assert np.allclose(container.lines[0].get_xdata(), rows["probability_difference"])
        low, high = whiskers(container)
        assert np.allclose(low, rows["probability_difference_low"].clip(-1, 1))
        assert np.allclose(high, rows["probability_difference_high"].clip(-1, 1))
    # a zero line, and the reference named in the title
    ax = fig.axes[0]
    assert any(list(line.get_xdata()) == [0, 0] for line in ax.get_lines())
    reference = policy_label(saved_compare.reference, "en")
    assert word("difference_title", "en", reference=reference) in texts(fig)


def test_paired_value_differences_one_panel_per_target(saved_compare: Results) -> None:
    fig = paired_differences(saved_compare, measure="value")
    table = saved_compare.comparison.set_index(["target", "policy"])
    targets = [t.id for t in saved_compare.modelled_targets()]
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.containers]
    assert len(panels) == len(targets)
    for ax, target in zip(panels, targets, strict=True):
        for container in ax.containers:
            policy = container.lines[0].get_gid()
            row = table.loc[(target, policy)]
            assert container.lines[0].get_xdata()[0] == pytest.approx(row["difference"])
            low, high = whiskers(container)
            assert low[0] == pytest.approx(row["difference_low"])
            assert high[0] == pytest.approx(row["difference_high"])


def test_differences_need_a_comparison(saved_run: Results, saved_compare: Results) -> None:
    assert paired_differences_available(saved_compare)
    assert not paired_differences_available(saved_run)
    with pytest.raises(ValueError, match="two or more policies"):
        paired_differences(saved_run)
    with pytest.raises(ValueError, match="measure"):
        paired_differences(saved_compare, measure="median")  # type: ignore[arg-type]


def test_vietnamese_figures(saved_compare: Results) -> None:
    for fig in (
        policy_probabilities(saved_compare, lang="vi"),
        paired_differences(saved_compare, lang="vi"),
        paired_differences(saved_compare, lang="vi", measure="value"),
    ):
        found = texts(fig)
        assert any(VIETNAMESE.search(t) for t in found)
    assert word("policy_probability_title", "vi") in texts(
        policy_probabilities(saved_compare, lang="vi")
    )


def test_saves_a_png(saved_compare: Results, tmp_path: Path) -> None:
    (path,) = save(paired_differences(saved_compare, lang="vi"), tmp_path / "diff", ("png",))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(path) as image:
        assert image.width > 1000 and image.height > 800


def test_empty_comparison_csv_is_named(saved_compare: Results) -> None:
    empty = replace(saved_compare, comparison=pd.DataFrame())
    assert not paired_differences_available(empty)
    with pytest.raises(ValueError, match=r"comparison\.csv has no rows"):
        paired_differences(empty)


def test_pairs_without_a_count_fall_back_to_the_runs(saved_compare: Results) -> None:
    table = saved_compare.comparison.copy()
    table["pairs"] = math.nan  # an unreadable count must not stop the figure
    fig = paired_differences(replace(saved_compare, comparison=table))
    note = word("paired_note", "en", n=saved_compare.runs_per_policy)
    assert note in texts(fig)


def test_value_panels_without_differences_still_draw(saved_compare: Results) -> None:
    """NaN differences (a target no pair measured) leave a panel empty, not a traceback."""
    table = saved_compare.comparison.copy()
    for column in ("difference", "difference_low", "difference_high"):
        table[column] = math.nan
    fig = paired_differences(replace(saved_compare, comparison=table), measure="value")
    for ax in fig.axes:
        if ax.get_visible() and ax.containers:
            assert ax.get_xlim() == (-1.0, 1.0)  # a unit either side of zero


def test_signed_marks_gains_but_not_zero() -> None:
    assert signed(10, "en") == "+10"
    assert signed(-5, "en") == "−5"
    assert signed(0.001, "en", 1) == "0.0"  # rounds to zero: no sign
