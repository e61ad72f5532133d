"""Work shared between processes, with the standard library's `ProcessPoolExecutor`.

The pool forks (the `fork` start method), so a worker starts with everything this process
already holds (the policies, the compiled templates, the Markdown converter) and only the
items and the results travel, pickled. The work function itself is handed over through a
module variable set before the pool starts, so it may be a closure over those objects.

This process works too: `jobs` processes are this one and `jobs - 1` workers. The workers
take the chunks from the first on; this process takes them from the last back, each one no
worker has started yet, so nobody waits while there is work, and nothing this process
computes is pickled. What a worker sends back may refer to objects this process already held
when it forked (`shared`: the policies), by reference instead of by copy: the policies'
lines and validated sections are most of what an engagement would otherwise carry back.

One process does the work itself, in order, when one job is asked for, when there is too
little work to share, where `fork` does not exist (Windows), or when this process runs other
threads (`mkdocs serve`): forking a process with threads can deadlock the child.
"""

from __future__ import annotations

import copyreg
import dataclasses
import io
import operator
import os
import pickle
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_all_start_methods, get_context
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

_work: Callable[[Sequence[Any]], Any] | None = None  # the work of the pool being run
_shared: dict[int, Any] = {}  # id -> object held before the fork, for the pool being run


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


CHUNKS_PER_PROCESS = 32
"""A worker holds two chunks at a time (the one it works on and the next, queued where this
process can no longer take it back), so at the end this process may wait idle for two of the
worker's chunks: with 8 chunks a process, 1.5 to 3.5 s of a build of 1,000 engagements on a
busy machine; with 32, 0.35 to 0.5 s. A chunk costs one message each way."""


# Whether this process may fork workers now.
def can_fork() -> bool:
    return hasattr(os, "fork") and "fork" in get_all_start_methods() and threading.active_count() == 1


# `work(chunk)` over consecutive chunks of `items`, results in the order of the items' chunks:
# in this process and `jobs - 1` forked workers when that helps, else here. `shared`: objects
# that the results may refer to and that exist before the fork (see the module's docstring).
def map_chunks(
    work: Callable[[Sequence[Item]], Result], items: Sequence[Item], jobs: int, shared: Iterable[Any] = ()
) -> list[Result]:
    global _work, _shared
    if jobs <= 1 or len(items) < 2 or not can_fork():
        return [work(items)]
    # Small chunks, about CHUNKS_PER_PROCESS per process, so that no process waits long for
    # the slowest; results come back in chunk order.
    size = max(1, -(-len(items) // (jobs * CHUNKS_PER_PROCESS)))
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    _work, _shared = work, _objects_within(shared)
    try:
        with ProcessPoolExecutor(max_workers=jobs - 1, mp_context=get_context("fork")) as pool:
            futures = [pool.submit(_run, chunk) for chunk in chunks]
            results: list[Any] = [None] * len(chunks)
            for index in reversed(range(len(chunks))):
                if futures[index].cancel():  # no worker has started it: this process does it
                    results[index] = work(chunks[index])
            for index, future in enumerate(futures):
                if not future.cancelled():
                    results[index] = _received(future)
            return results
    finally:
        _work, _shared = None, {}


# A worker's result, read back with its references to the shared objects.
def _received(future: Future) -> Any:
    return pickle.loads(future.result())


# Every object reachable from `roots` that pickle would copy (containers, objects with
# fields), by id: what a worker may refer to instead of sending.
def _objects_within(roots: Iterable[Any]) -> dict[int, Any]:
    found: dict[int, Any] = {}
    stack = list(roots)
    while stack:
        obj = stack.pop()
        if isinstance(obj, str | bytes | int | float | bool | type(None)) or id(obj) in found or isinstance(obj, type):
            continue
        found[id(obj)] = obj
        if isinstance(obj, dict):
            stack.extend(obj.values())
        elif isinstance(obj, list | tuple | set | frozenset):
            stack.extend(obj)
        else:
            stack.extend(getattr(obj, "__dict__", {}).values())
            for cls in type(obj).__mro__:
                for slot in getattr(cls, "__slots__", ()):
                    if hasattr(obj, slot) and not slot.startswith("__"):
                        stack.append(getattr(obj, slot))
    return found


class _SharedPickler(pickle.Pickler):
    """Pickles an object held before the fork as a reference to it.

    `reducer_override` rather than `persistent_id`: the pickler asks `persistent_id` about
    every object it meets, strings and numbers included (about 790 calls an engagement, most
    of the time it took to send results back), but `reducer_override` only about objects
    that are not str, bytes, numbers, None, tuples, lists, dicts or sets, nor met before in
    the same pickle. Shared containers of those kinds travel as copies (equal values; nothing
    depends on their identity), the shared models by reference.
    """

    def reducer_override(self, obj: Any) -> Any:
        if _shared.get(id(obj), _shared) is obj:
            return _shared_object, (id(obj),)
        return NotImplemented


def _shared_object(key: int) -> Any:
    """In this process, a shared object a worker referred to."""
    return _shared[key]


# Results travel pickled. A frozen dataclass with slots unpickles through the standard
# library's `_dataclass_setstate`, which looks up the class's fields again for every object:
# most of the time it took to send a build's results back. These are pickled as a call to the
# class with its fields' values instead (the same object, rebuilt by its own __init__).
def pickle_by_fields(*classes: type) -> None:
    for cls in classes:
        names = [field.name for field in dataclasses.fields(cls) if field.init]
        values = operator.attrgetter(*names) if len(names) > 1 else (lambda obj, name=names[0]: (getattr(obj, name),))
        copyreg.pickle(cls, lambda obj, cls=cls, values=values: (cls, values(obj)))


# In a worker: the work handed over by `map_chunks`, its result pickled with references to
# the shared objects.
def _run(chunk: Sequence[Any]) -> bytes:
    assert _work is not None, "map_chunks sets the work before the pool forks"
    out = io.BytesIO()
    _SharedPickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(_work(chunk))
    return out.getvalue()
