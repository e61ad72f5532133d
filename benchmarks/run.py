"""Run the benchmarks: each command on N generated engagements against its floor.

(a) `mkdocs build` of a site with the plugin, against a build of the same client pages
    written as plain Markdown (same body text, same theme, no courtside plugin);
(b) `courtside check`, against reading the same files and loading their front matter with
    `yaml.CSafeLoader`;
(c) the peak memory of (a): of every process of the command, not of the first alone;
(d) under `mkdocs serve` on N engagements, the time from saving one engagement to the
    server answering with the rebuilt page.

Every command runs as a subprocess in a temporary folder; wall time is the median of k
runs, CPU time (user + system) comes from `os.wait4` (it includes the workers the command
forked and waited for). Timings are never asserted anywhere: see docs/performance.md for
the figures and how to read them.

Peak memory. A build may fork workers (`jobs` in mkdocs.yml, `courtside check --jobs`);
`ru_maxrss` from `os.wait4` is then the largest single process of the tree, not what the
tree holds. So while a command runs, a thread of this process samples every 20 ms the sum,
over the command's process and all its descendants (/proc/<pid>/task/*/children, or the
parent field of /proc/*/stat where the kernel has no `children` file), of each process's
PSS (`Pss:` of /proc/<pid>/smaps_rollup; its RSS from /proc/<pid>/statm when that cannot be
read), and keeps the largest sum. PSS splits a page shared by k processes (the copy-on-write
pages a fork shares) into k parts, so the sum counts each page once; a sum of RSS would
count the parent's memory again in every worker. A spike that comes and goes between two
samples (a 20 ms window) is missed, so the sampled sum is a lower bound too; `ru_maxrss` is
an exact lower bound (the kernel's own high-water mark of the largest process). The peak
reported is max(sampled sum, ru_maxrss); both figures are kept in the JSON (`tree_mb`,
`maxrss_mb`) and in the lines printed as the benchmarks go. One exception: Linux keeps a
process's high-water mark across `exec`, so a command's ru_maxrss is at least this harness's
own peak RSS when it started it (`harness_mb`; 25 MB at N = 100, 56 MB at N = 10,000); a
ru_maxrss not above that is left out of the peak, which is then the sampled sum alone.

The sampler's own cost: reading smaps_rollup walks the process's page tables (about 5 ms for
a 500 MB process on the 2-CPU machine of docs/performance.md), CPU time taken while the
command runs, on a CPU it might use. So while the command is one process, a sample reads its
RSS from statm instead (PSS <= RSS <= ru_maxrss: it could not raise the peak), and the
sampler waits longer than 20 ms after a slow sample, so as to take at most a quarter of one
CPU; each run records its sampler's CPU time (`sampler_cpu_s`) and its longest gap between
two samples (`sample_gap_ms`), the window a spike can hide in.

Even so, a sampled run is not a timed run. A quarter of a CPU is an eighth of this 2-CPU
machine, and a build in two processes wants both CPUs, where its one-process floor leaves a CPU
to the sampler; reading smaps_rollup also holds the process's memory map lock against its page
faults. At N = 1,000 (four alternated rounds, 2026-11-27) the sampler took 1.4 to 1.7 s of
CPU per build in two processes, and the build's medians were 10.5 s wall and 16.8 s CPU
sampled against 9.1 s and 15.1 s not; its floor's 9.2 s and 9.0 s against 9.1 s and 8.9 s.
So the timed runs are not sampled (their peak is the kernel's `ru_maxrss` alone), and the
memory of (c) comes from more runs of each side (`--memory-runs`, default 1), sampled and not timed.
"""

from __future__ import annotations

import atexit
import compileall
import contextlib
import importlib.metadata
import math
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .generate import REPO, TODAY, split_file, write_projects

BIN = Path(sys.executable).parent
TARGETS = {
    "build_ratio": 1.10, "check_ratio": 1.5, "growth": 11.0, "peak_mb": 500.0, "serve_s": 2.0, "history_ratio": 1.5,
}  # fmt: skip
# A studio's size (20 to 200 engagements): the build's wall time and a pre-commit hook's check
# (results kept from the run before: only the changed files are checked again) at N = 50,
# and the build's CPU time at N = 1,000.
STUDIO_TARGETS = {"build_ratio_50": 1.25, "check_warm_ratio_50": 2.0, "build_cpu_ratio_1000": 1.25}
CACHE_DIR = Path(tempfile.mkdtemp(prefix="courtside-bench-cache-"))
"""`courtside check` keeps results between runs (cache.py): the harness's own cache, never the user's."""
atexit.register(shutil.rmtree, CACHE_DIR, True)

MARKDOWN_EXTENSIONS = """\
markdown_extensions:
  - admonition
  - tables
  - toc:
      permalink: true
  - pymdownx.superfences
"""

SITE_HEAD = """\
site_name: Bench Studio
site_url: https://studio.example/
docs_dir: docs
theme:
  name: material
  font: false
nav:
  - Home: index.md
"""

PLUGIN_SITE = SITE_HEAD + f"""\
plugins:
  - search
  - courtside:
      projects: projects
      today: "{TODAY.isoformat()}"
      board_path: board
      board_protected: true
""" + MARKDOWN_EXTENSIONS


# The plugin site's mkdocs.yml: with `jobs: K` among the plugin's options under `--jobs K`.
def plugin_site() -> str:
    if not JOBS:
        return PLUGIN_SITE
    today = f'      today: "{TODAY.isoformat()}"\n'
    return PLUGIN_SITE.replace(today, today + f"      jobs: {JOBS[0]}\n")

# The floor: the same pages by hand, kept out of the nav and the search index like the plugin's.
FLOOR_SITE = SITE_HEAD + """\
not_in_nav: |
  /c/
plugins:
  - search
""" + MARKDOWN_EXTENSIONS

FLOOR_FRONT_MATTER = "---\nsearch:\n  exclude: true\nhide:\n  - navigation\n  - toc\n---\n"

INDEX_PAGE = "# Bench Studio\n\nThe benchmark site's only guide page.\n"

# (b) floor: read every engagement file, split off its front matter, load it with libyaml.
YAML_FLOOR = """\
import sys
from pathlib import Path
import yaml
folder = Path(sys.argv[1])
yaml.load((folder / "_policies.yml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
count = 0
for path in sorted(folder.glob("*.md")):
    if path.name.startswith(("_", ".")):
        continue
    _, front, _body = path.read_text(encoding="utf-8").split("---\\n", 2)
    yaml.load(front, Loader=yaml.CSafeLoader)
    count += 1
print(count, "files")
"""

@dataclass
class Run:
    """One subprocess: wall and CPU seconds, peak memory, exit code.

    `peak_mb` is max(tree_mb, maxrss_mb): `tree_mb` the largest sampled sum of PSS over the
    process and its descendants, `maxrss_mb` the kernel's max RSS of the largest single
    process (left out of `peak_mb` when not above `harness_mb`, the harness's own peak RSS
    when the command started, which it may merely be: see own_high_water_kb); `processes` the most processes seen in one sample, `samples` how many were taken,
    `sample_gap_ms` the longest time between two of them, `sampler_cpu_s` the CPU they cost.
    """

    wall: float
    cpu: float
    peak_mb: float
    rc: int
    maxrss_mb: float = float("nan")
    tree_mb: float = float("nan")
    harness_mb: float = float("nan")
    processes: int = 0
    samples: int = 0
    sample_gap_ms: float = float("nan")
    sampler_cpu_s: float = float("nan")


@dataclass
class Sites:
    """The two sites of one N: with the plugin, and the plain-Markdown floor."""

    n: int
    plugin: Path
    floor: Path
    shares: list[str]
    files: list[Path]


@dataclass
class Result:
    """One measurement: the command, its floor, and their runs."""

    name: str
    n: int
    runs: list[Run] = field(default_factory=list)  # timed, not sampled
    floor_runs: list[Run] = field(default_factory=list)
    memory_runs: list[Run] = field(default_factory=list)  # sampled, not timed: (c)
    floor_memory_runs: list[Run] = field(default_factory=list)
    command: str = ""
    floor_command: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def median(self, what: str, floor: bool = False) -> float:
        # The median of one figure over the runs (or the floor's runs).
        runs = self.floor_runs if floor else self.runs
        return statistics.median(getattr(r, what) for r in runs) if runs else float("nan")

    def peak(self, floor: bool = False, what: str = "peak_mb") -> float:
        # The largest peak memory of any run, timed or sampled (or another memory figure of
        # Run), MB; a figure a run did not take (nan) is left out.
        runs = self.floor_runs + self.floor_memory_runs if floor else self.runs + self.memory_runs
        return max((value for r in runs if not math.isnan(value := getattr(r, what))), default=float("nan"))

    def processes(self) -> int:
        # The most processes a sampled run saw at once (0: none was sampled).
        return max((r.processes for r in self.runs + self.memory_runs), default=0)


def tool(name: str) -> list[str]:
    # A console script of this venv (mkdocs, courtside), as an argv prefix.
    script = BIN / name
    return [str(script)] if script.exists() else [sys.executable, "-m", name]


PYTHONPATH: list[str] = []
"""Folders put first on the measured commands' path (`--code`): to time another copy of the plugin."""

JOBS: list[int] = []
"""`--jobs K`: K is written as the plugin's `jobs` option and passed to `courtside check --jobs`.
Empty: the plugin's default, nothing written and no flag."""

SAMPLE_EVERY = 0.02
"""Seconds between two samples of a command's process tree memory."""

SAMPLER_SHARE = 0.25
"""At most this share of one CPU goes to sampling: after a sample that took t seconds, the next
waits max(SAMPLE_EVERY, t * (1 / SAMPLER_SHARE - 1)). Reading smaps_rollup walks a process's
page tables, about 1 ms per 100 MB mapped here (5 ms for a 500 MB process)."""

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
HAS_CHILDREN_FILES = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists()
"""Whether this kernel lists each thread's children (CONFIG_PROC_CHILDREN)."""


# The direct children of one process: those of every one of its threads.
def children_of(pid: int) -> list[int]:
    found: list[int] = []
    for listing in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError, ValueError):  # the thread or the process ended meanwhile
            found += [int(child) for child in listing.read_text().split()]
    return found


# Every process's parent, from /proc/*/stat (where the kernel has no `children` files).
def parents_by_pid() -> dict[int, int]:
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = Path(f"/proc/{entry.name}/stat").read_bytes()
            # "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
            parents[int(entry.name)] = int(stat[stat.rindex(b")") + 2 :].split()[1])
    return parents


# The process `root` and all its descendants (children, theirs, ...), root first.
def process_tree(root: int, by_children: bool = HAS_CHILDREN_FILES) -> list[int]:
    if by_children:
        children = children_of
    else:
        kids: dict[int, list[int]] = {}
        for pid, parent in parents_by_pid().items():
            kids.setdefault(parent, []).append(pid)
        children = lambda pid: kids.get(pid, [])  # noqa: E731
    tree, queue, seen = [], [root], {root}
    while queue:
        pid = queue.pop(0)
        tree.append(pid)
        for child in children(pid):
            if child not in seen:
                seen.add(child)
                queue.append(child)
    return tree


# This process's own peak RSS (VmHWM) in kB. Linux carries a process's high-water mark across
# `exec`, and a child starts (fork or vfork) with its parent's pages: a command's ru_maxrss is
# never below the harness's VmHWM when it was started (`/bin/true` run from a harness holding
# 300 MB: ru_maxrss 325 MB). A ru_maxrss at or under it says nothing about the command.
def own_high_water_kb() -> int:
    with contextlib.suppress(OSError, ValueError, AttributeError):
        return int(re.search(r"VmHWM:\s+(\d+)", Path("/proc/self/status").read_text()).group(1))  # type: ignore[union-attr]
    return 0


# One process's resident memory (RSS) in kB, from /proc/<pid>/statm (cheap: no page walk); 0 once it is gone.
def process_rss_kb(pid: int) -> int:
    with contextlib.suppress(OSError, ValueError, IndexError):
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_KB
    return 0


# One process's memory in kB: its PSS, or its RSS where smaps_rollup is unreadable; 0 once it is gone.
def process_memory_kb(pid: int) -> int:
    with contextlib.suppress(OSError, ValueError), open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
        for line in rollup:
            if line.startswith(b"Pss:"):
                return int(line.split()[1])
    # No Pss line (a zombie has no memory map left) or no access: its resident pages.
    return process_rss_kb(pid)


class TreeMemory:
    """Samples, from a thread, the summed memory of a process and its descendants; keeps the largest.

    While the tree is the root process alone, a sample is its RSS from statm: PSS <= RSS <=
    ru_maxrss, so its PSS could not raise the reported peak, and statm costs no page walk.
    """

    def __init__(self, root: int, every: float = SAMPLE_EVERY) -> None:
        self.root, self.every = root, every
        self.peak_kb = 0
        self.processes = 0
        self.samples = 0
        self.cpu_s = 0.0  # CPU time the sampling thread used
        self.longest_gap_s = 0.0  # longest time between the starts of two samples: a shorter spike may be missed
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name=f"tree-memory-{root}", daemon=True)

    # Take one sample: the sum over the tree now; remember it if it is the largest so far.
    def sample(self) -> int:
        tree = process_tree(self.root)
        alone = len(tree) == 1  # the root alone: its RSS from statm (see the class's docstring)
        total = process_rss_kb(self.root) if alone else sum(process_memory_kb(pid) for pid in tree)
        self.samples += 1
        self.peak_kb = max(self.peak_kb, total)
        self.processes = max(self.processes, len(tree))
        return total

    # The thread: sample at once, then every `every` seconds (less often when sampling gets slow) until stopped.
    def _sample(self) -> None:
        cpu_started = time.thread_time()
        previous = None
        while True:
            began = time.perf_counter()
            if previous is not None:
                self.longest_gap_s = max(self.longest_gap_s, began - previous)
            previous = began
            self.sample()
            took = time.perf_counter() - began
            if self._stop.wait(max(self.every, took * (1 / SAMPLER_SHARE - 1))):
                self.cpu_s = time.thread_time() - cpu_started
                return

    # Begin sampling.
    def start(self) -> TreeMemory:
        self._thread.start()
        return self

    # End sampling (after the process ended, before it is reaped, so its pid is not reused meanwhile).
    def stop(self) -> TreeMemory:
        self._stop.set()
        if self._thread.ident is not None:  # started
            self._thread.join()
        return self


def environment() -> dict[str, str]:
    # The environment of every measured command: quiet Material, pinned `today`, `--code` first.
    env = dict(os.environ)
    env.update(NO_MKDOCS_2_WARNING="1", COURTSIDE_TODAY=TODAY.isoformat(), COURTSIDE_CACHE_DIR=str(CACHE_DIR))
    if PYTHONPATH:
        env["PYTHONPATH"] = os.pathsep.join([*PYTHONPATH, *filter(None, [env.get("PYTHONPATH")])])
    return env


def run_once(argv: Sequence[str], cwd: Path, timeout: float, log: Path | None = None, sample: bool = False) -> Run:
    # Run one command to its end; wall time, CPU time, its largest process's max RSS, and with
    # `sample` the peak memory of its whole process tree (see the module's docstring: a
    # sampled run's times are not the command's own).
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    try:
        harness_kb = own_high_water_kb()
        started = time.perf_counter()
        process = subprocess.Popen(
            list(argv), cwd=cwd, env=environment(), stdout=out, stderr=out, start_new_session=True
        )
        memory = TreeMemory(process.pid)
        if sample:
            memory.start()
        killer = threading.Timer(timeout, lambda: _kill_group(process.pid))
        killer.start()
        try:
            # Wait for the end without reaping (the pid stays ours while the sampler stops), then reap.
            os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)
            wall = time.perf_counter() - started
            memory.stop()
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            killer.cancel()
            memory.stop()
        process.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if log:
            out.close()  # type: ignore[union-attr]
    nan = float("nan")
    maxrss_mb, harness_mb = usage.ru_maxrss / 1024, harness_kb / 1024
    tree_mb = memory.peak_kb / 1024 if sample else nan
    # ru_maxrss at or under this process's own high-water mark may be ours (see own_high_water_kb).
    peak_mb = tree_mb
    if maxrss_mb > harness_mb:
        peak_mb = max(tree_mb, maxrss_mb) if sample else maxrss_mb
    return Run(
        wall, usage.ru_utime + usage.ru_stime, peak_mb, process.returncode,
        maxrss_mb=maxrss_mb, tree_mb=tree_mb, harness_mb=harness_mb, processes=memory.processes,
        samples=memory.samples, sample_gap_ms=memory.longest_gap_s * 1000 if sample else nan,
        sampler_cpu_s=memory.cpu_s if sample else nan,
    )


def _kill_group(pid: int) -> None:
    # Stop a process this module started (and its children), by its own process group.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)


def make_sites(root: Path, n: int, seed: int) -> Sites:
    # Write both sites for `n` engagements under `root`.
    plugin, floor = root / f"n{n}" / "plugin", root / f"n{n}" / "floor"
    for site in (plugin, floor):
        if site.exists():
            shutil.rmtree(site)
        (site / "docs").mkdir(parents=True)
        (site / "docs" / "index.md").write_text(INDEX_PAGE, encoding="utf-8")
    (plugin / "mkdocs.yml").write_text(plugin_site(), encoding="utf-8")
    (floor / "mkdocs.yml").write_text(FLOOR_SITE, encoding="utf-8")
    files = write_projects(plugin / "projects", n, seed)
    (floor / "docs" / "c").mkdir()
    shares = []
    for path in files:
        _, body, share = split_file(path.read_text(encoding="utf-8"))
        (floor / "docs" / "c" / f"{share}.md").write_text(FLOOR_FRONT_MATTER + body, encoding="utf-8")
        shares.append(share)
    return Sites(n, plugin, floor, shares, files)


def alternate(
    result: Result, argv: list[str], floor_argv: list[str], sites: Sites, runs: int, warmup: bool, timeout: float,
    memory_runs: int = 0,
) -> Result:
    # Run the command and its floor in turn (so that a busy moment hits both), `runs` timed
    # times each, then `memory_runs` sampled times each for their memory.
    log = sites.plugin.parent / f"{result.name}.log"
    if warmup:
        run_once(argv, sites.plugin, timeout, log)
        run_once(floor_argv, sites.floor, timeout, log)
    for _ in range(runs):
        result.runs.append(run_once(argv, sites.plugin, timeout, log))
        result.floor_runs.append(run_once(floor_argv, sites.floor, timeout, log))
    for _ in range(memory_runs):
        result.memory_runs.append(run_once(argv, sites.plugin, timeout, log, sample=True))
        result.floor_memory_runs.append(run_once(floor_argv, sites.floor, timeout, log, sample=True))
    failed = [r.rc for r in result.runs + result.floor_runs + result.memory_runs + result.floor_memory_runs if r.rc != 0]
    if failed:
        raise RuntimeError(f"{result.name} at N={sites.n}: a command failed (exit {failed[0]}); see {log}")
    return result


def measure_build(sites: Sites, runs: int, warmup: bool, memory_runs: int = 1) -> Result:
    # (a) and (c): `mkdocs build` with the plugin against the plain-Markdown floor; (c) from
    # `memory_runs` sampled runs of each, after the timed ones.
    build = [*tool("mkdocs"), "build", "-q", "-f", "mkdocs.yml", "-d", "site"]
    result = Result("build", sites.n, command=" ".join(build[-6:]), floor_command="same, no plugin")
    timeout = 120 + sites.n * 0.2
    return alternate(result, build, build, sites, runs, warmup, timeout, memory_runs)


HISTORY_COMMITS = 300
"""Commits of the history benchmark's repository (issue 15: 50 engagements, 300 commits)."""

DAYS_LINE = re.compile(r"(days: )(\d+)")


def _git(repo: Path, *args: str, day: str | None = None) -> None:
    # git in `repo`, as the studio: commits dated `day` at noon UTC.
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    if day:
        env.update(GIT_AUTHOR_DATE=f"{day}T12:00:00+00:00", GIT_COMMITTER_DATE=f"{day}T12:00:00+00:00")
    subprocess.run(
        ["git", "-c", "user.name=Bench", "-c", "user.email=bench@studio.invalid", "-c", "commit.gpgsign=false",
         *args], cwd=repo, env=env, check=True, capture_output=True,
    )  # fmt: skip


def make_history(sites: Sites, commits: int, seed: int) -> None:
    """The plugin site as a git repository of `commits` daily commits ending on TODAY: the first
    adds every file; then, day by day, one engagement's body or stage length is edited (an
    edited length moves dates), and every 60th commit edits `_policies.yml` (a new version of
    every engagement)."""
    import random
    from datetime import timedelta

    rng = random.Random(seed)
    repo = sites.plugin
    _git(repo, "init", "-q")
    first = TODAY - timedelta(days=commits - 1)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "the studio's files", day=first.isoformat())
    policies = repo / "projects" / "_policies.yml"
    for index in range(1, commits):
        day = (first + timedelta(days=index)).isoformat()
        if index % 60 == 0:
            policies.write_text(policies.read_text(encoding="utf-8") + f"# reviewed on {day}\n", encoding="utf-8")
        else:
            path = rng.choice(sites.files)
            text = path.read_text(encoding="utf-8")
            front, body = text.split("---\n", 2)[1:]
            if rng.random() < 0.5 and DAYS_LINE.search(front):
                front = DAYS_LINE.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + 1}", front, count=1)
            else:
                body += f"\nNote of {day}.\n"
            path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")
        _git(repo, "commit", "-q", "-a", "-m", f"day {index}", day=day)
    (repo / "mkdocs-no-history.yml").write_text(
        plugin_site().replace("      board_protected: true\n", "      board_protected: true\n      history: false\n"),
        encoding="utf-8",
    )


def measure_history(sites: Sites, runs: int, warmup: bool) -> list[Result]:
    """`mkdocs build` of the site in its repository with history, the first build of a day
    (cold: no cache) and the next ones (warm: `.courtside-cache` kept), against the same site
    built with `history: false`."""
    build = [*tool("mkdocs"), "build", "-q", "-d", "site"]
    without = [*build, "-f", "mkdocs-no-history.yml"]
    with_history = [*build, "-f", "mkdocs.yml"]
    cache = sites.plugin / ".courtside-cache"
    log = sites.plugin.parent / "history.log"
    timeout = 120 + sites.n * 0.5
    cold = Result("history-cold", sites.n, command="mkdocs build (history, no cache)", floor_command="history: false")
    warm = Result("history-warm", sites.n, command="mkdocs build (history, cache kept)", floor_command="history: false")
    if warmup:
        run_once(with_history, sites.plugin, timeout, log)
        run_once(without, sites.plugin, timeout, log)
    for _ in range(runs):
        shutil.rmtree(cache, ignore_errors=True)
        cold.runs.append(run_once(with_history, sites.plugin, timeout, log))
        warm.runs.append(run_once(with_history, sites.plugin, timeout, log))
        floor = run_once(without, sites.plugin, timeout, log)
        cold.floor_runs.append(floor)
        warm.floor_runs.append(floor)
    failed = [r.rc for r in cold.runs + warm.runs + cold.floor_runs if r.rc != 0]
    if failed:
        raise RuntimeError(f"history at N={sites.n}: a build failed (exit {failed[0]}); see {log}")
    return [cold, warm]


def check_command(cached: bool = False) -> tuple[list[str], str]:
    # `courtside check` on the generated folder, with `--jobs K` under the harness's `--jobs K`:
    # every file checked (`--no-cache`), or with the results of the run before (`cached`).
    jobs = ["--jobs", str(JOBS[0])] if JOBS else []
    flags = [*jobs, *([] if cached else ["--no-cache"])]
    argv = [*tool("courtside"), "check", *flags, "projects"]
    return argv, " ".join(["courtside", "check", *flags, "projects"])


def measure_check(sites: Sites, runs: int, warmup: bool, cached: bool = False) -> Result:
    # (b): checking every file against parsing its front matter with libyaml; with `cached`, a
    # check after one that saw the same files (a pre-commit hook's second run: the warm-up run
    # fills the cache, and each timed run finds it full).
    argv, shown = check_command(cached)
    floor = [sys.executable, "-c", YAML_FLOOR, str(sites.plugin / "projects")]
    name = "check-cached" if cached else "check"
    result = Result(name, sites.n, command=shown, floor_command="python: split + yaml.CSafeLoader")
    return alternate(result, argv, floor, sites, runs, warmup or cached, 60 + sites.n * 0.05)


def free_port() -> int:
    # A TCP port nobody listens on right now, on the loopback interface.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str | None:
    # The page's text, or None while the server does not answer it.
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def wait_for(predicate, timeout: float, interval: float = 0.02) -> float | None:
    # Poll until `predicate()` is true; seconds it took, or None after `timeout`.
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if predicate():
            return time.perf_counter() - started
        time.sleep(interval)
    return None


BUILT = re.compile(r"Documentation built in ([0-9.]+) seconds")


def measure_serve(sites: Sites, edits: int, settle: float = 1.5) -> Result:
    # (d): save one engagement, poll its page until the new text is served; `edits` times.
    port = free_port()
    log = sites.plugin.parent / "serve.log"
    argv = [*tool("mkdocs"), "serve", "-f", "mkdocs.yml", "-a", f"127.0.0.1:{port}"]
    result = Result("serve", sites.n, command=" ".join(argv[-5:]))
    with open(log, "wb") as out:
        started = time.perf_counter()
        server = subprocess.Popen(
            argv, cwd=sites.plugin, env=environment(), stdout=out, stderr=out, start_new_session=True
        )
        try:
            base = f"http://127.0.0.1:{port}"
            first = wait_for(lambda: fetch(f"{base}/c/{sites.shares[0]}/") is not None, 120 + sites.n * 0.2, 0.2)
            if first is None:
                raise RuntimeError(f"mkdocs serve did not answer in time; see {log}")
            result.extra["first_build_s"] = round(time.perf_counter() - started, 2)
            time.sleep(settle)
            for edit in range(edits):
                index = (edit * 7919 + 1) % sites.n
                path, share = sites.files[index], sites.shares[index]
                token = f"bench-edit-{edit}-{time.time_ns()}"
                builds_before = len(BUILT.findall(log.read_text(errors="replace")))
                with open(path, "a", encoding="utf-8") as engagement:
                    engagement.write(f"\nRevised: {token}\n")
                saved = time.perf_counter()
                url = f"{base}/c/{share}/"
                took = wait_for(lambda url=url, token=token: token in (fetch(url) or ""), 60 + sites.n * 0.05)
                if took is None:
                    raise RuntimeError(f"the edited page never showed the edit; see {log}")
                result.runs.append(Run(time.perf_counter() - saved, float("nan"), float("nan"), 0))
                wait_for(lambda n=builds_before: len(BUILT.findall(log.read_text(errors="replace"))) > n, 30, 0.1)
                time.sleep(settle)
            builds = [float(b) for b in BUILT.findall(log.read_text(errors="replace"))]
            result.extra["rebuild_s"] = builds[1:]
        finally:
            _kill_group(server.pid)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=15)
    return result


def version(package: str) -> str:
    # An installed distribution's version, or "-".
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "-"


def machine() -> dict[str, str]:
    # What the figures were measured on: CPUs, memory, versions, date, commit, load.
    cpu = "unknown"
    memory = "unknown"
    try:
        model = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = model.group(1).strip() if model else platform.processor() or "unknown"
        kib = re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text())
        memory = f"{int(kib.group(1)) / 1024 / 1024:.1f} GiB" if kib else "unknown"
    except OSError:
        pass
    commit = "-"
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
        changed = subprocess.run(["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True)
        if head.returncode == 0:
            count = len([line for line in changed.stdout.splitlines() if line.strip()])
            commit = head.stdout.strip() + (f" + {count} uncommitted file(s)" if count else "")
    except OSError:
        pass
    return {
        "date": datetime.now().astimezone().isoformat(timespec="minutes"),
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "mkdocs": version("mkdocs"),
        "mkdocs-material": version("mkdocs-material"),
        "markdown": version("markdown"),
        "pydantic": version("pydantic"),
        "holidays": version("holidays"),
        "commit": commit,
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def _n(n: int) -> str:
    return f"{n:,}"


def verdict(ok: bool | None) -> str:
    return "-" if ok is None else ("yes" if ok else "**no**")


def rows(results: list[Result]) -> list[list[str]]:
    # The table's rows: one per measurement and N, then the growth row.
    out: list[list[str]] = []
    builds = {r.n: r for r in results if r.name == "build"}
    for r in results:
        if r.name == "build":
            wall, floor = r.median("wall"), r.median("wall", floor=True)
            ratio = wall / floor
            target = {1000: TARGETS["build_ratio"], 50: STUDIO_TARGETS["build_ratio_50"]}.get(r.n)
            out.append([
                "(a) mkdocs build, wall s", _n(r.n), f"{wall:.2f}", f"{floor:.2f}", f"{ratio:.2f}x",
                f"<= {target:.2f}x" if target else "", verdict(ratio <= target if target else None),
            ])
            cpu, cpu_floor = r.median("cpu"), r.median("cpu", floor=True)
            target = STUDIO_TARGETS["build_cpu_ratio_1000"] if r.n == 1000 else None
            out.append([
                "(a) mkdocs build, CPU s", _n(r.n), f"{cpu:.2f}", f"{cpu_floor:.2f}", f"{cpu / cpu_floor:.2f}x",
                f"<= {target:.2f}x" if target else "", verdict(cpu / cpu_floor <= target if target else None),
            ])
            limit = TARGETS["peak_mb"] if r.n == 10000 else None
            out.append([
                "(c) peak memory of (a), MB", _n(r.n), f"{r.peak():.0f}", f"{r.peak(floor=True):.0f}",
                f"{r.peak() / r.peak(floor=True):.2f}x", f"<= {limit:.0f} MB" if limit else "",
                verdict(r.peak() <= limit if limit else None),
            ])
        elif r.name in ("check", "check-cached"):
            wall, floor = r.median("wall"), r.median("wall", floor=True)
            if r.name == "check":
                label, target = "(b) check, every file, wall s", TARGETS["check_ratio"] if r.n == 1000 else None
            else:
                label = "(b) check, results kept from the run before, wall s"
                target = STUDIO_TARGETS["check_warm_ratio_50"] if r.n == 50 else None
            out.append([
                label, _n(r.n), f"{wall:.2f}", f"{floor:.2f}", f"{wall / floor:.2f}x",
                f"<= {target:.2f}x" if target else "", verdict(wall / floor <= target if target else None),
            ])
        elif r.name.startswith("history"):
            wall, floor = r.median("wall"), r.median("wall", floor=True)
            target = TARGETS["history_ratio"]
            cache = "no cache" if r.name == "history-cold" else "cache kept"
            out.append([
                f"(e) build with history of {HISTORY_COMMITS} commits ({cache}), wall s", _n(r.n), f"{wall:.2f}",
                f"{floor:.2f}", f"{wall / floor:.2f}x", f"<= {target:.2f}x", verdict(wall / floor <= target),
            ])  # fmt: skip
            cpu, cpu_floor = r.median("cpu"), r.median("cpu", floor=True)
            out.append([f"(e) the same ({cache}), CPU s", _n(r.n), f"{cpu:.2f}", f"{cpu_floor:.2f}",
                        f"{cpu / cpu_floor:.2f}x", "", ""])
        elif r.name == "serve":
            took = r.median("wall")
            rebuilds = r.extra.get("rebuild_s") or []
            rebuilt = f"; rebuild {statistics.median(rebuilds):.2f}" if rebuilds else ""
            rebuilt = f" (first save {r.runs[0].wall:.2f}{rebuilt})"
            target = TARGETS["serve_s"] if r.n == 1000 else None
            out.append([
                "(d) serve: save to new page served, s", _n(r.n), f"{took:.2f}{rebuilt}", "", "",
                f"< {target:.0f} s" if target else "", verdict(took < target if target else None),
            ])
    if 1000 in builds and 10000 in builds:
        small, large = builds[1000].median("wall"), builds[10000].median("wall")
        out.append([
            "(a) growth N=1,000 to 10,000", "", f"{large:.2f}", f"{small:.2f}", f"{large / small:.2f}x",
            f"<= {TARGETS['growth']:.0f}x", verdict(large / small <= TARGETS["growth"]),
        ])
    return out


MEMORY_NOTE = (
    "(c) peak memory, MB: the largest sum of PSS over the command's process and all its descendants, "
    f"sampled every {SAMPLE_EVERY * 1000:.0f} ms or more, or the largest single process's max RSS (ru_maxrss) "
    "where that is more (for a command that does not fork: its max RSS, as before); the largest of the runs. "
    "The sum is sampled in runs of their own (--memory-runs, after the timed ones), since sampling slows a "
    "command in two processes on two CPUs; the timed runs give their max RSS alone. "
    "A ru_maxrss not above the harness's own peak RSS (which a started command inherits) is left out. "
    "ru_maxrss alone is in the lines above and in --json (maxrss_mb, harness_mb)."
)


def table(results: list[Result], info: dict[str, str], runs_note: str) -> str:
    # The whole report: machine and versions, which memory figure is shown, then the Markdown table.
    lines = [f"- {key}: {value}" for key, value in info.items()]
    lines += ["", runs_note]
    if any(r.name == "build" for r in results):
        lines.append(MEMORY_NOTE)
    lines.append("")
    header = ["Measurement", "N", "Courtside", "Floor", "Ratio", "Target", "Met"]
    body = rows(results)
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    line = lambda row: "| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + " |"  # noqa: E731
    lines.append(line(header))
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines += [line(row) for row in body]
    return "\n".join(lines)


def to_json(results: list[Result], info: dict[str, str]) -> dict[str, Any]:
    # Every run, for the record (docs/performance.md is written from these).
    return {"machine": info, "results": [asdict(r) for r in results]}


def summary(result: Result) -> str:
    # One line per finished measurement, printed as the benchmarks go.
    walls = ", ".join(f"{r.wall:.2f}" for r in result.runs)
    line = f"  {result.name} N={result.n:,}: wall {walls} s"
    if result.floor_runs:
        floors = ", ".join(f"{r.wall:.2f}" for r in result.floor_runs)
        line += f"; floor {floors} s; CPU {result.median('cpu'):.2f} vs {result.median('cpu', floor=True):.2f} s"
        if result.memory_runs:
            line += f"; peak memory {result.peak():.0f} vs {result.peak(floor=True):.0f} MB"
            line += f" (sampled tree sum {result.peak(what='tree_mb'):.0f} vs {result.peak(floor=True, what='tree_mb'):.0f},"
            line += f" largest process's max RSS {result.peak(what='maxrss_mb'):.0f}"
            line += f" vs {result.peak(floor=True, what='maxrss_mb'):.0f}; up to {result.processes()} process(es))"
        else:  # timed runs only: the kernel's figure, the harness's own left in (see own_high_water_kb)
            line += f"; largest process's max RSS {result.peak(what='maxrss_mb'):.0f}"
            line += f" vs {result.peak(floor=True, what='maxrss_mb'):.0f} MB"
    if result.extra:
        line += f"; {result.extra}"
    return line


def timed_package() -> Path:
    """The courtside package the measured commands import: the `--code` copy, or this checkout's."""
    return Path(PYTHONPATH[0]) / "courtside" if PYTHONPATH else REPO / "plugins" / "courtside"


def compile_package() -> str:
    """Compile the timed package's bytecode (`__pycache__`), as installing it with pip does.

    The floor's packages (MkDocs, the theme, Markdown) are installed with their bytecode.
    Courtside is installed editable from the checkout, where nothing compiles it: with
    PYTHONDONTWRITEBYTECODE set (as on the project's machines), every measured command would
    compile the whole package from source again (about 0.45 s a run on the 2-CPU machine of
    docs/performance.md), a cost no installed copy has. Compiled once here, before any run.
    """
    package = timed_package()
    ok = compileall.compile_dir(str(package), quiet=2)
    return f"{package} compiled before the runs" + ("" if ok else " (some files failed to compile)")


def benchmark(
    ns: Sequence[int], runs: int, large_runs: int, edits: int, serve_n: int | None, seed: int,
    workdir: Path | None, parts: set[str], quick: bool, echo=print, history_n: int | None = 50,
    memory_runs: int = 1,
) -> tuple[list[Result], dict[str, str]]:
    # Generate the sites and run every measurement asked for.
    info = machine()
    info["bytecode"] = compile_package()
    if PYTHONPATH:
        info["code"] = f"{', '.join(PYTHONPATH)} (--code), not the installed package"
    info["jobs"] = (
        f"{JOBS[0]} (--jobs: `jobs: {JOBS[0]}` in mkdocs.yml, `courtside check --jobs {JOBS[0]}`)"
        if JOBS else "the plugin's default (no `jobs` option, no --jobs flag)"
    )
    results: list[Result] = []
    keep = workdir is not None
    root = workdir or Path(tempfile.mkdtemp(prefix="courtside-bench-"))
    try:
        every_n = sorted(
            set(ns) | ({serve_n} if serve_n and "serve" in parts else set())
            | ({history_n} if history_n and "history" in parts else set())
        )
        for n in every_n:
            echo(f"N={n:,}: generating...", flush=True)
            sites = make_sites(root, n, seed)
            k = runs if n < 5000 else min(runs, large_runs)
            warmup = not quick and n < 5000
            if "build" in parts and n in ns:
                echo(f"N={n:,}: mkdocs build x{k} (and its floor)...", flush=True)
                results.append(measure_build(sites, k, warmup, memory_runs))
                echo(summary(results[-1]), flush=True)
            if "check" in parts and n in ns:
                echo(f"N={n:,}: check x{k} (and its floor)...", flush=True)
                results.append(measure_check(sites, k, warmup))
                echo(summary(results[-1]), flush=True)
                echo(f"N={n:,}: check with the results of the run before x{k} (and its floor)...", flush=True)
                results.append(measure_check(sites, k, warmup, cached=True))
                echo(summary(results[-1]), flush=True)
            if "history" in parts and n == history_n:
                echo(f"N={n:,}: a repository of {HISTORY_COMMITS} commits...", flush=True)
                make_history(sites, HISTORY_COMMITS, seed)
                echo(f"N={n:,}: mkdocs build with history x{k} (cold and warm), and without...", flush=True)
                for result in measure_history(sites, k, warmup):
                    results.append(result)
                    echo(summary(result), flush=True)
            if "serve" in parts and n == serve_n:
                echo(f"N={n:,}: mkdocs serve, {edits} edit(s)...", flush=True)
                results.append(measure_serve(sites, edits))
                echo(summary(results[-1]), flush=True)
            if not keep:
                shutil.rmtree(root / f"n{n}")
    finally:
        if not keep:
            shutil.rmtree(root, ignore_errors=True)
    return results, info
