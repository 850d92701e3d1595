"""The statistics of a comparison, on hand-built outcomes and a small synthetic results folder."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from scipy import stats

from izsim.experiments import analysis
from izsim.experiments.analysis import Outcomes, replicates_needed, wilson
from izsim.experiments.design import design
from izsim.experiments.store import ResultStore
from izsim.indicators import INDICATOR_IDS
from izsim.scenario import Scenario
from izsim.scenario.schema import Target

SOURCE = {
    "seed": "004_3545e0099e19379d.txt",
    "section": "II.2.2",
    "quote": "đạt trên 27.700 tỷ đồng",
}
OUTPUT = Target.model_validate(
    {
        "id": "output_2025",
        "indicator": "industrial_output_bn_vnd",
        "comparator": ">",
        "value": 27700,
        "deadline": "2025-12",
        "source": SOURCE,
    }
)
KCN = Target.model_validate(
    {
        "id": "kcn_2024",
        "indicator": "new_zones_kcn",
        "comparator": ">=",
        "value": 3,
        "deadline": "2024-06",
        "source": SOURCE,
    }
)
SKILLS = Target.model_validate(
    {
        "id": "skills_2025",
        "indicator": "trained labour share",
        "comparator": ">",
        "value": 65,
        "deadline": "2025-12",
        "not_modelled": "no skills in the model",
        "source": SOURCE,
    }
)
Z95 = stats.norm.ppf(0.975)


@pytest.fixture
def small(scenario: Scenario) -> Scenario:
    """The Tuyên Quang scenario (starts 2021-01) with two modelled targets and one not."""
    return scenario.model_copy(update={"targets": [OUTPUT, KCN, SKILLS]})


NO_ZONES = pd.DataFrame({"month": [], "zone": [], "stage": [], "plant": []})


def outcomes_of(
    replicates: dict[str, list[int]],
    output: dict[str, list[float]],
    kcn: dict[str, list[float]],
    *,
    spending: dict[str, list[float]] | None = None,
    jobs: dict[str, list[float]] | None = None,
    leased: dict[str, list[float]] | None = None,
    first_output: dict[str, list[float]] | None = None,
    failed: list[tuple[str, int]] | None = None,
) -> Outcomes:
    """Outcomes as :func:`analysis.collect` builds them, from plain lists."""

    def arrays(by_policy: dict[str, list[float]] | None, default: float) -> dict:
        by_policy = by_policy or {p: [default] * len(r) for p, r in replicates.items()}
        return {p: np.array(v, dtype=float) for p, v in by_policy.items()}

    return Outcomes(
        replicates=replicates,
        at_deadline={OUTPUT.id: arrays(output, 0), KCN.id: arrays(kcn, 0)},
        first_met={OUTPUT.id: arrays(first_output, math.nan), KCN.id: arrays(None, math.nan)},
        at_horizon={
            "public_spending_bn_vnd": arrays(spending, 100),
            "jobs_industry": arrays(jobs, 1000),
            "land_leased_ha": arrays(leased, 10),
        },
        failed=failed or [],
    )


def row_of(frame: pd.DataFrame, **where: object) -> pd.Series:
    """The single row of ``frame`` matching ``where``."""
    mask = np.ones(len(frame), dtype=bool)
    for column, value in where.items():
        mask &= (frame[column] == value).to_numpy()
    assert mask.sum() == 1, f"{mask.sum()} rows match {where}"
    return frame[mask].iloc[0]


# --- Wilson intervals and the replicates rule ----------------------------------------------


# The bounds statsmodels' proportion_confint(k, n, alpha=0.05, method="wilson") gave (0.15.0),
# which izsim used before computing them itself: printed with repr, so they are exact.
STATSMODELS_WILSON = {
    (0, 20): (0.0, 0.1611251580528194),
    (7, 20): (0.18119182410108203, 0.5671457233147638),
    (20, 20): (0.8388748419471804, 0.9999999999999999),
    (1, 3): (0.06149194472039626, 0.7923403991979523),
    (37, 100): (0.2818236053432453, 0.46779470419057095),
    (13, 40): (0.20084502231782703, 0.4798225381012234),
}


@pytest.mark.parametrize(("successes", "n"), list(STATSMODELS_WILSON))
def test_wilson_is_the_formula_and_what_statsmodels_gave(successes: int, n: int) -> None:
    low, high = wilson(successes, n)
    assert (low, high) == STATSMODELS_WILSON[successes, n]  # to the last bit: results unchanged
    share = successes / n
    centre = (share + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 / (1 + Z95**2 / n) * math.sqrt(share * (1 - share) / n + Z95**2 / (4 * n**2))
    assert (low, high) == pytest.approx((centre - half, centre + half), abs=1e-9)
    # the formula can miss the share by a rounding error (20/20 gives 1 − 1e-16)
    assert 0 <= low <= share + 1e-12 and share - 1e-12 <= high <= 1


def test_wilson_bounds_of_many_prefixes_are_the_single_ones() -> None:
    """The vectorised form (the convergence table's) gives each interval bit for bit."""
    counts, n = np.array([0, 7, 20, 1, 37, 13]), np.array([20, 20, 20, 3, 100, 40])
    low, high = analysis.wilson_bounds(counts, n)
    assert list(zip(low.tolist(), high.tolist(), strict=True)) == [
        STATSMODELS_WILSON[k, m] for k, m in zip(counts.tolist(), n.tolist(), strict=True)
    ]


def test_wilson_of_no_runs_is_undefined() -> None:
    assert all(math.isnan(x) for x in wilson(0, 0))


@pytest.mark.parametrize(("successes", "n"), [(10, 20), (0, 20), (20, 20), (1, 3), (7, 20)])
def test_replicates_needed_is_the_fewest_that_reach_the_precision(successes: int, n: int) -> None:
    needed = replicates_needed(successes, n)
    share = successes / n

    def half_width(m: int) -> float:
        low, high = wilson(round(share * m), m)
        return (high - low) / 2

    assert needed >= n
    assert half_width(needed) <= analysis.PROBABILITY_PRECISION
    assert all(half_width(m) > analysis.PROBABILITY_PRECISION for m in range(max(n, 2), needed))


def test_replicates_needed_is_sane() -> None:
    # A coin flip needs about 1.96² · 0.25 / 0.1² ≈ 96 runs for ±0.10 (Wilson: a few fewer).
    assert 85 <= replicates_needed(10, 20) <= 97
    assert replicates_needed(0, 0) == replicates_needed(10, 20)  # no runs: assume 50 %
    # Shares near 0 or 1 are known more precisely from the same runs.
    assert replicates_needed(0, 20) < replicates_needed(3, 20) < replicates_needed(10, 20)
    # Enough runs already: the rule asks for no more.
    assert replicates_needed(200, 400) == 400
    # Tighter precision, more runs.
    needs = [replicates_needed(10, 20, p) for p in (0.2, 0.1, 0.05, 0.02)]
    assert needs == sorted(needs) and len(set(needs)) == 4
    assert needs[2] == pytest.approx(4 * needs[1], rel=0.05)


# --- scorecard -----------------------------------------------------------------------------


def test_scorecard_counts_probabilities_spread_and_year_first_met(small: Scenario) -> None:
    outcomes = outcomes_of(
        {"base": [0, 1, 2, 3], "plus": [0, 1, 2]},
        output={"base": [27000, 28000, 26000, math.nan], "plus": [28000, 29000, 30000]},
        kcn={"base": [3, 2, 3, 1], "plus": [3, 3, 3]},
        first_output={"base": [math.nan, 48, math.nan, 13], "plus": [40, 30, 20]},
    )
    card = analysis.scorecard(small, ["base", "plus"], outcomes)
    assert len(card) == 3 * 2
    skills = card[card["target"] == SKILLS.id]
    assert set(skills["status"]) == {"not_modelled"} and len(skills) == 2

    base = row_of(card, target=OUTPUT.id, policy="base")
    assert base["status"] == "modelled"
    assert (base["runs"], base["met"]) == (4, 1)  # NaN (no value) does not meet a target
    assert base["probability"] == 0.25
    assert (base["probability_low"], base["probability_high"]) == pytest.approx(
        wilson(1, 4),
        abs=1e-6,  # the tables are rounded to 6 decimals
    )
    clean = np.array([27000, 28000, 26000])
    assert base["median"] == 27000
    assert base["p05"] == pytest.approx(np.quantile(clean, 0.05))
    assert base["p95"] == pytest.approx(np.quantile(clean, 0.95))
    assert base["runs_ever_met"] == 2
    assert base["median_year_first_met"] == pytest.approx((2025 + 2022) / 2)  # months 48 and 13

    plus = row_of(card, target=OUTPUT.id, policy="plus")
    assert (plus["runs"], plus["met"], plus["probability"]) == (3, 3, 1.0)
    assert plus["median_year_first_met"] == 2023  # months 20, 30, 40: 2022, 2023, 2024

    kcn = row_of(card, target=KCN.id, policy="base")
    assert (kcn["met"], kcn["probability"]) == (2, 0.5)  # >= 3 holds for 3, 3
    assert math.isnan(kcn["median_year_first_met"]) and kcn["runs_ever_met"] == 0


# --- paired differences ----------------------------------------------------------------------


def t_interval(diff: np.ndarray) -> tuple[float, float]:
    low, high = stats.t.interval(0.95, len(diff) - 1, loc=diff.mean(), scale=stats.sem(diff))
    return float(low), float(high)


# What statsmodels' DescrStatsW(x).tconfint_mean(alpha=0.05) gave (0.15.0), which izsim used
# before computing the interval itself: printed with repr, so they are exact.
STATSMODELS_T = [
    ([1.5, -2.25, 3.0, 0.5], (-2.831451417482623, 4.206451417482623)),
    ([10.0, 12.0, 9.0, 11.5, 10.25], (9.054838553054799, 12.045161446945203)),
    ([0.1, 0.2], (-0.48531023680873475, 0.7853102368087348)),
]


@pytest.mark.parametrize(("values", "expected"), STATSMODELS_T)
def test_t_interval_is_what_statsmodels_gave(
    values: list[float], expected: tuple[float, float]
) -> None:
    x = np.array(values)
    assert analysis._t_interval(x) == expected  # to the last bit: results unchanged
    assert analysis._t_interval(x) == pytest.approx(t_interval(x), abs=1e-12)


def test_paired_difference_is_the_t_interval_of_the_differences(small: Scenario) -> None:
    plus = np.array([28100.0, 27500, 29000, 26800, 28450, 27990])
    base = np.array([27000.0, 27400, 27100, 26900, 27300, 27010])
    kcn_plus, kcn_base = [3, 3, 2, 3, 3, 4], [2, 3, 2, 2, 3, 1]
    outcomes = outcomes_of(
        {"base": list(range(6)), "plus": list(range(6))},
        output={"base": list(base), "plus": list(plus)},
        kcn={"base": kcn_base, "plus": kcn_plus},
    )
    table = analysis.comparison(small, ["base", "plus"], "base", outcomes)
    assert len(table) == 2  # modelled targets × policies other than the reference

    row = row_of(table, target=OUTPUT.id, policy="plus")
    diff = plus - base
    assert row["reference"] == "base" and row["pairs"] == 6
    assert row["difference"] == pytest.approx(diff.mean(), abs=1e-6)
    assert (row["difference_low"], row["difference_high"]) == pytest.approx(
        t_interval(diff), abs=1e-6
    )
    assert (row["mean_policy"], row["mean_reference"]) == pytest.approx(
        (plus.mean(), base.mean()), abs=1e-6
    )
    met = (plus > 27700).astype(float) - (base > 27700).astype(float)
    assert row["probability_difference"] == pytest.approx(met.mean(), abs=1e-6)
    low, high = t_interval(met)
    assert (row["probability_difference_low"], row["probability_difference_high"]) == (
        pytest.approx((max(low, -1), min(high, 1)), abs=1e-6)  # a probability stays in ±1
    )

    row = row_of(table, target=KCN.id, policy="plus")
    diff = np.array(kcn_plus, dtype=float) - np.array(kcn_base, dtype=float)
    assert (row["difference"], row["difference_low"], row["difference_high"]) == pytest.approx(
        (diff.mean(), *t_interval(diff)), abs=1e-6
    )


def test_pairs_are_matched_by_replicate_not_by_position(small: Scenario) -> None:
    # Replicate 2 of "plus" failed: its replicate 3 must be paired with base's replicate 3.
    base = [100.0, 200, 300, 400, 500, 600]
    plus = [110.0, 230, 410, 560, 600]  # replicates 0, 1, 3, 4, 5
    outcomes = outcomes_of(
        {"base": list(range(6)), "plus": [0, 1, 3, 4, 5]},
        output={"base": base, "plus": plus},
        kcn={"base": [3] * 6, "plus": [3] * 5},
        failed=[("plus", 2)],
    )
    row = row_of(
        analysis.comparison(small, ["base", "plus"], "base", outcomes),
        target=OUTPUT.id,
        policy="plus",
    )
    diff = np.array(plus) - np.array([100.0, 200, 400, 500, 600])
    assert row["pairs"] == 5
    assert row["difference"] == pytest.approx(diff.mean(), abs=1e-6)
    assert (row["difference_low"], row["difference_high"]) == pytest.approx(
        t_interval(diff), abs=1e-6
    )


def test_paired_difference_without_spread(small: Scenario) -> None:
    outcomes = outcomes_of(
        {"base": [0, 1, 2], "plus": [0, 1, 2], "solo": [1]},
        output={"base": [1.0, 2, 3], "plus": [6.0, 7, 8], "solo": [9.0]},
        kcn={"base": [1, 1, 1], "plus": [1, 1, 1], "solo": [1]},
    )
    table = analysis.comparison(small, ["base", "plus", "solo"], "base", outcomes)
    assert len(table) == 2 * 2
    row = row_of(table, target=OUTPUT.id, policy="plus")
    assert (row["difference"], row["difference_low"], row["difference_high"]) == (5, 5, 5)
    row = row_of(table, target=OUTPUT.id, policy="solo")  # one pair: no interval
    assert row["pairs"] == 1 and row["difference"] == 7
    assert math.isnan(row["difference_low"]) and math.isnan(row["difference_high"])


# --- cost-effectiveness -----------------------------------------------------------------------


def test_cost_effectiveness_per_trillion_vnd(small: Scenario) -> None:
    outcomes = outcomes_of(
        {p: [0, 1, 2] for p in ("base", "plus", "free")},
        # base meets [0, 2, 1] targets per replicate, plus [2, 2, 1]: 2/3 more on average
        output={"base": [27000, 28000, 27000], "plus": [28000, 28000, 27000], "free": [0, 0, 0]},
        kcn={"base": [2, 3, 3], "plus": [3, 3, 3], "free": [3, 3, 3]},
        spending={"base": [100, 100, 100], "plus": [700, 500, 600], "free": [100, 90, 110]},
        jobs={"base": [1000, 1100, 1200], "plus": [1500, 1400, 1600], "free": [1000] * 3},
        leased={"base": [10, 20, 30], "plus": [20, 25, 45], "free": [10, 20, 30]},
    )
    table = analysis.cost_effectiveness(small, ["base", "plus", "free"], "base", outcomes)
    assert list(table["policy"]) == ["base", "plus", "free"]

    base = row_of(table, policy="base")
    assert (base["runs"], base["public_spending_bn_vnd"], base["targets_met"]) == (3, 100, 1)
    assert math.isnan(base["extra_jobs_per_trillion_vnd"])  # the reference buys nothing extra

    plus = row_of(table, policy="plus")
    assert plus["public_spending_bn_vnd"] == 600
    assert plus["targets_met"] == pytest.approx(5 / 3, abs=1e-6)
    assert plus["extra_public_spending_bn_vnd"] == 500  # 0.5 trillion VND
    assert plus["extra_jobs"] == 400
    assert plus["extra_leased_ha"] == 10
    assert plus["extra_targets_met"] == pytest.approx(2 / 3, abs=1e-6)
    assert plus["extra_jobs_per_trillion_vnd"] == 800
    assert plus["extra_leased_ha_per_trillion_vnd"] == 20
    assert plus["extra_targets_met_per_trillion_vnd"] == pytest.approx(4 / 3, abs=1e-6)

    free = row_of(table, policy="free")  # no extra spending: nothing to divide by
    assert free["extra_public_spending_bn_vnd"] == 0
    assert math.isnan(free["extra_jobs_per_trillion_vnd"])
    assert free["per_trillion_note"] == "no extra spending"
    assert plus["per_trillion_note"] == ""


def test_no_ratio_on_extra_spending_too_small_to_mean_something(small: Scenario) -> None:
    """Below the threshold share of the reference's spending, or within the noise, a ratio
    would be a large and meaningless number: it is left out, with the reason."""
    floor = analysis.MIN_EXTRA_SPENDING_SHARE * 1000  # of the reference's 1,000 bn VND
    outcomes = outcomes_of(
        {p: [0, 1, 2] for p in ("base", "tiny", "noisy", "enough")},
        output={p: [27000, 28000, 27000] for p in ("base", "tiny", "noisy", "enough")},
        kcn={p: [3, 3, 3] for p in ("base", "tiny", "noisy", "enough")},
        spending={
            "base": [1000, 1000, 1000],
            "tiny": [1000 + floor / 2] * 3,  # half the threshold, the same in every run
            "noisy": [1000, 1000, 1000 + 6 * floor],  # above it on average, not beyond noise
            "enough": [1000 + 2 * floor] * 3,
        },
        jobs={"base": [1000] * 3, "tiny": [1300] * 3, "noisy": [1300] * 3, "enough": [1300] * 3},
        leased={p: [10, 20, 30] for p in ("base", "tiny", "noisy", "enough")},
    )
    table = analysis.cost_effectiveness(
        small, ["base", "tiny", "noisy", "enough"], "base", outcomes
    )
    tiny, noisy, enough = (row_of(table, policy=p) for p in ("tiny", "noisy", "enough"))
    assert math.isnan(tiny["extra_jobs_per_trillion_vnd"])
    assert "below 25% of the reference's 1000" in tiny["per_trillion_note"]
    assert noisy["extra_public_spending_bn_vnd"] == pytest.approx(2 * floor)
    assert math.isnan(noisy["extra_jobs_per_trillion_vnd"])
    assert "not distinguishable from none" in noisy["per_trillion_note"]
    assert enough["extra_jobs_per_trillion_vnd"] == pytest.approx(300 / (2 * floor / 1000))
    assert enough["per_trillion_note"] == ""


# --- convergence and warnings ---------------------------------------------------------------


def test_convergence_has_a_row_per_quantity_policy_and_replicate_count(small: Scenario) -> None:
    outcomes = outcomes_of(
        {"base": [0, 1, 2, 3], "plus": [0, 1, 3]},
        output={"base": [27000, 28000, 29000, 27800], "plus": [28000, 29000, 30000]},
        kcn={"base": [3, 2, 3, 1], "plus": [3, 3, 3]},
        spending={"base": [100, 120, 110, 90], "plus": [500, 600, 700]},
        failed=[("plus", 2)],
    )
    table = analysis.convergence(small, ["base", "plus"], outcomes)
    quantities = 2 + 1  # the modelled targets and public spending
    assert len(table) == quantities * (4 + 3)
    assert set(table["quantity"]) == {OUTPUT.id, KCN.id, "public_spending_bn_vnd"}
    runs = table[(table["quantity"] == OUTPUT.id) & (table["policy"] == "base")]
    assert list(runs["replicates"]) == [1, 2, 3, 4]
    assert list(runs["mean"]) == pytest.approx([27000, 27500, 28000, 27950])
    assert math.isnan(runs["cv_of_mean"].iloc[0])
    last = runs.iloc[-1]
    values = np.array([27000, 28000, 29000, 27800.0])
    assert last["cv_of_mean"] == pytest.approx(stats.sem(values) / values.mean(), abs=1e-6)
    assert last["probability"] == 0.75
    low, high = wilson(3, 4)
    assert last["probability_half_width"] == pytest.approx((high - low) / 2, abs=1e-6)
    spending = table[table["quantity"] == "public_spending_bn_vnd"]
    assert spending["probability"].isna().all()


def test_warnings_ask_for_more_replicates_and_list_failed_runs(small: Scenario) -> None:
    outcomes = outcomes_of(
        {"base": [0, 1, 2], "plus": [0, 2]},
        output={"base": [27000, 28000, 29000], "plus": [28000, 18000]},
        kcn={"base": [3, 3, 3], "plus": [3, 3]},
        failed=[("plus", 1)],
    )
    found = analysis.warnings(small, ["base", "plus"], outcomes)
    assert "3 replicates give probabilities no better than ±0.10" in found[0]
    # the worst is a coin flip (1 of 2 under "plus")
    assert f"worst '{OUTPUT.id}' under 'plus'" in found[0]
    assert f"about {replicates_needed(1, 2)} replicates" in found[0]
    assert any("industrial_output_bn_vnd" in w and "'plus'" in w for w in found)  # mean CV
    assert found[-1] == "run plus r0001 failed (see its .json in runs/)"


def test_no_warnings_when_replicates_suffice(small: Scenario) -> None:
    n = 400
    outcomes = outcomes_of(
        {"base": list(range(n))},
        output={"base": [28000.0] * n},
        kcn={"base": [3.0] * n},
    )
    assert analysis.warnings(small, ["base"], outcomes) == []


# --- reading a results folder ---------------------------------------------------------------


def test_collect_reads_the_deadline_first_month_met_and_horizon(
    small: Scenario, tmp_path: Path
) -> None:
    store = ResultStore(tmp_path / "cmp", {"test": 1})
    store.open()
    tasks = design(["plus", "base"], 3, seed=5)
    months = [f"{2021 + i // 12}-{i % 12 + 1:02d}" for i in range(60)]
    column = {name: i for i, name in enumerate(INDICATOR_IDS)}
    for task in tasks:
        if (task.policy, task.replicate) == ("plus", 1):
            store.write_failed(task, "RuntimeError: boom", 0.1)
            continue
        values = np.zeros((60, len(INDICATOR_IDS)))
        scale = 1 + task.replicate + (task.policy == "plus")
        # output crosses 27,700 in month 27700 / (10 · scale) + 1 (if ever)
        values[:, column["industrial_output_bn_vnd"]] = np.arange(60) * 10 * scale * 50
        values[:, column["new_zones_kcn"]] = np.arange(60) // 20  # reaches 3 in month 60: never
        values[:, column["public_spending_bn_vnd"]] = np.arange(60) * scale
        values[:, column["jobs_industry"]] = 1000 + task.replicate
        values[:, column["land_leased_ha"]] = np.nan if task.replicate == 2 else 5
        store.write_ok(task, values, months, 0.1, NO_ZONES)

    outcomes = analysis.collect(store, tasks, small)
    assert outcomes.replicates == {"base": [0, 1, 2], "plus": [0, 2]}
    assert outcomes.failed == [("plus", 1)]
    deadline = 59  # 2025-12
    assert list(outcomes.at_deadline[OUTPUT.id]["base"]) == [deadline * 500 * s for s in (1, 2, 3)]
    assert list(outcomes.at_deadline[OUTPUT.id]["plus"]) == [deadline * 500 * s for s in (2, 4)]
    assert list(outcomes.at_deadline[KCN.id]["base"]) == [41 // 20] * 3  # 2024-06 is month 41
    assert list(outcomes.first_met[OUTPUT.id]["base"]) == [
        math.floor(27700 / (500 * s)) + 1 for s in (1, 2, 3)
    ]
    assert np.isnan(outcomes.first_met[KCN.id]["base"]).all()
    assert list(outcomes.at_horizon["public_spending_bn_vnd"]["plus"]) == [59 * 2, 59 * 4]
    assert list(outcomes.at_horizon["jobs_industry"]["base"]) == [1000, 1001, 1002]
    assert np.isnan(outcomes.at_horizon["land_leased_ha"]["base"][2])
    assert set(outcomes.at_deadline) == {OUTPUT.id, KCN.id}  # not-modelled targets are not read


def test_growth_since_targets_are_scored_on_growth_as_in_one_run(tmp_path: Path) -> None:
    """A comparison and a single run must agree on what a growth-since target measures."""
    import json

    from izsim.experiments import compare
    from izsim.run import run
    from izsim.scenario import load_policy, load_scenario
    from izsim.scorecard import scorecard
    from tests.conftest import ROOT

    scenario_file = ROOT / "scenarios" / "nghe_an.yaml"
    scenario = load_scenario(scenario_file)
    target = next(t for t in scenario.targets if t.growth_since is not None)
    result = compare(scenario_file, ["baseline"], replicates=1, workers=1, out=tmp_path, quiet=True)
    compared = result.scorecard[result.scorecard["target"] == target.id].iloc[0]
    seed = json.loads((tmp_path / "manifest.json").read_text())["runs"][0]["seed"]
    baseline = load_policy(ROOT / "scenarios" / "policies" / "baseline.yaml")
    single = scorecard(run(scenario, baseline, seed))
    alone = single[single["target"] == target.id].iloc[0]
    assert compared["median"] == pytest.approx(alone["simulated"], abs=1e-6)
    assert 0 < alone["simulated"] < 40  # a growth rate in %/yr, not a level of output


def test_a_probability_difference_stays_within_plus_minus_one(small: Scenario) -> None:
    # 3 pairs: met under "plus" in all, under "base" in one: differences 1, 1, 0. The t
    # interval (mean 0.67, sd 0.58, t 4.30) would reach +2.1; a probability cannot.
    reps = {"base": [0, 1, 2], "plus": [0, 1, 2]}
    outcomes = outcomes_of(
        reps,
        {"base": [0, 0, 30000], "plus": [30000, 30000, 30000]},
        {"base": [0, 0, 0], "plus": [0, 0, 0]},
    )
    row = row_of(
        analysis.comparison(small, ["base", "plus"], "base", outcomes),
        target=OUTPUT.id,
        policy="plus",
    )
    assert row["probability_difference"] == pytest.approx(2 / 3, abs=1e-6)
    assert row["probability_difference_high"] == 1.0
    assert -1.0 <= row["probability_difference_low"] < 2 / 3


def test_runs_written_by_an_older_izsim_are_named_not_mixed_in(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "cmp", {"test": 1})
    store.open()
    tasks = design(["base"], 2, seed=5)
    months = [f"2021-{i + 1:02d}" for i in range(12)]
    for task in tasks:
        store.write_ok(task, np.ones((12, len(INDICATOR_IDS))), months, 0.1, NO_ZONES)
    store.write_combined(tasks)
    assert len(pd.read_parquet(tmp_path / "cmp" / "runs.parquet")) == 2 * 12 * len(INDICATOR_IDS)
    old = tmp_path / "cmp" / "runs" / "base" / "r0001.parquet"
    pq.write_table(pq.read_table(old).drop_columns([INDICATOR_IDS[-1]]), old)
    # the run no longer counts as done: a resumed comparison makes it again, saying why
    assert not store.done(tasks[1])
    assert "r0001.parquet is not the file its record names" in (store.damage(tasks[1]) or "")
    record = tmp_path / "cmp" / "runs" / "base" / "r0001.json"
    written = json.loads(record.read_text(encoding="utf-8"))
    del written["sha256"]  # as an older izsim wrote it: no checksums to compare
    record.write_text(json.dumps(written), encoding="utf-8")
    assert store.damage(tasks[1]) == "r0001.parquet does not have the columns of a run"
    store.write_combined(tasks)
    assert len(pd.read_parquet(tmp_path / "cmp" / "runs.parquet")) == 12 * len(INDICATOR_IDS)
