"""Findings say what the numbers say, and only that."""

from __future__ import annotations

import pandas as pd

from izsim.present.findings import LIKELY, UNLIKELY, findings
from izsim.present.language import policy_label
from izsim.present.marks import target_text
from izsim.present.results import Results


def test_a_comparisons_findings_follow_its_tables(saved_compare: Results) -> None:
    text = findings(saved_compare, "en")
    probs = saved_compare.probabilities().pivot(
        index="target", columns="policy", values="probability"
    )
    targets = {t.id: t for t in saved_compare.modelled_targets()}
    likely = [t for t in targets if probs.loc[t, "baseline"] >= LIKELY]
    assert text[0].startswith(
        f"Under {policy_label('baseline', 'en')}, {len(likely)} of {len(targets)} modelled"
    )
    for t in likely:
        assert target_text(targets[t], "en") in text[0]
    table = saved_compare.comparison
    for policy in saved_compare.policies[1:]:
        mine = table[table["policy"] == policy]
        name = policy_label(policy, "en")
        # The cost-effectiveness sentence also starts with a policy's name; it is not about
        # targets (tested below), so it is left out here.
        said = [line for line in text if line.startswith(name) and "per trillion" not in line]
        significant = (mine["probability_difference_low"] > 0) | (
            mine["probability_difference_high"] < 0
        )
        if significant.any():
            assert any(" raises " in s or " lowers " in s for s in said), policy
        else:  # (a line on jobs per trillion may start with the name too)
            assert f"{name} {_no_change()}" in said, policy
            assert not any(" raises " in s or " lowers " in s for s in said), policy
    unreachable = [t for t in targets if (probs.loc[t] < UNLIKELY).all()]
    line = [s for s in text if s.startswith("Out of reach")]
    assert bool(line) == bool(unreachable)


def _no_change() -> str:
    return (
        "changes no target's chance by more than the runs' chance variation (every 95 % "
        "interval includes zero)."
    )


def test_a_claimed_rise_is_the_largest_one_whose_interval_excludes_zero(
    saved_compare: Results,
) -> None:
    fake = saved_compare.comparison.copy()
    target = saved_compare.modelled_targets()[0]
    policy = saved_compare.policies[1]
    fake["probability_difference_low"] = -0.1  # nothing significant...
    fake["probability_difference_high"] = 0.1
    row = (fake["policy"] == policy) & (fake["target"] == target.id)
    fake.loc[row, ["probability_difference", "probability_difference_low"]] = [0.5, 0.2]
    fake.loc[row, "probability_difference_high"] = 0.8  # ...but this one
    changed = Results(**{**saved_compare.__dict__, "comparison": fake})
    text = findings(changed, "en")
    (line,) = [s for s in text if " raises " in s]
    assert line.startswith(policy_label(policy, "en"))
    assert target_text(target, "en") in line and "+50 points" in line and "+20 to +80" in line


def test_a_runs_findings_list_what_was_met_and_missed(saved_run: Results) -> None:
    text = findings(saved_run, "vi")
    card = saved_run.scorecard
    met = card[card["status"] == "met"]
    assert text[0].startswith(
        f"Trong lần chạy này {len(met)}/{len(saved_run.modelled_targets())} mục tiêu"
    )
    missed = card[card["status"] == "missed"]
    if len(missed):
        assert text[1].startswith("Không đạt:")
        assert text[1].count("mô phỏng") == len(missed)
    not_modelled = [t for t in saved_run.scenario.targets if t.not_modelled is not None]
    assert text[-1].startswith(f"{len(not_modelled)} mục tiêu của quy hoạch nằm ngoài")
    for target in not_modelled:
        assert target.source.quote in text[-1]  # the plan's own words


def test_no_cost_finding_without_extra_spending(saved_compare: Results) -> None:
    table = saved_compare.cost_effectiveness.copy()
    table["extra_public_spending_bn_vnd"] = 0.0
    changed = Results(**{**saved_compare.__dict__, "cost_effectiveness": table})
    assert not [s for s in findings(changed, "en") if "per trillion" in s]
    assert isinstance(saved_compare.cost_effectiveness, pd.DataFrame)
