"""Zones: initial state from a spec, land accounts and the derived shares."""

from __future__ import annotations

import mesa
import pytest

from izsim.model.zone import STAGES, Zone
from izsim.scenario import Scenario
from izsim.scenario.schema import Zone as ZoneSpec

SOURCE = "assumption: a zone made up by a unit test of the land accounts"


def spec(**fields: object) -> ZoneSpec:
    base = {
        "id": "z",
        "name": "KCN Test",
        "kind": "kcn",
        "region": "south",
        "stage": "operating",
        "area_ha": 200,
        "leasable_pct": 70,
        "serviced_pct": 50,
        "occupancy_pct": 20,
        "access_index": 0.5,
        "labour_index": 0.6,
        "rent_usd_m2": 40,
        "developer": "private",
        "source": SOURCE,
    }
    return ZoneSpec.model_validate({**base, **fields})


def make(zone_spec: ZoneSpec, sectors: int = 3) -> Zone:
    return Zone(mesa.Model(), zone_spec, index=4, sector_count=sectors)


# ---------------------------------------------------------------- initial state
def test_operating_zone_starts_from_its_spec() -> None:
    zone = make(spec(wwtp="operating", wwtp_compliant=True, anchor=True))
    assert zone.key == "z" and zone.index == 4 and zone.kind == "kcn"
    assert zone.is_kcn
    assert zone.area_ha == 200
    assert zone.leasable_ha == pytest.approx(140.0)
    assert zone.serviced_ha == pytest.approx(70.0)
    assert zone.cleared_ha == pytest.approx(100.0)  # gross area of the serviced share
    assert zone.leased_ha == pytest.approx(28.0)
    assert zone.reserved_ha == 0.0
    assert zone.stage == "operating"
    assert zone.operating and zone.established
    assert zone.established_before_start and zone.established_month is None
    assert zone.operating_since == 0
    assert zone.wwtp == "operating" and zone.wwtp_compliant and zone.wwtp_ok
    assert zone.wwtp_since == 0.0
    assert zone.anchor
    assert zone.access_index == 0.5 and zone.rent_usd_m2 == 40
    assert zone.tenants_by_sector == [0, 0, 0]
    assert zone.polluting_tenants == 0
    assert zone.developer is None  # the model assigns it
    assert not zone.dropped and not zone.phase_under_way and not zone.wwtp_upgrading
    assert zone.last_lease_month is None


def test_planned_zone_starts_empty_and_not_established() -> None:
    zone = make(
        spec(stage="planned", serviced_pct=0, occupancy_pct=0, developer="none", kind="ccn")
    )
    assert not zone.is_kcn
    assert zone.stage == "planned"
    assert zone.serviced_ha == 0.0 and zone.leased_ha == 0.0 and zone.cleared_ha == 0.0
    assert zone.unserviced_ha == pytest.approx(140.0)
    assert not zone.operating
    assert not zone.established and not zone.established_before_start
    assert zone.operating_since is None
    assert zone.wwtp == "none" and not zone.wwtp_ok and zone.wwtp_since is None
    assert zone.occupancy == 0.0 and zone.serviced_occupancy == 0.0 and zone.vacant_ha == 0.0


@pytest.mark.parametrize(
    ("stage", "serviced", "under_way"),
    [
        ("approved", 0, False),
        ("clearing", 0, True),
        ("building", 0, True),
        ("operating", 30, False),
    ],
)
def test_zone_past_planned_is_established_but_operating_only_with_serviced_land(
    stage: str, serviced: float, under_way: bool
) -> None:
    zone = make(spec(stage=stage, serviced_pct=serviced, occupancy_pct=0))
    assert zone.established  # an establishment decision predates the start
    assert zone.operating == (serviced > 0)
    assert zone.operating_since == (0 if serviced > 0 else None)
    assert zone.phase_under_way == under_way


def test_high_tech_zone_counts_as_kcn() -> None:
    assert make(spec(kind="high_tech")).is_kcn


def test_established_by_a_decision_during_the_run() -> None:
    zone = make(spec(stage="planned", serviced_pct=0, occupancy_pct=0, developer="none"))
    zone.established_month = 17
    assert zone.established


def test_wwtp_ok_needs_an_operating_compliant_plant() -> None:
    zone = make(spec(wwtp="operating", wwtp_compliant=False))
    assert not zone.wwtp_ok
    zone.wwtp_compliant = True
    assert zone.wwtp_ok
    zone.wwtp = "building"
    assert not zone.wwtp_ok
    assert make(spec(wwtp="building")).wwtp_since is None


def test_zones_of_the_tuyen_quang_scenario(scenario: Scenario) -> None:
    model = mesa.Model()
    zones = {
        s.id: Zone(model, s, index=i, sector_count=len(scenario.sectors))
        for i, s in enumerate(scenario.zones)
    }
    lba = zones["long_binh_an"]
    assert lba.leasable_ha == pytest.approx(170 * 0.687)
    assert lba.occupancy == pytest.approx(0.60)
    assert lba.serviced_occupancy == pytest.approx(0.75)
    assert lba.vacant_ha == pytest.approx(170 * 0.687 * 0.20)
    assert zones["nam_son_duong"].stage == "planned"
    assert not zones["nam_son_duong"].established
    assert all(len(z.tenants_by_sector) == 5 for z in zones.values())


# ---------------------------------------------------------------- land accounts
def test_reserve_holds_vacant_land() -> None:
    zone = make(spec())  # serviced 70, leased 28: vacant 42
    zone.reserve(10)
    assert zone.reserved_ha == 10
    assert zone.vacant_ha == pytest.approx(32.0)
    assert zone.leased_ha == pytest.approx(28.0)
    assert zone.occupancy == pytest.approx(28 / 140)  # a reservation is not a lease
    assert zone.serviced_occupancy == pytest.approx(38 / 70)  # but fills the built land


def test_release_gives_land_back_and_never_goes_negative() -> None:
    zone = make(spec())
    zone.reserve(10)
    zone.release(4)
    assert zone.reserved_ha == pytest.approx(6.0)
    zone.release(100)
    assert zone.reserved_ha == 0.0
    assert zone.vacant_ha == pytest.approx(42.0)


def test_lease_turns_a_reservation_into_a_lease() -> None:
    zone = make(spec())
    zone.reserve(10)
    zone.lease(10, sector=2, polluting=True, month=7)
    assert zone.reserved_ha == 0.0
    assert zone.leased_ha == pytest.approx(38.0)
    assert zone.vacant_ha == pytest.approx(32.0)
    assert zone.tenants_by_sector == [0, 0, 1]
    assert zone.polluting_tenants == 1
    assert zone.last_lease_month == 7
    zone.reserve(5)
    zone.lease(5, sector=0, polluting=False, month=9)
    assert zone.tenants_by_sector == [1, 0, 1]
    assert zone.polluting_tenants == 1
    assert zone.last_lease_month == 9
    assert zone.occupancy == pytest.approx(43 / 140)
    assert zone.serviced_occupancy == pytest.approx(43 / 70)


def test_return_land_makes_it_vacant_again() -> None:
    zone = make(spec())
    zone.reserve(10)
    zone.lease(10, sector=1, polluting=True, month=3)
    zone.return_land(10, sector=1, polluting=True)
    assert zone.leased_ha == pytest.approx(28.0)
    assert zone.reserved_ha == 0.0
    assert zone.vacant_ha == pytest.approx(42.0)
    assert zone.tenants_by_sector == [0, 0, 0]
    assert zone.polluting_tenants == 0
    assert zone.last_lease_month == 3  # a revocation is not a lease


def test_return_land_never_leaves_negative_leased_land() -> None:
    zone = make(spec(occupancy_pct=0))
    zone.reserve(5)
    zone.lease(5, sector=0, polluting=False, month=1)
    zone.return_land(5.0000001, sector=0, polluting=False)
    assert zone.leased_ha == 0.0


def test_vacant_land_is_never_negative() -> None:
    zone = make(spec())
    zone.reserve(60)  # more than the 42 ha vacant: nothing left, not a negative area
    assert zone.vacant_ha == 0.0


def test_occupancy_and_serviced_occupancy_differ_while_land_is_unserviced() -> None:
    zone = make(spec(serviced_pct=40, occupancy_pct=40))  # the built part is full
    assert zone.occupancy == pytest.approx(0.4)
    assert zone.serviced_occupancy == pytest.approx(1.0)
    assert zone.unserviced_ha == pytest.approx(84.0)
    zone.serviced_ha = zone.leasable_ha
    assert zone.unserviced_ha == 0.0
    assert zone.serviced_occupancy == pytest.approx(0.4)


def test_stages_are_in_order() -> None:
    assert STAGES == ("planned", "approved", "clearing", "building", "operating")
