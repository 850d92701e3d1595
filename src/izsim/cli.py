"""The ``izsim`` command line.

Bad input never shows a traceback: it is reported as ``file:line: field: message`` on standard
error and the command exits with code 2.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from izsim.errors import InputError, Problem
from izsim.indicators import CATALOGUE
from izsim.scenario.load import load_policy, load_scenario
from izsim.scenario.policy import Policy

app = typer.Typer(
    help="izsim: simulate industrial-zone (KCN/CCN) development in a Vietnamese province and "
    "score it against the province's plan.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out_console = Console()
err_console = Console(stderr=True)

STATUS_STYLE = {"met": "green", "missed": "red", "not_modelled": "dim", "no_value": "yellow"}


def _fail(error: InputError) -> typer.Exit:
    for problem in error.problems:
        err_console.print(f"[bold red]error[/]: {problem}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


def _default_policy(scenario_file: Path) -> Path | None:
    candidate = scenario_file.parent / "policies" / "baseline.yaml"
    return candidate if candidate.is_file() else None


@app.command()
def run(
    scenario: Annotated[
        Path, typer.Argument(help="Scenario YAML file, e.g. scenarios/tuyen_quang.yaml.")
    ],
    policy: Annotated[
        Path | None,
        typer.Option(help="Policy YAML file. Default: policies/baseline.yaml beside the scenario."),
    ] = None,
    seed: Annotated[
        int, typer.Option(min=0, help="Random seed; the same seed gives the same run.")
    ] = 1,
    out: Annotated[
        Path | None,
        typer.Option(help="Folder for timeseries.parquet, scorecard.csv, manifest.json."),
    ] = None,
) -> None:
    """Run one scenario under one policy and print its scorecard against the plan."""
    from izsim.outputs import write_run
    from izsim.run import run as simulate
    from izsim.scorecard import scorecard

    try:
        spec = load_scenario(scenario)
        policy_file = policy or _default_policy(scenario)
        chosen = (
            load_policy(policy_file)
            if policy_file
            else Policy(id="current_practice", name="Current practice")
        )
    except InputError as error:
        raise _fail(error) from None
    result = simulate(spec, chosen, seed)
    card = scorecard(result)
    table = Table(title=f"{spec.scenario.name}: policy '{chosen.id}', seed {seed}")
    for column in ("target", "indicator", "goal", "deadline", "simulated", "status"):
        table.add_column(column, justify="right" if column == "simulated" else "left")
    for row in card.itertuples():
        simulated = "" if math.isnan(row.simulated) else f"{row.simulated:,.1f}"
        goal = f"{row.comparator} {row.target_value}"
        style = STATUS_STYLE[row.status]
        table.add_row(
            row.target, row.indicator, goal, row.deadline, simulated, f"[{style}]{row.status}[/]"
        )
    out_console.print(table)
    counts = card["status"].value_counts()
    out_console.print(
        f"met {counts.get('met', 0)}, missed {counts.get('missed', 0)}, "
        f"not modelled {counts.get('not_modelled', 0)}; simulated in {result.wall_seconds:.2f} s"
    )
    if out is not None:
        if out.exists() and not out.is_dir():
            raise _fail(InputError([Problem(str(out), "", "exists and is not a folder")]))
        paths = write_run(result, out, scenario_file=scenario, policy_file=policy_file)
        out_console.print(f"wrote {', '.join(str(p) for p in paths.values())}")


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Scenario or policy YAML files.")],
) -> None:
    """Check scenario and policy files; report every problem and exit 2 if any."""
    problems: list[Problem] = []
    for path in files:
        is_policy = path.parent.name == "policies"
        try:
            (load_policy if is_policy else load_scenario)(path)
            out_console.print(f"[green]ok[/] {path}", highlight=False)
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise _fail(InputError(problems))


@app.command()
def indicators() -> None:
    """List the indicator catalogue (id, unit, English and Vietnamese label)."""
    table = Table(title="izsim indicators")
    for column in ("id", "unit", "label", "nhãn"):
        table.add_column(column)
    for item in CATALOGUE.values():
        table.add_row(item.id, item.unit, item.label_en, item.label_vi)
    out_console.print(table)


def main() -> None:
    """Entry point of the ``izsim`` script."""
    try:
        app()
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
