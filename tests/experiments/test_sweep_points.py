"""A sweep on the caller's points with pattern outputs: the step a calibration's wave takes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from izsim.errors import InputError
from izsim.experiments.design import replicate_seeds
from izsim.experiments.sweep import SweepResult, sweep
from izsim.patterns import measure, shipped_patterns
from izsim.run import run
from izsim.scenario import load_policy, load_scenario
from izsim.scenario.parameters import parameters, with_values
from tests.conftest import ROOT

BACKCAST = ROOT / "scenarios" / "backcast" / "typical_2016.yaml"
NAMES = ["investors.prospects_per_month", "developers.wwtp_build_months"]
SPACE = """\
space:
  parameters: [investors.prospects_per_month, developers.wwtp_build_months]
  outputs:
    - {id: occupancy, pattern: kcn_occupancy_2018_2020}
    - {id: ccn_plants, pattern: ccn_wwtp_2018}
    - {id: early, pattern: kcn_occupancy_2016}
"""


@pytest.fixture
def space_file(tmp_path: Path) -> Path:
    path = tmp_path / "space.yaml"
    path.write_text(SPACE, encoding="utf-8")
    return path


def _wave(points: np.ndarray, space_file: Path, tmp_path: Path, **options: object) -> SweepResult:
    """A sweep of ``points`` on the back-cast, 2 replicates a point."""
    return sweep(
        BACKCAST,
        space_file=space_file,
        points=points,
        replicates=2,
        workers=1,
        quiet=True,
        out=tmp_path / "wave",
        **options,  # type: ignore[arg-type]
    )


def test_given_points_run_as_given_and_read_each_pattern(space_file: Path, tmp_path: Path) -> None:
    points = np.array([[1.0, 9.0], [4.2, 12.0], [7.0, 24.0]])
    result = _wave(points, space_file, tmp_path)
    table = result.outputs
    assert len(table) == 6 and set(table["status"]) == {"ok"}
    scenario = load_scenario(BACKCAST)
    policy = load_policy(BACKCAST.parent / "policies" / "baseline.yaml")
    params = parameters(scenario, policy)
    patterns = shipped_patterns().by_id()
    for row in table.to_dict("records"):
        values = dict(zip(NAMES, points[row["sample"]], strict=True))
        assert {name: row[name] for name in NAMES} == values
        varied, chosen = with_values(scenario, policy, values, params=params)
        assert row["seed"] == replicate_seeds(1, 2)[row["replicate"]]
        reading = run(varied, chosen, row["seed"])
        assert row["occupancy"] == measure(patterns["kcn_occupancy_2018_2020"], reading).value
        assert row["ccn_plants"] == measure(patterns["ccn_wwtp_2018"], reading).value
        assert np.isnan(row["early"])  # 2016-06 is the start state's: no value, NaN
    # the demand reaches the occupancy: the lowest prospects lease least
    means = table.groupby("sample")["occupancy"].mean()
    assert means[0] < means[2]
    assert "given points" in result.notes[0]


def test_the_same_folder_resumes_and_other_points_are_refused(
    space_file: Path, tmp_path: Path
) -> None:
    points = np.array([[2.0, 10.0], [3.0, 11.0]])
    options = {"space_file": space_file, "workers": 1, "quiet": True, "out": tmp_path / "w"}
    first = sweep(BACKCAST, points=points, **options)
    again = sweep(BACKCAST, points=points, **options)
    pd.testing.assert_frame_equal(first.outputs, again.outputs)
    with pytest.raises(InputError, match="points_sha256"):
        sweep(BACKCAST, points=points + 0.5, **options)


@pytest.mark.parametrize(
    ("points", "message"),
    [
        (np.array([[2.0, 10.0, 1.0]]), "give sets × 2 parameters"),
        (np.array([[9.0, 10.0]]), "9 is outside its range [0.2, 7.5]"),
    ],
)
def test_points_of_the_wrong_shape_or_outside_a_range_are_refused(
    space_file: Path, tmp_path: Path, points: np.ndarray, message: str
) -> None:
    with pytest.raises(InputError) as caught:
        sweep(BACKCAST, space_file=space_file, points=points, quiet=True, out=tmp_path / "w")
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("{id: x, pattern: kcn_ocupancy_2016}", "did you mean 'kcn_occupancy_2016'"),
        ("{id: x, pattern: tq_projects_2021}", "is read on tuyen_quang, not on typical_2016"),
        ("{id: x, pattern: ccn_wwtp_2018, at: '2018-01'}", "takes `pattern` only"),
    ],
)
def test_a_bad_pattern_output_is_a_clear_error(tmp_path: Path, output: str, message: str) -> None:
    path = tmp_path / "space.yaml"
    path.write_text(
        f"space:\n  parameters: [investors.prospects_per_month]\n  outputs:\n    - {output}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        sweep(BACKCAST, space_file=path, design="lhs", samples=2, quiet=True, out=tmp_path / "w")
    assert message in str(caught.value)


def test_given_points_refuse_a_space_with_dummies_before_running(tmp_path: Path) -> None:
    """A dummy is a design's column: given points have none, so their runs' table could not be
    written; refused before anything runs or is written."""
    path = tmp_path / "space.yaml"
    path.write_text(SPACE.replace("  outputs:", "  dummies: 2\n  outputs:"), encoding="utf-8")
    ran = []
    with pytest.raises(InputError, match="takes no dummies") as error:
        sweep(
            BACKCAST,
            space_file=path,
            points=np.array([[1.0, 9.0]]),
            workers=1,
            quiet=True,
            out=tmp_path / "wave",
            on_batch=ran.append,
        )
    assert str(path) in str(error.value) and "space.dummies" in str(error.value)
    assert not ran and not (tmp_path / "wave").exists()


def test_each_set_can_have_its_own_seeds(space_file: Path, tmp_path: Path) -> None:
    """seeds_per_set: every (set, replicate) its own seed, derived from the replicate's shared
    seed and the set (so a rerun gives the same runs), recorded in the runs' table; the run
    read with that seed gives the recorded reading."""
    from izsim.experiments.sweep import set_seed

    points = np.array([[4.2, 12.0], [4.2, 12.0], [4.2, 12.0]])
    table = _wave(points, space_file, tmp_path, seeds_per_set=True).outputs
    shared = replicate_seeds(1, 2)
    pairs = zip(table["sample"], table["replicate"], strict=True)
    expected = [set_seed(shared[r], s) for s, r in pairs]
    assert table["seed"].tolist() == expected
    assert len(set(expected)) == 6  # the same parameters, six provinces and chances
    scenario = load_scenario(BACKCAST)
    policy = load_policy(BACKCAST.parent / "policies" / "baseline.yaml")
    row = table.iloc[3]
    varied, chosen = with_values(
        scenario, policy, dict(zip(NAMES, points[row["sample"]], strict=True))
    )
    reading = measure(shipped_patterns().by_id()["ccn_wwtp_2018"], run(varied, chosen, row["seed"]))
    assert row["ccn_plants"] == pytest.approx(reading.value)
