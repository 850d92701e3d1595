"""The ``izsim levers`` picture: measures × targets, alone and in the package."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from izsim.cli import app
from izsim.present import lever_chart, load_results
from tests.experiments.test_levers import measured, scenario_file  # noqa: F401 (fixtures)


def test_cells_are_the_probability_changes_of_levers_csv(measured: Path) -> None:  # noqa: F811
    results = load_results(measured)
    fig = lever_chart(results, lang="en")
    image = fig.axes[0].images[0].get_array()
    effects = pd.read_csv(measured / "levers.csv", dtype={"target": str}).fillna({"target": ""})
    targets = [t.id for t in results.modelled_targets()]
    rows = list(dict.fromkeys(zip(effects["lever"], effects["effect"], strict=True)))
    expected = np.full((len(rows), len(targets)), np.nan)
    for r, (lever, effect) in enumerate(rows):
        mine = effects[(effects["lever"] == lever) & (effects["effect"] == effect)]
        for target, p in zip(mine["target"], mine["probability_difference"], strict=True):
            if target in targets:
                expected[r, targets.index(target)] = 100 * p
    assert image.shape == expected.shape
    assert np.allclose(np.ma.filled(image, np.nan), np.clip(expected, -50, 50), equal_nan=True)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0] == "Investment promotion · alone" and labels[-1] == "whole package"


def test_vietnamese_labels_keep_their_diacritics(measured: Path) -> None:  # noqa: F811
    fig = lever_chart(load_results(measured), lang="vi")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "Xúc tiến đầu tư · riêng lẻ" in labels
    assert "Thanh tra, kiểm tra môi trường · trong gói" in labels
    assert fig.texts[0].get_text().startswith("Từng biện pháp")


def test_the_command_writes_both_languages(scenario_file: Path, measured: Path) -> None:  # noqa: F811
    result = CliRunner().invoke(
        app,
        [
            *("levers", str(scenario_file), "--policy", "two_measures", "--replicates", "3"),
            *("--workers", "1", "--out", str(measured), "--quiet"),
        ],
    )
    assert result.exit_code == 0, result.output
    for lang in ("en", "vi"):
        for fmt in ("png", "svg"):
            assert (measured / "figures" / f"levers.{lang}.{fmt}").stat().st_size > 10_000
    assert "Investment promotion" not in result.stdout  # the console table keeps the ids
    assert "promotion" in result.stdout and "inspection" in result.stdout
