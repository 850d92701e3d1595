"""The ``izsim`` command line.

Bad input never shows a traceback: it is reported as ``file:line: field: message`` on standard
error and the command exits with code 2.
"""

from __future__ import annotations

import contextlib
import json
import math
import sys
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from izsim.errors import InputError, Problem, check_path, printable
from izsim.indicators import CATALOGUE
from izsim.scenario.load import load_policy, load_scenario, read_yaml, resolve_policy
from izsim.scenario.policy import Policy
from izsim.scenario.schema import Scenario

app = typer.Typer(
    help="izsim: simulate industrial-zone (KCN/CCN) development in a Vietnamese province and "
    "score it against the province's plan.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Wide enough for the scorecard when output goes to a file or a CI log (rich assumes 80).
out_console = Console(width=None if sys.stdout.isatty() else 120)
err_console = Console(stderr=True)

STATUS_STYLE = {"met": "green", "missed": "red", "not_modelled": "dim", "no_value": "yellow"}
RUN_FAILED = 1
"""Exit code of a run that failed although its input was valid (2 is bad input)."""
NO_SUCCESSFUL_RUN = 3
"""Exit code of a comparison in which some policy has no successful run."""

StrictOption = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Treat plausibility warnings (a percentage written as a fraction, a region no zone"
        " has, a plan the scenario does not list...) as errors.",
    ),
]


def _text(value: object) -> str:
    """User text (file names, values, messages) safe to print: rich markup in it is escaped,
    so `[a-z]` or a folder `[draft]` shows as written, and bytes that are not UTF-8 are
    replaced."""
    return escape(printable(str(value)))


def _fail(error: InputError) -> typer.Exit:
    for problem in error.problems:
        err_console.print(f"[bold red]error[/]: {_text(problem)}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


def _warn(problems: list[Problem], *, strict: bool) -> None:
    """Print plausibility warnings; with ``--strict`` they are errors (exit 2)."""
    if strict and problems:
        raise _fail(InputError(problems))
    for problem in problems:
        err_console.print(f"[yellow]warning[/]: {_text(problem)}", highlight=False, soft_wrap=True)


def _write_failed(exc: OSError, where: Path) -> typer.Exit:
    """Disk full, a read-only folder: a message and exit 2, not a traceback."""
    name = exc.filename or where
    reason = exc.strerror or str(exc)
    return _fail(InputError([Problem(str(name), "", f"cannot be written: {reason}")]))


def _is_policy(path: Path) -> bool:
    """A policy file has ``levers`` and no ``scenario`` block; in doubt, its folder decides."""
    try:
        data, _ = read_yaml(path)
    except InputError:
        return path.parent.name == "policies"  # loading it again reports the problem
    if isinstance(data, dict) and ("scenario" in data or "levers" in data):
        return "scenario" not in data
    return path.parent.name == "policies"


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
    strict: StrictOption = False,
) -> None:
    """Run one scenario under one policy and print its scorecard against the plan."""
    from izsim.outputs import folder_lock, refuse_compare_folder
    from izsim.scenario.plausibility import policy_warnings, scenario_warnings

    try:
        for path, what in ((scenario, "scenario"), (policy, "--policy"), (out, "--out")):
            if path is not None:
                check_path(path, what)
        baseline = resolve_policy("baseline", scenario)
        policy_file = policy or (baseline if baseline.is_file() else None)
        # both files are read before either is refused: all their problems in one pass
        problems: list[Problem] = []
        try:
            spec = load_scenario(scenario)
        except InputError as error:
            problems += error.problems
        try:
            chosen = (
                load_policy(policy_file)
                if policy_file
                else Policy(id="current_practice", name="Current practice")
            )
        except InputError as error:
            problems += error.problems
        if problems:
            raise InputError(problems)
        warnings = scenario_warnings(scenario, spec)
        if policy_file is not None:
            warnings += policy_warnings(policy_file, chosen)
    except InputError as error:
        raise _fail(error) from None
    _warn(warnings, strict=strict)
    if out is not None:
        if out.exists() and not out.is_dir():
            raise _fail(InputError([Problem(str(out), "--out", "exists and is not a folder")]))
        try:
            refuse_compare_folder(out)
        except InputError as error:
            raise _fail(error) from None
        try:  # before simulating: a folder that cannot be made would lose the run
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _fail(
                InputError([Problem(str(out), "--out", f"cannot be created: {exc.strerror}")])
            ) from None
    # Held from before the simulation to the last file: a second command into the same --out
    # is refused at once instead of interleaving its files with this one's.
    with contextlib.ExitStack() as stack:
        if out is not None:
            try:
                stack.enter_context(folder_lock(out))
            except InputError as error:
                raise _fail(error) from None
        _run_and_write(spec, chosen, seed, out, scenario, policy_file)


def _run_and_write(
    spec: Scenario,
    chosen: Policy,
    seed: int,
    out: Path | None,
    scenario: Path,
    policy_file: Path | None,
) -> None:
    from izsim.outputs import write_run
    from izsim.run import OutOfRangeError
    from izsim.run import run as simulate
    from izsim.scorecard import scorecard

    try:
        result = simulate(spec, chosen, seed)
    except OutOfRangeError as exc:
        err_console.print(f"[bold red]run failed[/]: {_text(exc)}", highlight=False, soft_wrap=True)
        raise typer.Exit(code=RUN_FAILED) from None
    card = scorecard(result)
    title = f"{spec.scenario.name}: policy '{chosen.id}', seed {seed}"
    out_console.print(_scorecard_table(card, _text(title)))
    counts = card["status"].value_counts()
    out_console.print(
        f"met {counts.get('met', 0)}, missed {counts.get('missed', 0)}, "
        f"not modelled {counts.get('not_modelled', 0)}; simulated in {result.wall_seconds:.2f} s"
    )
    if out is not None:
        try:
            paths = write_run(
                result, out, scenario_file=scenario, policy_file=policy_file, card=card
            )
        except OSError as exc:
            raise _write_failed(exc, out) from None
        out_console.print(f"wrote {_text(', '.join(str(p) for p in paths.values()))}")


def _scorecard_table(card: pd.DataFrame, title: str) -> Table:
    """The scorecard as a table a planner reads: the goal in words, the value, met or not."""
    table = Table(title=title, title_justify="left")
    table.add_column("target")
    table.add_column("goal")
    table.add_column("by")
    table.add_column("simulated", justify="right")
    table.add_column("status")
    for row in card.itertuples():
        if row.status == "not_modelled":
            goal, simulated = f"{row.indicator} {row.comparator} {row.target_value}", "—"
        else:
            label = CATALOGUE[row.indicator].label_en
            if row.measure != "level":
                label = f"{label}: {row.measure}"
            unit = "" if row.unit == "count" else f" {row.unit}"
            goal = f"{label} {row.comparator} {row.target_value}{unit}"
            simulated = "—" if math.isnan(row.simulated) else f"{row.simulated:,.1f}"
        style = STATUS_STYLE[row.status]
        table.add_row(
            _text(row.target),
            _text(goal),
            _text(row.deadline),
            simulated,
            f"[{style}]{row.status}[/]",
        )
    return table


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Scenario or policy YAML files.")],
    strict: StrictOption = False,
) -> None:
    """Check scenario and policy files; report every problem and exit 2 if any.

    Plausibility warnings are printed and do not fail the check, unless --strict.
    """
    from izsim.scenario.plausibility import policy_warnings, scenario_warnings

    problems: list[Problem] = []
    warnings: list[Problem] = []
    for path in files:
        try:
            check_path(path, "file")
            if _is_policy(path):
                found = policy_warnings(path, load_policy(path))
            else:
                found = scenario_warnings(path, load_scenario(path))
            warnings += found
            if not (strict and found):
                out_console.print(f"[green]ok[/] {_text(path)}", highlight=False)
        except InputError as error:
            problems.extend(error.problems)
    if strict:
        problems += warnings
    else:
        _warn(warnings, strict=False)
    if problems:
        raise _fail(InputError(problems))


@app.command()
def compare(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    policies: Annotated[
        str,
        typer.Option(
            help="Comma-separated policy ids (files in policies/ beside the scenario) or paths."
        ),
    ] = "baseline",
    replicates: Annotated[
        int, typer.Option(min=1, help="Runs per policy (replicate i: same seed for all).")
    ] = 20,
    seed: Annotated[
        int, typer.Option(min=0, help="Experiment seed; replicate seeds derive from it.")
    ] = 1,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1, help="Local processes (default: all cores). Results do not depend on it."
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Results folder (default results/<scenario id>-compare).")
    ] = None,
    reference: Annotated[
        str | None, typer.Option(help="Policy the others are compared with (default: baseline).")
    ] = None,
    budget: Annotated[
        float | None,
        typer.Option(
            min=0, help="Scale every other policy to this public spending, bn VND a year."
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
    strict: StrictOption = False,
) -> None:
    """Compare policy packages: probability of meeting each target, paired differences, cost.

    Interrupted? Run the same command again: finished runs are kept and only the rest run.
    Exits with 3 when some policy has no successful run (the tables are written all the same).
    """
    from izsim.experiments import compare as run_comparison
    from izsim.scenario.plausibility import policy_warnings, scenario_warnings

    names = [p.strip() for p in policies.split(",") if p.strip()]
    try:
        for path, what in ((scenario, "scenario"), (out, "--out")):
            if path is not None:
                check_path(path, what)
        for name in names:
            check_path(name, "--policies")
        if budget is not None and not math.isfinite(budget):
            raise InputError([Problem("--budget", "", f"{budget}: give a finite amount, >= 0")])
        problems: list[Problem] = []
        warnings: list[Problem] = []
        try:
            warnings += scenario_warnings(scenario, load_scenario(scenario))
        except InputError as error:
            problems += error.problems
        for name in dict.fromkeys(names):
            path = resolve_policy(name, scenario)
            try:
                warnings += policy_warnings(path, load_policy(path))
            except InputError as error:
                if problems:  # the scenario is refused: name the policies' problems with it
                    problems += error.problems
                # otherwise the comparison reports them with the others
        if problems:
            raise InputError(problems)
    except InputError as error:
        raise _fail(error) from None
    _warn(warnings, strict=strict)
    try:
        result = run_comparison(
            scenario,
            names,
            replicates=replicates,
            seed=seed,
            workers=workers,
            out=out,
            quiet=quiet,
            reference=reference,
            budget_bn_vnd_per_year=budget,
            console=err_console,
        )
    except InputError as error:
        raise _fail(error) from None
    except OSError as exc:
        err_console.print(
            "[bold red]error[/]: the comparison stopped; every run finished before is saved"
            " whole: free the space or fix the folder's permissions and run the same command"
            " again",
            highlight=False,
        )
        raise _write_failed(exc, out or Path("results")) from None
    except KeyboardInterrupt:
        err_console.print(
            "interrupted: finished runs are saved; run the same command again to finish"
        )
        raise typer.Exit(code=130) from None
    out_console.print(_probability_table(result.scorecard))
    for line in result.warnings:
        err_console.print(f"[yellow]warning[/]: {_text(line)}", highlight=False)
    if result.scale_factors:
        scaled = ", ".join(f"{k} ×{v:.3f}" for k, v in result.scale_factors.items())
        out_console.print(f"scaled to {budget:g} bn VND a year: {_text(scaled)}")
    files = "scorecard.csv, comparison.csv, cost_effectiveness.csv, convergence.csv, manifest.json"
    out_console.print(f"wrote {_text(result.out)}/ ({files})", highlight=False)
    if result.without_success:
        err_console.print(
            f"[bold red]error[/]: no run succeeded for {_text(', '.join(result.without_success))};"
            f" the runs' errors are in {_text(result.out / 'runs')}/<policy>/r*.json",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(code=NO_SUCCESSFUL_RUN)


def _probability_table(card: pd.DataFrame) -> Table:
    """Targets as rows, policies as columns: probability of meeting the target [95 % CI]."""
    modelled = card[card["status"] == "modelled"]
    policies = list(dict.fromkeys(modelled["policy"]))
    table = Table(
        title="Probability of meeting each target by its deadline [95 % Wilson interval]",
        title_justify="left",
    )
    table.add_column("target")
    table.add_column("goal")
    for policy in policies:
        table.add_column(_text(policy), justify="right")
    for target, rows in modelled.groupby("target", sort=False):
        first = rows.iloc[0]
        cells = []
        for policy in policies:
            row = rows[rows["policy"] == policy].iloc[0]
            if pd.isna(row.probability):  # every run of this policy failed
                cells.append("—")
            else:
                low, high = row.probability_low, row.probability_high
                cells.append(f"{row.probability:.0%} [{low:.0%}–{high:.0%}]")
        table.add_row(
            _text(target),
            _text(f"{first.comparator} {first.target_value} by {first.deadline}"),
            *cells,
        )
    return table


@app.command()
def report(
    folder: Annotated[
        Path, typer.Argument(help="Results folder of `izsim run --out` or `izsim compare --out`.")
    ],
    lang: Annotated[str, typer.Option(help="vi, en or both.")] = "both",
    formats: Annotated[
        str, typer.Option("--format", help="Comma-separated: html, pdf, png (PNG and SVG).")
    ] = "html,pdf,png",
    quiet: Annotated[bool, typer.Option("--quiet", help="Do not list the files written.")] = False,
) -> None:
    """Figures, an HTML report per language and a PDF handout from saved results.

    Nothing is simulated again: everything is read from FOLDER and written into it
    (figures/ and report.<lang>.html / .pdf).
    """
    import time

    from izsim.present.report import parse_formats, parse_langs, write_report

    began = time.perf_counter()
    try:
        check_path(folder, "folder")
        langs = parse_langs(lang)
        chosen = parse_formats(formats)

        def tell(path: Path) -> None:
            if not quiet:
                err_console.print(f"wrote {_text(path)}", highlight=False)

        written = write_report(folder, langs=langs, formats=chosen, on_file=tell)
    except InputError as error:
        raise _fail(error) from None
    except OSError as exc:  # disk full, a file made read-only: what was written stays whole
        problem = Problem(str(exc.filename or folder), "", f"cannot be written: {exc.strerror}")
        raise _fail(InputError([problem])) from None
    out_console.print(
        f"{len(written)} files in {_text(folder)} ({time.perf_counter() - began:.1f} s)",
        highlight=False,
    )


@app.command()
def schema(
    kind: Annotated[str, typer.Argument(help="'scenario' or 'policy'.")] = "scenario",
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print the field reference (docs/scenarios.md).")
    ] = False,
) -> None:
    """Print the JSON Schema of scenario or policy files, for editors (or --markdown docs)."""
    from izsim.scenario.reference import json_schema, markdown_reference

    if markdown:
        sys.stdout.write(markdown_reference())
        return
    if kind not in ("scenario", "policy"):
        raise _fail(
            InputError([Problem("schema", "kind", f"'{kind}': use 'scenario' or 'policy'")])
        )
    sys.stdout.write(json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n")


@app.command()
def indicators() -> None:
    """List the indicator catalogue (id, unit, English and Vietnamese label)."""
    table = Table(title="izsim indicators")
    for column in ("id", "unit", "label", "nhãn"):
        table.add_column(column)
    for item in CATALOGUE.values():
        table.add_row(item.id, item.unit, item.label_en, item.label_vi)
    out_console.print(table)


@app.command()
def refs(
    search: Annotated[
        str | None, typer.Option(help="Only records whose id, scope, indicator or source has it.")
    ] = None,
    scenario: Annotated[
        Path | None, typer.Option(help="Also list this scenario's own records (its references).")
    ] = None,
) -> None:
    """List the reference records a source can cite as ref:<id> (id, what, value, year, source)."""
    from izsim.scenario.records import listed_records

    try:
        records = listed_records(search, scenario)
    except InputError as error:
        raise _fail(error) from None
    table = Table(title=f"izsim reference records ({len(records)})", title_justify="left")
    for column in ("id", "what", "value", "year", "source"):
        table.add_column(column, overflow="fold")
    for record in records:
        what = f"{record.indicator} ({record.scope})"
        table.add_row(*map(_text, (record.id, what, record.shown(), record.year, record.source)))
    out_console.print(table)


@app.command()
def new(
    name: Annotated[str, typer.Argument(help="The scenario's id, e.g. hai_duong.")],
    folder: Annotated[Path, typer.Option(help="Where to write NAME.yaml.")] = Path("."),
) -> None:
    """Write NAME.yaml, a scenario skeleton: it fails validation until no TODO is left."""
    from izsim.scenario.skeleton import write_skeleton

    try:
        path = write_skeleton(name, folder)
    except InputError as error:
        raise _fail(error) from None
    out_console.print(
        f"wrote {_text(path)}: replace every TODO (`izsim validate {_text(path)}` lists them);"
        " docs/new-province.md walks through it",
        highlight=False,
    )


def main() -> None:
    """Entry point of the ``izsim`` script."""
    try:
        app()
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
