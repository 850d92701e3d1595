from collections.abc import Callable
from types import SimpleNamespace

import numpy as np
import pytest

from izsim.model.arrivals import (
    MAX_RATE_MULTIPLIER,
    ArrivalProcess,
    Audience,
    Prospects,
    province_appeal,
)
from izsim.model.model import IZModel
from izsim.scenario import Policy, Scenario
from tests.conftest import with_levers


def draw_months(scenario: Scenario, rate: float, months: int = 60) -> list[np.ndarray]:
    process = ArrivalProcess(scenario, np.random.default_rng(5))
    kept = []
    for _ in range(months):
        pool, keep, _ = process.draw(rate)
        kept.append(pool.land_ha[keep])
    return kept


def test_a_higher_rate_keeps_a_superset_of_the_same_prospects(scenario: Scenario) -> None:
    base = scenario.investors.prospects_per_month
    low, high = draw_months(scenario, base), draw_months(scenario, 2 * base)
    for few, many in zip(low, high, strict=True):
        assert set(few.tolist()) <= set(many.tolist())
    assert sum(map(len, high)) > sum(map(len, low))


def test_mean_arrivals_match_the_rate(scenario: Scenario) -> None:
    rate = scenario.investors.prospects_per_month
    counts = [len(x) for x in draw_months(scenario, rate, months=600)]
    assert abs(np.mean(counts) - rate) < 0.1 * rate


def test_rate_is_capped_at_the_pool(scenario: Scenario) -> None:
    process = ArrivalProcess(scenario, np.random.default_rng(1))
    _, _, used = process.draw(1e9)
    assert used == scenario.investors.prospects_per_month * MAX_RATE_MULTIPLIER


def test_attributes_follow_the_sector_mix(scenario: Scenario) -> None:
    process = ArrivalProcess(scenario, np.random.default_rng(2))
    sectors = np.concatenate([process.draw(0)[0].sector for _ in range(300)])
    shares = np.bincount(sectors, minlength=len(scenario.sectors)) / len(sectors)
    expected = np.array([s.prospect_share_pct for s in scenario.sectors]) / 100
    assert np.allclose(shares, expected, atol=0.02)


def test_province_appeal_is_one_at_the_reference_and_the_old_form_at_a_of_one(
    scenario: Scenario,
) -> None:
    inv = scenario.investors.model_copy(
        update={"pci_reference": scenario.investors.competitiveness_pci}
    )
    ref = inv.promotion_reference_bn_vnd_per_year
    assert inv.promotion_autonomous_effort == 1
    assert province_appeal(inv, ref) == pytest.approx(1.0)
    for spend in (0.0, 0.5 * ref, 3 * ref):
        old = ((1 + spend / ref) / 2) ** inv.promotion_elasticity
        assert province_appeal(inv, spend) == pytest.approx(old)
    # more promotion that reaches investors anyway: the programme matters less
    more = inv.model_copy(update={"promotion_autonomous_effort": 2.0})
    assert province_appeal(inv, 0.0) < province_appeal(more, 0.0) < 1


# --- targeted promotion (docs/model.md §2.1) -----------------------------------------------------


def _sectors(*rows: tuple[float, float, bool]) -> SimpleNamespace:
    """A stand-in scenario with sectors of (prospect share %, FDI share %, supported)."""
    return SimpleNamespace(
        sectors=[
            SimpleNamespace(prospect_share_pct=share, fdi_share_pct=fdi, supported=supported)
            for share, fdi, supported in rows
        ]
    )


def test_audience_share_sums_the_sectors_origins_and_support() -> None:
    # 75 % of prospects in an unsupported sector with 40 % FDI, 25 % in a supported one with 80 %
    mix = _sectors((75, 40, False), (25, 80, True))
    assert Audience("fdi", True).share(mix) == pytest.approx(0.25 * 0.8)
    assert Audience("fdi", False).share(mix) == pytest.approx(0.75 * 0.4 + 0.25 * 0.8)
    assert Audience("domestic", True).share(mix) == pytest.approx(0.25 * 0.2)
    assert Audience("any", True).share(mix) == pytest.approx(0.25)
    assert Audience("any", False).share(mix) == pytest.approx(1.0)
    # shares need not add up to 100: they are weights
    assert Audience("fdi", True).share(_sectors((150, 40, False), (50, 80, True))) == (
        pytest.approx(0.2)
    )
    assert Audience("fdi", True).share(_sectors((100, 40, False))) == 0


def test_audience_of_a_policy_needs_targeted_money(baseline: Policy) -> None:
    assert Audience.of(baseline.levers) is None
    aimed = with_levers(baseline, promotion_target_origin="fdi")  # no money aimed: no audience
    assert Audience.of(aimed.levers) is None
    aimed = with_levers(aimed, promotion_targeted_pct=40)
    assert Audience.of(aimed.levers) == Audience("fdi", False)


def test_an_audience_at_the_common_rate_keeps_the_same_prospects(scenario: Scenario) -> None:
    rate = 2 * scenario.investors.prospects_per_month
    plain = ArrivalProcess(scenario, np.random.default_rng(8))
    aimed = ArrivalProcess(scenario, np.random.default_rng(8))
    for _ in range(60):
        p, keep = plain.arrive(rate)
        q, keep_aimed = aimed.arrive(rate, Audience("fdi", True), rate)
        assert np.array_equal(keep, keep_aimed)
        assert np.array_equal(p.land_ha, q.land_ha)


def test_a_higher_audience_rate_adds_only_audience_prospects(scenario: Scenario) -> None:
    rate = scenario.investors.prospects_per_month
    supported = np.array([s.supported for s in scenario.sectors])
    plain = ArrivalProcess(scenario, np.random.default_rng(4))
    aimed = ArrivalProcess(scenario, np.random.default_rng(4))
    extra = 0
    for _ in range(120):
        _, keep = plain.arrive(rate)
        q, keep_aimed = aimed.arrive(rate, Audience("fdi", True), 6 * rate)
        assert np.all(keep <= keep_aimed)  # a superset of the same candidates
        # the prospects kept only because of targeting are FDI investors of supported sectors
        added = np.flatnonzero(keep_aimed[keep_aimed] & ~keep[keep_aimed])
        assert np.all(q.fdi[added]) and np.all(supported[q.sector[added]])
        extra += len(added)
    assert extra > 0


def test_a_lower_rate_outside_the_audience_drops_only_others(scenario: Scenario) -> None:
    rate = 2 * scenario.investors.prospects_per_month
    plain = ArrivalProcess(scenario, np.random.default_rng(6))
    aimed = ArrivalProcess(scenario, np.random.default_rng(6))
    dropped = 0
    for _ in range(120):
        p, keep = plain.arrive(rate)
        _, keep_aimed = aimed.arrive(rate / 2, Audience("domestic", False), rate)
        assert np.all(keep_aimed <= keep)
        lost = keep[keep] & ~keep_aimed[keep]
        assert np.all(p.fdi[lost])  # only foreign prospects (outside the audience) are lost
        dropped += int(lost.sum())
    assert dropped > 0


def _arrivals_by_audience(
    scenario: Scenario, policy: Policy, audience: Audience, seeds: range
) -> tuple[int, int]:
    """Prospects that arrived over whole runs, in ``audience`` and outside it."""
    supported = np.array([s.supported for s in scenario.sectors])
    inside = outside = 0
    for seed in seeds:
        model = IZModel(scenario, policy, seed)
        arrive = model.arrivals.arrive

        def counted(*args: object, arrive: Callable = arrive) -> tuple[Prospects, np.ndarray]:
            nonlocal inside, outside
            prospects, keep = arrive(*args)
            members = audience.members(prospects.sector, prospects.fdi, supported)
            inside += int(members.sum())
            outside += int((~members).sum())
            return prospects, keep

        model.arrivals.arrive = counted  # type: ignore[method-assign]
        model.run()
    return inside, outside


def test_targeting_moves_arrivals_to_the_audience_at_equal_money(
    scenario: Scenario, baseline: Policy
) -> None:
    spread = with_levers(baseline, promotion_bn_vnd_per_year=40)
    aimed = with_levers(
        spread,
        promotion_targeted_pct=50,
        promotion_target_origin="fdi",
        promotion_target_supported_sectors=True,
    )
    audience, seeds = Audience("fdi", True), range(4)
    inside, outside = _arrivals_by_audience(scenario, spread, audience, seeds)
    inside_aimed, outside_aimed = _arrivals_by_audience(scenario, aimed, audience, seeds)
    assert inside_aimed > 1.2 * inside
    assert outside_aimed < outside
    assert inside_aimed / (inside_aimed + outside_aimed) > inside / (inside + outside)


def test_no_targeted_money_is_the_same_run(scenario: Scenario, baseline: Policy) -> None:
    plain = with_levers(baseline, promotion_bn_vnd_per_year=40)
    aimed_nothing = with_levers(plain, promotion_targeted_pct=0, promotion_target_origin="fdi")
    a, b = IZModel(scenario, plain, 3), IZModel(scenario, aimed_nothing, 3)
    a.run()
    b.run()
    assert np.array_equal(a.values, b.values, equal_nan=True)


def test_promotion_reach_and_existing_firms_see_all_the_promotion(
    scenario: Scenario, baseline: Policy
) -> None:
    aimed = with_levers(
        baseline,
        promotion_bn_vnd_per_year=40,
        promotion_targeted_pct=25,
        promotion_target_origin="fdi",
        promotion_target_supported_sectors=True,
    )
    model = IZModel(scenario, aimed, 0)
    model.agencies.promotion_this_month = 40 / 12
    share = Audience("fdi", True).share(scenario)
    outside, inside = model.promotion_reach()
    assert outside == pytest.approx(0.75 * 40)
    assert inside == pytest.approx(0.75 * 40 + 0.25 * 40 / share)
    # aftercare of firms already here is not cut by aiming the search for new ones
    assert model.reinvestment.province_factor() == pytest.approx(
        province_appeal(scenario.investors, 40)
    )


def test_an_audience_the_province_lacks_wastes_the_money(
    scenario: Scenario, baseline: Policy
) -> None:
    data = scenario.model_dump(exclude_unset=True)
    for sector in data["sectors"]:
        sector["supported"] = False
    unsupported = Scenario.model_validate(data)
    aimed = with_levers(
        baseline,
        promotion_bn_vnd_per_year=40,
        promotion_targeted_pct=50,
        promotion_target_supported_sectors=True,
    )
    model = IZModel(unsupported, aimed, 0)
    assert model.audience_share == 0
    assert (0, "promotion_audience_empty", "any, supported") in model.events
    model.agencies.promotion_this_month = 40 / 12
    assert model.promotion_reach() == pytest.approx((20, 20))
    model.run()  # runs, the targeted half reaching no one
