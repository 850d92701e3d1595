"""What a run returns: tidy tables of indicators by month, zone states and events."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from izsim.calendar import month_index, month_label
from izsim.indicators import INDICATOR_IDS
from izsim.scenario.policy import Policy
from izsim.scenario.schema import Scenario


@dataclass
class RunResult:
    """The outcome of one (scenario, policy, seed).

    Attributes:
        scenario: the scenario run.
        policy: the policy run.
        seed: the seed.
        values: indicator values, months × indicators (catalogue order).
        zones: final state of each zone, one row per zone.
        events: dated events (developer entry and the like).
        wall_seconds: time the simulation took (not part of the results proper).
    """

    scenario: Scenario
    policy: Policy
    seed: int
    values: np.ndarray
    zones: pd.DataFrame
    events: pd.DataFrame
    wall_seconds: float

    @property
    def timeseries(self) -> pd.DataFrame:
        """Tidy table: one row per month and indicator (``month``, ``indicator``, ``value``)."""
        months, n = self.values.shape
        labels = [month_label(i, self.scenario.scenario.start) for i in range(months)]
        return pd.DataFrame(
            {
                "month": np.repeat(labels, n),
                "indicator": np.tile(np.array(INDICATOR_IDS, dtype=object), months),
                "value": self.values.reshape(-1),
            }
        )

    def wide(self) -> pd.DataFrame:
        """Months as rows, indicators as columns."""
        start = self.scenario.scenario.start
        index = pd.Index([month_label(i, start) for i in range(len(self.values))], name="month")
        return pd.DataFrame(self.values, index=index, columns=list(INDICATOR_IDS))

    def value(self, indicator: str, month: str) -> float:
        """The value of ``indicator`` at ``month`` (YYYY-MM)."""
        row = month_index(month, self.scenario.scenario.start)
        return float(self.values[row, INDICATOR_IDS.index(indicator)])
