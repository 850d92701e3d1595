"""What a run returns: tidy tables of indicators by month, zone states and events."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from izsim.calendar import month_index, month_label
from izsim.indicators import INDICATOR_IDS
from izsim.model.zone import PLANT_STATES, STAGES
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
        events: dated events: developers taking up zones, stage and plant changes.
        zone_stages: each zone's stage at the end of each month, months × zones, as indexes
            into :data:`izsim.model.zone.STAGES` (zones in scenario order).
        zone_plants: each zone's plant state likewise, indexes into
            :data:`izsim.model.zone.PLANT_STATES`.
        wall_seconds: time the simulation took (not part of the results proper).
    """

    scenario: Scenario
    policy: Policy
    seed: int
    values: np.ndarray
    zones: pd.DataFrame
    events: pd.DataFrame
    zone_stages: np.ndarray
    zone_plants: np.ndarray
    wall_seconds: float

    def months(self) -> list[str]:
        """The months of the run, YYYY-MM."""
        start = self.scenario.scenario.start
        return [month_label(i, start) for i in range(len(self.values))]

    @property
    def timeseries(self) -> pd.DataFrame:
        """Tidy table: one row per month and indicator (``month``, ``indicator``, ``value``)."""
        return tidy_values(self.values, self.months())

    def wide(self) -> pd.DataFrame:
        """Months as rows, indicators as columns."""
        index = pd.Index(self.months(), name="month")
        return pd.DataFrame(self.values, index=index, columns=list(INDICATOR_IDS))

    def zone_states(self) -> pd.DataFrame:
        """Tidy table of every zone's stage and plant state by month (``month``, ``zone``,
        ``stage``, ``plant``)."""
        return zone_states_table(
            self.months(),
            [z.id for z in self.scenario.all_zones],
            self.zone_stages,
            self.zone_plants,
        )

    def value(self, indicator: str, month: str) -> float:
        """The value of ``indicator`` at ``month`` (YYYY-MM)."""
        row = month_index(month, self.scenario.scenario.start)
        return float(self.values[row, INDICATOR_IDS.index(indicator)])


def tidy_values(values: np.ndarray, months: list[str]) -> pd.DataFrame:
    """Months × indicators values as a tidy table (``month``, ``indicator``, ``value``)."""
    n_months, n = values.shape
    return pd.DataFrame(
        {
            "month": np.repeat(months, n),
            "indicator": np.tile(np.array(INDICATOR_IDS, dtype=object), n_months),
            "value": values.reshape(-1),
        }
    )


def zone_states_table(
    months: list[str], zones: list[str], stages: np.ndarray, plants: np.ndarray
) -> pd.DataFrame:
    """Months × zones code arrays as a tidy table with the states' names."""
    n_months, n_zones = stages.shape
    return pd.DataFrame(
        {
            "month": np.repeat(np.array(months, dtype=object), n_zones),
            "zone": np.tile(np.array(zones, dtype=object), n_months),
            "stage": np.array(STAGES, dtype=object)[stages.reshape(-1)],
            "plant": np.array(PLANT_STATES, dtype=object)[plants.reshape(-1)],
        }
    )
