"""Scenarios and policies: their schema, loading and provenance of every number."""

from izsim.scenario.load import load_policy, load_scenario
from izsim.scenario.policy import Policy
from izsim.scenario.schema import Scenario

__all__ = ["Policy", "Scenario", "load_policy", "load_scenario"]
