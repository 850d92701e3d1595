"""Every policy package of a province at equal public budget: what ``experiments/`` scripts run.

The budget is a share of the province's programme budget (``agencies.budget_bn_vnd_per_year``):
two thirds by default, an assumption chosen so that every package can reach it (the budget caps
spending) while the richest packages are cut back and the cheapest scaled up.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from izsim.errors import InputError, print_problems
from izsim.experiments.compare import CompareResult, compare
from izsim.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = (
    "baseline",
    "infrastructure_first",
    "incentives_first",
    "regulation_first",
    "admin_reform",
    "balanced",
)
BUDGET_SHARE = 2 / 3


def compare_all_packages(
    province: str,
    *,
    replicates: int = 20,
    seed: int = 1,
    workers: int | None = None,
    quiet: bool = False,
    budget_share: float = BUDGET_SHARE,
    scenarios: Path = ROOT / "scenarios",
    out: Path | None = None,
) -> CompareResult:
    """Compare the six packages on ``scenarios/<province>.yaml`` at equal public budget."""
    scenario_file = scenarios / f"{province}.yaml"
    budget = budget_share * load_scenario(scenario_file).agencies.budget_bn_vnd_per_year
    return compare(
        scenario_file,
        list(PACKAGES),
        replicates=replicates,
        seed=seed,
        workers=workers,
        quiet=quiet,
        budget_bn_vnd_per_year=budget,
        out=out or ROOT / "results" / province,
        console=Console(stderr=True),
    )


def at_least(low: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``low`` (argparse exits 2 otherwise)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"{value} is below {low}")
        return value

    return parse


def folder_or_absent(text: str) -> Path:
    """An argparse type for a results folder (``--out``): a folder, or a path not yet taken
    (argparse exits 2 on a file there, which no folder can be made at)."""
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"'{text}' is a file; give a folder (or a new path)")
    return path


def main(province: str, argv: list[str] | None = None) -> int:
    """Command line of an ``experiments/compare_<province>.py`` script."""
    parser = argparse.ArgumentParser(
        description=f"{province}: all policy packages at equal public budget "
        f"(results/{province}/). Interrupted? Run it again to finish."
    )
    parser.add_argument("--replicates", type=at_least(1), default=20)
    parser.add_argument("--seed", type=at_least(0), default=1)
    parser.add_argument("--workers", type=at_least(1), default=None)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    try:
        result = compare_all_packages(
            province,
            replicates=args.replicates,
            seed=args.seed,
            workers=args.workers,
            quiet=args.quiet,
        )
    except InputError as error:
        print_problems(error)
        return 2
    except KeyboardInterrupt:
        print("interrupted: finished runs are saved; run the same command again", file=sys.stderr)
        return 130
    card = result.scorecard[result.scorecard["status"] == "modelled"]
    table = card.pivot(index="target", columns="policy", values="probability")
    print(f"Probability of meeting each target ({province}, {args.replicates} replicates):")
    print(table[[p for p in PACKAGES if p in table.columns]].round(2).to_string())
    print()
    print(result.cost_effectiveness.set_index("policy").round(2).T.to_string())
    print("scale factors:", {k: round(v, 3) for k, v in result.scale_factors.items()})
    for line in result.warnings:
        print("warning:", line, file=sys.stderr)
    print(f"wrote {result.out}/")
    return 0
