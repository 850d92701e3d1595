"""Invariants that must hold every month, over many seeds and parameter draws."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from izsim.indicators import INDICATOR_IDS
from izsim.model.model import IZModel
from izsim.scenario import Policy, Scenario
from tests.conftest import with_levers

LEASED_STATES = {"building", "stalled", "ramping", "operating"}
NEVER_DECREASE = [
    "new_zones_kcn",
    "new_zones_ccn",
    "expansions_kcn",
    "zones_established_kcn",
    "zones_established_ccn",
    "tenants_located",
    "projects_revoked",
    "developers_sanctioned",
    "zones_sold",
    "outside_fence_finished",
    "public_spending_bn_vnd",
    "investment_state_bn_vnd",
    "investment_nonstate_bn_vnd",
    "investment_fdi_bn_vnd",
    "wastewater_fines_bn_vnd",
    "wwtp_operate_orders",
    "admission_suspensions",
]


def variant(
    scenario: Scenario, prospects: float, rent: float, stall: float, tight_labour: bool = False
) -> Scenario:
    data = scenario.model_dump(exclude_unset=True)
    if tight_labour:  # industry starts 2 points under the most of the workforce it can employ
        economy = data["economy"]
        share = 100 * economy["jobs_industry_base"] / economy["workforce_base"]
        data["labour"]["max_local_industry_share_pct"] = share + 2
    data["investors"]["prospects_per_month"] *= prospects
    data["investors"]["stall_pct"] = stall
    for zone in data["zones"]:
        zone["rent_usd_m2"] *= rent
    data["scenario"]["horizon"] = "2025-12"
    return Scenario.model_validate(data)


def check_month(model: IZModel) -> None:
    by_zone: dict[str, float] = {}
    for agent in model.agents:
        zone = getattr(agent, "zone", None)
        if zone is not None and getattr(agent, "state", None) in LEASED_STATES:
            by_zone[zone.key] = by_zone.get(zone.key, 0.0) + agent.land_ha
    for zone in model.zones:
        initial = zone.leasable_ha * zone.spec.occupancy_pct / 100
        assert -1e-9 <= zone.leased_ha <= zone.serviced_ha + 1e-9
        assert zone.leased_ha + zone.reserved_ha <= zone.serviced_ha + 1e-6
        assert zone.serviced_ha <= zone.leasable_ha + 1e-9 <= zone.area_ha + 1e-9
        # Tenants' land adds up: revoked land went back, nobody is counted twice.
        # Projects licensed before the start hold land that is part of the initial occupancy.
        tenants = by_zone.get(zone.key, 0.0) - zone.pipeline_ha
        assert np.isclose(zone.leased_ha, initial + tenants, atol=1e-6)
        assert min(zone.tenants_by_sector) >= 0
        assert zone.wwtp_capacity_m3_day >= 0
        if zone.wwtp_host is not None:  # connected to a plant, never a plant of its own
            assert zone.wwtp == "none" and zone in zone.wwtp_host.wwtp_clients
        if zone.admission_suspended:  # suspended only while its plant is idle
            assert zone.wwtp == "operating" and not zone.wwtp_funded
        if zone.wwtp_compliant:  # compliance is an operating state of a plant that runs
            assert zone.wwtp == "operating" and not zone.wwtp_fault
        developer = zone.developer
        if developer is not None and not developer.public:  # money never below nothing
            assert developer.room_bn_vnd >= -1e-6 and developer.fines_owed_bn_vnd >= 0
    assert model.agencies.budget.available >= 0
    assert model.agencies.public_works_allowance >= -1e-9
    assert model.outside_zone_leased_ha >= -1e-9
    allowance = model.scenario.investors.outside_zone_land_ha_per_year
    assert -1e-9 <= model.outside_zone_land_left_ha <= allowance + 1e-9
    for zone in model.zones:  # rents positive and finite
        assert 0 < zone.rent_usd_m2 < float("inf")
    check_labour(model)


def check_labour(model: IZModel) -> None:
    """Industry employs no more than the labour pools hold, hence never more than the
    workforce, and the shares of the last month collected are within 0–100."""
    labour = model.labour
    assert ((labour.availability >= 0) & (labour.availability <= 1)).all()
    assert (labour.migrants >= 0).all()
    assert labour.supply <= labour.workforce + 1e-6
    if model.month == 0:
        return
    row = model.values[model.month - 1]  # collected at the end of last month
    jobs = row[INDICATOR_IDS.index("jobs_industry")]
    share = row[INDICATOR_IDS.index("industry_labour_share")]
    assert jobs <= labour.supply + 1e-6  # the pools' own promise
    assert jobs <= labour.workforce + 1e-6
    assert np.isclose(share, 100 * jobs / labour.workforce)
    assert 0 <= share <= 100
    assert 0 <= row[INDICATOR_IDS.index("industry_share_grdp")] <= 100


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    prospects=st.sampled_from([0.5, 1.0, 3.0]),
    rent=st.sampled_from([0.6, 1.0, 1.5]),
    stall=st.sampled_from([0.0, 15.0, 60.0]),
    revoke=st.booleans(),
    fallback=st.booleans(),
    rule=st.booleans(),
    sanction=st.booleans(),
    tight_labour=st.booleans(),
)
def test_invariants_hold_every_month(
    scenario: Scenario,
    baseline: Policy,
    seed: int,
    prospects: float,
    rent: float,
    stall: float,
    revoke: bool,
    fallback: bool,
    rule: bool,
    sanction: bool,
    tight_labour: bool,
) -> None:
    policy = with_levers(
        baseline,
        revoke_stalled=revoke,
        public_developer_fallback_ccn=fallback,
        wwtp_before_tenants=rule,
        sanction_late_developers=sanction,
        rent_support_pct=20,
        rent_support_years=5,
    )
    model = IZModel(variant(scenario, prospects, rent, stall, tight_labour), policy, seed)
    for month in range(model.months):
        model.env.run(until=month + 0.99)
        check_month(model)
    model.env.run(until=model.months + 0.5)
    values = model.values
    assert not np.isnan(values[:, INDICATOR_IDS.index("industrial_output_bn_vnd")]).any()
    for kind in ("kcn", "ccn", "outside"):
        generated = values[:, INDICATOR_IDS.index(f"wastewater_generated_{kind}")]
        treated = values[:, INDICATOR_IDS.index(f"wastewater_treated_{kind}")]
        assert (treated >= 0).all() and (treated <= generated + 1e-6).all(), kind
    for name in (
        "occupancy_rate",
        "occupancy_rate_kcn",
        "occupancy_rate_ccn",
        "wwtp_share_kcn",
        "wwtp_share_ccn",
        "wwtp_compliance_kcn",
        "wwtp_compliance_ccn",
        "wwtp_built_share_kcn",
        "wwtp_built_share_ccn",
        "wastewater_untreated_pct",
        "wastewater_untreated_pct_kcn",
        "wastewater_untreated_pct_ccn",
        "wastewater_untreated_pct_outside",
    ):
        column = values[:, INDICATOR_IDS.index(name)]
        column = column[~np.isnan(column)]
        assert ((column >= 0) & (column <= 100 + 1e-9)).all()
    for kind in ("kcn", "ccn"):  # running plants are built; compliant ones run
        built, running, compliant = (
            values[:, INDICATOR_IDS.index(f"{name}_{kind}")]
            for name in ("wwtp_built_share", "wwtp_share", "wwtp_compliance")
        )
        known = ~np.isnan(built)
        assert (compliant[known] <= running[known] + 1e-9).all(), kind
        assert (running[known] <= built[known] + 1e-9).all(), kind
    for name in NEVER_DECREASE:
        column = values[:, INDICATOR_IDS.index(name)]
        assert (np.diff(column) >= -1e-9).all(), name
    assert (values[:, INDICATOR_IDS.index("budget_available_bn_vnd")] >= 0).all()
