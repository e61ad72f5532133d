"""Work shared between processes, for checks and builds of thousands of engagements.

A plain `os.fork`: the workers start with everything this process already loaded (the
engagements, the calendars, the compiled templates), so nothing is sent to them; each sends
back only its (small, picklable) result. No pool, no `multiprocessing`: a worker does one
share of one job and ends. Where `fork` is missing (Windows), or one process is asked for,
the work runs here, in order, with the same result.

Only fork from a process with no other thread running (`mkdocs build`, the command line):
`mkdocs serve` has server threads, so it never splits its work.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import struct
import traceback
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class WorkerFailed(RuntimeError):
    """A worker process raised: the message holds its traceback, as text."""


# How many processes may work at once: the CPUs this process may run on.
def available_cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


# How many processes a job of `count` items gets: `jobs` (0 means one per CPU), never more
# than one per `at_least` items, since a worker costs a fork and a pickled result.
def jobs_for(count: int, jobs: int = 0, at_least: int = 50) -> int:
    wanted = jobs if jobs > 0 else available_cpus()
    return max(1, min(wanted, count // max(1, at_least)))


# `work(items[k::jobs])` for k = 0 .. jobs - 1, in that order: share 0 runs in this process
# while the others run in forked workers.
def split(items: Sequence[Item], work: Callable[[Sequence[Item]], Result], jobs: int) -> list[Result]:
    jobs = max(1, min(jobs, len(items)))
    if jobs == 1 or not hasattr(os, "fork"):
        return [work(items)]
    workers = [_start(items[k::jobs], work) for k in range(1, jobs)]
    try:
        own = work(items[0::jobs])
    finally:  # every worker is waited for, even when this share or another worker failed
        finished = [_finish(pid, fd) for pid, fd in workers]
    for _, failure in finished:
        if failure is not None:
            raise WorkerFailed(failure)
    return [own, *(value for value, _ in finished)]


# Fork a worker for one share; returns its pid and the pipe its result comes through.
def _start(share: Sequence[Item], work: Callable[[Sequence[Item]], Result]) -> tuple[int, int]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write_end)
        return pid, read_end
    # The worker. Its collector must not walk the parent's objects: every object it touched
    # would be copied into this process's memory.
    gc.freeze()
    os.close(read_end)
    status = 0
    try:
        payload = pickle.dumps((True, work(share)), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # noqa: BLE001 - whatever happened goes back to the parent
        payload = pickle.dumps((False, traceback.format_exc()))
        status = 1
    try:
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
    finally:
        os._exit(status)  # no atexit handlers, no second flush of the parent's buffers


# Read a worker's result and wait for it to end: (its result, None), or (None, what went wrong).
def _finish(pid: int, read_end: int) -> tuple[object, str | None]:
    with os.fdopen(read_end, "rb") as pipe:
        payload = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not payload:
        return None, f"worker process {pid} ended without a result (wait status {status})"
    ok, value = pickle.loads(payload)
    if not ok:
        return None, f"worker process {pid} failed:\n{value}"
    return value, None


class Shared:
    """Work started now in worker processes, which this process joins later (`finish`).

    The items go in chunks through a queue (a pipe of chunk numbers: reads of 4 bytes are
    atomic, so each chunk goes to exactly one process). Workers take chunks as soon as they
    start, with `worker`; this process takes what is left when it calls `finish`, with `here`
    (by default `worker` too): it may do the same job another way, with what it has loaded
    since. No share waits for a slower one. Results come one per chunk, in no set order.
    """

    def __init__(
        self,
        items: Sequence[Item],
        jobs: int,
        worker: Callable[[Sequence[Item]], Result],
        here: Callable[[Sequence[Item]], Result] | None = None,
    ) -> None:
        self.items, self.worker, self.here = items, worker, here or worker
        # About 32 chunks per process: the last chunk taken delays the end by little.
        self.size = max(1, -(-len(items) // max(1, jobs * 32)))
        count = -(-len(items) // self.size)
        self.workers: list[tuple[int, int]] = []
        self.queue: int | None = None
        self.local = jobs <= 1 or not hasattr(os, "fork") or count > _QUEUE_MAX
        if self.local:
            return
        self.queue, write_end = os.pipe()
        os.write(write_end, b"".join(struct.pack("<I", k) for k in range(count)))  # fits the pipe
        os.close(write_end)
        # Until the workers end, this process's collector leaves alone what the workers share:
        # a collection writes into every object it walks, and each page written is copied.
        gc.freeze()
        self.workers = [_start(items, self._worker_share) for _ in range(1, jobs)]

    # A worker's share: chunks taken until the queue is empty.
    def _worker_share(self, items: Sequence[Item]) -> list[Result]:
        return self._take_all(items, self.worker)

    # Take chunks until the queue is empty; one result per chunk.
    def _take_all(self, items: Sequence[Item], work: Callable[[Sequence[Item]], Result]) -> list[Result]:
        results = []
        assert self.queue is not None
        while len(record := os.read(self.queue, 4)) == 4:
            (chunk,) = struct.unpack("<I", record)
            results.append(work(items[chunk * self.size : (chunk + 1) * self.size]))
        return results

    # Do what the workers left (with `here`, if given now), wait for them; every chunk's
    # result. Raises WorkerFailed.
    def finish(self, here: Callable[[Sequence[Item]], Result] | None = None) -> list[Result]:
        here = here or self.here
        if self.local:
            return [here(self.items)]
        assert self.queue is not None
        try:
            own = self._take_all(self.items, here)
        finally:  # every worker is waited for, even when this share or another worker failed
            os.close(self.queue)
            self.queue = None
            finished = [_finish(pid, fd) for pid, fd in self.workers]
            self.workers = []
            gc.unfreeze()
        for _, failure in finished:
            if failure is not None:
                raise WorkerFailed(failure)
        return [*own, *(result for value, _ in finished for result in value)]  # type: ignore[union-attr]

    # Something failed elsewhere: stop the workers and wait for them.
    def abandon(self) -> None:
        for pid, fd in self.workers:
            with contextlib.suppress(ProcessLookupError):  # it ended already
                os.kill(pid, signal.SIGTERM)
            os.close(fd)
            os.waitpid(pid, 0)
        if self.workers:
            gc.unfreeze()
        self.workers = []
        if self.queue is not None:
            os.close(self.queue)
            self.queue = None


class Gate:
    """Holds workers back until this process opens it (for a worker started too early to write)."""

    def __init__(self) -> None:
        read_end, write_end = os.pipe()
        self._read_end: int | None = read_end
        self._write_end: int | None = write_end
        self._owner = os.getpid()
        self._passed = False

    # In a worker: wait until the gate opens; False if it never will (the parent gave up).
    def wait(self) -> bool:
        if self._passed:
            return True
        if self._write_end is not None and os.getpid() != self._owner:
            os.close(self._write_end)  # the parent's end alone: its closing reaches the reader
            self._write_end = None
        assert self._read_end is not None
        self._passed = os.read(self._read_end, 1) == b"1"
        return self._passed

    # Let `workers` workers through (each takes one byte).
    def open(self, workers: int) -> None:
        if self._write_end is not None:
            os.write(self._write_end, b"1" * workers)
            self.close()

    # No more workers pass (waiting ones are told to give up).
    def close(self) -> None:
        if self._write_end is not None:
            os.close(self._write_end)
            self._write_end = None
        if self._read_end is not None:
            os.close(self._read_end)
            self._read_end = None


_QUEUE_MAX = 16_384 // 4  # chunk numbers the pipe holds before anyone reads (Linux: 64 KiB)
