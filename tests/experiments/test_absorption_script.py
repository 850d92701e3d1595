"""experiments/absorption.py: the yearly tallies and the recorded absorption it prints, on tiny
hand-made cases and on the shipped records (figures worked out by hand in the comments)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from izsim.scenario import load_scenario
from izsim.scenario.sources import reference_records
from tests.conftest import load_script

ROOT = Path(__file__).resolve().parents[2]


absorption = load_script("absorption")


def test_by_year_puts_each_record_in_its_calendar_year() -> None:
    demand = [(0, 10.0), (11, 5.0), (12, 7.0), (-1, 3.0), (40, 100.0)]
    leases = [(0.5, "kcn", 2.0), (11.9, "kcn", 1.0), (13.2, "ccn", 1.5), (25.0, "outside", 4.0)]
    out = absorption.by_year(demand, leases, start_year=2021, years=(2021, 2022, 2023))
    # month -1 is December 2020 and month 40 is May 2024: both outside the years asked for
    np.testing.assert_allclose(out["demand"], [15.0, 7.0, 0.0])
    np.testing.assert_allclose(out["kcn"], [3.0, 0.0, 0.0])
    np.testing.assert_allclose(out["ccn"], [0.0, 1.5, 0.0])
    np.testing.assert_allclose(out["outside"], [0.0, 0.0, 4.0])
    np.testing.assert_allclose(out["projects"], [2.0, 1.0, 1.0])


def test_by_year_follows_the_start_year() -> None:
    out = absorption.by_year([(0, 10.0)], [(13.0, "kcn", 2.0)], start_year=2020, years=(2021,))
    # model month 0 is January 2020 here, so the demand is before 2021 and the lease in it
    np.testing.assert_allclose(out["demand"], [0.0])
    np.testing.assert_allclose(out["kcn"], [2.0])


def test_by_year_refuses_an_unknown_place() -> None:
    with pytest.raises(ValueError, match="'zone' is not one of kcn, ccn, outside"):
        absorption.by_year([], [(0.0, "zone", 1.0)], start_year=2021)


def test_national_rates_from_two_counts() -> None:
    records = {
        "nat_kcn_2016_leased": {"id": "a", "value": 1000, "date": "2016-06"},
        "nat_kcn_2023_leased": {"id": "b", "value": 2500, "date": "2019-06"},
        "nat_ccn_2018_area": {"id": "c", "value": 100, "date": "2018-06"},
        "nat_ccn_2021_area": {"id": "d", "value": 400, "date": "2020-06"},
        "nat_ccn_2021_occ": {"id": "e", "value": 50},
    }
    rate, _ = absorption.national_kcn_rate(records)
    assert rate == pytest.approx(500.0)  # 1,500 ha over three years
    assert absorption.national_leased_at(records, 2018.0) == pytest.approx(1750.0)
    ccn, _ = absorption.national_ccn_rate(records)
    assert ccn == pytest.approx(75.0)  # 300 ha of area over two years, half of it leased


def test_recorded_absorption_of_ha_nam_from_the_shipped_records() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "ha_nam.yaml")
    record = absorption.recorded("ha_nam", scenario, reference_records())
    # leased 2020: 372 ha vacant at 74.4 % → 372 / 0.256 × 0.744 = 1,081.1 ha; national leased
    # 28,500 (2016-06) → 51,800 (2023-12): 3,106.7 ha a year, 42,480 ha at 2021.0;
    # low = 3,106.7 × 1,081.1 / 42,480 = 79.1; per project 1,081.1 / 459 = 2.355 ha,
    # high = 50 × 2.355 × 459 / 284 = 190.3
    assert record.kcn == pytest.approx((79.07, 190.34), abs=0.05)
    # CCN: (30,747 − 26,500) ha over 2018-10 → 2021-03 (2.417 yr) × 65 % = 1,142.2 ha a year,
    # × 269 / 30,747 of national CCN area = 9.99 ha a year, range ×0.5–×2
    assert record.ccn == pytest.approx((5.0, 19.99), abs=0.05)
    assert record.zones == pytest.approx((84.07, 210.33), abs=0.1)
    assert record.central == pytest.approx((84.07 + 210.33) / 2, abs=0.1)
    assert "ref:hn_kcn_2020_occ" in record.derivation


def test_a_bad_trial_value_is_refused_with_the_setting_named() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "ha_nam.yaml")
    with pytest.raises(ValueError, match=r"prospects_per_month=-1.*greater than 0"):
        absorption.with_values(scenario, ["investors.prospects_per_month=-1"])
    with pytest.raises(ValueError, match="<field> a number of the scenario's investors"):
        absorption.with_values(scenario, ["economy.prospects_per_month=1"])
    tried = absorption.with_values(scenario, ["investors.prospects_per_month=2.5"])
    assert tried.investors.prospects_per_month == 2.5
