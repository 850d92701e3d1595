"""Look at the four baselines: each province under current practice, 20 replicates, with its
report (fan charts, zone timeline, KCN/CCN panels…) and a table of the patterns a land-use
modeller checks first, beside the national record.

    .venv/bin/python experiments/baselines.py [--replicates 20] [--workers N] [--lang en]

Writes results/baselines/<province>/ (a comparison folder with its report) and prints the table
(with the rent path and the share of 2021–25 output growth that the fixed trend of existing
industry supplies).
Run it after every change to the model's behaviour and open the figures. Interrupted? Run it
again: finished runs are kept.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np

from izsim.errors import run_script
from izsim.experiments import compare
from izsim.model.reinvestment import trend_shares
from izsim.present.language import indicator_label
from izsim.present.observed import for_indicator
from izsim.present.report import write_report
from izsim.present.results import Results, load_results
from izsim.scenario.sources import reference_records

ROOT = Path(__file__).resolve().parents[1]
PROVINCES = ("tuyen_quang", "ha_nam", "hung_yen", "nghe_an", "hai_duong")
PATTERNS = (  # (row label, indicator) read at the end of 2025 and 2030
    ("occupancy of operating KCN {year}, %", "occupancy_rate_kcn"),
    ("occupancy of operating CCN {year}, %", "occupancy_rate_ccn"),
    ("operating KCN with a plant {year}, %", "wwtp_share_kcn"),
    ("operating CCN with a plant {year}, %", "wwtp_share_ccn"),
    ("untreated industrial wastewater {year}, %", "wastewater_untreated_pct"),
    ("operating KCN with compliant plant {year}, %", "wwtp_compliance_kcn"),
    ("operating CCN with compliant plant {year}, %", "wwtp_compliance_ccn"),
    ("new KCN by {year}", "new_zones_kcn"),
    ("new CCN by {year}", "new_zones_ccn"),
    ("industry share of workforce {year}, %", "industry_labour_share"),
    ("land used outside zones by {year}, ha", "land_outside_zones_ha"),
    ("zones taken over by a new developer by {year}", "zones_sold"),
)


def band(values: np.ndarray) -> str:
    """Median [5–95 %] of the replicates' values (NaN where no zone of the kind operates)."""
    clean = values[~np.isnan(values)]
    if not len(clean):
        return "–"
    low, mid, high = np.quantile(clean, [0.05, 0.5, 0.95])
    return f"{mid:.0f} [{low:.0f}–{high:.0f}]"


def at(results: Results, indicator: str, month: str) -> np.ndarray:
    return results.series(indicator, results.reference)[:, results.month_position(month)]


def rows(results: Results) -> list[tuple[str, str]]:
    """The patterns of one baseline."""
    growth_2021 = at(results, "industrial_output_growth", "2021-12")
    out = []
    for year in ("2025", "2030"):
        month = f"{year}-12"
        out += [
            (label.format(year=year), band(at(results, indicator, month)))
            for label, indicator in PATTERNS
        ]
    rents = [float(np.nanmedian(at(results, "rent_usd_m2", f"{y}-12"))) for y in (2021, 2025, 2030)]
    out.append(
        (
            "rent of operating zones 2021 / 2025 / 2030, USD/m²",
            " / ".join(f"{r:.0f}" for r in rents),
        )
    )
    # The fixed part of existing industry's trend (economy.existing_output_growth_pct less the
    # share capital increases supply, reinvestment.share_pct) follows from the scenario alone.
    economy = results.scenario.economy
    base = economy.industrial_output_base_bn_vnd
    fixed = 1 - trend_shares(results.scenario)[0]
    trend = fixed * base * ((1 + economy.existing_output_growth_pct / 100) ** 5 - 1)
    gained = at(results, "industrial_output_bn_vnd", "2025-12") - base
    out.append(
        ("share of 2021–25 output growth from the fixed trend, %", band(100 * trend / gained))
    )
    spread = np.quantile(growth_2021, [0.05, 0.95])
    out.append(
        (
            "2021 output growth, 5–95 % over replicates, %",
            f"{spread[0]:.2f}–{spread[1]:.2f} (width {spread[1] - spread[0]:.2f})",
        )
    )
    return out


def _span(numbers: list[float]) -> str:
    low, high = round(min(numbers)), round(max(numbers))
    return f"{low}" if low == high else f"{low}–{high}"


def national() -> list[tuple[str, str]]:
    """The national record the table is read against: the observations the figures draw
    (``izsim.present.observed``, from shared/data), and the rent surveys."""
    out = []
    for indicator in (
        "occupancy_rate_kcn",
        "occupancy_rate_ccn",
        "wwtp_share_kcn",
        "wwtp_share_ccn",
    ):
        found = [o for o in for_indicator("", indicator) if o.scope == "national"]
        values = [o.value for o in found]
        years = [int(o.year - 1e-9) for o in found]  # decimal year at the end of a month
        span = _span(years)
        note = f"; {found[0].note}" if found[0].note else ""
        out.append(
            (
                f"{indicator_label(indicator, 'en')}, {span}",
                f"{_span(values)} % ({len(found)} record{'s' if len(found) > 1 else ''}{note})",
            )
        )
    records = reference_records()
    out.append(
        (
            "land rent, USD/m² per lease term (market surveys of key provinces)",
            f"north {records['rent_north_2020q1']['value']} (2020), "
            f"{records['rent_north_2022']['value']} (2022); "
            f"central {records['rent_central_2022']['value']} (2022)",
        )
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicates", type=int, default=20)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--lang", default="both", choices=["en", "vi", "both"])
    parser.add_argument("--no-report", action="store_true", help="only the table")
    args = parser.parse_args()
    table: dict[str, dict[str, str]] = {}
    for province in PROVINCES:
        out = ROOT / "results" / "baselines" / province
        compare(
            ROOT / "scenarios" / f"{province}.yaml",
            ["baseline"],
            replicates=args.replicates,
            seed=1,
            workers=args.workers,
            out=out,
            quiet=True,
        )
        if not args.no_report:
            langs = ["en", "vi"] if args.lang == "both" else [args.lang]
            write_report(out, langs=langs)  # type: ignore[arg-type]
        for name, value in rows(load_results(out)):
            table.setdefault(name, {})[province] = value
        print(f"{province}: results/baselines/{province}/", flush=True)
    width = max(len(name) for name in table)
    print(f"\nBaselines, {args.replicates} replicates: median [5–95 %]\n")
    print(f"{'':{width}}  " + "  ".join(f"{p:>16}" for p in PROVINCES))
    for name, by_province in table.items():
        print(f"{name:{width}}  " + "  ".join(f"{by_province[p]:>16}" for p in PROVINCES))
    print("\nNational record (shared/data):")
    for name, value in national():
        print(f"  {name}: {value}")


if __name__ == "__main__":
    run_script(main)  # e.g. a folder made by other code: said, exit 2
