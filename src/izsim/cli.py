"""The ``izsim`` command line.

Bad input never shows a traceback: it is reported as ``file:line: field: message`` on standard
error and the command exits with code 2.

Start-up time matters in a workshop: this module imports only what every command needs
(typer, rich, :mod:`izsim.errors`). The scenario schema (pydantic), pandas, the model (mesa)
and the experiments are imported inside the commands that use them, so ``izsim --help`` does
not wait for them (``benchmarks/bench_startup.py`` measures it). ``izsim run`` does not import
pandas at all: it prints and writes its tables from plain rows (see :mod:`izsim.outputs`).

Unlike the other modules this one has no ``from __future__ import annotations``: Typer reads
every command's parameters with ``typing.get_type_hints``, which compiles and evaluates each
annotation written as a string, about 10 ms of every command (``--help`` too); evaluated once
when the functions are defined they cost a few. Names imported only for type checking are
therefore quoted.
"""

import contextlib
import gc
import math
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from izsim.errors import InputError, Problem, check_path, printable

if TYPE_CHECKING:
    import pandas as pd

    from izsim.result import Table as Rows
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

WorkersOption = Annotated[
    int | None,
    typer.Option(min=1, help="Local processes (default: all cores). Results do not depend on it."),
]
"""The ``--workers`` of the commands that run many simulations (compare, levers)."""
StrictOption = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Treat plausibility warnings (a percentage written as a fraction, a region no zone"
        " has, a plan the scenario does not list...) as errors.",
    ),
]


@contextlib.contextmanager
def _start_up() -> Iterator[None]:
    """A command's start-up (its imports and inputs), with the cyclic garbage collector paused;
    what it made is then frozen (:func:`gc.freeze`) and the collector runs again.

    Importing pydantic, Mesa and pyarrow (and pandas, in the commands that use it) and
    building the scenario's models make tens of thousands of container objects (the ones
    the collector tracks: some 80,000 in an ``izsim run`` of Tuyên Quang) that live as long
    as the process. While they were made the collector went through them again and again
    (in an ``izsim run`` when it still imported pandas, two full collections and some 280
    smaller ones: about 0.1 s, an eighth of the run) and found nothing to free; paused but
    not frozen, its first collection afterwards would go through them all once more. Frozen,
    they are left out of every later collection: an object among them is still freed when
    nothing refers to it any more, but a cycle among them is never collected (garbage cycles
    made in the block, and any the frozen objects form later). A process running one command
    ends soon after. A caller running many commands in one process (the test suite's
    fuzzing, with typer's CliRunner) keeps each command's few such cycles; unfreezing them
    instead costs far more, since the collector then goes through that process's whole heap
    again and again (tried on its 3,000 examples: 3.2 CPU minutes as it is; unfreezing at the
    next start-up, still running after 3.8, and with a full collection there, after 15, when
    stopped). When garbage is collected does not change what a run computes.
    """
    if not gc.isenabled():  # the caller manages the collector: leave it as it is
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def _version(value: bool) -> None:
    """Print izsim's version and stop (``--version``)."""
    if value:
        import izsim

        out_console.print(f"izsim {izsim.__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print izsim's version and exit."
        ),
    ] = False,
) -> None:
    """The options before a command (the Typer help text is the app's)."""


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
    from izsim.scenario.load import read_yaml

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
        str | None,
        typer.Option(
            help="Policy id (a file in policies/ beside the scenario, e.g. regulation_first) or"
            " a policy YAML file. Default: baseline, policies/baseline.yaml beside the scenario;"
            " without one the run is refused.",
        ),
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
    """Run one scenario under one policy and print its scorecard against the plan.

    The policy used (its id and file) is printed and written into manifest.json.
    """
    with _start_up():
        spec, chosen, policy_file, warnings = _run_inputs(scenario, policy, out)
    from izsim.outputs import folder_lock, refuse_compare_folder

    _warn(warnings, strict=strict)
    given_as = (
        f"--policy {policy}" if policy is not None else "default: baseline beside the scenario"
    )
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
        _run_and_write(spec, chosen, seed, out, scenario, policy_file, given_as)


def _run_inputs(
    scenario: Path, policy: str | None, out: Path | None
) -> tuple["Scenario", "Policy", Path, list[Problem]]:
    """``izsim run``'s imports, and its scenario and policy read and checked, with their
    plausibility warnings; every problem of both files at once.

    Raises:
        typer.Exit: bad input (exit code 2, the problems printed).
    """
    # The model's Mesa classes first: importing mesa.model looks it up with inspect.stack(),
    # which costs in proportion to the modules imported so far (pydantic brings hundreds),
    # less here than after them.
    from izsim.model import mesa_core  # noqa: F401

    # isort: split
    # What the rest of the command uses, imported here to be part of the start-up (see
    # _start_up): the model and, when there are files to write, pyarrow. Not pandas: the run
    # prints and writes its tables without it.
    import izsim.outputs
    import izsim.run
    import izsim.scorecard  # noqa: F401
    from izsim.scenario.load import find_policy, load_policy, load_scenario
    from izsim.scenario.plausibility import policy_warnings, scenario_warnings

    if out is not None:
        import pyarrow.parquet  # noqa: F401

    try:
        for path, what in ((scenario, "scenario"), (policy, "--policy"), (out, "--out")):
            if path is not None:
                check_path(path, what)
        # both files are read before either is refused: all their problems in one pass
        problems: list[Problem] = []
        try:
            spec = load_scenario(scenario)
        except InputError as error:
            problems += error.problems
        try:
            policy_file = find_policy(policy, scenario)
            chosen = load_policy(policy_file)
        except InputError as error:
            problems += error.problems
        if problems:
            raise InputError(problems)
        warnings = scenario_warnings(scenario, spec) + policy_warnings(policy_file, chosen)
    except InputError as error:
        raise _fail(error) from None
    return spec, chosen, policy_file, warnings


def _run_and_write(
    spec: "Scenario",
    chosen: "Policy",
    seed: int,
    out: Path | None,
    scenario: Path,
    policy_file: Path,
    given_as: str,
) -> None:
    from izsim.outputs import write_run
    from izsim.run import OutOfRangeError
    from izsim.run import run as simulate
    from izsim.scorecard import scorecard_table

    out_console.print(
        f"policy '{_text(chosen.id)}' from {_text(policy_file)} ({_text(given_as)})",
        highlight=False,
        soft_wrap=True,
    )
    try:
        result = simulate(spec, chosen, seed)
    except OutOfRangeError as exc:
        err_console.print(f"[bold red]run failed[/]: {_text(exc)}", highlight=False, soft_wrap=True)
        raise typer.Exit(code=RUN_FAILED) from None
    card = scorecard_table(result)
    title = f"{spec.scenario.name}: policy '{chosen.id}', seed {seed}"
    out_console.print(_scorecard_table(card, _text(title)))
    counts = Counter(card.column("status"))
    out_console.print(
        f"met {counts.get('met', 0)}, missed {counts.get('missed', 0)}, "
        f"not modelled {counts.get('not_modelled', 0)}; simulated in {result.wall_seconds:.2f} s"
    )
    if out is not None:
        try:
            paths = write_run(
                result,
                out,
                scenario_file=scenario,
                policy_file=policy_file,
                card=card,
                policy_given_as=given_as,
            )
        except OSError as exc:
            raise _write_failed(exc, out) from None
        out_console.print(f"wrote {_text(', '.join(str(p) for p in paths.values()))}")


def _scorecard_table(card: "Rows", title: str) -> Table:
    """The scorecard (its rows, :func:`izsim.scorecard.scorecard_table`) as a table a planner
    reads: the goal in words, the value, met or not."""
    from izsim.indicators import CATALOGUE

    table = Table(title=title, title_justify="left")
    for name in ("target", "goal", "by"):
        table.add_column(name, overflow="fold")
    table.add_column("simulated", justify="right", no_wrap=True)
    table.add_column("status", no_wrap=True)
    for row in card.records():
        status, indicator, value = row["status"], row["indicator"], row["simulated"]
        comparator, target_value = row["comparator"], row["target_value"]
        if status == "not_modelled":
            goal, simulated = f"{indicator} {comparator} {target_value}", "—"
        else:
            label = CATALOGUE[indicator].label_en
            if row["measure"] != "level":
                label = f"{label}: {row['measure']}"
            unit = "" if row["unit"] == "count" else f" {row['unit']}"
            goal = f"{label} {comparator} {target_value}{unit}"
            simulated = "—" if math.isnan(value) else f"{value:,.1f}"
        style = STATUS_STYLE[status]
        table.add_row(
            _text(row["target"]),
            _text(goal),
            _text(row["deadline"]),
            simulated,
            f"[{style}]{status}[/]",
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
    from izsim.scenario.load import load_policy, load_scenario
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
    workers: WorkersOption = None,
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
    uncertainty: Annotated[
        bool,
        typer.Option(
            "--uncertainty",
            help="Replicate i also draws parameter set i of the scenario's ranged numbers (the"
            " same under every policy): bands show what we don't know, not only chance. Numbers"
            " a calibrated ensemble holds (calibrated/ beside the scenario) come from it.",
        ),
    ] = False,
    prior_only: Annotated[
        bool,
        typer.Option(
            "--prior-only",
            help="With --uncertainty: draw every ranged number from its prior, even where a"
            " calibrated ensemble exists.",
        ),
    ] = False,
) -> None:
    """Compare policy packages: probability of meeting each target, paired differences, cost.

    Interrupted? Run the same command again: finished runs are kept and only the rest run.
    Exits with 3 when some policy has no successful run (the tables are written all the same).
    """
    from izsim.experiments import compare as run_comparison
    from izsim.scenario.load import load_policy, load_scenario, resolve_policy
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
        if prior_only and not uncertainty:
            # without --uncertainty nothing is drawn: the flag would be silently ignored
            raise InputError(
                [
                    Problem(
                        "--prior-only", "", "applies to --uncertainty only: give both, or neither"
                    )
                ]
            )
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
    with _experiment_ending(out):
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
            uncertainty=uncertainty,
            calibrated=not prior_only,
        )
    if result.scorecard.empty:
        out_console.print("no targets: the scenario has no plan to score (a back-cast)")
    else:
        out_console.print(_probability_table(result.scorecard))
    if result.drivers is not None:
        out_console.print(_drivers_table(result.scorecard, result.drivers))
    for line in result.warnings:
        err_console.print(f"[yellow]warning[/]: {_text(line)}", highlight=False)
    if result.scale_factors:
        scaled = "".join(f"\n  {fit.summary()}" for fit in result.scaling.values())
        out_console.print(f"scaled to {budget:g} bn VND a year:{_text(scaled)}")
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


@app.command()
def sweep(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    space: Annotated[
        Path,
        typer.Option(help="Space YAML: parameters (or all_ranged) and outputs (or targets)."),
    ],
    design: Annotated[
        str, typer.Option(help="lhs, grid, morris or sobol (sensitivity indices from SALib).")
    ] = "lhs",
    samples: Annotated[
        int,
        typer.Option(
            min=1,
            help="LHS rows, grid points per parameter, Morris trajectories, or Sobol' N (a power"
            " of 2).",
        ),
    ] = 64,
    replicates: Annotated[
        int, typer.Option(min=1, help="Runs per parameter set (replicate r: same seed in all).")
    ] = 1,
    policy: Annotated[
        str | None, typer.Option(help="Policy id or file (default: baseline beside the scenario).")
    ] = None,
    seed: Annotated[int, typer.Option(min=0, help="The study's seed.")] = 1,
    levels: Annotated[int, typer.Option(min=2, help="Morris grid levels.")] = 4,
    workers: WorkersOption = None,
    scheduler: Annotated[
        str | None, typer.Option(help="Run on this Dask scheduler (tcp://host:port).")
    ] = None,
    dask_workers: Annotated[
        int | None, typer.Option(min=1, help="Start a local Dask cluster of this many workers.")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Results folder (default results/<scenario id>-sweep-<design>)."),
    ] = None,
    series: Annotated[
        bool, typer.Option("--series", help="Also keep every run's monthly indicators.")
    ] = False,
    figures: Annotated[
        bool, typer.Option("--figures/--no-figures", help="Draw the sensitivity figures.")
    ] = True,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
) -> None:
    """Sweep parameters over a design: outputs of every run, sensitivity indices, discovery.

    Interrupted? Run the same command again: finished batches are kept. More replicates (or,
    for morris and sobol, more samples) extend a finished folder.
    """
    from izsim.experiments.sweep import sweep as run_sweep

    if scheduler is not None and dask_workers is not None:
        raise _fail(
            InputError([Problem("--scheduler", "", "give --scheduler or --dask-workers, not both")])
        )
    try:
        for path, what in ((scenario, "scenario"), (space, "--space"), (out, "--out")):
            if path is not None:
                check_path(path, what)
    except InputError as error:
        raise _fail(error) from None
    with _experiment_ending(out):
        result = run_sweep(
            scenario,
            space_file=space,
            design=design,
            samples=samples,
            replicates=replicates,
            policy=policy,
            seed=seed,
            levels=levels,
            workers=workers,
            scheduler=scheduler,
            dask_workers=dask_workers,
            out=out,
            series=series,
            quiet=quiet,
            console=err_console,
        )
    table = result.outputs
    failed = int((table["status"] != "ok").sum())
    out_console.print(
        f"{len(table)} runs ({failed} failed) of {table['sample'].nunique()} parameter sets;"
        f" wrote {_text(result.out)}/ (outputs.parquet, sensitivity.csv, discovery.csv)",
        highlight=False,
    )
    if not result.sensitivity.empty:
        out_console.print(_sensitivity_table(result.sensitivity))
    for sentence in (
        result.discovery.drop_duplicates("output")["text"] if len(result.discovery) else []
    ):
        out_console.print(_text(sentence), highlight=False)
    for note in result.notes:
        err_console.print(f"[yellow]note[/]: {_text(note)}", highlight=False, soft_wrap=True)
    if figures and not result.sensitivity.empty:
        from izsim.present.sensitivity import write_study_figures

        written = write_study_figures(result.out)
        out_console.print(f"figures: {len(written)} files in {_text(result.out / 'figures')}/")


def _sensitivity_table(frame: "pd.DataFrame", top: int = 3) -> Table:
    """The parameters that matter most for each output."""
    index = {"mu_star": "μ*", "ST": "ST", "spearman": "Spearman ρ"}
    table = Table(title="What matters most, per output", title_justify="left")
    for column in ("output", "parameter", "index", "value"):
        table.add_column(column, overflow="fold")
    for output, rows in frame[frame["index"].isin(index)].groupby("output", sort=False):
        ranked = rows.assign(size=rows["value"].abs()).sort_values("size", ascending=False)
        for _, row in ranked.head(top).iterrows():
            table.add_row(
                _text(output), _text(row["factor"]), index[row["index"]], f"{row['value']:.3g}"
            )
    return table


def _drivers_table(card: "pd.DataFrame", drivers: "pd.DataFrame") -> Table:
    """For each target, the drawn parameters that move its probability most (first policy)."""
    table = Table(
        title="What moves each target's probability most: meeting it above a parameter's median"
        " minus below, in points, and the rank correlation ρ (those significant at a 5 % false"
        " discovery rate)",
        title_justify="left",
    )
    for column in ("target", "policy", "moved most by"):
        table.add_column(column, overflow="fold")
    for row in card[card["status"] == "modelled"].itertuples():
        if row.moved_most_by:
            table.add_row(_text(row.target), _text(row.policy), _text(row.moved_most_by))
    return table


@contextlib.contextmanager
def _experiment_ending(out: Path | None) -> Iterator[None]:
    """How a long experiment (compare, levers) ends early: bad input is an error with exit 2;
    a write that fails, or Ctrl-C, stops it with every finished run saved whole, and the same
    command run again completes it."""
    try:
        yield
    except InputError as error:
        raise _fail(error) from None
    except OSError as exc:
        err_console.print(
            "[bold red]error[/]: the experiment stopped; every run finished before is saved"
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


def _probability_table(card: "pd.DataFrame") -> Table:
    """Targets as rows, policies as columns: probability of meeting the target [95 % CI]."""
    import pandas as pd

    modelled = card[card["status"] == "modelled"]
    policies = list(dict.fromkeys(modelled["policy"]))
    table = Table(
        title="Probability of meeting each target by its deadline [95 % Wilson interval]",
        title_justify="left",
    )
    table.add_column("target", overflow="fold")
    table.add_column("goal", overflow="fold")
    for policy in policies:
        table.add_column(_text(policy), justify="right", overflow="fold")
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
    import json  # here: only this command writes JSON itself

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
    from izsim.indicators import CATALOGUE

    table = Table(title="izsim indicators")
    for column in ("id", "unit", "label", "nhãn"):
        table.add_column(column, overflow="fold")
    for item in CATALOGUE.values():
        table.add_row(item.id, item.unit, item.label_en, item.label_vi)
    out_console.print(table)


@app.command("levers")
def levers_command(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    policy: Annotated[
        str, typer.Option(help="The package: a policy id (policies/ beside the scenario) or path.")
    ],
    reference: Annotated[str, typer.Option(help="The policy it is compared with.")] = "baseline",
    replicates: Annotated[
        int, typer.Option(min=1, help="Runs per variant (replicate i: same seed for all).")
    ] = 20,
    seed: Annotated[int, typer.Option(min=0, help="Experiment seed.")] = 1,
    workers: WorkersOption = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Results folder (default results/<scenario id>-levers-<policy id>)."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
) -> None:
    """Each measure of a package alone and in the package: which lever does what.

    For every measure (lever group) in which the package differs from the reference, runs the
    reference with it and the package without it, on the same seeds, and writes levers.csv
    (paired effects on every target and on public spending) beside the comparison's tables.
    Interrupted? Run the same command again.
    """
    from izsim.experiments.levers import levers as measure_levers

    with _experiment_ending(out):
        check_path(scenario, "scenario")
        if out is not None:
            check_path(out, "--out")
        result = measure_levers(
            scenario,
            policy,
            reference=reference,
            replicates=replicates,
            seed=seed,
            workers=workers,
            out=out,
            quiet=quiet,
            console=err_console,
        )
        # the figures too: a folder that cannot be written ends with a message, not a traceback
        from izsim.present.language import LANGS
        from izsim.present.levers import lever_chart
        from izsim.present.results import load_results
        from izsim.present.style import save

        saved = load_results(result.out)
        for lang in LANGS:
            fig = lever_chart(saved, lang=lang)
            save(fig, result.out / "figures" / f"levers.{lang}")
            fig.clf()
    out_console.print(_lever_table(result.effects))
    out_console.print(
        f"wrote {_text(result.out)}/levers.csv, figures/levers.<en|vi>.<png|svg> and the"
        " comparison's tables (izsim report draws the rest)",
        highlight=False,
    )


@app.command()
def params(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    policy: Annotated[
        str | None,
        typer.Option(help="Also list this policy's levers (a policy id or a policy YAML file)."),
    ] = None,
    missing: Annotated[
        bool, typer.Option("--missing", help="Only the assumptions without a range.")
    ] = False,
    csv: Annotated[Path | None, typer.Option(help="Also write the table to this CSV file.")] = None,
) -> None:
    """List every number as a parameter: value, unit, kind, range and source; flag assumptions
    without a range."""
    from izsim.scenario.load import find_policy, load_policy, load_scenario
    from izsim.scenario.parameters import parameters, tables, unranged_assumptions

    try:
        check_path(scenario, "scenario")
        spec = load_scenario(scenario)
        chosen = load_policy(find_policy(policy, scenario)) if policy is not None else None
    except InputError as error:
        raise _fail(error) from None
    found = parameters(spec, chosen)
    unranged = unranged_assumptions(found)
    shown = unranged if missing else found
    rows = [
        {
            "parameter": p.name,
            "value": p.value,
            "unit": p.unit,
            "kind": p.kind or "",
            "low": p.low,
            "high": p.high,
            "distribution": p.distribution or "",
            "places": len(p.members),
            "flag": "no range" if p in unranged else "",
            "source": p.source or "",
        }
        for p in shown
    ]
    table = Table(
        title=f"{spec.scenario.name}: {len(found)} parameters, {len(found) - len(unranged)}"
        f" with a source and a range or not an assumption; {len(unranged)} assumptions without"
        " a range",
        title_justify="left",
    )
    for column in ("parameter", "value", "unit", "kind", "range", "flag", "source"):
        table.add_column(column, overflow="fold", max_width=60 if column == "source" else None)
    for row in rows:
        bounds = "" if row["low"] is None else f"[{row['low']:g}, {row['high']:g}]"
        if row["distribution"] not in ("", "uniform"):
            bounds += f" {row['distribution']}"
        table.add_row(
            *map(
                _text,
                (row["parameter"], f"{row['value']:g}", row["unit"], row["kind"], bounds),
            ),
            row["flag"],
            _text(row["source"]),
        )
    out_console.print(table)
    listed = tables(spec)
    if listed and not missing:
        out_console.print(
            "Tables (numbers written as lists; sourced, not varied): "
            + ", ".join(place for place, _ in listed)
        )
    if csv is not None:
        import pandas as pd

        try:
            pd.DataFrame(rows).to_csv(csv, index=False)
        except OSError as exc:
            raise _write_failed(exc, csv) from None
    if unranged:
        err_console.print(
            _text(
                f"{len(unranged)} assumption(s) without a range (give `ranges: {{field: [low,"
                f" high]}}` in their block): {', '.join(p.name for p in unranged)}"
            ),
            highlight=False,
            soft_wrap=True,
        )


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


@app.command()
def dashboard(
    scenario: Annotated[
        Path,
        typer.Argument(
            help="Scenario YAML file the page opens with (others beside it can be"
            " chosen in the page)."
        ),
    ] = Path("scenarios/tuyen_quang.yaml"),
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0: a free one).")] = 8765,
    lang: Annotated[str, typer.Option(help="The page's first language: vi or en.")] = "vi",
) -> None:
    """A workshop dashboard in the browser: pull the levers and watch the province run.

    Serves a local web page (offline: no request leaves this machine) at the address printed;
    Ctrl-C stops it. docs/dashboard.md explains each control.
    """
    if lang not in ("vi", "en"):
        raise _fail(InputError([Problem("--lang", "", f"must be vi or en (got {lang!r})")]))
    with _start_up():
        from izsim.scenario.load import find_policy, load_policy, load_scenario

        try:
            check_path(scenario, "scenario")
            load_scenario(scenario)
            load_policy(find_policy(None, scenario))
            _check_port_free(port)
        except InputError as error:
            raise _fail(error) from None
    from izsim.dashboard.server import serve

    def ready(address: str) -> None:
        out_console.print(
            f"izsim dashboard of {_text(scenario)} at {address} (Ctrl-C stops it)",
            highlight=False,
        )

    with contextlib.suppress(KeyboardInterrupt):  # uvicorn stops on Ctrl-C; a second lands here
        serve(scenario, port, lang, on_ready=ready)
    out_console.print("izsim dashboard stopped", highlight=False)


def _check_port_free(port: int) -> None:
    """Refuse a ``--port`` another program listens on (the server would stop with its own
    error, exit code 3); 0 asks for a free one."""
    import socket

    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # as the server binds: a port left in TIME_WAIT by a dashboard just stopped is free
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise InputError(
                [Problem("--port", "", f"{port} is in use on this machine: give another, or 0")]
            ) from None


def _lever_table(effects: "pd.DataFrame") -> Table:
    """Measures as rows: extra public spending and the targets whose probability moves by
    0.1 or more, alone and in the package."""
    table = Table(
        title="Each measure alone (added to the reference) and in the package (removed from it)",
        title_justify="left",
    )
    for column in ("measure", "effect", "Δ public spending, bn VND", "Δ P(target) ≥ 0.1"):
        table.add_column(column, overflow="fold")
    for (lever, effect), rows in effects.groupby(["lever", "effect"], sort=False):
        spend = rows[rows["indicator"] == "public_spending_bn_vnd"]["difference"]
        moved = rows[rows["probability_difference"].abs() >= 0.1]
        shown = ", ".join(
            f"{t} {p:+.2f}"
            for t, p in zip(moved["target"], moved["probability_difference"], strict=True)
        )
        table.add_row(
            _text(lever),
            _text(str(effect).replace("_", " ")),
            f"{spend.iloc[0]:+,.0f}" if len(spend) else "—",
            _text(shown or "none"),
        )
    return table


def main() -> None:
    """Entry point of the ``izsim`` script."""
    try:
        app()
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)


if __name__ == "__main__":  # `python -m izsim.cli ...`, as well as the `izsim` script
    main()
