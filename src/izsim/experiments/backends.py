"""Where a sweep's batches run: this process, local worker processes, or a Dask cluster.

Every backend runs the same pure function on the same batches and hands the results back to
this process, which writes them: results never depend on the backend or the number of workers,
and a cluster's workers need no shared disk. The study's context (scenario, policy, design) is
sent to each worker once, not with every batch.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Protocol

_CONTEXT: dict[str, Any] = {}


class Backend(Protocol):
    """Runs ``work(context, task)`` for every task, yielding (task, result) as each ends."""

    workers: int

    def run(self, work: Callable[[Any, Any], Any], tasks: Iterable[Any]) -> Iterator[tuple]: ...

    def close(self) -> None: ...


class InProcess:
    """One worker: this process (no start-up cost, the simplest to debug)."""

    workers = 1

    def __init__(self, context: Any) -> None:
        self.context = context

    def run(self, work: Callable[[Any, Any], Any], tasks: Iterable[Any]) -> Iterator[tuple]:
        for task in tasks:
            yield task, work(self.context, task)

    def close(self) -> None:
        pass


def _init(context: Any) -> None:
    _CONTEXT["context"] = context


def _call(work: Callable[[Any, Any], Any], task: Any) -> Any:
    return work(_CONTEXT["context"], task)


class LocalProcesses:
    """Worker processes on this machine; a few tasks queued per worker, so that Ctrl-C leaves
    little to cancel."""

    def __init__(self, context: Any, workers: int) -> None:
        self.workers = workers
        methods = multiprocessing.get_all_start_methods()
        # fork is fastest (workers inherit the imported model) and safe: the pool starts before
        # the progress bar's thread
        method = "fork" if sys.platform.startswith("linux") and "fork" in methods else "spawn"
        self.executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context(method),
            initializer=_init,
            initargs=(context,),
        )

    def run(self, work: Callable[[Any, Any], Any], tasks: Iterable[Any]) -> Iterator[tuple]:
        queue = list(tasks)[::-1]
        pending: dict[Future, Any] = {}
        while queue or pending:
            while queue and len(pending) < 2 * self.workers:
                task = queue.pop()
                pending[self.executor.submit(_call, work, task)] = task
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield pending.pop(future), future.result()

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


class DaskCluster:
    """A Dask distributed cluster: at ``address``, or a local one of ``local_workers``
    single-threaded worker processes started here (for trying it)."""

    def __init__(
        self, context: Any, *, address: str | None = None, local_workers: int | None = None
    ) -> None:
        from dask.distributed import Client, LocalCluster

        self.cluster = None
        if address is None:
            self.cluster = LocalCluster(
                n_workers=local_workers or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=40,
            )
            self.client = Client(self.cluster)
        else:
            try:
                self.client = Client(address, timeout="20s")
            except (OSError, ValueError) as exc:  # unreachable (timeout) or not an address
                from izsim.errors import InputError, Problem

                raise InputError(
                    [Problem("--scheduler", "", f"{address}: cannot be reached ({exc})")]
                ) from None
        self.workers = max(1, len(self.client.scheduler_info(n_workers=-1)["workers"]))
        [self.context] = self.client.scatter([context], broadcast=True)

    def run(self, work: Callable[[Any, Any], Any], tasks: Iterable[Any]) -> Iterator[tuple]:
        from dask.distributed import as_completed

        queue = list(tasks)[::-1]
        pending: dict[Any, Any] = {}
        flow = as_completed()
        while queue and len(pending) < 2 * self.workers:
            task = queue.pop()
            future = self.client.submit(work, self.context, task, pure=False)
            pending[future.key] = task
            flow.add(future)
        for future in flow:
            task = pending.pop(future.key)
            yield task, future.result()
            if queue:
                nxt = queue.pop()
                new = self.client.submit(work, self.context, nxt, pure=False)
                pending[new.key] = nxt
                flow.add(new)

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def backend(
    context: Any,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    dask_workers: int | None = None,
) -> Backend:
    """The backend the options ask for: ``scheduler`` → that Dask cluster; ``dask_workers`` →
    a local Dask cluster; else local processes (one: this process)."""
    if scheduler is not None or dask_workers is not None:
        return DaskCluster(context, address=scheduler, local_workers=dask_workers)
    count = workers or (multiprocessing.cpu_count() or 1)
    return InProcess(context) if count == 1 else LocalProcesses(context, count)
