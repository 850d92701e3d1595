"""Projects licensed before the start and still building: a start that is already moving."""

from __future__ import annotations

import numpy as np
import pytest

from izsim.indicators import INDICATOR_IDS
from izsim.model.investor import Investor
from izsim.model.model import IZModel
from izsim.scenario import Policy, Scenario


def with_pipeline(scenario: Scenario, count: int) -> Scenario:
    data = scenario.model_dump(exclude_unset=True)
    data["investors"]["pipeline_projects"] = count
    return Scenario.model_validate(data)


def pipeline(model: IZModel) -> list[Investor]:
    return [a for a in model.agents if isinstance(a, Investor) and a.licensed_before_start]


def test_pipeline_projects_hold_part_of_the_initial_occupancy(
    scenario: Scenario, baseline: Policy
) -> None:
    model = IZModel(with_pipeline(scenario, 10), baseline, 3)
    projects = pipeline(model)
    assert len(projects) == 10
    for zone in model.zones:
        assert zone.pipeline_ha <= zone.leasable_ha * zone.spec.occupancy_pct / 100 + 1e-9
        assert zone.leased_ha == pytest.approx(zone.leasable_ha * zone.spec.occupancy_pct / 100)
    assert sum(z.pipeline_ha for z in model.zones) == pytest.approx(
        sum(p.land_ha for p in projects)
    )
    assert all(p.zone is not None and p.zone.operating for p in projects)
    assert sum(sum(z.tenants_by_sector) for z in model.zones) == 10
    # Their capital was registered before the start.
    assert model.economy.capital_fdi == model.economy.capital_domestic == 0.0


def test_pipeline_projects_start_producing_within_the_construction_time(
    scenario: Scenario, baseline: Policy
) -> None:
    model = IZModel(with_pipeline(scenario, 10), baseline, 3)
    projects = pipeline(model)
    model.env.run(until=scenario.investors.construction_months + 0.5)
    assert all(p.state in ("ramping", "operating") for p in projects)
    starts = sorted(p.production_start for p in projects)
    assert 0 <= starts[0] < starts[-1] <= scenario.investors.construction_months


def growth_2021(scenario: Scenario, baseline: Policy, seed: int) -> float:
    model = IZModel(scenario, baseline, seed)
    model.run()
    return float(model.values[11, INDICATOR_IDS.index("industrial_output_growth")])


def test_the_first_year_varies_across_seeds(scenario: Scenario, baseline: Policy) -> None:
    moving = with_pipeline(scenario, 10)
    spread = np.ptp([growth_2021(moving, baseline, seed) for seed in range(5)])
    assert spread > 0.1  # percentage points of 2021 output growth
    # Without projects in the pipeline nor capital increases the first year is the trend.
    data = with_pipeline(scenario, 0).model_dump(exclude_unset=True)
    data.pop("reinvestment")
    still = Scenario.model_validate(data)
    assert np.ptp([growth_2021(still, baseline, seed) for seed in range(5)]) < 1e-9
