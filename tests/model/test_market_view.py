"""Developers' market view (docs/model.md §2.3): the demand a zone expects is its kind's (KCN
with high-tech zones, or CCN), shared with the room of zones of that kind only."""

from __future__ import annotations

from pathlib import Path

import pytest

from izsim.model.model import IZModel
from izsim.scenario import load_policy, load_scenario

ROOT = Path(__file__).resolve().parents[2]


def hai_duong() -> IZModel:
    file = ROOT / "scenarios" / "hai_duong.yaml"
    return IZModel(load_scenario(file), load_policy(file.parent / "policies" / "baseline.yaml"), 1)


def room(model: IZModel, index: int) -> float:
    zone = model.zones[index]
    return zone.leasable_ha - zone.leased_ha - zone.reserved_ha


def test_before_any_enquiry_every_zone_shares_the_prior_in_one_market() -> None:
    model = hai_duong()
    model._take_market_view()
    prior = model.scenario.developers.absorption_prior_ha_per_year
    total = sum(model._market_room.values())
    assert not model._market_by_kind
    for index in model._market_room:
        zone = model.zones[index]
        assert model.expected_absorption_ha(zone) == pytest.approx(
            prior * room(model, index) / total
        )


def test_a_cluster_expects_the_clusters_demand_shared_with_clusters_only() -> None:
    model = hai_duong()
    for _ in range(14):  # a year of enquiries recorded
        model.step()
    model._market_month = -1  # a fresh view: this month's was taken before its enquiries
    model._take_market_view()
    assert model._market_by_kind
    demand = sum(ha for _, ha in model.recent_demand)
    kcn = sum(ha for _, ha in model.recent_demand_kcn)
    assert 0 < kcn < demand  # both kinds drew enquiries
    whole = max(model.scenario.developers.absorption_prior_ha_per_year, demand)
    assert model._market_demand[True] == pytest.approx(whole * kcn / demand)
    assert model._market_demand[False] == pytest.approx(whole * (1 - kcn / demand))
    clusters = [i for i in model._market_room if not model.zones[i].is_kcn]
    zones = [i for i in model._market_room if model.zones[i].is_kcn]
    assert clusters and zones
    ccn_room = sum(room(model, i) for i in clusters)
    for index in clusters:
        expected = model._market_demand[False] * room(model, index) / ccn_room
        assert model.expected_absorption_ha(model.zones[index]) == pytest.approx(expected)
    kcn_room = sum(room(model, i) for i in zones)
    for index in zones:
        expected = model._market_demand[True] * room(model, index) / kcn_room
        assert model.expected_absorption_ha(model.zones[index]) == pytest.approx(expected)


def test_the_kcn_part_of_each_month_is_at_most_the_whole() -> None:
    model = hai_duong()
    for _ in range(30):
        model.step()
    assert len(model.recent_demand) == len(model.recent_demand_kcn) <= 12
    for (month, whole), (same, kcn) in zip(
        model.recent_demand, model.recent_demand_kcn, strict=True
    ):
        assert month == same
        assert 0 <= kcn <= whole + 1e-9
