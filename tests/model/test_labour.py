"""Labour pools (docs/model.md §6.1): supply, rationed ramp-up, availability in the utility."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from types import SimpleNamespace

import numpy as np
import pytest

from izsim.indicators import INDICATOR_IDS
from izsim.model.labour import LabourPool
from izsim.model.model import IZModel
from izsim.scenario import Policy, Scenario

SOURCE = "assumption: a variant made by a test of the labour pools"


def labour_scenario(scenario: Scenario, **changes: object) -> Scenario:
    """``scenario`` with some fields of its ``labour`` block changed."""
    data = scenario.model_dump(exclude_unset=True)
    data["labour"].update(changes)
    data["labour"]["sources"].update(dict.fromkeys(changes, SOURCE))
    return Scenario.model_validate(data)


def tight(scenario: Scenario) -> Scenario:
    """Tuyên Quang with industry already near the most of the workforce it can employ."""
    base = scenario.economy.jobs_industry_base / scenario.economy.workforce_base * 100
    return labour_scenario(
        scenario,
        max_local_industry_share_pct=base + 1.5,
        inflow_max_pct=0,
        worker_housing_places_per_year=0,
    )


def loose(scenario: Scenario) -> Scenario:
    return labour_scenario(scenario, max_local_industry_share_pct=90)


@dataclass
class FakeTenant:
    """What the labour pool reads and writes of a ramping investor."""

    full_jobs: float
    pool: int
    rampup: float = 12.0
    ramp_time: float = 0.0
    ramp_progress: float = 0.0
    state: str = "ramping"
    model: SimpleNamespace = field(init=False)

    def __post_init__(self) -> None:
        self.model = SimpleNamespace(investors=SimpleNamespace(rampup_months=self.rampup))


def ramp(scenario: Scenario, months: int, jobs: float = 5000.0) -> list[float]:
    """Progress of one tenant in the first zone's pool, month by month."""
    pool = LabourPool(scenario, [z.region for z in scenario.zones])
    tenant = FakeTenant(full_jobs=jobs, pool=pool.pool_of(0))
    path = []
    for month in range(months):
        pool.advance(month + 1.0, [tenant] if tenant.state == "ramping" else [])
        path.append(tenant.ramp_progress)
    return path


def test_ample_labour_ramps_up_at_the_scenario_pace(scenario: Scenario) -> None:
    path = ramp(loose(scenario), 14)
    assert path[5] == pytest.approx(6 / 12)
    assert path[11] == pytest.approx(1.0)


def test_a_tighter_labour_pool_slows_ramp_up(scenario: Scenario) -> None:
    slow, fast = ramp(tight(scenario), 24, jobs=20000), ramp(loose(scenario), 24, jobs=20000)
    assert slow[11] < fast[11] == pytest.approx(1.0)
    assert slow[11] < 0.8
    assert all(b >= a for a, b in pairwise(slow))  # slower, not backwards


def test_tenants_are_staffed_only_up_to_the_pool(scenario: Scenario) -> None:
    narrow = tight(scenario)
    pool = LabourPool(narrow, [z.region for z in narrow.zones])
    tenants = [FakeTenant(full_jobs=50000, pool=pool.pool_of(0), rampup=1) for _ in range(4)]
    for month in range(36):
        pool.advance(month + 1.0, [t for t in tenants if t.state == "ramping"])
        staffed = sum(t.full_jobs * t.ramp_progress for t in tenants)
        assert pool.jobs_existing + staffed <= pool.supply + 1e-6
    assert sum(t.ramp_progress for t in tenants) < 4  # 200,000 jobs wait for workers


def test_scarcity_draws_workers_from_outside_up_to_the_ceiling(scenario: Scenario) -> None:
    narrow = labour_scenario(tight(scenario), inflow_max_pct=5)
    pool = LabourPool(narrow, [z.region for z in narrow.zones])
    tenant = FakeTenant(full_jobs=200000, pool=pool.pool_of(0), rampup=1)
    for month in range(120):
        pool.advance(month + 1.0, [tenant] if tenant.state == "ramping" else [])
    housing = narrow.labour.worker_housing_places_per_year * 10
    assert 0 < pool.migrants.sum() <= 0.05 * pool.resident_workforce + housing + 1e-6
    more_housing = labour_scenario(narrow, worker_housing_places_per_year=5000)
    pool2 = LabourPool(more_housing, [z.region for z in narrow.zones])
    tenant2 = FakeTenant(full_jobs=200000, pool=pool2.pool_of(0), rampup=1)
    for month in range(120):
        pool2.advance(month + 1.0, [tenant2] if tenant2.state == "ramping" else [])
    assert pool2.migrants.sum() > pool.migrants.sum()
    assert tenant2.ramp_progress > tenant.ramp_progress  # housing staffs more of the plant


def test_a_tighter_pool_lowers_the_zone_labour_utility(
    scenario: Scenario, baseline: Policy
) -> None:
    narrow, wide = IZModel(tight(scenario), baseline, 1), IZModel(loose(scenario), baseline, 1)
    assert (narrow.labour.zone_availability() < 1).any()
    assert (wide.labour.zone_availability() == 1).all()
    low, high = narrow._zone_attributes()[0], wide._zone_attributes()[0]
    labour_index = np.array([z.spec.labour_index for z in narrow.zones])
    lower = narrow.labour.zone_availability() < 1
    assert (low[:, lower] < high[:, lower]).all()
    assert np.allclose(low[:, ~lower], high[:, ~lower])
    assert (labour_index > 0).all()


def test_a_tighter_pool_creates_fewer_jobs_and_keeps_the_share_possible(
    scenario: Scenario, baseline: Policy
) -> None:
    jobs = INDICATOR_IDS.index("jobs_created")
    share = INDICATOR_IDS.index("industry_labour_share")
    narrow, wide = IZModel(tight(scenario), baseline, 3), IZModel(loose(scenario), baseline, 3)
    narrow.run()
    wide.run()
    assert narrow.values[-1, jobs] < wide.values[-1, jobs]
    limit = tight(scenario).labour.max_local_industry_share_pct
    assert narrow.values[:, share].max() <= limit + 1e-6  # no inflow: residents only


# ---------------------------------------------------------------- the policy's programmes
def hire(pool: LabourPool, tenant: FakeTenant, months: int, start: int = 0) -> None:
    for month in range(start, months):
        pool.advance(month + 1.0, [tenant] if tenant.state == "ramping" else [])


def twin_pools(
    scenario: Scenario, jobs: float
) -> tuple[LabourPool, LabourPool, FakeTenant, FakeTenant]:
    """Two identical pools, each with one tenant of ``jobs`` in the first zone's pool."""
    pools = [LabourPool(scenario, [z.region for z in scenario.zones]) for _ in range(2)]
    tenants = [FakeTenant(full_jobs=jobs, pool=p.pool_of(0), rampup=1) for p in pools]
    return pools[0], pools[1], tenants[0], tenants[1]


def test_training_adds_residents_to_the_supply_when_the_course_ends(scenario: Scenario) -> None:
    narrow = tight(scenario)
    pool = LabourPool(narrow, [z.region for z in narrow.zones])
    before = pool.local_supply
    pool.train(3000, ready_month=6)
    pool.advance(5.0, [])
    assert pool.trained_workers == 0.0  # still in class
    pool.advance(6.0, [])
    assert pool.trained_workers == 3000
    grown = narrow.labour.max_local_industry_share_pct / 100 * pool.resident_workforce
    assert pool.local_supply == pytest.approx(grown + 3000)
    assert pool.local_supply > before + 2999


def test_training_never_makes_more_workers_than_residents(scenario: Scenario) -> None:
    pool = LabourPool(scenario, [z.region for z in scenario.zones])
    pool.train(10 * scenario.economy.workforce_base, ready_month=0)
    pool.advance(1.0, [])
    assert pool.local_supply == pytest.approx(pool.resident_workforce)


def test_training_staffs_tenants_a_tight_pool_cannot(scenario: Scenario) -> None:
    plain, trained, t1, t2 = twin_pools(tight(scenario), 50000)
    trained.train(20000, ready_month=0)
    hire(plain, t1, 24)
    hire(trained, t2, 24)
    # the region's own share of the trainees and what commuting brings of the others', never
    # more than were trained (existing industry hires first)
    gain = (t2.ramp_progress - t1.ramp_progress) * 50000
    assert 0.5 * 20000 < gain <= 20000 + 1e-6


def test_housing_raises_the_inflow_ceiling_once_built(scenario: Scenario) -> None:
    plain, housed, t1, t2 = twin_pools(labour_scenario(tight(scenario), inflow_max_pct=2), 200000)
    housed.house(8000, ready_month=24)
    hire(plain, t1, 23)
    hire(housed, t2, 23)
    assert housed.migrants.sum() == plain.migrants.sum()  # not built yet: nothing changes
    hire(plain, t1, 120, start=23)
    hire(housed, t2, 120, start=23)
    assert housed.housed_places == 8000
    assert housed.migrants.sum() > plain.migrants.sum() + 4000
    assert t2.ramp_progress > t1.ramp_progress
