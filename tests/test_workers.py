"""`workers.Shared`: work started in forked workers, joined later by the process itself."""

from __future__ import annotations

import os
import time

import pytest
from courtside.workers import Gate, Shared, WorkerFailed


# Each chunk: the pid that took it and its items (slowly, so every process gets some).
def taken(chunk):
    time.sleep(0.01)
    return os.getpid(), list(chunk)


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_every_item_is_done_once_whatever_the_processes(jobs: int) -> None:
    items = list(range(500))
    shared = Shared(items, jobs, taken)
    time.sleep(0.05)  # as the build does: the workers start first, this process joins later
    results = shared.finish()
    done = [item for _, chunk in results for item in chunk]
    assert sorted(done) == items and len(done) == len(items)
    pids = {pid for pid, _ in results}
    assert len(pids) == jobs  # 500 items in chunks of 500 / (jobs * 32): every process took some


def test_a_failing_worker_raises_with_its_traceback() -> None:
    parent = os.getpid()

    def failing(chunk):
        if os.getpid() != parent:
            raise ValueError("broken chunk")
        time.sleep(0.01)
        return list(chunk)

    shared = Shared(list(range(200)), 2, failing)
    with pytest.raises(WorkerFailed, match=r"(?s)failed:.*ValueError: broken chunk"):
        shared.finish()


def test_abandon_stops_the_workers() -> None:
    parent = os.getpid()

    def stuck(chunk):
        if os.getpid() != parent:
            time.sleep(60)
        return list(chunk)

    shared = Shared(list(range(200)), 3, stuck)
    pids = [pid for pid, _ in shared.workers]
    assert len(pids) == 2
    started = time.monotonic()
    shared.abandon()
    assert time.monotonic() - started < 30  # not the workers' 60 s: they were stopped
    for pid in pids:  # reaped: no such child any more
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_one_process_does_it_all_here() -> None:
    shared = Shared(list(range(10)), 1, taken)
    assert shared.workers == []
    assert shared.finish() == [(os.getpid(), list(range(10)))]


def test_workers_and_this_process_may_do_the_work_differently() -> None:
    # Workers get `worker`, this process `here` (the build: workers load, the build has loaded).
    shared = Shared(list(range(300)), 2, lambda chunk: ("worker", taken(chunk)[1]))
    time.sleep(0.05)  # the worker takes a chunk every 10 ms: 64 chunks last it 0.64 s
    results = shared.finish(here=lambda chunk: ("here", list(chunk)))
    assert sorted(item for _, chunk in results for item in chunk) == list(range(300))
    assert {who for who, _ in results} == {"worker", "here"}


def test_the_gate_holds_workers_until_it_opens(tmp_path) -> None:
    gate = Gate()
    log = tmp_path / "order.txt"

    def write_after_gate(chunk):
        passed = gate.wait()
        with log.open("a") as out:
            out.write(f"worker wrote {passed}\n")
        return list(chunk)

    shared = Shared(list(range(100)), 2, write_after_gate, here=lambda chunk: list(chunk))
    time.sleep(0.3)  # the worker has long started: it is waiting at the gate
    log.write_text("gate opens\n")
    gate.open(1)
    shared.finish()
    lines = log.read_text().splitlines()
    assert lines[0] == "gate opens" and set(lines[1:]) == {"worker wrote True"}


def test_a_closed_gate_tells_workers_to_give_up() -> None:
    gate = Gate()
    shared = Shared(list(range(100)), 2, lambda chunk: gate.wait(), here=lambda chunk: None)
    time.sleep(0.1)
    gate.close()
    results = shared.finish()
    assert False in results and True not in results
