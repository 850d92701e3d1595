"""The zone timeline draws each zone's states as they were saved."""

from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.collections import PolyCollection

from izsim.model.zone import PLANT_STATES, STAGES
from izsim.present.results import Results
from izsim.present.timeline import NAME_CHARS, median_states, zone_label, zone_timeline


def _bars(fig, layer: str) -> list[PolyCollection]:
    ax = fig.axes[0]
    return [c for c in ax.collections if getattr(c, "layer", None) == layer]


def _months_drawn(results: Results, bars: list[PolyCollection], zone: str, code: str) -> set[int]:
    """Month indexes a zone's bars of one state cover."""
    start = results.years()[0] - 1 / 12
    months = set()
    for bar in bars:
        if bar.zone != zone or bar.code != code:
            continue
        for path in bar.get_paths():
            xs = path.vertices[:, 0]
            first = round((xs.min() - start) * 12)
            last = round((xs.max() - start) * 12)
            months.update(range(first, last))
    return months


def test_a_single_run_draws_every_zone_month_in_its_saved_stage(saved_run: Results) -> None:
    fig = zone_timeline(saved_run, lang="en")
    stages = saved_run.zone_stages[saved_run.reference][0]
    plants = saved_run.zone_plants[saved_run.reference][0]
    bars, plant_bars = _bars(fig, "stage"), _bars(fig, "plant")
    never = (stages == STAGES.index("planned")).all(axis=0)
    assert not never.all()
    for z, zone in enumerate(saved_run.scenario.zones):
        if never[z]:
            # a site no developer took up in the run is counted in the title, not drawn
            assert not any(bar.zone == zone.id for bar in bars + plant_bars), zone.id
            continue
        for code, stage in enumerate(STAGES):
            expected = set(np.flatnonzero(stages[:, z] == code))
            assert _months_drawn(saved_run, bars, zone.id, stage) == expected, (zone.id, stage)
        for code, plant in enumerate(PLANT_STATES):
            if plant != "none":
                expected = set(np.flatnonzero(plants[:, z] == code))
                assert _months_drawn(saved_run, plant_bars, zone.id, plant) == expected
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[-1] == saved_run.scenario.zones[0].name  # first zone on top


def test_median_states_is_the_stage_half_the_runs_have_reached() -> None:
    codes = np.array([[[0], [1]], [[2], [4]], [[3], [4]], [[0], [0]]])  # 4 runs, 2 months
    assert median_states(codes).ravel().tolist() == [2, 4]
    # at least half reached 2 in month 0 (runs 1, 2), and 4 in month 1 (runs 1, 2)
    assert median_states(codes[:3]).ravel().tolist() == [2, 4]


def test_a_comparison_draws_the_median_stage_and_the_share_operating(
    saved_compare: Results,
) -> None:
    fig = zone_timeline(saved_compare, lang="vi")
    policy = saved_compare.reference
    median = median_states(saved_compare.zone_stages[policy])
    bars = _bars(fig, "stage")
    zone = saved_compare.scenario.zones[1]
    expected = set(np.flatnonzero(median[:, 1] == STAGES.index("operating")))
    assert _months_drawn(saved_compare, bars, zone.id, "operating") == expected
    texts = [t.get_text() for t in fig.axes[0].texts]
    share = (saved_compare.zone_stages[policy][:, -1, 1] == STAGES.index("operating")).mean()
    assert f"{100 * share:.0f}\u00a0%" in texts
    words = " ".join(t.get_text() for t in fig.findobj(match=lambda a: hasattr(a, "get_text")))
    assert "đang hoạt động" in words and "giải phóng mặt bằng" in words


def test_sites_never_taken_up_are_counted_not_drawn(saved_run: Results) -> None:
    policy = saved_run.reference
    planned = STAGES.index("planned")
    before = {bar.zone for bar in _bars(zone_timeline(saved_run, lang="en"), "stage")}
    never = sum(
        (saved_run.zone_stages[policy][:, :, z] == planned).all()
        for z in range(len(saved_run.scenario.all_zones))
    )
    stages = saved_run.zone_stages[policy].copy()
    # the last zone a developer took up in the saved run
    taken = [z for z in range(stages.shape[2]) if not (stages[:, :, z] == planned).all()]
    last = saved_run.scenario.all_zones[taken[-1]]
    assert last.id in before
    stages[:, :, taken[-1]] = planned  # now it never leaves the plan
    changed = Results(**{**saved_run.__dict__, "zone_stages": {policy: stages}})
    fig = zone_timeline(changed, lang="en")
    drawn = {bar.zone for bar in _bars(fig, "stage")}
    assert drawn == before - {last.id}
    assert f"{never + 1} candidate sites no developer took up in any run are not drawn" in (
        fig.axes[0].get_title(loc="left")
    )


def test_a_zone_the_run_s_province_did_not_hold_is_not_drawn(tmp_path) -> None:
    """The typical back-cast's fourth operating KCN is held in 46 % of runs: in a run
    without it, it is read back as not held (not as planned) and draws nothing."""
    from izsim.outputs import write_run
    from izsim.present.results import NOT_HELD, load_results
    from izsim.run import run
    from izsim.scenario import load_policy, load_scenario
    from tests.conftest import ROOT

    folder = ROOT / "scenarios" / "backcast"
    scenario = load_scenario(folder / "typical_2016.yaml")
    policy = load_policy(folder / "policies" / "baseline.yaml")
    results = (run(scenario, policy, seed) for seed in range(50))
    result = next(r for r in results if "kcn_operating_4" not in {z.id for z in r.scenario.zones})
    write_run(
        result,
        tmp_path / "run",
        scenario_file=folder / "typical_2016.yaml",
        policy_file=folder / "policies" / "baseline.yaml",
    )
    saved = load_results(tmp_path / "run")
    z = [zone.id for zone in saved.scenario.all_zones].index("kcn_operating_4")
    assert (saved.zone_stages[saved.reference][0][:, z] == NOT_HELD).all()
    assert (saved.zone_plants[saved.reference][0][:, z] == NOT_HELD).all()
    fig = zone_timeline(saved, lang="en")
    assert not any(b.zone == "kcn_operating_4" for b in _bars(fig, "stage") + _bars(fig, "plant"))
    assert any(b.zone == "kcn_operating_1" for b in _bars(fig, "stage"))


def test_zones_are_named_in_the_figure_s_language(saved_run: Results) -> None:
    drawn = {bar.zone for bar in _bars(zone_timeline(saved_run, lang="en"), "stage")}
    zones = [z for z in saved_run.scenario.all_zones if z.id in drawn]
    assert any(z.name_vi is not None for z in zones)  # the saved run draws one named apart
    for lang in ("en", "vi"):
        ticks = zone_timeline(saved_run, lang=lang).axes[0].get_yticklabels()
        labels = [t.get_text() for t in ticks]
        assert labels == [zone_label(z.name_in(lang)) for z in reversed(zones)]


def test_a_long_name_wraps_wider_to_keep_to_two_lines() -> None:
    short = "KCN Nam Cấm"
    assert zone_label(short) == short
    long = "Địa điểm CCN theo quy hoạch 2026–2030 (khu vực KKT Đông Nam) 1"
    assert len(textwrap.wrap(long, NAME_CHARS)) == 3
    lines = zone_label(long).split("\n")
    assert len(lines) == 2 and " ".join(lines) == long
    assert max(len(line) for line in lines) > NAME_CHARS
