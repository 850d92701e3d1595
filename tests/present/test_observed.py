"""Observed values come from the reference records, labelled for what they are."""

from __future__ import annotations

import pytest

from izsim.indicators import CATALOGUE
from izsim.present.observed import for_indicator, observations
from izsim.scenario.sources import reference_records


@pytest.mark.parametrize("province", ["tuyen_quang", "ha_nam", "hung_yen", "nghe_an"])
def test_every_observation_names_real_records_and_a_catalogue_indicator(province: str) -> None:
    records = reference_records()
    for obs in observations(province):
        assert obs.indicator in CATALOGUE
        assert all(rid.strip() in records for rid in obs.record.split(","))
        assert obs.scope in ("province", "national")
        if CATALOGUE[obs.indicator].unit == "%":
            assert 0 <= obs.value <= 100


def test_values_equal_the_records() -> None:
    records = reference_records()
    ha_nam = {o.record: o for o in observations("ha_nam")}
    assert ha_nam["hn_kcn_2020_occ"].value == records["hn_kcn_2020_occ"]["value"]
    assert ha_nam["hn_kcn_2020_occ"].scope == "province"
    national = {o.record: o for o in for_indicator("ha_nam", "wwtp_share_kcn")}
    assert national["nat_kcn_2019h1_wwtp"].value == pytest.approx(100 * 221 / 251)
    assert national["nat_kcn_2020q1_wwtp"].value == 88.0  # the share stated in the record
    assert all(o.scope == "national" for o in national.values())
    # The records count plants in operation; compliance itself is not reported.
    assert not for_indicator("ha_nam", "wwtp_compliance_kcn")


def test_a_province_sees_only_its_own_figures() -> None:
    assert not [o for o in observations("tuyen_quang") if o.scope == "province"]
    assert not [o for o in observations("ha_nam") if o.record.startswith("hy_")]


def test_hung_yen_occupancy_is_leased_over_leasable_of_its_listed_zones() -> None:
    (obs,) = [o for o in observations("hung_yen") if o.scope == "province"]
    zones = [
        r["value"]
        for r in reference_records().values()
        if r["id"].startswith("hy_kcn_") and isinstance(r["value"], dict)
    ]
    leased = sum(z["leasable_ha"] * z["occupancy_pct"] / 100 for z in zones)
    assert obs.value == pytest.approx(100 * leased / sum(z["leasable_ha"] for z in zones))
    assert obs.span is not None and obs.span[0] < obs.year < obs.span[1]
