"""Observed values to draw beside simulated ones, from the reference data
(``izsim/data/vn_zones_reference.yaml``, a copy of ``shared/data``).

Each :class:`Observation` says which record it comes from and whether it is the province's own
figure or a national pattern, so a figure can label it honestly. Only records that measure the
same thing as an indicator are used; near misses are left out (listed in ``LEFT_OUT`` with the
reason), since a point that looks like history but is not would mislead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from izsim.scenario.sources import reference_records


@dataclass(frozen=True)
class Observation:
    """One observed value of an indicator.

    Attributes:
        indicator: the catalogue id it is comparable with.
        record: the reference record id.
        value: the value, in the indicator's unit.
        year: the date as a decimal year (mid-point when only a span is known).
        span: (first, last) decimal year when the record is undated within a span, else None.
        scope: ``province`` (the scenario's own province) or ``national``.
        note: what differs from the indicator's definition, if anything.
    """

    indicator: str
    record: str
    value: float
    year: float
    span: tuple[float, float] | None
    scope: str
    note: str = ""


_STATED_SHARE = re.compile(r"=\s*(\d+(?:\.\d+)?)\s*%")
# Records of national patterns: (indicator, record id, decimal year, note).
_NATIONAL: tuple[tuple[str, str, float, str], ...] = (
    ("occupancy_rate_kcn", "nat_kcn_2016_occ_op", 2016.5, ""),
    ("occupancy_rate_kcn", "nat_kcn_2018_occ_op", 2019.0, ""),
    ("occupancy_rate_kcn", "nat_kcn_2019h1_occ_op", 2019.5, ""),
    ("occupancy_rate_kcn", "nat_kcn_2019q3_occ_op", 2019.75, ""),
    ("occupancy_rate_kcn", "nat_kcn_2020h1_occ_op", 2020.5, ""),
    ("occupancy_rate_kcn", "nat_kcn_2022_occ_op", 2022.5, ""),
    ("occupancy_rate_kcn", "nat_kcn_2023oct_occ_op", 2023.83, ""),
    ("occupancy_rate_kcn", "nat_kcn_2023_occ_op", 2024.0, ""),
    ("occupancy_rate_ccn", "nat_ccn_2021_occ", 2021.25, ""),
    ("wwtp_share_ccn", "nat_ccn_2021_wwtp_share", 2021.25, ""),
)
# Shares of a count: (indicator, record id, the count it is a share of — None when the record
# states the share in its unit, "(=88%)" — decimal year, note).
_NATIONAL_SHARES: tuple[tuple[str, str, float | None, float, str], ...] = (
    ("wwtp_share_kcn", "nat_kcn_2019h1_wwtp", 251, 2019.5, ""),
    ("wwtp_share_kcn", "nat_kcn_2019q3_wwtp", 256, 2019.75, ""),
    ("wwtp_share_kcn", "nat_kcn_2020q1_wwtp", None, 2020.25, ""),
    ("wwtp_share_kcn", "nat_kcn_2020_monre_wwtp", None, 2020.25, ""),
    ("wwtp_share_ccn", "nat_ccn_2018_wwtp", 680, 2018.83, ""),
)
# The province's own records: scenario id -> (indicator, record id, decimal year, note).
_PROVINCE: dict[str, tuple[tuple[str, str, float, str], ...]] = {
    "ha_nam": (
        ("occupancy_rate_kcn", "hn_kcn_2020_occ", 2021.0, ""),
        ("industrial_output_bn_vnd", "hn_ipv_2020", 2021.0, "price basis not stated"),
    ),
}
LEFT_OUT = {
    "hn_kcn_workers_2019": "workers in KCN only, not all industrial jobs",
    "hy_grdp_2020": "industry and construction together, not industry's share",
    "tq_ipv_target_2020": "a target for 2020, not an outcome",
    "hy_iip_2020_9m": "nine-month production index growth, not annual output growth",
}


def _first_number(value: object) -> float:
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, list):
        return float(value[0])
    raise ValueError(f"no number in {value!r}")


def _hung_yen_kcn_occupancy() -> Observation:
    """Leased over leasable land of the nine operating KCN in the IZ Board's undated list."""
    records = [r for r in reference_records().values() if r["id"].startswith("hy_kcn_")]
    zones = [r["value"] for r in records if isinstance(r["value"], dict)]
    leasable = sum(z["leasable_ha"] for z in zones)
    leased = sum(z["leasable_ha"] * z["occupancy_pct"] / 100 for z in zones)
    return Observation(
        indicator="occupancy_rate_kcn",
        record=", ".join(r["id"] for r in records if isinstance(r["value"], dict)),
        value=100 * leased / leasable,
        year=2022.0,
        span=(2021.0, 2023.0),
        scope="province",
        note=f"{len(zones)} operating KCN, undated list (c. 2021–2022)",
    )


def observations(scenario_id: str) -> list[Observation]:
    """Every observation for the scenario's province and the national patterns."""
    records = reference_records()
    found = [
        Observation(ind, rid, _first_number(records[rid]["value"]), year, None, "national", note)
        for ind, rid, year, note in _NATIONAL
    ]
    for ind, rid, of, year, note in _NATIONAL_SHARES:
        record = records[rid]
        if of is None:
            stated = _STATED_SHARE.search(str(record["unit"]))
            if stated is None:
                raise ValueError(f"record {rid} states no share in its unit")
            share = float(stated.group(1))
        else:
            share = 100 * _first_number(record["value"]) / of
        found.append(Observation(ind, rid, share, year, None, "national", note))
    for ind, rid, year, note in _PROVINCE.get(scenario_id, ()):
        value = _first_number(records[rid]["value"])
        found.append(Observation(ind, rid, value, year, None, "province", note))
    if scenario_id == "hung_yen":
        found.append(_hung_yen_kcn_occupancy())
    return found


def for_indicator(scenario_id: str, indicator: str) -> list[Observation]:
    """The observations comparable with ``indicator``."""
    return [o for o in observations(scenario_id) if o.indicator == indicator]
