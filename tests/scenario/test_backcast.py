"""The typical-province back-cast (scenarios/backcast/typical_2016.yaml): it validates, runs
2016-01 to 2023-12 in a few seconds, starts from the national stock divided by 63 as its
sources derive it, and the fitted national patterns it covers can be read on it.

Nothing here checks a pattern's value: the back-cast is for calibration to fit, not for a test
to hold it to a band (issue 11)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from izsim.cli import app
from izsim.patterns import measure, shipped_patterns
from izsim.result import RunResult
from izsim.run import run
from izsim.scenario import load_policy, load_scenario

FOLDER = Path(__file__).resolve().parents[2] / "scenarios" / "backcast"
SCENARIO = FOLDER / "typical_2016.yaml"

# fitted patterns of `any` province the back-cast covers: a level or ratio 12 months or more
# into the run, or a window from the month before the start
MEASURABLE = (
    "kcn_occupancy_2018_2020",
    "kcn_pace_2016_2020",
    "ccn_pace_2018_2021",
    "kcn_wwtp_2019_2020",
    "ccn_wwtp_2018",
    "ccn_occupancy_2021",
)
# read at 2016-06, 6 months into a run that must start in January: the start state sets them
TOO_EARLY = ("kcn_occupancy_2016", "kcn_operating_share_2016_2020")


@pytest.fixture(scope="module")
def result() -> RunResult:
    scenario = load_scenario(SCENARIO)
    policy = load_policy(FOLDER / "policies" / "baseline.yaml")
    started = time.perf_counter()
    out = run(scenario, policy, seed=1)
    assert time.perf_counter() - started < 10, "the back-cast is meant to run in seconds"
    return out


def test_it_validates_strictly() -> None:
    done = CliRunner().invoke(app, ["validate", "--strict", str(SCENARIO)])
    assert done.exit_code == 0, done.output


def test_it_is_a_backcast_without_a_plan() -> None:
    spec = load_scenario(SCENARIO)
    assert (spec.scenario.start, spec.scenario.horizon) == ("2016-01", "2023-12")
    assert spec.scenario.documents == [] and spec.targets == []


def test_it_starts_from_the_national_stock_over_63(result: RunResult) -> None:
    """5 KCN established (313 / 63), 3 operating (218 / 63) at 70 % occupancy; 13 CCN
    (807 / 63), 11 operating (680 / 63), 2 of them with a plant (117 / 63)."""
    first = result.months()[0]
    assert result.value("zones_established_kcn", first) == 5
    assert result.value("zones_established_ccn", first) == 13
    # the stages at the start (a zone `building` may open in the first month: a uniform share
    # of its build time is left, docs/model.md)
    spec = result.scenario
    operating = [z for z in spec.zones if z.kind == "kcn" and z.stage == "operating"]
    assert len(operating) == 3 and all(z.occupancy_pct == 70 for z in operating)
    clusters = [z for z in spec.zones if z.kind == "ccn" and z.stage == "operating"]
    assert sum(z.cluster_count for z in clusters) == 11
    with_plant = [z for z in spec.zones if z.kind == "ccn" and z.wwtp == "operating"]
    assert sum(z.clusters_with_wwtp or z.cluster_count for z in with_plant) == 2


@pytest.mark.parametrize("pattern_id", MEASURABLE)
def test_a_fitted_pattern_it_covers_has_a_value(result: RunResult, pattern_id: str) -> None:
    pattern = shipped_patterns().by_id()[pattern_id]
    assert pattern.split == "fit" and pattern.applies_to == "any"
    reading = measure(pattern, result)
    assert reading.value is not None, reading.reason


@pytest.mark.parametrize("pattern_id", TOO_EARLY)
def test_a_pattern_of_mid_2016_is_too_early_for_a_january_start(
    result: RunResult, pattern_id: str
) -> None:
    reading = measure(shipped_patterns().by_id()[pattern_id], result)
    assert reading.value is None and "months into the run" in (reading.reason or "")


def test_its_baseline_policy_is_the_shipped_one() -> None:
    """policies/baseline.yaml beside the back-cast is a byte copy of scenarios/policies/
    baseline.yaml (a policy is found beside its scenario): an edit to one must reach both."""
    shipped = FOLDER.parent / "policies" / "baseline.yaml"
    copy = FOLDER / "policies" / "baseline.yaml"
    assert copy.read_bytes() == shipped.read_bytes(), (
        f"{copy} differs from {shipped}: copy it (cp {shipped} {copy})"
    )
