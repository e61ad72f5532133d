"""Work shared between processes, with the standard library's `ProcessPoolExecutor`.

The pool forks (the `fork` start method), so a worker starts with everything this process
already holds (the policies, the compiled templates, the Markdown converter) and only the
items and the results travel, pickled. The work function itself is handed over through a
module variable set before the pool starts, so it may be a closure over those objects.

One process does the work itself, in order, when one job is asked for, when there is too
little work to share, where `fork` does not exist (Windows), or when this process runs other
threads (`mkdocs serve`): forking a process with threads can deadlock the child.
"""

from __future__ import annotations

import copyreg
import dataclasses
import operator
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_all_start_methods, get_context
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

_work: Callable[[Sequence[Any]], Any] | None = None  # the work of the pool being run


# How many processes may work at once: the CPUs this process may run on.
def available_cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


# How many processes a job of `count` items gets: `jobs` (0 means one per CPU), never more
# than one per `at_least` items, since a worker costs a fork and pickled results; one where
# this process may not fork.
def jobs_for(count: int, jobs: int = 0, at_least: int = 50) -> int:
    if not can_fork():
        return 1
    wanted = jobs if jobs > 0 else available_cpus()
    return max(1, min(wanted, count // max(1, at_least)))


# Whether this process may fork workers now.
def can_fork() -> bool:
    return hasattr(os, "fork") and "fork" in get_all_start_methods() and threading.active_count() == 1


# `work(chunk)` over consecutive chunks of `items`, results in the order of the items' chunks:
# in `jobs` forked processes when that helps, else here.
def map_chunks(work: Callable[[Sequence[Item]], Result], items: Sequence[Item], jobs: int) -> list[Result]:
    global _work
    if jobs <= 1 or len(items) < 2 or not can_fork():
        return [work(items)]
    # Chunks of a few items each, about 8 per process, so that no process waits long for the
    # slowest; results come back in chunk order.
    size = max(1, -(-len(items) // (jobs * 8)))
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    _work = work
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork")) as pool:
            return list(pool.map(_run, chunks))
    finally:
        _work = None


# Results travel pickled. A frozen dataclass with slots unpickles through the standard
# library's `_dataclass_setstate`, which looks up the class's fields again for every object:
# most of the time it took to send a build's results back. These are pickled as a call to the
# class with its fields' values instead (the same object, rebuilt by its own __init__).
def pickle_by_fields(*classes: type) -> None:
    for cls in classes:
        names = [field.name for field in dataclasses.fields(cls) if field.init]
        values = operator.attrgetter(*names) if len(names) > 1 else (lambda obj, name=names[0]: (getattr(obj, name),))
        copyreg.pickle(cls, lambda obj, cls=cls, values=values: (cls, values(obj)))


# In a worker: the work handed over by `map_chunks`.
def _run(chunk: Sequence[Any]) -> Any:
    assert _work is not None, "map_chunks sets the work before the pool forks"
    return _work(chunk)
