"""Short findings in plain words, generated from the numbers of a run or comparison.

Every sentence is a template filled with values read from the results; nothing is written by
hand, so the findings change when the results do. Statements about a difference between
policies are made only when its 95 % interval excludes zero.
"""

from __future__ import annotations

import math

import pandas as pd

from izsim.experiments.analysis import PROBABILITY_PRECISION, replicates_needed
from izsim.present.language import Lang, number, percent, policy_label, word
from izsim.present.marks import target_text, unit_suffix
from izsim.present.results import Results

LIKELY, UNLIKELY = 0.5, 0.1
"""A target counts as likely when met in at least half the runs, out of reach under 10 %."""
SMALL_OUTLAY = 0.5
"""Extra spending below this share of the reference's makes a per-trillion ratio unstable."""


def _say(key: str, lang: Lang, **fields: object) -> str:
    """A sentence of the findings (``findings`` in data/labels.yaml), filled in."""
    return word(key, lang, group="findings", **fields)


def _items(texts: list[str]) -> str:
    return "; ".join(texts)


def _points(value: float, lang: Lang) -> str:
    sign = "+" if value > 0 else ""
    return sign + number(100 * value, lang, 0)


def findings(results: Results, lang: Lang = "en") -> list[str]:
    """Plain-language findings, most important first."""
    out = (
        _run_findings(results, lang) if results.kind == "run" else _compare_findings(results, lang)
    )
    skipped = [t for t in results.scenario.targets if t.not_modelled is not None]
    if skipped:
        names = [f"“{target_text(t, lang)}”" for t in skipped]
        out.append(_say("not_modelled", lang, n=len(skipped), items=_items(names)))
    return out


def _name(results: Results, policy: str, lang: Lang) -> str:
    return policy_label(policy, lang, results.policy_names.get(policy))


def _run_findings(results: Results, lang: Lang) -> list[str]:
    card = results.scorecard.set_index("target")
    targets = {t.id: t for t in results.modelled_targets()}
    met = [t for t in targets if card.loc[t, "status"] == "met"]
    missed = [t for t in targets if card.loc[t, "status"] == "missed"]
    out = [
        _say(
            "run_met",
            lang,
            k=len(met),
            m=len(targets),
            colon=": " if met else "",
            items=_items([f"“{target_text(targets[t], lang)}”" for t in met]),
        )
    ]
    if missed:
        items = [
            _say(
                "missed_item",
                lang,
                target=target_text(targets[t], lang),
                value=number(float(card.loc[t, "simulated"]), lang),
                unit=unit_suffix(targets[t], lang),
            )
            for t in missed
        ]
        out.append(_say("run_missed", lang, items=_items(items)))
    return out


def _compare_findings(results: Results, lang: Lang) -> list[str]:
    probs = results.probabilities().pivot(index="target", columns="policy", values="probability")
    targets = {t.id: t for t in results.modelled_targets()}
    ref = results.reference
    out = []
    if ref in probs:
        likely = [t for t in targets if probs.loc[t, ref] >= LIKELY]
        out.append(
            _say(
                "reference",
                lang,
                policy=_name(results, ref, lang),
                k=len(likely),
                m=len(targets),
                colon=": " if likely else "",
                items=_items([f"“{target_text(targets[t], lang)}”" for t in likely]),
            )
        )
    unreachable = [t for t in targets if (probs.loc[t] < UNLIKELY).all()]
    if unreachable:
        out.append(
            _say(
                "out_of_reach",
                lang,
                cut=percent(UNLIKELY, lang),
                items=_items([f"“{target_text(targets[t], lang)}”" for t in unreachable]),
            )
        )
    out += _policy_effects(results, probs, targets, lang)
    cost = _cost_finding(results, lang)
    if cost:
        out.append(cost)
    precision = _precision_finding(results, targets, lang)
    if precision:
        out.append(precision)
    return out


def _policy_effects(results: Results, probs: pd.DataFrame, targets: dict, lang: Lang) -> list[str]:
    table = results.comparison
    out = []
    if table.empty:
        return out
    ref = results.reference
    for policy in results.policies:
        if policy == ref:
            continue
        mine = table[table["policy"] == policy]
        up = mine[mine["probability_difference_low"] > 0]
        down = mine[mine["probability_difference_high"] < 0]
        name = _name(results, policy, lang)
        if up.empty and down.empty:
            out.append(_say("no_change", lang, policy=name))
            continue
        for rows, key, pick in ((up, "raises", "idxmax"), (down, "lowers", "idxmin")):
            if rows.empty:
                continue
            row = rows.loc[getattr(rows["probability_difference"], pick)()]
            target = row["target"]
            out.append(
                _say(
                    key,
                    lang,
                    policy=name,
                    target=target_text(targets[target], lang),
                    a=percent(probs.loc[target, ref], lang),
                    b=percent(probs.loc[target, policy], lang),
                    d=_points(row["probability_difference"], lang),
                    low=_points(row["probability_difference_low"], lang),
                    high=_points(row["probability_difference_high"], lang),
                )
            )
    return out


def _cost_finding(results: Results, lang: Lang) -> str | None:
    table = results.cost_effectiveness
    if table.empty or "extra_jobs_per_trillion_vnd" not in table:
        return None
    spending = table[(table["extra_public_spending_bn_vnd"] > 0)].dropna(
        subset=["extra_jobs_per_trillion_vnd"]
    )
    if spending.empty:
        return None
    best = spending.loc[spending["extra_jobs_per_trillion_vnd"].idxmax()]
    if best["extra_jobs_per_trillion_vnd"] <= 0:
        return None
    reference = table.loc[table["policy"] == results.reference, "public_spending_bn_vnd"]
    small = not reference.empty and best["extra_public_spending_bn_vnd"] < SMALL_OUTLAY * float(
        reference.iloc[0]
    )
    return _say(
        "cost",
        lang,
        policy=_name(results, best["policy"], lang),
        jobs=number(best["extra_jobs_per_trillion_vnd"], lang, 0),
        added=number(best["extra_jobs"], lang, 0),
        caveat=_say("small_outlay", lang) if small else "",
        extra=number(best["extra_public_spending_bn_vnd"], lang, 0),
        reference=_name(results, results.reference, lang),
    )


def _precision_finding(results: Results, targets: dict, lang: Lang) -> str | None:
    card = results.scorecard
    rows = card[card["status"] == "modelled"].copy()
    if rows.empty:
        return None
    rows["half"] = (rows["probability_high"] - rows["probability_low"]) / 2
    worst = rows.loc[rows["half"].idxmax()]
    if not worst["half"] > PROBABILITY_PRECISION or math.isnan(worst["half"]):
        return None
    needed = replicates_needed(int(worst["met"]), int(worst["runs"]))
    return _say(
        "precision",
        lang,
        runs=int(worst["runs"]),
        width=number(100 * worst["half"], lang, 0),
        target=target_text(targets[worst["target"]], lang),
        needed=needed,
        wanted=number(100 * PROBABILITY_PRECISION, lang, 0),
    )
