"""Shared fixtures: the Tuyên Quang scenario and the baseline policy."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from izsim.scenario import Policy, Scenario, load_policy, load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIO_FILE = ROOT / "scenarios" / "tuyen_quang.yaml"
BASELINE_FILE = ROOT / "scenarios" / "policies" / "baseline.yaml"


@pytest.fixture(scope="session")
def scenario() -> Scenario:
    return load_scenario(SCENARIO_FILE)


@pytest.fixture(scope="session")
def private_clusters_scenario() -> Scenario:
    """Tuyên Quang with its existing clusters (``ccn_existing``) held by a private developer.

    The scenario gives them to a district board, which builds a plant only on an order the
    province's allowance pays; tests of a private developer's fines, orders and plant decisions,
    and of the boards' fallback allowance, need a private firm holding an operating CCN.
    """
    scenario = load_scenario(SCENARIO_FILE)
    data = scenario.model_dump(exclude_unset=True)
    for zone in data["zones"]:
        if zone["id"] == "ccn_existing":
            zone["developer"] = "private"
    return scenario.revalidated(data)


@pytest.fixture(scope="session")
def baseline() -> Policy:
    return load_policy(BASELINE_FILE)


def with_levers(policy: Policy, **levers: object) -> Policy:
    """A copy of ``policy`` with some levers changed (validated like a file would be)."""
    data = policy.model_dump(exclude_unset=True)
    data.setdefault("levers", {})
    data["levers"].update(levers)
    sources = data["levers"].setdefault("sources", {})
    for name, value in levers.items():
        if not isinstance(value, bool):
            sources[name] = "assumption: a variant made by a test of the model"
    return Policy.model_validate(data)


def load_script(name: str) -> ModuleType:
    """``experiments/<name>.py`` as a module (experiments/ is not a package), registered in
    ``sys.modules`` because dataclasses look their module up by name."""
    spec = importlib.util.spec_from_file_location(
        f"izsim_{name}_script", ROOT / "experiments" / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
