"""experiments/zone_pace.py: the watch of developer entry leaves the run as it was and predicts
the model's own take-ups; the gates, what-ifs and records it prints (figures worked out by hand
in the comments)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from izsim.experiments.design import replicate_seeds
from izsim.model.model import IZModel
from izsim.scenario import load_policy, load_scenario
from izsim.scenario.records import shipped_records
from tests.conftest import load_script

ROOT = Path(__file__).resolve().parents[2]


pace = load_script("zone_pace")
SEED = replicate_seeds(1, 1)[0]


def _policy(**levers: str) -> object:
    baseline = load_policy(ROOT / "scenarios" / "policies" / "baseline.yaml")
    return pace.with_levers(baseline, [f"{k}={v}" for k, v in levers.items()])


def test_chance_at_least_is_the_lognormal_cdf() -> None:
    assert pace.chance_at_least(1.0, 1.0, 0.1) == pytest.approx(0.5)
    # ln(1.1) / 0.1 = 0.953 standard deviations: Φ = 0.8297
    assert pace.chance_at_least(1.1, 1.0, 0.1) == pytest.approx(0.8297, abs=1e-4)
    assert pace.chance_at_least(0.0, 1.0, 0.1) == 0.0
    assert pace.chance_at_least(0.99, 1.0, 0.0) == 0.0  # no spread: a step at the median
    assert pace.chance_at_least(1.0, 1.0, 0.0) == 1.0


@pytest.mark.parametrize(
    ("province", "levers"),
    [
        ("tuyen_quang", {}),
        # boards on with a large allowance: Hà Nam's boards take clusters up (the board branch)
        (
            "ha_nam",
            {"public_developer_fallback_ccn": "true", "public_developer_bn_vnd_per_year": "100"},
        ),
    ],
)
def test_the_watch_leaves_the_run_alone_and_predicts_its_take_ups(
    province: str, levers: dict[str, str]
) -> None:
    scenario = load_scenario(ROOT / "scenarios" / f"{province}.yaml")
    policy = _policy(**levers)
    plain = IZModel(scenario, policy, SEED)
    plain.run()
    seen = IZModel(scenario, policy, SEED)
    watch = pace.watched(seen)
    seen.run()
    np.testing.assert_array_equal(seen.values, plain.values)
    assert seen.events == plain.events
    assert watch.mismatches == 0
    taken = sum(1 for _, event, _ in seen.events if event in pace.TAKE_UP_EVENTS)
    counted = sum(c for (_, gate), c in watch.gates.items() if gate == "private")
    assert counted + watch.board["public"] == taken
    assert len(watch.kcn_occupancy) == seen.months  # one look a month
    if levers:
        assert watch.board["public"] > 0  # the branch the case is for was exercised


def test_simulate_counts_new_zones_as_the_indicators_do() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "tuyen_quang.yaml")
    run = pace.simulate(scenario, _policy(), SEED)
    model = IZModel(scenario, _policy(), SEED)
    model.run()
    for kind in ("kcn", "ccn"):
        column = pace.INDICATOR_IDS.index(f"new_zones_{kind}")
        assert run.new[kind].sum() == model.values[-1, column]
        assert len(run.new[kind]) == 10
    # every planned site established was taken up first
    assert sum(m is not None for m in run.established_month.values()) <= sum(
        t.sum() for t in run.taken.values()
    )


def test_national_pace_from_the_shipped_records() -> None:
    pace_by_kind = pace.national_pace(shipped_records())
    # KCN: 335 (2020-03) → 416 (2023-12): 81 over 3.75 years = 21.6 a year
    assert pace_by_kind["kcn"][0] == pytest.approx(21.6)
    assert pace_by_kind["kcn"][1] == 335
    # CCN: 807 (2018-10) → 905 (2021-03): 98 over 2.417 years = 40.55 a year
    assert pace_by_kind["ccn"][0] == pytest.approx(40.55, abs=0.01)
    assert pace.decimal_year("2016-06") == 2016.5
    assert pace.decimal_year("2023") == 2024.0
    assert pace.month_of("2022-04", "2021-01") == 15


def test_stock_at_start_counts_aggregate_rows_and_leaves_out_expansions() -> None:
    ha_nam = load_scenario(ROOT / "scenarios" / "ha_nam.yaml")
    # KCN rows of 5, 2 and 1 zones (ref:hn_kcn_2020_n: 8); the approved Đồng Văn I expansion
    # is not a KCN of its own
    assert pace.stock_at_start(ha_nam)["kcn"] == 8
    hai_duong = load_scenario(ROOT / "scenarios" / "hai_duong.yaml")
    # 11 operating, An Phát 1 and Quốc Tuấn – An Bình; CCN 31 + 2 + 5 + 3 (ref:hd_ccn_2020's 38
    # and the 3 of June 2021)
    assert pace.stock_at_start(hai_duong) == {"kcn": 13, "ccn": 41}


def test_settings_and_levers_are_checked() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "hai_duong.yaml")
    tried = pace.with_settings(scenario, ["establishment.national_kcn_approvals_per_year=0.84"])
    assert tried.establishment.national_kcn_approvals_per_year == 0.84
    with pytest.raises(ValueError, match=r"<block>\.<field>=<number>"):
        pace.with_settings(scenario, ["establishment.no_such_field=1"])
    with pytest.raises(ValueError, match="is not a number"):
        pace.with_settings(scenario, ["developers.hurdle_ratio=high"])
    policy = _policy(public_developer_fallback_ccn="true", public_developer_bn_vnd_per_year="20")
    assert policy.levers.public_developer_fallback_ccn is True
    assert policy.levers.public_developer_bn_vnd_per_year == 20
    with pytest.raises(ValueError, match="is not a lever"):
        _policy(no_such_lever="1")


def test_one_occupancy_reading_at_a_time() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "tuyen_quang.yaml")
    with pytest.raises(ValueError, match="one reading"):
        pace.simulate(scenario, _policy(), SEED, ("occupancy_operating", "occupancy_serviced"))


@pytest.mark.slow
def test_the_script_prints_every_province() -> None:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for name in pace.PROVINCES:
            pace.province(name, _policy(), 2, sites=True)
    text = out.getvalue()
    assert text.count("watch check: months whose take-ups differ from the model's events: 0") == 5
    assert "ccn_tu_cuong: established 2022-04 (ref:hd_ccn_new_2022)" in text
