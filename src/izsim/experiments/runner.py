"""Executing a comparison's runs: serially or on local processes, with a progress bar.

Each run is written to the results folder by the process that ran it, as soon as it finishes;
finished runs are skipped when the same command is run again. A run that raises is recorded as
failed and the others go on. Results do not depend on the number of workers: every run is a
function of (scenario, policy, seed) alone.
"""

from __future__ import annotations

import multiprocessing
import signal
import time
import traceback
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from izsim.calendar import month_label
from izsim.experiments.design import RunTask
from izsim.experiments.store import ResultStore
from izsim.run import run
from izsim.scenario.policy import Policy
from izsim.scenario.schema import Scenario

_WORKER: dict[str, Any] = {}


def _init_worker(scenario: Scenario, policies: dict[str, Policy], root: str, config: dict) -> None:
    # Ctrl-C goes to the parent, which cancels what has not started and lets runs in flight
    # finish and be written; workers dying mid-write would only cost a run, never a file.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER.update(scenario=scenario, policies=policies, store=ResultStore(Path(root), config))


def _run_in_worker(task: RunTask) -> tuple[RunTask, str]:
    return task, run_one(task, _WORKER["scenario"], _WORKER["policies"], _WORKER["store"])


def run_one(
    task: RunTask, scenario: Scenario, policies: dict[str, Policy], store: ResultStore
) -> str:
    """Run one task and store its result or its error; returns the status."""
    began = time.perf_counter()
    try:
        result = run(scenario, policies[task.policy], task.seed)
    except Exception as exc:  # a failed run must not stop the others
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        store.write_failed(task, detail, time.perf_counter() - began)
        return "failed"
    start = scenario.scenario.start
    months = [month_label(i, start) for i in range(result.values.shape[0])]
    store.write_ok(task, result.values, months, time.perf_counter() - began)
    return "ok"


def execute(
    tasks: list[RunTask],
    scenario: Scenario,
    policies: dict[str, Policy],
    store: ResultStore,
    *,
    workers: int = 1,
    quiet: bool = False,
    console: Console | None = None,
    on_done: Callable[[RunTask, str], None] | None = None,
) -> dict[str, int]:
    """Run every task not yet done; returns counts by status of the runs made now.

    Args:
        tasks: the design.
        scenario: the scenario.
        policies: policies by id.
        store: the results folder (opened).
        workers: processes; 1 runs in this process.
        quiet: no progress bar.
        console: where the progress bar goes.
        on_done: called after each run (tests use it to interrupt).
    """
    todo = [t for t in tasks if not store.done(t)]
    counts = {"ok": 0, "failed": 0, "skipped": len(tasks) - len(todo)}
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("runs"),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, disable=quiet, transient=False) as progress:
        bar = progress.add_task("runs", total=len(tasks), completed=counts["skipped"])

        def finished(task: RunTask, status: str) -> None:
            counts[status] += 1
            progress.advance(bar)
            if on_done is not None:
                on_done(task, status)

        if workers <= 1 or len(todo) <= 1:
            for task in todo:
                finished(task, run_one(task, scenario, policies, store))
        else:
            _execute_parallel(todo, scenario, policies, store, workers, finished)
    return counts


def _execute_parallel(
    todo: list[RunTask],
    scenario: Scenario,
    policies: dict[str, Policy],
    store: ResultStore,
    workers: int,
    finished: Callable[[RunTask, str], None],
) -> None:
    # forkserver: no fork of a parent with threads (the progress bar refreshes in one).
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(method),
        initializer=_init_worker,
        initargs=(scenario, policies, str(store.root), store.config),
    )
    pending: set[Future] = set()
    queue = list(reversed(todo))
    try:
        # Keep only a few runs queued per worker, so Ctrl-C leaves little to cancel.
        while queue or pending:
            while queue and len(pending) < 2 * workers:
                pending.add(pool.submit(_run_in_worker, queue.pop()))
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                finished(*future.result())
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
