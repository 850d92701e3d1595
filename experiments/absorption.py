"""Land demand against recorded absorption: is a province's zone land taken up at the pace the
records allow, or filled by a demand it never had?

    .venv/bin/python experiments/absorption.py [--replicates 10] [--policy baseline]

Per province, under one policy, by year 2021–2030, median over replicates:

- unconstrained demand: the hectares a year that prospects would lease in zones if every zone
  not given up had room (the model's ``recent_demand``, docs/model.md §2.2);
- realised leasing: hectares a year leased into KCN (high-tech zones included), into CCN and
  outside zones (projects already building at the start left out);

beside the absorption the records allow for the province (ha a year, central [low–high]), whose
derivation is printed with it. Nothing is written. The recorded figures are a pattern to fit
the level of demand to (``investors.prospects_per_month``), never a plan target.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from izsim.experiments.design import replicate_seeds
from izsim.experiments.trials import with_trial_values
from izsim.model.investor import Investor
from izsim.model.model import IZModel
from izsim.scenario import load_policy, load_scenario
from izsim.scenario.schema import Scenario
from izsim.scenario.sources import reference_records

ROOT = Path(__file__).resolve().parents[1]
PROVINCES = ("tuyen_quang", "ha_nam", "hung_yen", "nghe_an", "hai_duong")
YEARS = tuple(range(2021, 2031))
SERIES = ("demand", "kcn", "ccn", "outside", "projects")
PLACES = ("kcn", "ccn", "outside")
HALVES = (slice(0, 5), slice(5, 10))  # 2021–25 and 2026–30 in YEARS
# Hưng Yên's KCN listed with leasable land and occupancy (BQL các KCN Hưng Yên, c.2021–2022)
HY_KCN = (
    "hy_kcn_Phố_Nối_A",
    "hy_kcn_Dệt_may_Phố_Nối",
    "hy_kcn_Thăng_Long_II",
    "hy_kcn_Minh_Đức",
    "hy_kcn_Minh_Quang",
    "hy_kcn_Yên_Mỹ",
    "hy_kcn_Yên_Mỹ_II",
    "hy_kcn_Sạch",
    "hy_kcn_Số_5",
)


@dataclass(frozen=True)
class Recorded:
    """Absorption the records allow for one province, ha a year, with how it was derived.

    ``kcn`` and ``ccn`` are (low, high) ranges; ``zones`` is the range demand into zones is
    fitted to, their sum unless a province's own project records widen it.
    """

    kcn: tuple[float, float]
    ccn: tuple[float, float]
    zones: tuple[float, float]
    derivation: str

    @property
    def central(self) -> float:
        """Central figure for zones: the middle of the range (the derivations are not ranked)."""
        return (self.zones[0] + self.zones[1]) / 2


def _decimal_year(date: str) -> float:
    """'2016-06' → 2016.5 (the end of the month the record is dated)."""
    year, month = date.split("-")[:2]
    return int(year) + int(month) / 12


def by_year(
    demand: Iterable[tuple[int, float]],
    leases: Iterable[tuple[float, str, float]],
    start_year: int,
    years: tuple[int, ...] = YEARS,
) -> dict[str, np.ndarray]:
    """Hectares a year by series and calendar year, from one run's monthly records.

    Args:
        demand: (model month, ha) of each month's unconstrained demand (month 0 = January of
            ``start_year``).
        leases: (model month, where, ha) of each lease, ``where`` one of ``kcn``, ``ccn``,
            ``outside``; the month may be fractional (a lease signed within a month).
        start_year: calendar year of model month 0 (scenarios start in January).
        years: the calendar years to report.

    Returns:
        Series name → value in each of ``years``: ``demand``, ``kcn``, ``ccn``, ``outside`` in
        ha, ``projects`` the number of leases (all places); records outside those years are
        left out.
    """
    out = {name: np.zeros(len(years)) for name in SERIES}
    first = years[0]

    def add(series: str, month: float, ha: float) -> None:
        position = start_year + int(month // 12) - first
        if 0 <= position < len(years):
            out[series][position] += ha

    for month, ha in demand:
        add("demand", month, ha)
    for month, where, ha in leases:
        if where not in PLACES:
            raise ValueError(f"lease place '{where}' is not one of {', '.join(PLACES)}")
        add(where, month, ha)
        add("projects", month, 1.0)
    return out


def simulate(scenario: Scenario, policy: object, seed: int) -> dict[str, np.ndarray]:
    """One run's demand and leasing by year (:func:`by_year`)."""
    model = IZModel(scenario, policy, seed)  # type: ignore[arg-type]
    demand: list[tuple[int, float]] = []
    seen = -1
    while model.running:
        model.step()
        # the window keeps 12 months, so every month's entry is read before it is dropped
        for month, ha in model.recent_demand:
            if month > seen:
                demand.append((month, ha))
                seen = month
    leases = [
        (
            float(a.lease_month),
            "outside" if a.zone is None else ("kcn" if a.zone.is_kcn else "ccn"),
            a.land_ha,
        )
        for a in model.agents
        if isinstance(a, Investor) and a.lease_month is not None and not a.licensed_before_start
    ]
    return by_year(demand, leases, int(scenario.scenario.start[:4]))


def national_kcn_rate(records: dict[str, dict]) -> tuple[float, str]:
    """National KCN absorption, ha a year: the change of leased land between two MPI counts."""
    a, b = records["nat_kcn_2016_leased"], records["nat_kcn_2023_leased"]
    span = _decimal_year(b["date"]) - _decimal_year(a["date"])
    rate = (b["value"] - a["value"]) / span
    text = (
        f"national KCN leased land {a['value']:,} ha ({a['date']}, ref:{a['id']}) → "
        f"{b['value']:,} ha ({b['date']}, ref:{b['id']}): {rate:,.0f} ha/yr over {span:.1f} yr"
    )
    return rate, text


def national_leased_at(records: dict[str, dict], year: float) -> float:
    """National KCN leased land at a decimal year, linear between the two MPI counts."""
    a, b = records["nat_kcn_2016_leased"], records["nat_kcn_2023_leased"]
    ya, yb = _decimal_year(a["date"]), _decimal_year(b["date"])
    return a["value"] + (b["value"] - a["value"]) * (year - ya) / (yb - ya)


def national_ccn_rate(records: dict[str, dict]) -> tuple[float, str]:
    """National CCN absorption, ha a year: new CCN area a year times the 2021 occupancy.

    No record gives CCN leased land twice, so leasing is taken to keep pace with area at the
    recorded occupancy (an assumption: occupancy about steady).
    """
    a, b = records["nat_ccn_2018_area"], records["nat_ccn_2021_area"]
    occ = records["nat_ccn_2021_occ"]
    span = _decimal_year(b["date"]) - _decimal_year(a["date"])
    rate = (b["value"] - a["value"]) / span * occ["value"] / 100
    text = (
        f"national CCN area {a['value']:,} ha ({a['date']}, ref:{a['id']}) → {b['value']:,} ha "
        f"({b['date']}, ref:{b['id']}) × occupancy {occ['value']} % (ref:{occ['id']}): "
        f"{rate:,.0f} ha/yr (assumption: leasing keeps pace with area)"
    )
    return rate, text


def recorded(name: str, scenario: Scenario, records: dict[str, dict]) -> Recorded:
    """The absorption the records allow for province ``name`` (derivation in the text)."""
    nat, nat_text = national_kcn_rate(records)
    nat_ccn, nat_ccn_text = national_ccn_rate(records)
    start = int(scenario.scenario.start[:4])
    leased_start = {"kcn": 0.0, "ccn": 0.0, "ccn_area": 0.0}
    for zone in scenario.zones:
        leased = zone.area_ha * zone.leasable_pct / 100 * zone.occupancy_pct / 100
        if zone.kind == "ccn":
            leased_start["ccn"] += leased
            leased_start["ccn_area"] += zone.area_ha if zone.stage == "operating" else 0.0
        else:
            leased_start["kcn"] += leased
    ccn_share = leased_start["ccn_area"] / records["nat_ccn_2021_area"]["value"]
    ccn_mid = nat_ccn * ccn_share
    ccn_text = (
        f"CCN: {nat_ccn_text}; × the province's share of national CCN area, "
        f"{leased_start['ccn_area']:,.0f} ha operating at the start (scenario) / "
        f"{records['nat_ccn_2021_area']['value']:,} ha = {100 * ccn_share:.2f} % → "
        f"{ccn_mid:.0f} ha/yr; range ×0.5–×2 (assumption: a province's CCN need not follow "
        f"its share of area)"
    )
    lines = [f"national: {nat_text}"]
    if name == "ha_nam":
        area, occ = records["hn_kcn_2020_area"], records["hn_kcn_2020_occ"]
        n = records["hn_kcn_2020_n"]
        fdi = records["hn_fdi_kcn_2020"]
        leasable = 372 / (1 - occ["value"] / 100)  # 372 ha vacant: hn_kcn_2020_occ's note
        leased = leasable * occ["value"] / 100
        share = leased / national_leased_at(records, 2021.0)
        low = nat * share
        projects = fdi["value"] + 175  # + 175 domestic projects: hn_fdi_kcn_2020's note
        per_project = leased / projects
        high = 50 * per_project * projects / fdi["value"]  # 50 FDI projects in 2019
        lines += [
            f"Hà Nam KCN: {n['value']} KCN on {area['value']:,} ha (ref:{n['id']}, "
            f"ref:{area['id']}), {occ['value']} % leased with ~372 ha vacant (ref:{occ['id']}): "
            f"{leasable:,.0f} leasable, {leased:,.0f} ha leased in 2020",
            f"  low: share of national leased land at 2021.0, {leased:,.0f} / "
            f"{national_leased_at(records, 2021.0):,.0f} = {100 * share:.2f} % × national "
            f"{nat:,.0f} = {low:.0f} ha/yr",
            f"  high: 50 new FDI projects in 2019 (ref:hn_kcn_workers_2019) × "
            f"{per_project:.2f} ha a project ({leased:,.0f} ha / {projects} projects, "
            f"ref:{fdi['id']}) × {projects}/{fdi['value']} for domestic projects = "
            f"{high:.0f} ha/yr",
        ]
    elif name == "hung_yen":
        zones = [records[i]["value"] for i in HY_KCN]
        leased = sum(z["leasable_ha"] * z["occupancy_pct"] / 100 for z in zones)
        share = leased / national_leased_at(records, 2021.5)
        low = nat * share
        cbre = records["occ_cbre_2023_north"]
        # >800 ha in 2023 (+37 %: ~584 in 2022) across about five northern tier-1 markets
        high = 800 / 5
        lines += [
            f"Hưng Yên KCN: {len(zones)} operating KCN c.2021–2022 "
            f"({', '.join('ref:' + i for i in HY_KCN[:2])} … ref:{HY_KCN[-1]}): "
            f"Σ leasable × occupancy = {leased:,.0f} ha leased",
            f"  low: share of national leased land at 2021.5, {leased:,.0f} / "
            f"{national_leased_at(records, 2021.5):,.0f} = {100 * share:.2f} % × national "
            f"{nat:,.0f} = {low:.0f} ha/yr",
            f"  high: northern tier-1 absorption >800 ha in 2023, ~584 in 2022 "
            f"(ref:{cbre['id']}), over about five markets of which Hưng Yên is one = "
            f"{high:.0f} ha/yr (assumption: an equal share; 117 in 2022)",
            "  (ref:hy_kcn_2020 counts only 3 operating KCN in 2020-06 against 9 c.2021–22; "
            "read as 6 zones filling 313 ha in 1.5–2.5 yr it would give 165–275 ha/yr, but "
            "those zones had tenants before the count, so it is no bound)",
        ]
    else:
        leased = leased_start["kcn"]
        share = leased / national_leased_at(records, float(start))
        mid = nat * share
        low, high = 0.7 * mid, 1.5 * mid
        lines += [
            f"{scenario.scenario.name} KCN: no record of the province's leased land over time; "
            f"national pattern × the province's share of national leased land at {start}.0, "
            f"{leased:,.0f} ha leased in its KCN at the start (scenario) / "
            f"{national_leased_at(records, float(start)):,.0f} = {100 * share:.2f} % → "
            f"{mid:.0f} ha/yr; range ×0.7–×1.5 (assumption: the 2021–23 northern FDI boom "
            f"(ref:occ_cbre_2023_north +37 %) above, slower filling below)",
        ]
    lines.append(ccn_text)
    ccn = (ccn_mid / 2, ccn_mid * 2)
    zones = (low + ccn[0], high + ccn[1])
    if name == "tuyen_quang":
        # One small KCN at the start says little of what the province can absorb: its project
        # records do (all sites, in zones or not), at the ha a project of Hà Nam's record.
        per_project = hn_ha_per_project(records)
        high_projects = records["tq_inv_2021"]["value"] * per_project
        zones = (zones[0], max(zones[1], high_projects))
        lines.append(
            f"Tuyên Quang, own records: 37 projects in 2015–2020, ~7 a year (plan:tq_nq_2021 "
            f"§I), 24 in 2021 (ref:tq_inv_2021) × {per_project:.2f} ha a project (Hà Nam's "
            f"KCN, ref:hn_fdi_kcn_2020) = {7 * per_project:.0f}–{high_projects:.0f} ha/yr, "
            f"all sites; the zones' high end is raised to {zones[1]:.0f}"
        )
    return Recorded((low, high), ccn, zones, "\n".join(lines))


def hn_ha_per_project(records: dict[str, dict]) -> float:
    """Hectares a project in Hà Nam's KCN, 2020: leased land over valid projects."""
    occ = records["hn_kcn_2020_occ"]
    leased = 372 / (1 - occ["value"] / 100) * occ["value"] / 100  # 372 ha vacant: occ's note
    return leased / (records["hn_fdi_kcn_2020"]["value"] + 175)  # + 175 domestic: its note


def with_values(scenario: Scenario, settings: list[str]) -> Scenario:
    """The scenario with ``investors.<field>=<value>`` settings applied, sourced as trials
    (:func:`izsim.experiments.trials.with_trial_values`)."""
    return with_trial_values(
        scenario, settings, script="experiments/absorption.py", blocks=("investors",)
    )


def province(name: str, policy_name: str, replicates: int, settings: list[str]) -> None:
    """Print one province's table and its recorded absorption."""
    scenario = with_values(load_scenario(ROOT / "scenarios" / f"{name}.yaml"), settings)
    policy = load_policy(ROOT / "scenarios" / "policies" / f"{policy_name}.yaml")
    runs = [simulate(scenario, policy, seed) for seed in replicate_seeds(1, replicates)]
    record = recorded(name, scenario, reference_records())
    inv = scenario.investors
    print(
        f"\n{scenario.scenario.name} — prospects_per_month {inv.prospects_per_month:g}, "
        f"outside_province_utility {inv.outside_province_utility:g}; ha/yr, median over "
        f"{replicates} replicates"
    )
    print(f"{'':28}" + "".join(f"{y:>7}" for y in YEARS) + f"{'2021–25':>9}{'2026–30':>9}")
    labels = {
        "demand": "unconstrained demand, zones",
        "kcn": "leased into KCN",
        "ccn": "leased into CCN",
        "outside": "leased outside zones",
        "projects": "projects leasing (count)",
    }
    values = {series: np.array([run[series] for run in runs]) for series in labels}
    values["zones"] = values["kcn"] + values["ccn"]
    labels["zones"] = "leased into zones"
    for series, label in labels.items():
        yearly = np.median(values[series], axis=0)
        halves = [np.median(values[series][:, part].mean(axis=1)) for part in HALVES]
        print(
            f"{label:28}"
            + "".join(f"{v:>7.0f}" for v in yearly)
            + "".join(f"{v:>9.0f}" for v in halves)
        )
    ratios = [
        np.median(values["zones"][:, part].sum(1) / values["demand"][:, part].sum(1))
        for part in HALVES
    ]
    print(f"{'leased into zones / demand':28}{'':>70}" + "".join(f"{r:>9.2f}" for r in ratios))
    low, high = record.zones
    print(
        f"recorded absorption into zones: {record.central:.0f} [{low:.0f}–{high:.0f}] ha/yr "
        f"(KCN {record.kcn[0]:.0f}–{record.kcn[1]:.0f}, CCN {record.ccn[0]:.0f}–"
        f"{record.ccn[1]:.0f}); demand 2021–25 / recorded: "
        f"{np.median(values['demand'][:, HALVES[0]].mean(axis=1)) / record.central:.2f}"
    )
    for line in record.derivation.splitlines():
        print(f"  {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicates", type=int, default=10)
    parser.add_argument("--policy", default="baseline", help="a package in scenarios/policies/")
    parser.add_argument("--province", choices=PROVINCES, action="append", help="default: all")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="investors.FIELD=VALUE",
        help="try another value of an investors number (repeatable); nothing is written",
    )
    args = parser.parse_args()
    for name in args.province or PROVINCES:
        try:
            province(name, args.policy, args.replicates, args.set)
        except ValueError as error:  # a bad --set (pydantic's errors are ValueErrors too)
            parser.error(str(error))


if __name__ == "__main__":
    main()
