"""Executing a comparison's runs: serially or on local processes, with a progress bar.

Each run is written to the results folder by the process that ran it, as soon as it finishes;
finished runs are skipped when the same command is run again. A run that raises is recorded as
failed and the others go on; so is a run whose worker process dies (killed, out of memory): the
pool is started again for the rest. Results do not depend on the number of workers: every run is a
function of (scenario, policy, seed) alone.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
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
from izsim.experiments.uncertainty import ParameterSets
from izsim.run import run
from izsim.scenario.policy import Policy
from izsim.scenario.schema import Scenario

_WORKER: dict[str, Any] = {}
WORKER_DIED = (
    "the worker process running it died (killed by a signal or out of memory) and its result"
    " was lost; run the same command again to retry it"
)


def _init_worker(
    scenario: Scenario,
    policies: dict[str, Policy],
    root: str,
    config: dict,
    watch: Connection,
    alive: Connection,
    parameter_sets: ParameterSets | None = None,
) -> None:
    # A forked worker inherits the parent's sending end too; while it held it, the pipe could
    # never close. Spawned workers get a copy here as well and drop it the same way.
    alive.close()
    # Ctrl-C goes to the parent, which cancels what has not started and lets runs in flight
    # finish and be written; workers dying mid-write would only cost a run, never a file.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A parent that is killed (SIGKILL, out of memory) cannot shut the pool down: its workers
    # would wait for tasks forever, keep the forkserver alive, and finish queued runs while the
    # next command writes the same files. They leave as soon as the parent's end of the pipe goes.
    threading.Thread(target=_exit_with_parent, args=(watch,), daemon=True).start()
    _WORKER.update(
        scenario=scenario,
        policies=policies,
        store=ResultStore(Path(root), config),
        parameter_sets=parameter_sets,
    )


def _exit_with_parent(watch: Connection) -> None:
    """Block until the parent closes its end of the pipe (it never sends), then exit at once."""
    with contextlib.suppress(EOFError, OSError):
        watch.recv()
    os._exit(1)


def _run_in_worker(task: RunTask) -> tuple[RunTask, str]:
    return task, run_one(
        task,
        _WORKER["scenario"],
        _WORKER["policies"],
        _WORKER["store"],
        parameter_sets=_WORKER["parameter_sets"],
    )


def run_one(
    task: RunTask,
    scenario: Scenario,
    policies: dict[str, Policy],
    store: ResultStore,
    *,
    parameter_sets: ParameterSets | None = None,
) -> str:
    """Run one task and store its result or its error; returns the status.

    With ``parameter_sets`` (``compare --uncertainty``), replicate ``i`` runs the scenario with
    parameter set ``i``, whatever the policy."""
    began = time.perf_counter()
    try:
        if parameter_sets is not None:
            scenario = parameter_sets.scenario(scenario, task.replicate)
        result = run(scenario, policies[task.policy], task.seed)
    except Exception as exc:  # a failed run must not stop the others
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        store.write_failed(task, detail, time.perf_counter() - began)
        return "failed"
    start = scenario.scenario.start
    months = [month_label(i, start) for i in range(result.values.shape[0])]
    store.write_ok(task, result.values, months, time.perf_counter() - began, result.zone_states())
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
    parameter_sets: ParameterSets | None = None,
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
        parameter_sets: replicate i's parameter values (``compare --uncertainty``).
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
    parallel = workers > 1 and len(todo) > 1
    # The pool starts before the progress bar: forked workers must not copy its thread.
    pool = (
        _Pool(scenario, policies, store, min(workers, len(todo)), parameter_sets)
        if parallel
        else None
    )
    try:
        with Progress(*columns, console=console, disable=quiet, transient=False) as progress:
            bar = progress.add_task("runs", total=len(tasks), completed=counts["skipped"])

            def finished(task: RunTask, status: str) -> None:
                counts[status] += 1
                progress.advance(bar)
                if on_done is not None:
                    on_done(task, status)

            if pool is None:
                for task in todo:
                    finished(
                        task,
                        run_one(task, scenario, policies, store, parameter_sets=parameter_sets),
                    )
            else:
                pool.run(todo, finished)
    except BaseException:
        if pool is not None:
            pool.close(cancel=True)
        raise
    if pool is not None:
        pool.close(cancel=False)
    return counts


def _start_method() -> str:
    # fork is fastest (workers inherit the imported model) and safe here, because the pool is
    # started before any thread; elsewhere, forkserver or spawn.
    methods = multiprocessing.get_all_start_methods()
    if sys.platform.startswith("linux") and "fork" in methods:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


class _Pool:
    """Local worker processes that leave when this process ends, however it ends."""

    def __init__(
        self,
        scenario: Scenario,
        policies: dict[str, Policy],
        store: ResultStore,
        workers: int,
        parameter_sets: ParameterSets | None = None,
    ) -> None:
        context = multiprocessing.get_context(_start_method())
        # Only this process keeps the sending end; workers see it close when this process
        # ends, however it ends (see _init_worker).
        self.watch, self.alive = context.Pipe(duplex=False)
        self.workers = workers
        self.store = store
        self.initargs = (
            scenario,
            policies,
            str(store.root),
            store.config,
            self.watch,
            self.alive,
            parameter_sets,
        )
        self.executor = self._start(context)

    def _start(self, context: Any) -> ProcessPoolExecutor:
        executor = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=self.initargs,
        )
        # Start every worker now, while this process has no other thread.
        wait([executor.submit(_ready) for _ in range(self.workers)])
        return executor

    def _restart(self) -> None:
        """A new pool after a worker died. The progress bar's thread runs by now, and forking
        a process with threads can deadlock the child, so the new workers are spawned."""
        self.executor.shutdown(wait=True, cancel_futures=True)
        methods = multiprocessing.get_all_start_methods()
        method = "forkserver" if "forkserver" in methods else "spawn"
        self.executor = self._start(multiprocessing.get_context(method))

    def run(self, todo: list[RunTask], finished: Callable[[RunTask, str], None]) -> None:
        """Run ``todo``, calling ``finished`` as each run ends."""
        pending: dict[Future, RunTask] = {}
        queue = list(reversed(todo))
        # Keep only a few runs queued per worker, so Ctrl-C leaves little to cancel.
        while queue or pending:
            while queue and len(pending) < 2 * self.workers:
                task = queue.pop()
                pending[self.executor.submit(_run_in_worker, task)] = task
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                broken |= self._collect(future, pending.pop(future), finished)
            if broken:
                # Every run in flight went down with the pool: collect them all, then go on
                # with a new pool.
                rest, _ = wait(pending, return_when=ALL_COMPLETED)
                for future in rest:
                    self._collect(future, pending.pop(future), finished)
                self._restart()

    def _collect(
        self, future: Future, task: RunTask, finished: Callable[[RunTask, str], None]
    ) -> bool:
        """Pass a finished future's run on; returns whether its worker died."""
        try:
            finished(*future.result())
            return False
        except BrokenProcessPool:
            if self.store.done(task):  # written whole just before the worker died
                finished(task, "ok")
            else:
                self.store.write_failed(task, WORKER_DIED, 0.0)
                finished(task, "failed")
            return True

    def close(self, *, cancel: bool) -> None:
        """Shut down: runs in flight finish and are written; with ``cancel``, queued ones don't
        start. Only then is the pipe closed, or workers would quit runs they are writing."""
        self.executor.shutdown(wait=True, cancel_futures=cancel)
        self.alive.close()
        self.watch.close()


def _ready() -> int:
    return os.getpid()
