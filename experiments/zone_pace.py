"""The pace of new zones: how many KCN and CCN a province establishes a year, which gate holds
each planned site back, and the dated records of zones actually established beside them.

    PYTHONPATH=src .venv/bin/python experiments/zone_pace.py [--replicates 20]
        [--province P ...] [--policy baseline] [--sites]
        [--set BLOCK.FIELD=VALUE ...] [--lever FIELD=VALUE ...] [--what-if NAME ...]

A diagnosis, not a change of the model. Each run is the model's own (``IZModel.step`` to the
horizon; replicate seeds ``replicate_seeds(1, N)``, as ``experiments/baselines.py``), with its
monthly developer entry (``IZModel._developer_entry``, docs/model.md §2.3–2.3a) watched from
outside: before the model decides, every planned site is put through the same gates in the same
order, with the model's own functions and this month's draws, and the gate that stops it is
counted (one a zone-month):

- ``later_period``: a candidate site not yet offered (``available_from``, §2.3b);
- ``parent``: an expansion whose parent is below ``expansion_zone_trigger_occupancy_pct``;
- ``occupancy``: a new KCN while the province's established KCN are leased below
  ``min_kcn_occupancy_for_new_kcn_pct`` (``kcn_proposal_open``);
- ``quota``: a new KCN while the national round has no place (``national_kcn_approvals_per_year``
  and ``national_queue_years``);
- ``no_candidate``: no candidate developer this month (``private_entry_pct_per_month``);
- ``hurdle``: the candidate's own hurdle is above the pro forma (``hurdle_ratio``,
  ``hurdle_spread``);
- ``finance``: the candidate clears its hurdle but cannot finance the first phase's works;
- ``private``: taken up by a private developer.

A CCN no private developer takes goes on to the district boards: ``board_off`` (policy lever
``public_developer_fallback_ccn`` off), ``board_early`` (``public_developer_after_months``),
``board_cap`` (``public_ccn_takeups_per_month``), ``board_allowance`` (the allowance
``public_developer_bn_vnd_per_year`` short of the first phase) or ``public``.

The watch reads state only (its pro formas are worked out with the month's market view put back
as it was), so a watched run is the unwatched run; every month the take-ups it predicts are
checked against the model's events, and the count of months that differ is printed (0
expected). At the candidate stage (a site on offer with its national round open) it also keeps
the pro forma against the median hurdle, its parts (undiscounted rent over cost, years to fill
at the absorption the developer expects) and the chance that a candidate's hurdle and finance
pass. After take-up, the wait to the establishment decision is read from the model's events.

What-ifs (``--what-if``, ``--set``, ``--lever``) quantify a proposal; they are labelled in the
output and never written anywhere:

- ``occupancy_operating``: the national occupancy condition read over the province's operating
  KCN (leased over leasable land of established KCN with serviced land), not every established
  KCN including those still clearing.

Dated records are patterns, not targets: the national pace of new KCN and CCN (shared/data)
times the province's share of the national stock at the start, and the province's own dated
records of zones established. Plan targets are not printed. Nothing is written.
"""

from __future__ import annotations

import argparse
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from pydantic import ValidationError

from izsim.experiments.design import replicate_seeds
from izsim.experiments.trials import with_trial_values
from izsim.experiments.what_ifs import (
    OCCUPANCY_READINGS,
    occupancy_read_as,
)
from izsim.indicators import INDICATOR_IDS
from izsim.model import establishment
from izsim.model.model import IZModel
from izsim.model.zone import Zone
from izsim.scenario import load_policy, load_scenario
from izsim.scenario.policy import Policy
from izsim.scenario.records import ReferenceRecord, listed_records, shipped_records
from izsim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
PROVINCES = ("tuyen_quang", "ha_nam", "hung_yen", "nghe_an", "hai_duong")
GROUPS = ("kcn", "kcn_exp", "ccn")  # new KCN (high-tech zones too), KCN expansions, CCN
GROUP_LABELS = {"kcn": "new KCN", "kcn_exp": "KCN exp.", "ccn": "CCN"}
GATES = (
    ("later_period", "not yet offered (available_from)"),
    ("parent", "expansion: parent below its trigger"),
    ("occupancy", "national occupancy condition fails"),
    ("quota", "national round full (quota, queue)"),
    ("no_candidate", "no candidate developer this month"),
    ("hurdle", "candidate's hurdle above the pro forma"),
    ("finance", "candidate cannot finance phase 1"),
    ("private", "taken up by a private developer"),
)
BOARD_GATES = (
    ("board_off", "fallback lever off (policy)"),
    ("board_early", "before public_developer_after_months"),
    ("board_cap", "beyond public_ccn_takeups_per_month"),
    ("board_allowance", "allowance short of phase 1"),
    ("public", "taken up by a district board"),
)
BOARD = {gate for gate, _ in BOARD_GATES}
WHAT_IFS = tuple(OCCUPANCY_READINGS)  # (warm_enquiries is for the back-cast's pace)
TAKE_UP_EVENTS = ("developer_private", "developer_public")
# What district boards pay from their allowance (Agencies.public_works), by purpose; clearance
# also holds the province's share of private clearance (levers.public_clearance_pct)
BOARD_PURPOSES = ("clearance", "infrastructure", "wwtp", "wwtp_operation")
_NEW = {kind: INDICATOR_IDS.index(f"new_zones_{kind}") for kind in ("kcn", "ccn")}


def group(kind: str, expands: str | None) -> str:
    """The tally a planned site belongs to."""
    if kind == "ccn":
        return "ccn"
    return "kcn_exp" if expands is not None else "kcn"


def group_of(zone: Zone) -> str:
    return group(zone.kind, zone.spec.expands)


def chance_at_least(value: float, median: float, spread: float) -> float:
    """P(median × exp(spread × ε) ≤ value), ε ~ N(0, 1): the chance a lognormal draw around
    ``median`` is at most ``value`` (a step at the median when ``spread`` is 0)."""
    if value <= 0:
        return 0.0
    if spread == 0:
        return 1.0 if value >= median else 0.0
    return 0.5 * (1 + math.erf(math.log(value / median) / spread / math.sqrt(2)))


@dataclass
class Watch:
    """What one run's developer entry did, month by month."""

    gates: Counter = field(default_factory=Counter)  # (group, gate) → zone-months
    board: Counter = field(default_factory=Counter)  # board gate → CCN zone-months
    by_zone: dict[str, Counter] = field(default_factory=dict)  # zone → gate → months
    # at the candidate stage, one entry a zone-month, by group
    stage: dict[str, dict[str, list[float]]] = field(
        default_factory=lambda: {g: {k: [] for k in STAGE_KEYS} for g in GROUPS}
    )
    expected: Counter = field(default_factory=Counter)  # Σ monthly entry chance by group
    best: dict[str, list[float]] = field(default_factory=lambda: {g: [] for g in GROUPS})
    shut_viable: Counter = field(default_factory=Counter)  # KCN shut out at ratio ≥ median
    kcn_occupancy: list[float] = field(default_factory=list)  # each month, before decisions
    mismatches: int = 0

    def add(self, zone: Zone, gate: str) -> None:
        if gate in BOARD:
            self.board[gate] += 1
        else:
            self.gates[(group_of(zone), gate)] += 1
        self.by_zone.setdefault(zone.key, Counter())[gate] += 1


# pro forma / median hurdle, undiscounted rent / cost, years to fill, P(hurdle), P(finance)
STAGE_KEYS = ("ratio", "margin", "years", "p_hurdle", "p_finance")


def _market_view(model: IZModel) -> tuple:
    return (
        model._market_month,
        model._market_demand,
        model._market_room,
        model._market_total_room,
        model._market_by_kind,
    )


def _put_back(model: IZModel, view: tuple) -> None:
    (
        model._market_month,
        model._market_demand,
        model._market_room,
        model._market_total_room,
        model._market_by_kind,
    ) = view


def observe(model: IZModel, watch: Watch) -> dict[str, str]:
    """Put this month's planned sites through the gates of ``_developer_entry``, in its order,
    and tally the one that stops each; returns the take-ups this predicts (zone → event).

    Reads state only: the month's market view, which a pro forma takes and caches, is put back
    as it was, so the model takes it itself at the same state.
    """
    devs, agencies = model.scenario.developers, model.scenario.agencies
    national, levers = model.scenario.establishment, model.levers
    trigger = devs.expansion_zone_trigger_occupancy_pct / 100
    chance = devs.private_entry_pct_per_month / 100
    condition = national.min_kcn_occupancy_for_new_kcn_pct
    occupancy = establishment.established_kcn_occupancy(model)
    watch.kcn_occupancy.append(occupancy)
    predicted: dict[str, str] = {}
    unwanted: list[tuple[Zone, float]] = []
    best = dict.fromkeys(GROUPS, -math.inf)
    proposed = 0  # new KCN this month's developers have taken up so far
    view = _market_view(model)
    try:
        for zone in model.zones:
            if zone.stage != "planned" or zone.developer is not None:
                continue
            kind = group_of(zone)
            if model.month < model.available_month[zone.index]:
                watch.add(zone, "later_period")
                continue
            parent = model.zone_by_id.get(zone.spec.expands or "")
            if parent is not None and parent.occupancy < trigger:
                watch.add(zone, "parent")
                continue
            ratio = model.pro_forma_ratio(zone)
            # A new KCN taken up earlier this month waits for its national decision: it takes
            # a place that the model's later look (kcn_proposal_open) no longer sees free.
            places = establishment.national_places_left(model)
            shut = not establishment.kcn_proposal_open(model, zone, kcn_occupancy=occupancy) or (
                kind == "kcn" and proposed > 0 and proposed >= places
            )
            if shut:
                failed = condition is not None and occupancy < condition / 100
                watch.add(zone, "occupancy" if failed else "quota")
                watch.shut_viable[kind] += ratio >= devs.hurdle_ratio
                continue
            cost = model.first_phase_cost(zone, plant=False)
            owner = parent.developer if parent is not None else None
            own_firm = owner is not None and not owner.public
            if own_firm:
                p_hurdle = float(ratio >= owner.hurdle)
                p_finance = float(owner.room_bn_vnd >= cost)
            else:
                p_hurdle = chance_at_least(
                    ratio, devs.hurdle_ratio, model.scenario.establishment.hurdle_spread
                )
                p_finance = 1 - chance_at_least(
                    cost, devs.finance_capacity(kcn=zone.is_kcn), devs.finance_capacity_spread
                )
            absorption = model.expected_absorption_ha(zone)
            cost_per_ha = model.development_cost_per_ha(zone)
            entry = watch.stage[kind]
            entry["ratio"].append(ratio / devs.hurdle_ratio)
            entry["margin"].append(model.revenue_per_ha(zone) / cost_per_ha)
            entry["years"].append(zone.leasable_ha / absorption if absorption > 0 else math.inf)
            entry["p_hurdle"].append(p_hurdle)
            entry["p_finance"].append(p_finance)
            watch.expected[kind] += chance * p_hurdle * p_finance
            best[kind] = max(best[kind], ratio / devs.hurdle_ratio)
            if model.developer_draws[zone.index] >= chance:
                gate = "no_candidate"
            else:
                if own_firm:
                    hurdle, room = owner.hurdle, owner.room_bn_vnd
                else:
                    hurdle = model.developer_hurdle(zone)
                    room = model.finance_capacity(zone, float(model.capacity_draws[zone.index]))
                gate = "hurdle" if ratio < hurdle else "finance" if room < cost else "private"
            watch.add(zone, gate)
            if gate == "private":
                predicted[zone.key] = "developer_private"
                proposed += kind == "kcn"
            elif zone.kind == "ccn":
                unwanted.append((zone, ratio))
        for kind in GROUPS:
            watch.best[kind].append(best[kind] if best[kind] > -math.inf else math.nan)
        _boards(model, watch, unwanted, predicted, levers, agencies)
    finally:
        _put_back(model, view)
    return predicted


def _boards(
    model: IZModel,
    watch: Watch,
    unwanted: list[tuple[Zone, float]],
    predicted: dict[str, str],
    levers: object,
    agencies: object,
) -> None:
    """The district boards' part of ``_developer_entry``: the CCN no private developer took,
    best pro forma first, at most ``public_ccn_takeups_per_month``, while the allowance pays."""
    if not levers.public_developer_fallback_ccn:  # type: ignore[attr-defined]
        for zone, _ in unwanted:
            watch.add(zone, "board_off")
        return
    if model.month < agencies.public_developer_after_months:  # type: ignore[attr-defined]
        for zone, _ in unwanted:
            watch.add(zone, "board_early")
        return
    free = model.agencies.public_works_free()
    short = False
    ranked = sorted(unwanted, key=lambda pair: (-pair[1], pair[0].index))
    for rank, (zone, _) in enumerate(ranked):
        if rank >= agencies.public_ccn_takeups_per_month:  # type: ignore[attr-defined]
            watch.add(zone, "board_cap")
            continue
        cost = model.first_phase_cost(zone, plant=False)
        short = short or free < cost  # the model stops at the first it cannot pay
        if short:
            watch.add(zone, "board_allowance")
            continue
        free -= cost
        watch.add(zone, "public")
        predicted[zone.key] = "developer_public"


def watched(model: IZModel) -> Watch:
    """Watch ``model``'s developer entry from now on (its instance's method is wrapped)."""
    watch = Watch()
    decide = model._developer_entry

    def entry() -> None:
        before = len(model.events)
        predicted = observe(model, watch)
        decide()
        done = {key: event for _, event, key in model.events[before:] if event in TAKE_UP_EVENTS}
        watch.mismatches += done != predicted

    model._developer_entry = entry  # type: ignore[method-assign]
    return watch


# ------------------------------------------------------------------ one run
@dataclass
class Run:
    """One run's figures."""

    new: dict[str, np.ndarray]  # kind → new zones established in each year (indicators)
    taken: dict[str, np.ndarray]  # group → planned sites taken up in each year
    waits: dict[str, list[float]]  # group → months from take-up to establishment
    national_waits: list[float]  # new KCN: months from take-up to national approval
    pending: Counter  # group → taken up, not established at the horizon
    quota_waits: int
    refusals: int
    allowed: list[int]  # national approvals the quota allows each year (-1: no quota)
    granted: list[int]
    established_month: dict[str, int | None]  # planned site → month established
    operating: dict[str, bool]  # planned site → operating at the horizon
    counts: dict[str, np.ndarray]  # "kcn"/"ccn" → zones (clusters) established each month
    board_spent: dict[str, float]  # district boards' spending by purpose over the run, bn VND
    watch: Watch


def simulate(scenario: Scenario, policy: Policy, seed: int, what_ifs: tuple[str, ...] = ()) -> Run:
    """One run of the model, watched (:func:`watched`), under the what-ifs named."""
    readings = [w for w in what_ifs if w in OCCUPANCY_READINGS]
    if len(readings) > 1:
        raise ValueError(f"--what-if: one reading of the occupancy condition at a time: {readings}")
    with occupancy_read_as(readings[0] if readings else None):
        model = IZModel(scenario, policy, seed)
        watch = watched(model)
        while model.running:
            model.step()
    years = model.months // 12
    new = {}
    for kind, column in _NEW.items():
        december = model.values[11::12, column][:years]
        new[kind] = np.diff(np.concatenate([[0.0], december]))
    planned = {z.key: z for z in model.zones if not z.established_before_start}
    taken = {g: np.zeros(years) for g in GROUPS}
    last_take_up: dict[str, int] = {}
    national: dict[str, int] = {}
    quota_waits = refusals = 0
    for month, event, key in model.events:
        if event in TAKE_UP_EVENTS and key in planned:
            taken[group_of(planned[key])][min(month // 12, years - 1)] += 1
            last_take_up[key] = month
        elif event == "national_approval":
            national[key] = month
        elif event == "national_quota_wait":
            quota_waits += 1
        elif event == "national_refusal":
            refusals += 1
    waits: dict[str, list[float]] = {g: [] for g in GROUPS}
    national_waits: list[float] = []
    pending: Counter = Counter()
    for key, month in last_take_up.items():
        zone = planned[key]
        if zone.established_month is None:
            pending[group_of(zone)] += 1
            continue
        waits[group_of(zone)].append(zone.established_month - month)
        if group_of(zone) == "kcn" and key in national:
            national_waits.append(national[key] - month)
    quota = model.national_quota
    counts = {}
    for kind in ("kcn", "ccn"):
        counts[kind] = np.zeros(model.months)
        for z in model.zones:
            if (z.kind == "ccn") != (kind == "ccn"):
                continue
            if z.established_before_start:
                counts[kind] += z.spec.cluster_count
            elif z.established_month is not None:
                counts[kind][z.established_month :] += z.spec.cluster_count
    return Run(
        new=new,
        taken=taken,
        waits=waits,
        national_waits=national_waits,
        pending=pending,
        quota_waits=quota_waits,
        refusals=refusals,
        allowed=[quota.allowed(y) if quota.per_year is not None else -1 for y in range(years)],
        granted=[quota.granted.get(y, 0) for y in range(years)],
        established_month={k: z.established_month for k, z in planned.items()},
        operating={k: z.operating for k, z in planned.items()},
        counts=counts,
        board_spent={p: model.agencies.budget.spent_by_purpose.get(p, 0.0) for p in BOARD_PURPOSES},
        watch=watch,
    )


# ------------------------------------------------------------------ records
def decimal_year(date: str) -> float:
    """'2016-06' → 2016.5 (the end of the month the record is dated); '2023' → 2024.0."""
    parts = date.split("-")
    return int(parts[0]) + (int(parts[1]) / 12 if len(parts) > 1 else 1.0)


NATIONAL_COUNTS = {  # two dated national counts of established zones, by kind
    "kcn": ("nat_kcn_2020q1_est", "nat_kcn_2023_est"),
    "ccn": ("nat_ccn_2018_n", "nat_ccn_2021_n"),
}


def national_pace(records: dict[str, ReferenceRecord]) -> dict[str, tuple[float, float, str]]:
    """New KCN and CCN a year nationally between two dated counts of established zones:
    kind → (a year, the count at the first date, derivation)."""
    out = {}
    for kind, (a, b) in NATIONAL_COUNTS.items():
        first, last = records[a], records[b]
        span = decimal_year(last.date) - decimal_year(first.date)
        rate = (float(last.value) - float(first.value)) / span  # type: ignore[arg-type]
        text = (
            f"{first.value:g} ({first.date}, ref:{a}) → {last.value:g} ({last.date}, ref:{b}): "
            f"{rate:.1f} a year over {span:.2f} yr"
        )
        out[kind] = (rate, float(first.value), text)  # type: ignore[arg-type]
    return out


def stock_at_start(scenario: Scenario) -> dict[str, int]:
    """KCN (high-tech zones counted, expansions not) and CCN established at the start, as the
    scenario writes them (an aggregate row counts as the zones it stands for)."""
    out = {"kcn": 0, "ccn": 0}
    for zone in scenario.all_zones:
        if zone.stage == "planned" or (zone.kind != "ccn" and zone.expands is not None):
            continue
        out["ccn" if zone.kind == "ccn" else "kcn"] += zone.cluster_count
    return out


# A province's dated records of zones actually established (not plan targets): sites with the
# month of their establishment decision, and counts of established zones at two dates.
DATED_SITES = {
    "hai_duong": (
        ("ccn_tu_cuong", "2022-04", "hd_ccn_new_2022"),
        ("ccn_tu_cuong_chi_lang_bac", "2022-04", "hd_ccn_new_2022"),
    ),
}
DATED_COUNTS = {  # (kind, first record, its field, later record, its field)
    "hai_duong": (
        ("kcn", "hd_kcn_2021_05", "established_n", "hd_zones_at_merger_2025", "kcn"),
        ("ccn", "hd_ccn_2020", "ccn", "hd_zones_at_merger_2025", "ccn"),
    ),
}


# ------------------------------------------------------------------ settings
def with_settings(scenario: Scenario, settings: list[str]) -> Scenario:
    """The scenario with ``block.field=value`` numbers changed, sourced as trials
    (:func:`izsim.experiments.trials.with_trial_values`)."""
    return with_trial_values(scenario, settings, script="experiments/zone_pace.py")


def with_levers(policy: Policy, settings: list[str]) -> Policy:
    """The policy with ``field=value`` levers changed (true/false or a number)."""
    if not settings:
        return policy
    data = policy.model_dump(exclude_unset=True)
    levers = data.setdefault("levers", {})
    for setting in settings:
        name, _, value = setting.partition("=")
        if name not in type(policy.levers).model_fields or name == "sources":
            raise ValueError(f"--lever '{setting}': '{name}' is not a lever")
        levers[name] = {"true": True, "false": False}.get(value.lower(), value)
        if not isinstance(levers[name], bool):
            levers.setdefault("sources", {})[name] = (
                "assumption: a trial value set by experiments/zone_pace.py --lever"
            )
    try:
        return Policy.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise ValueError(f"--lever {' '.join(settings)}: {problems}") from None


# ------------------------------------------------------------------ printing
def band(values: list[float] | np.ndarray, digits: int = 0) -> str:
    """Median [5–95 %] of finite values, or – when there are none."""
    clean = np.asarray(values, dtype=float)
    clean = clean[np.isfinite(clean)]
    if not len(clean):
        return "–"
    low, mid, high = np.quantile(clean, [0.05, 0.5, 0.95])
    return f"{mid:.{digits}f} [{low:.{digits}f}–{high:.{digits}f}]"


def month_of(date: str, start: str) -> int:
    """Model month of the month ``date`` ('2022-04'), 0 being the start's month."""
    year, month = (int(p) for p in date.split("-")[:2])
    y0, m0 = (int(p) for p in start.split("-")[:2])
    return (year - y0) * 12 + month - m0


def _fmt(value: float, digits: int = 2) -> str:
    return "–" if not np.isfinite(value) else f"{value:.{digits}f}"


def print_header(name: str, scenario: Scenario, policy: Policy, n: int, what: str) -> None:
    devs, est, ag, levers = (
        scenario.developers,
        scenario.establishment,
        scenario.agencies,
        policy.levers,
    )
    print(f"\n{'=' * 100}\n{scenario.scenario.name} ({name}) — policy {policy.id}, {n} replicates")
    if what:
        print(f"  WHAT-IF: {what}")
    print(
        f"  developers: hurdle_ratio {devs.hurdle_ratio:g} (spread {est.hurdle_spread:g}), "
        f"private_entry_pct_per_month {devs.private_entry_pct_per_month:g}, finance capacity "
        f"KCN {devs.finance_capacity_bn_vnd_kcn:g} / CCN {devs.finance_capacity_bn_vnd_ccn:g} bn"
        f" (spread {devs.finance_capacity_spread:g})\n"
        f"  national: {est.national_approval_months_kcn:g} months, "
        f"{est.national_kcn_approvals_per_year} approvals a year, occupancy condition "
        f"{est.min_kcn_occupancy_for_new_kcn_pct} %, queue {est.national_queue_years} yr; "
        f"province: KCN {devs.zone_approval_months_kcn:g}, CCN {devs.zone_approval_months_ccn:g}"
        f" months\n  boards: after {ag.public_developer_after_months:g} months, "
        f"{ag.public_ccn_takeups_per_month} a month, fallback "
        f"{'on' if levers.public_developer_fallback_ccn else 'off'}, allowance "
        f"{levers.public_developer_bn_vnd_per_year:g} bn a year"
    )
    planned = Counter(group(z.kind, z.expands) for z in scenario.all_zones if z.stage == "planned")
    print("  planned sites: " + ", ".join(f"{GROUP_LABELS[g]} {planned[g]}" for g in GROUPS))


def print_years(runs: list[Run], labels: list[str], quota: bool) -> None:
    print(f"\n  By year (median over replicates){'':12}" + "".join(f"{y:>6}" for y in labels))

    def row(label: str, per_run: list, digits: int = 0, mean: bool = False) -> None:
        values = (np.mean if mean else np.median)(np.array(per_run, dtype=float), axis=0)
        print(f"  {label:44}" + "".join(f"{v:>6.{digits}f}" for v in values))

    row("new KCN established (new_zones_kcn)", [r.new["kcn"] for r in runs])
    row("  mean over replicates", [r.new["kcn"] for r in runs], 1, mean=True)
    row("new CCN established (new_zones_ccn)", [r.new["ccn"] for r in runs])
    row("  mean over replicates", [r.new["ccn"] for r in runs], 1, mean=True)
    for g in GROUPS:
        row(f"planned sites taken up: {GROUP_LABELS[g]}, mean", [r.taken[g] for r in runs], 1, True)
    row(
        "established KCN leased, % (December)",
        [100 * np.array(r.watch.kcn_occupancy[11::12]) for r in runs],
    )
    if quota:
        row("national approvals the quota allows, mean", [r.allowed for r in runs], 1, True)
        row("national approvals granted, mean", [r.granted for r in runs], 1, True)
    years = len(labels)
    mid = min(5, years) - 1
    for kind in ("kcn", "ccn"):
        cum = [np.cumsum(r.new[kind]) for r in runs]
        print(
            f"  new {kind.upper()} by {labels[mid]}: {band([c[mid] for c in cum])}; by "
            f"{labels[-1]}: {band([c[-1] for c in cum])}  (median [5–95 %])"
        )


def print_gates(runs: list[Run]) -> None:
    n = len(runs)
    print("\n  Planned sites: zone-months by the gate that held them, mean a replicate")
    print(f"  {'':44}" + "".join(f"{GROUP_LABELS[g]:>10}" for g in GROUPS))
    for gate, label in GATES:
        values = [sum(r.watch.gates[(g, gate)] for r in runs) / n for g in GROUPS]
        print(f"  {label:44}" + "".join(f"{v:>10.1f}" for v in values))
    print("  CCN no private developer took, by district-board gate:")
    for gate, label in BOARD_GATES:
        print(f"    {label:42}{sum(r.watch.board[gate] for r in runs) / n:>10.1f}")
    spent = {p: sum(r.board_spent[p] for r in runs) / n for p in BOARD_PURPOSES}
    if any(spent.values()):
        print(
            "  district boards' allowance spent over the run, bn VND a replicate: "
            + ", ".join(f"{p} {v:.0f}" for p, v in spent.items())
        )

    def pooled(g: str, key: str) -> np.ndarray:
        return np.concatenate([np.asarray(r.watch.stage[g][key], dtype=float) for r in runs])

    def cell(g: str, fn: object, key: str = "ratio") -> str:
        values = pooled(g, key)
        return fn(values) if len(values) else "–"  # type: ignore[operator]

    lines = (
        ("zone-months, mean a replicate", lambda g: _fmt(len(pooled(g, "ratio")) / n, 1)),
        ("pro forma / median hurdle, median", lambda g: cell(g, lambda v: _fmt(np.median(v)))),
        (
            "  share below the median hurdle, %",
            lambda g: cell(g, lambda v: _fmt(100 * np.mean(v < 1), 0)),
        ),
        (
            "  rent / cost undiscounted (R/C), median",
            lambda g: cell(g, lambda v: _fmt(np.median(v)), "margin"),
        ),
        (
            "  years to fill (T), median",
            lambda g: cell(g, lambda v: _fmt(np.median(v), 1), "years"),
        ),
        (
            "P(candidate's hurdle ≤ pro forma), mean",
            lambda g: cell(g, lambda v: _fmt(np.mean(v)), "p_hurdle"),
        ),
        (
            "P(finance ≥ phase-1 works), mean",
            lambda g: cell(g, lambda v: _fmt(np.mean(v)), "p_finance"),
        ),
        (
            "expected private take-ups, mean a replicate",
            lambda g: _fmt(sum(r.watch.expected[g] for r in runs) / n),
        ),
        (
            "months with a site on offer, mean",
            lambda g: _fmt(np.mean([np.isfinite(r.watch.best[g]).sum() for r in runs]), 1),
        ),
        (
            "  of which best site < median hurdle",
            lambda g: _fmt(np.mean([(np.asarray(r.watch.best[g]) < 1).sum() for r in runs]), 1),
        ),
        (
            "shut out nationally at ≥ median hurdle",
            lambda g: _fmt(sum(r.watch.shut_viable[g] for r in runs) / n, 1),
        ),
    )
    print("\n  Candidate stage (on offer, national round open), zone-months of all replicates")
    print(f"  {'':44}" + "".join(f"{GROUP_LABELS[g]:>10}" for g in GROUPS))
    for label, fn in lines:
        print(f"  {label:44}" + "".join(f"{fn(g):>10}" for g in GROUPS))


def print_waits(runs: list[Run]) -> None:
    n = len(runs)
    print("\n  Take-up to establishment decision, months (median [5–95 %] over all replicates)")
    for g in GROUPS:
        waits = [w for r in runs for w in r.waits[g]]
        pending = sum(r.pending[g] for r in runs) / n
        if waits or pending:
            print(
                f"    {GROUP_LABELS[g]:9} {band(waits)} over {len(waits)} establishments; "
                f"still waiting at the horizon {pending:.1f} a replicate"
            )
    national = [w for r in runs for w in r.national_waits]
    if national:
        print(
            f"    new KCN, take-up to national approval {band(national)}; quota waits "
            f"{sum(r.quota_waits for r in runs) / n:.1f}, refusals "
            f"{sum(r.refusals for r in runs) / n:.1f} a replicate"
        )
    mismatches = sum(r.watch.mismatches for r in runs)
    print(f"  (watch check: months whose take-ups differ from the model's events: {mismatches})")


def print_records(
    name: str, path: Path, scenario: Scenario, runs: list[Run], labels: list[str]
) -> None:
    records = dict(shipped_records())
    if scenario.scenario.references:
        records.update({r.id: r for r in listed_records(None, path)})
    start = scenario.scenario.start
    y0 = int(start[:4])
    years = len(labels)
    half = min(5, years)
    pace = national_pace(records)
    stock = stock_at_start(scenario)
    print("\n  Dated records (patterns, not targets)")
    for kind in ("kcn", "ccn"):
        rate, total, text = pace[kind]
        share = stock[kind] / total
        early = np.median([r.new[kind][:half].sum() / half for r in runs])
        late = np.median([r.new[kind][half:].sum() / max(1, years - half) for r in runs])
        print(
            f"    national new {kind.upper()}: {text}\n      × the province's {stock[kind]} at the"
            f" start / {total:g} = {100 * share:.1f} % → {rate * share:.2f} a year; model "
            f"{early:.2f} a year in {labels[0]}–{labels[half - 1]}, {late:.2f} in "
            f"{labels[min(half, years - 1)]}–{labels[-1]} (median)"
        )
    for key, date, ref in DATED_SITES.get(name, ()):
        month = month_of(date, start)
        done = [r.established_month.get(key) for r in runs]
        by_date = np.mean([m is not None and m <= month for m in done])
        by_end = np.mean([m is not None for m in done])
        when = [m for m in done if m is not None]
        median = f"{y0 + np.median(when) / 12:.1f}" if when else "–"
        print(
            f"    {key}: established {date} (ref:{ref}); model: by then in {100 * by_date:.0f} %"
            f" of runs, by {labels[-1]} in {100 * by_end:.0f} % (median year {median})"
        )
    for kind, first, k1, later, k2 in DATED_COUNTS.get(name, ()):
        a, b = records[first], records[later]
        count_a, count_b = a.value[k1], b.value[k2]  # type: ignore[index]
        at = min(month_of("2025-12", start), runs[0].counts[kind].size - 1)
        sites = sum(
            1
            for z in scenario.all_zones
            if z.stage == "planned" and (z.kind == "ccn") == (kind == "ccn")
        )
        print(
            f"    {kind.upper()} established: {count_a:g} ({a.date}, ref:{first}) → {count_b:g} "
            f"({b.date}, ref:{later}): +{count_b - count_a:g}; model {runs[0].counts[kind][0]:g}"
            f" at the start → {band([r.counts[kind][at] for r in runs])} at 2025-12, from "
            f"{sites} planned sites"
        )


def print_sites(runs: list[Run], scenario: Scenario) -> None:
    n = len(runs)
    start = scenario.scenario.start
    end_2025 = month_of("2025-12", start)
    print("\n  Planned sites: % of runs established by 2025-12 / by the horizon / operating at it;")
    print("  main private gates and the board gate, zone-months a replicate")
    for key in runs[0].established_month:
        done = [r.established_month[key] for r in runs]
        by_2025 = 100 * np.mean([m is not None and m <= end_2025 for m in done])
        by_end = 100 * np.mean([m is not None for m in done])
        operating = 100 * np.mean([r.operating[key] for r in runs])
        gates: Counter = Counter()
        for r in runs:
            gates.update(r.watch.by_zone.get(key, Counter()))
        private = [(g, c) for g, c in gates.most_common() if g not in BOARD][:3]
        board = [(g, c) for g, c in gates.most_common() if g in BOARD][:1]
        top = ", ".join(f"{g} {c / n:.0f}" for g, c in private + board)
        print(f"    {key:30}{by_2025:>5.0f}{by_end:>5.0f}{operating:>5.0f}   {top}")


def province(
    name: str,
    policy: Policy,
    replicates: int,
    *,
    sites: bool = False,
    settings: tuple[str, ...] = (),
    levers: tuple[str, ...] = (),
    what_ifs: tuple[str, ...] = (),
) -> list[Run]:
    """Run and print one province; returns its runs."""
    path = ROOT / "scenarios" / f"{name}.yaml"
    scenario = with_settings(load_scenario(path), list(settings))
    runs = [simulate(scenario, policy, s, what_ifs) for s in replicate_seeds(1, replicates)]
    y0 = int(scenario.scenario.start[:4])
    labels = [str(y0 + y) for y in range(len(runs[0].new["kcn"]))]
    what = "; ".join([*settings, *(f"levers.{lever}" for lever in levers), *what_ifs])
    print_header(name, scenario, policy, len(runs), what)
    print_years(runs, labels, scenario.establishment.national_kcn_approvals_per_year is not None)
    print_gates(runs)
    print_waits(runs)
    print_records(name, path, scenario, runs, labels)
    if sites:
        print_sites(runs, scenario)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicates", type=int, default=20)
    parser.add_argument("--policy", default="baseline", help="a package in scenarios/policies/")
    parser.add_argument("--province", choices=PROVINCES, action="append", help="default: all")
    parser.add_argument("--sites", action="store_true", help="one line per planned site")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="BLOCK.FIELD=VALUE",
        help="try another value of a scenario number (repeatable); nothing is written",
    )
    parser.add_argument(
        "--lever",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="try another value of a policy lever (repeatable); nothing is written",
    )
    parser.add_argument("--what-if", action="append", default=[], choices=WHAT_IFS)
    args = parser.parse_args()
    try:
        policy = with_levers(
            load_policy(ROOT / "scenarios" / "policies" / f"{args.policy}.yaml"), args.lever
        )
        for name in args.province or PROVINCES:
            province(
                name,
                policy,
                args.replicates,
                sites=args.sites,
                settings=tuple(args.set),
                levers=tuple(args.lever),
                what_ifs=tuple(args.what_if),
            )
    except ValueError as error:  # a bad --set or --lever (pydantic's errors are ValueErrors)
        parser.error(str(error))


if __name__ == "__main__":
    main()
