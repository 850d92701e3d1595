"""A small saved run and a small saved comparison, made once per test session, for the figures
and the report to read (they never simulate)."""

from __future__ import annotations

from pathlib import Path

import pytest

from izsim.experiments import compare
from izsim.outputs import write_run
from izsim.present.results import Results, load_results
from izsim.run import run
from izsim.scenario import Policy, Scenario
from tests.conftest import BASELINE_FILE, SCENARIO_FILE

POLICIES = ["baseline", "infrastructure_first", "regulation_first"]
REPLICATES = 4


@pytest.fixture(scope="session")
def run_folder(
    tmp_path_factory: pytest.TempPathFactory, scenario: Scenario, baseline: Policy
) -> Path:
    out = tmp_path_factory.mktemp("saved") / "run"
    write_run(
        run(scenario, baseline, 3), out, scenario_file=SCENARIO_FILE, policy_file=BASELINE_FILE
    )
    return out


@pytest.fixture(scope="session")
def compare_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("saved") / "compare"
    compare(SCENARIO_FILE, POLICIES, replicates=REPLICATES, seed=2, workers=1, out=out, quiet=True)
    return out


@pytest.fixture(scope="session")
def saved_run(run_folder: Path) -> Results:
    return load_results(run_folder)


@pytest.fixture(scope="session")
def saved_compare(compare_folder: Path) -> Results:
    return load_results(compare_folder)
