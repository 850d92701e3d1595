import numpy as np
import pytest

from izsim.model.arrivals import MAX_RATE_MULTIPLIER, ArrivalProcess, province_appeal
from izsim.scenario import Scenario


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
