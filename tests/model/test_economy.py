"""Economic accounts with a hand-built economy and fake tenants (docs/model.md §6)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest
from pydantic import ValidationError

from izsim.model.economy import Economy
from izsim.scenario import Scenario

SOURCE = "assumption: round numbers chosen by a unit test of the economy"
NUMBERS = {
    "industrial_output_base_bn_vnd": 12000,
    "existing_output_growth_pct": 10,
    "value_added_ratio_pct": 25,
    "value_added_ratio_change_pct_per_year": 0,
    "grdp_base_bn_vnd": 30000,
    "non_industry_grdp_growth_pct": 5,
    "jobs_industry_base": 100000,
    "existing_jobs_growth_pct": 2,
    "workforce_base": 500000,
    "workforce_growth_pct": 1,
    "exports_base_musd": 600,
    "existing_exports_growth_pct": 5,
    "vnd_per_usd": 25000,
}


def economy_scenario(scenario: Scenario, **changes: float) -> Scenario:
    """The scenario with round economy numbers and without reinvestment (the fixed trends
    alone; capital increases are tested in test_reinvestment.py)."""
    data = scenario.model_dump(exclude_unset=True)
    data.pop("reinvestment", None)
    numbers = {**NUMBERS, **changes}
    data["economy"].update(numbers)
    data["economy"]["sources"].update(dict.fromkeys(numbers, SOURCE))
    return Scenario.model_validate(data)


@pytest.fixture
def economy(scenario: Scenario) -> Economy:
    return Economy(economy_scenario(scenario), 48)


@dataclass
class FakeTenant:
    """What Economy reads of an investor; production ramps linearly from ``start``."""

    full_output_bn_vnd: float = 0.0
    full_jobs: float = 0.0
    export_share: float = 0.0
    start: float = 0.0
    rampup: float = 1.0
    fdi: bool = False
    capital_bn_vnd: float = 0.0

    def production_share(self, now: float) -> float:
        return min(1.0, max(0.0, (now - self.start) / self.rampup))


def close(economy: Economy, months: int) -> list[dict[str, float]]:
    """Close months 0..months-1 at the model's collection times (t = m + 1)."""
    return [economy.close_month(m, m + 1.0) for m in range(months)]


# ---------------------------------------------------------------- output and growth
def test_existing_output_grows_by_its_rate_year_on_year(economy: Economy) -> None:
    rows = close(economy, 36)
    assert rows[11]["industrial_output_bn_vnd"] == pytest.approx(12000 * 1.1)
    assert rows[23]["industrial_output_bn_vnd"] == pytest.approx(12000 * 1.1**2)
    assert rows[35]["industrial_output_bn_vnd"] == pytest.approx(12000 * 1.1**3)
    for m in (11, 23, 35):
        assert rows[m]["industrial_output_growth"] == pytest.approx(10.0)
        assert rows[m]["industrial_output_growth_avg"] == pytest.approx(10.0)


def test_mid_year_output_mixes_two_years(economy: Economy) -> None:
    rows = close(economy, 18)
    # June of year 1: six base-year months and six months of year 1.
    assert rows[5]["industrial_output_bn_vnd"] == pytest.approx(6000 + 6600)
    assert rows[5]["industrial_output_growth"] == pytest.approx(5.0)
    assert rows[5]["industrial_output_growth_avg"] == pytest.approx(
        ((12600 / 12000) ** 2 - 1) * 100
    )
    # June of year 2 against June of year 1: 10 % once both windows straddle the same months.
    assert rows[17]["industrial_output_bn_vnd"] == pytest.approx(6600 + 7260)
    assert rows[17]["industrial_output_growth"] == pytest.approx((13860 / 12600 - 1) * 100)


def test_december_output_is_the_calendar_year_sum_with_tenants(economy: Economy) -> None:
    tenant = FakeTenant(full_output_bn_vnd=1200, start=13, rampup=6)
    economy.start_production(tenant)
    rows = close(economy, 24)
    shares = [min(1.0, max(0.0, (m + 1 - 13) / 6)) for m in range(12, 24)]
    expected = 12000 * 1.1**2 + sum(1200 * s for s in shares) / 12
    assert rows[23]["industrial_output_bn_vnd"] == pytest.approx(expected)
    assert rows[11]["industrial_output_bn_vnd"] == pytest.approx(13200)  # no tenant output yet
    assert sum(economy.output[24:36]) == pytest.approx(expected)


def test_ramped_up_tenant_counts_once_at_full_output(economy: Economy) -> None:
    tenant = FakeTenant(full_output_bn_vnd=1200, full_jobs=300, start=0, rampup=3)
    economy.start_production(tenant)
    rows = close(economy, 24)
    assert economy.ramping == []  # at full production it leaves the ramping list
    assert economy.full_output == 1200 and economy.full_jobs == 300
    assert rows[23]["industrial_output_bn_vnd"] == pytest.approx(12000 * 1.1**2 + 1200)
    assert rows[23]["jobs_created"] == 300


# ---------------------------------------------------------------- value added and GRDP
def test_grdp_and_industry_share(economy: Economy) -> None:
    rows = close(economy, 24)
    value_added = 0.25 * 12000 * 1.1**2
    rest = (30000 - 0.25 * 12000) * 1.05**2
    row = rows[23]
    assert row["industry_value_added_bn_vnd"] == pytest.approx(value_added)
    assert row["grdp_bn_vnd"] == pytest.approx(value_added + rest)
    assert row["industry_share_grdp"] == pytest.approx(100 * value_added / (value_added + rest))
    assert row["grdp_growth_avg"] == pytest.approx(
        (((value_added + rest) / 30000) ** 0.5 - 1) * 100
    )
    assert row["industry_value_added_growth_avg"] == pytest.approx(10.0)


def test_non_industry_grdp_grows_continuously(economy: Economy) -> None:
    row = close(economy, 1)[0]  # τ = 1/12
    value_added = 0.25 * (11 * 1000 + 1100)
    rest = 27000 * 1.05 ** (1 / 12)
    assert row["grdp_bn_vnd"] == pytest.approx(value_added + rest)


def test_value_added_ratio_drifts_and_is_capped_at_one(scenario: Scenario) -> None:
    economy = Economy(
        economy_scenario(
            scenario, value_added_ratio_pct=90, value_added_ratio_change_pct_per_year=20
        ),
        24,
    )
    rows = close(economy, 12)
    annual0 = rows[0]["industrial_output_bn_vnd"]
    assert rows[0]["industry_value_added_bn_vnd"] == pytest.approx((0.9 + 0.2 / 12) * annual0)
    assert rows[2]["industry_value_added_bn_vnd"] == pytest.approx(
        (0.9 + 0.2 * 3 / 12) * rows[2]["industrial_output_bn_vnd"]
    )
    for m in (5, 8, 11):  # 0.9 + 0.2 τ reaches 1 at τ = 0.5
        assert rows[m]["industry_value_added_bn_vnd"] == pytest.approx(
            rows[m]["industrial_output_bn_vnd"]
        )


def test_value_added_ratio_never_goes_below_zero(scenario: Scenario) -> None:
    economy = Economy(
        economy_scenario(
            scenario, value_added_ratio_pct=10, value_added_ratio_change_pct_per_year=-20
        ),
        24,
    )
    rows = close(economy, 12)
    assert rows[2]["industry_value_added_bn_vnd"] == pytest.approx(
        (0.1 - 0.2 * 3 / 12) * rows[2]["industrial_output_bn_vnd"]
    )
    row = rows[11]  # 0.1 − 0.2 is clipped to 0
    assert row["industry_value_added_bn_vnd"] == 0.0
    assert row["industry_share_grdp"] == 0.0
    assert row["industry_value_added_growth_avg"] == pytest.approx(-100.0)
    assert row["grdp_bn_vnd"] == pytest.approx((30000 - 0.1 * 12000) * 1.05)


# ---------------------------------------------------------------- jobs
def test_jobs_and_labour_share(economy: Economy) -> None:
    economy.start_production(FakeTenant(full_jobs=1200, start=-5, rampup=1))
    rows = close(economy, 12)
    for m in (5, 11):
        years = (m + 1) / 12
        jobs = 100000 * 1.02**years + 1200
        assert rows[m]["jobs_industry"] == pytest.approx(jobs)
        assert rows[m]["jobs_created"] == 1200
        assert rows[m]["industry_labour_share"] == pytest.approx(
            100 * jobs / (500000 * 1.01**years)
        )


def test_jobs_created_12m_is_the_rise_over_a_year(economy: Economy) -> None:
    economy.start_production(FakeTenant(full_jobs=240, start=0, rampup=24))
    rows = close(economy, 31)
    jobs = [row["jobs_created"] for row in rows]
    assert jobs[5] == pytest.approx(60)  # 240 × 6/24
    assert jobs[23] == pytest.approx(240)
    assert rows[5]["jobs_created_12m"] == pytest.approx(60)  # nothing before the start
    assert rows[17]["jobs_created_12m"] == pytest.approx(180 - 60)
    assert rows[30]["jobs_created_12m"] == pytest.approx(240 - 190)
    assert rows[30]["jobs_created"] == pytest.approx(240)


# ---------------------------------------------------------------- exports
def test_exports_convert_bn_vnd_to_million_usd(economy: Economy) -> None:
    tenant = FakeTenant(full_output_bn_vnd=500, export_share=0.5, start=-1, rampup=1)
    assert economy.usd_million_per_bn_vnd == pytest.approx(1000 / 25000)
    assert economy._exports_of(tenant) == pytest.approx(10.0)  # 250 bn VND = 10 million USD
    economy.start_production(tenant)
    rows = close(economy, 24)
    assert rows[11]["exports_musd"] == pytest.approx(600 * 1.05 + 10)
    assert rows[23]["exports_musd"] == pytest.approx(600 * 1.05**2 + 10)
    assert rows[11]["exports_growth_avg"] == pytest.approx(((630 + 10) / 600 - 1) * 100)
    assert rows[23]["exports_growth_avg"] == pytest.approx(
        (((600 * 1.05**2 + 10) / 600) ** 0.5 - 1) * 100
    )


def test_ramping_tenant_exports_its_share(economy: Economy) -> None:
    economy.start_production(
        FakeTenant(full_output_bn_vnd=500, export_share=0.5, start=0, rampup=2)
    )
    row = economy.close_month(0, 1.0)  # half-way up the ramp
    assert row["exports_musd"] == pytest.approx(11 * 50 + (630 + 5) / 12)


def test_export_growth_has_no_value_without_base_exports(scenario: Scenario) -> None:
    # a scenario file cannot say so (growth from a zero base is undefined: refused up front);
    # the model still gives NaN, not a number, if it is built without validation
    with pytest.raises(ValidationError, match="greater than 0"):
        economy_scenario(scenario, exports_base_musd=0)
    valid = economy_scenario(scenario)
    spec = valid.economy.model_copy(update={"exports_base_musd": 0})
    economy = Economy(valid.model_copy(update={"economy": spec}), 12)
    row = close(economy, 12)[11]
    assert row["exports_musd"] == 0.0
    assert math.isnan(row["exports_growth_avg"])


# ---------------------------------------------------------------- investment
def test_register_lease_splits_fdi_and_domestic_capital(economy: Economy) -> None:
    economy.register_lease(FakeTenant(fdi=True, capital_bn_vnd=100))
    economy.register_lease(FakeTenant(fdi=False, capital_bn_vnd=40))
    economy.register_lease(FakeTenant(fdi=True, capital_bn_vnd=2.5))
    assert economy.capital_fdi == pytest.approx(102.5)
    assert economy.capital_domestic == pytest.approx(40)
    assert economy.ramping == []  # a lease is not production


def test_base_year_months_hold_a_twelfth_of_the_base(economy: Economy) -> None:
    assert list(economy.output[:12]) == [1000.0] * 12
    assert list(economy.exports[:12]) == [50.0] * 12
    assert economy.va_ratio == 0.25
