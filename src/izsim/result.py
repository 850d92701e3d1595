"""What a run returns: tidy tables of indicators by month, zone states and events.

Its tables are pandas DataFrames, but made only when first asked for: importing pandas takes
about 0.14 s, a quarter of an ``izsim run``, which prints and writes its tables from the plain
rows (:class:`Table`) and so never imports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from izsim.calendar import month_index, month_label
from izsim.indicators import INDICATOR_IDS
from izsim.model.zone import PLANT_STATES, STAGES
from izsim.scenario.policy import Policy
from izsim.scenario.schema import Scenario

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True, eq=False)
class Table:
    """A table as plain Python rows, made into a DataFrame only when asked for.

    Attributes:
        columns: the column names.
        rows: one tuple per row, its values in column order. A DataFrame made of them has the
            column types pandas infers, so each column should hold one type (str, float, int
            or bool): a column of ints and floats would be floats in the DataFrame.
    """

    columns: tuple[str, ...]
    rows: list[tuple[object, ...]]

    @classmethod
    def of(cls, frame: pd.DataFrame) -> Table:
        """The rows of ``frame`` (its index left out), their values as pandas holds them."""
        return cls(tuple(frame.columns), list(frame.itertuples(index=False, name=None)))

    def frame(self) -> pd.DataFrame:
        """The table as a DataFrame (a new one at every call)."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=list(self.columns))

    def records(self) -> list[dict[str, object]]:
        """One dict per row, column name to value."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def column(self, name: str) -> list[object]:
        """The values of column ``name``, in row order."""
        i = self.columns.index(name)
        return [row[i] for row in self.rows]


class _FrameField:
    """A :class:`RunResult` field holding a table: set to a :class:`Table` (as :func:`izsim.run.run`
    does) or a DataFrame, read as a DataFrame. A table's DataFrame is made on first access and
    then kept, so that every access returns the same object, as a plain attribute would.

    (Used as the field's default, a descriptor gets what the dataclass's ``__init__`` is given;
    the ``AttributeError`` it raises when asked for a default tells the dataclass there is none.)
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.slot = f"_{name}"

    def __get__(self, obj: object, objtype: type | None = None) -> pd.DataFrame:
        if obj is None:
            raise AttributeError(f"{self.name} has no default")
        held = obj.__dict__[self.slot]
        if isinstance(held, Table):
            held = obj.__dict__[self.slot] = held.frame()
        return held

    def __set__(self, obj: object, value: pd.DataFrame | Table) -> None:
        obj.__dict__[self.slot] = value

    def table(self, obj: object) -> Table:
        """What ``obj`` holds, as rows (read from the DataFrame if it was given one or its
        DataFrame was made already: changes made to that DataFrame are then in the rows)."""
        held = obj.__dict__[self.slot]
        return held if isinstance(held, Table) else Table.of(held)


@dataclass
class RunResult:
    """The outcome of one (scenario, policy, seed).

    Attributes:
        scenario: the scenario run.
        policy: the policy run.
        seed: the seed.
        values: indicator values, months × indicators (catalogue order).
        zones: final state of each zone, one row per zone (may be given as a :class:`Table`;
            read, it is a DataFrame, made on first access).
        events: dated events: developers taking up zones, stage and plant changes (likewise).
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
    zones: pd.DataFrame = _FrameField()  # type: ignore[assignment]
    events: pd.DataFrame = _FrameField()  # type: ignore[assignment]
    zone_stages: np.ndarray
    zone_plants: np.ndarray
    wall_seconds: float

    def zone_table(self) -> Table:
        """:attr:`zones` as rows, without making the DataFrame (or pandas) if not made yet."""
        return RunResult.__dict__["zones"].table(self)

    def event_table(self) -> Table:
        """:attr:`events` as rows, without making the DataFrame (or pandas) if not made yet."""
        return RunResult.__dict__["events"].table(self)

    def months(self) -> list[str]:
        """The months of the run, YYYY-MM."""
        start = self.scenario.scenario.start
        return [month_label(i, start) for i in range(len(self.values))]

    @property
    def timeseries(self) -> pd.DataFrame:
        """Tidy table: one row per month and indicator (``month``, ``indicator``, ``value``)."""
        return tidy_values(self.values, self.months())

    def timeseries_columns(self) -> dict[str, np.ndarray]:
        """The columns of :attr:`timeseries`, without pandas."""
        return tidy_columns(self.values, self.months())

    def wide(self) -> pd.DataFrame:
        """Months as rows, indicators as columns."""
        import pandas as pd

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

    def zone_state_columns(self) -> dict[str, np.ndarray]:
        """The columns of :meth:`zone_states`, without pandas."""
        return zone_state_columns(
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
    import pandas as pd

    return pd.DataFrame(tidy_columns(values, months))


def tidy_columns(values: np.ndarray, months: list[str]) -> dict[str, np.ndarray]:
    """The columns of :func:`tidy_values`, by name."""
    n_months, n = values.shape
    return {
        "month": np.repeat(months, n),
        "indicator": np.tile(np.array(INDICATOR_IDS, dtype=object), n_months),
        "value": values.reshape(-1),
    }


def zone_states_table(
    months: list[str], zones: list[str], stages: np.ndarray, plants: np.ndarray
) -> pd.DataFrame:
    """Months × zones code arrays as a tidy table with the states' names."""
    import pandas as pd

    return pd.DataFrame(zone_state_columns(months, zones, stages, plants))


def zone_state_columns(
    months: list[str], zones: list[str], stages: np.ndarray, plants: np.ndarray
) -> dict[str, np.ndarray]:
    """The columns of :func:`zone_states_table`, by name."""
    n_months, n_zones = stages.shape
    return {
        "month": np.repeat(np.array(months, dtype=object), n_zones),
        "zone": np.tile(np.array(zones, dtype=object), n_months),
        "stage": np.array(STAGES, dtype=object)[stages.reshape(-1)],
        "plant": np.array(PLANT_STATES, dtype=object)[plants.reshape(-1)],
    }
