"""write_space: the one writer of the space files the calibration and validation scripts
sweep (it was built and "written if changed" in three places)."""

from __future__ import annotations

from pathlib import Path

import pytest

from izsim.experiments.space import ALL_RANGED, load_space, pattern_outputs, write_space
from izsim.scenario import load_policy, load_scenario
from izsim.scenario.parameters import parameters
from tests.conftest import ROOT

SCENARIO = ROOT / "scenarios" / "tuyen_quang.yaml"


@pytest.fixture(scope="module")
def params() -> list:
    return parameters(
        load_scenario(SCENARIO), load_policy(SCENARIO.parent / "policies" / "baseline.yaml")
    )


def test_a_written_space_reads_back_as_given(tmp_path: Path, params: list) -> None:
    outputs = [
        *pattern_outputs(["kcn_occupancy_2022_2023"]),
        {"id": "jobs.2025", "indicator": "jobs_industry", "at": "2025-12"},
    ]
    path = write_space(
        tmp_path / "deep" / "a.space.yaml",
        ["investors.prospects_per_month"],
        outputs,
        rest=True,
    )
    assert "{id: jobs.2025, indicator: jobs_industry, at: '2025-12'}" in path.read_text()
    space = load_space(path, load_scenario(SCENARIO), params)
    assert space.named == ["investors.prospects_per_month"] and space.has_rest
    assert [o.id for o in space.outputs] == ["kcn_occupancy_2022_2023", "jobs.2025"]
    assert space.outputs[1].at == "2025-12"
    every = load_space(
        write_space(tmp_path / "b.yaml", ALL_RANGED, outputs), load_scenario(SCENARIO), params
    )
    assert not every.has_rest and len(every.names) > 50


def test_an_unchanged_space_is_not_rewritten_and_a_changed_one_is(tmp_path: Path) -> None:
    """A sweep's folder records its space file: the same text is left alone."""
    path = write_space(tmp_path / "s.yaml", ["a.b"], pattern_outputs(["p"]))
    path.touch()
    touched = path.stat().st_mtime_ns
    assert write_space(path, ["a.b"], pattern_outputs(["p"])).stat().st_mtime_ns == touched
    write_space(path, ["a.c"], pattern_outputs(["p"]))
    assert "- a.c" in path.read_text()
    assert not list(tmp_path.glob(".*.tmp"))
