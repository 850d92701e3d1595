"""Capital increases by existing firms (docs/model.md §6a): a redistribution of the existing
trend that responds to conditions."""

from __future__ import annotations

import numpy as np
import pytest

from izsim.indicators import INDICATOR_IDS
from izsim.model.economy import Economy
from izsim.model.model import IZModel
from izsim.model.reinvestment import TREND_LEAD_MONTHS, trend_shares
from izsim.scenario import Policy, Scenario
from tests.conftest import with_levers


def without_reinvestment(scenario: Scenario) -> Scenario:
    data = scenario.model_dump(exclude_unset=True)
    data.pop("reinvestment")
    return Scenario.model_validate(data)


def with_reinvestment(scenario: Scenario, **changes: float) -> Scenario:
    data = scenario.model_dump(exclude_unset=True)
    data["reinvestment"].update(changes)
    return Scenario.model_validate(data)


def expected_existing(model: IZModel, indicator: str, year: int) -> tuple[float, float]:
    """(expected with reinvestment at the start's conditions, the old fixed trend) for the
    calendar ``year`` (0 = the first): output and exports as yearly sums, jobs in December."""
    e = model.scenario.economy
    r = model.reinvestment
    spec = model.scenario.reinvestment
    s_out, s_jobs, s_exports = trend_shares(model.scenario)
    months = np.arange(-80, model.months)
    decided = np.array([r.expected_output_per_month(m) for m in months])
    per = np.array([r._per_output(m + r.midpoint, e) for m in months])
    weight = {"output": np.ones(len(months)), "exports": per[:, 1], "jobs": per[:, 0]}[indicator]

    def flow(now: float) -> float:
        share = np.clip((now - months - spec.construction_months) / spec.rampup_months, 0, 1)
        return float((decided * weight * share).sum())

    if indicator == "jobs":
        years = year + 1
        trend = (1 + e.existing_jobs_growth_pct / 100) ** years
        fixed = e.jobs_industry_base * (1 + (1 - s_jobs) * (trend - 1))
        return fixed + flow(12 * year + 12), e.jobs_industry_base * trend
    base, growth, share = {
        "output": (e.industrial_output_base_bn_vnd, e.existing_output_growth_pct, s_out),
        "exports": (e.exports_base_musd, e.existing_exports_growth_pct, s_exports),
    }[indicator]
    trend = (1 + growth / 100) ** (year + 1)
    fixed = base * (1 + (1 - share) * (trend - 1))
    reinvested = sum(flow(m + 1.0) for m in range(12 * year, 12 * year + 12)) / 12
    return fixed + reinvested, base * trend


@pytest.mark.parametrize("indicator", ["output", "exports", "jobs"])
def test_expected_existing_growth_at_start_conditions_is_the_old_trend(
    scenario: Scenario, baseline: Policy, indicator: str
) -> None:
    # The split redistributes the trend: at the conditions of the start the fixed part plus
    # the expected capital increases give the old trend, year by year.
    model = IZModel(scenario, baseline, 0)
    for year in range(model.months // 12):
        new, old = expected_existing(model, indicator, year)
        assert new == pytest.approx(old, rel=2e-3)


def test_sampled_capital_increases_follow_their_expected_rate(
    scenario: Scenario, baseline: Policy
) -> None:
    # Monte Carlo at the start's conditions: the mean over seeds of the output increases add by
    # 2030 is the expected one (the gap of the old trend above the fixed part).
    e = scenario.economy
    s = trend_shares(scenario)[0]
    trend = (1 + e.existing_output_growth_pct / 100) ** ((scenario.months + TREND_LEAD_MONTHS) / 12)
    expected = s * e.industrial_output_base_bn_vnd * (trend - 1)
    got = []
    for seed in range(40):
        model = IZModel(scenario, baseline, seed)
        for month in range(model.months):
            model.reinvestment._decide(month, start=True)  # at the start's conditions
        got.append(model.economy._reinvested(float(model.months))[0])
    assert np.mean(got) == pytest.approx(expected, rel=0.08)


def test_better_conditions_bring_more_reinvestment(scenario: Scenario, baseline: Policy) -> None:
    # Promotion (aftercare) and faster dossiers raise the rate; the same seed keeps a superset
    # of the same capital increases (common random numbers).
    better = with_levers(baseline, promotion_bn_vnd_per_year=40, approval_time_multiplier=0.5)
    for seed in range(3):
        runs = []
        for policy in (baseline, better):
            model = IZModel(scenario, policy, seed)
            model.run()
            runs.append(model.economy)
        assert runs[1].capital_increases > runs[0].capital_increases
        assert runs[1].reinvested_output > runs[0].reinvested_output


def test_a_compliant_plant_raises_its_zones_rate(scenario: Scenario, baseline: Policy) -> None:
    model = IZModel(scenario, baseline, 0)
    r = model.reinvestment
    zone = next(model.zones[i] for i in r.active if not model.zones[i].wwtp_ok)
    before = r.place_factor(zone.index)
    zone.wwtp, zone.wwtp_compliant = "operating", True
    zone.wwtp_clusters = zone.spec.cluster_count  # (an aggregate: every cluster has one)
    after = r.place_factor(zone.index)
    inv = scenario.investors
    gain = inv.beta_wwtp + model.polluting_prospect_share * inv.beta_wwtp_polluting
    assert after / before == pytest.approx(np.exp(scenario.reinvestment.utility_weight * gain))


def test_an_aggregate_gains_as_its_clusters_gain_plants(
    scenario: Scenario, baseline: Policy
) -> None:
    model = IZModel(scenario, baseline, 0)
    r = model.reinvestment
    zone = model.zone_by_id["ccn_existing"]  # an aggregate row of clusters without a plant
    assert zone.spec.cluster_count > 2 and zone.index in r.active
    before = r.place_factor(zone.index)
    zone.wwtp, zone.wwtp_compliant = "operating", True
    factors = []
    for clusters in (1, zone.spec.cluster_count):
        zone.wwtp_clusters = clusters
        factors.append(r.place_factor(zone.index))
    assert before < factors[0] < factors[1]


def test_conditions_at_the_start_give_the_base_rate(scenario: Scenario, baseline: Policy) -> None:
    # Before any policy acts, zones are at their reference conditions: the factor is the
    # province's (promotion at its reference, PCI at its reference) everywhere.
    model = IZModel(scenario, baseline, 0)
    model.agencies.promotion_this_month = (
        scenario.investors.promotion_reference_bn_vnd_per_year / 12
    )
    assert model.reinvestment.factors() == pytest.approx(1.0)


def test_the_first_year_varies_across_seeds_through_reinvestment(
    scenario: Scenario, baseline: Policy
) -> None:
    data = scenario.model_dump(exclude_unset=True)
    data["investors"]["pipeline_projects"] = 0
    still = Scenario.model_validate(data)
    growth = []
    for seed in range(5):
        model = IZModel(still, baseline, seed)
        model.run()
        growth.append(model.values[11, INDICATOR_IDS.index("industrial_output_growth")])
    assert np.ptp(growth) > 0.1


def test_capital_of_increases_counts_in_investment_from_the_start(
    scenario: Scenario, baseline: Policy
) -> None:
    # Labour ample, so the increases' staff do not change what tenants can hire.
    data = scenario.model_dump(exclude_unset=True)
    data["labour"]["max_local_industry_share_pct"] = 100
    scenario = Scenario.model_validate(data)
    model = IZModel(scenario, baseline, 2)
    # Increases decided before the start are already on the books (not counted again).
    assert model.economy.capital_fdi == model.economy.capital_domestic == 0.0
    assert model.economy.increases_ramping
    model.run()
    plain = IZModel(without_reinvestment(scenario), baseline, 2)
    plain.run()
    assert model.economy.capital_increases > 0
    # Nothing else changes (the increases have their own stream, use no land and, with ample
    # labour, take no one a tenant needed): the investment totals differ by their capital.
    columns = [INDICATOR_IDS.index(f"investment_{k}_bn_vnd") for k in ("fdi", "nonstate")]
    added = model.values[-1, columns].sum() - plain.values[-1, columns].sum()
    assert added == pytest.approx(model.economy.capital_increases_bn_vnd)
    tenants = INDICATOR_IDS.index("tenants_located")
    assert model.values[-1, tenants] == plain.values[-1, tenants]


def test_no_reinvestment_block_keeps_the_fixed_trend(scenario: Scenario, baseline: Policy) -> None:
    plain = without_reinvestment(scenario)
    assert trend_shares(plain) == (0.0, 0.0, 0.0)
    model = IZModel(plain, baseline, 0)
    assert not model.economy.increases_ramping
    economy = Economy(plain, 24)
    rows = [economy.close_month(m, m + 1.0) for m in range(12)]
    e = plain.economy
    assert rows[11]["industrial_output_bn_vnd"] == pytest.approx(
        e.industrial_output_base_bn_vnd * (1 + e.existing_output_growth_pct / 100)
    )


def test_a_shrinking_industry_does_not_reinvest(scenario: Scenario) -> None:
    data = scenario.model_dump(exclude_unset=True)
    data["economy"]["existing_output_growth_pct"] = -2
    assert trend_shares(Scenario.model_validate(data)) == (0.0, 0.0, 0.0)
