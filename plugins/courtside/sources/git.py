"""The git history of `projects/`: every version of every engagement file and `_policies.yml`.

Read with the `git` command itself, in a fixed number of processes whatever the size of
the history (two `rev-parse` to find the repository and its head, then): `git log` lists, commit by commit along the first parents, the blob ids of the files that
changed (`--raw`), and `git cat-file --batch` reads the blobs still to evaluate. Why not a
library: pygit2 ships wheels with libgit2 inside, but a 5 MB binary dependency to do what
these two calls do; dulwich is pure Python and walks trees object by object (slower on 300
commits x 50 files, where `git log --raw` is one C process); GitPython runs the same `git`
command underneath. The `git` command reads every repository git itself can (worktrees,
sha256 object formats, partial clones) and is where the repository is, in CI too.

Only the repository that holds `projects/` is read (`git -C projects rev-parse`), and only
the files directly in it that are engagements or `_policies.yml`. No history (not a
repository, a shallow clone, git missing or refusing the folder) is `NoHistory`, with the
reason, which the build logs once; it is never an error.

A commit's day is its committer date, in the committer's own time zone; a day earlier than
the commit before it counts as that day (time does not run backwards), and commits after the
build's `today` are left out (a site built for an earlier day does not know them).

The cache (`HistoryCache`): what each version computed to (core/history.Record), by blob id
of the engagement, blob id of the policies and day, in `.courtside-cache/history/<id>.json`,
so a daily build evaluates only the versions it has not seen.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .. import __version__
from ..core.pipeline import POLICIES_FILE

GIT_TIMEOUT = 300  # seconds: a history of a studio's lifetime is read in well under one
LOCATION_VARIABLES = (
    "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_CEILING_DIRECTORIES",
)  # fmt: skip
"""Variables that would point git elsewhere (a hook sets GIT_DIR): the folder's own repository is read."""

CACHE_FOLDER = ".courtside-cache"


@dataclass(frozen=True, slots=True)
class Version:
    """One version of one engagement: the commit, its day, the file's blob and the policies' blob."""

    commit: str
    day: date
    blob: str
    policies: str | None  # None: no _policies.yml in that commit


@dataclass(frozen=True, slots=True)
class NoHistory:
    """Why there is no history to read: said once in the build's log."""

    reason: str


@dataclass
class GitHistory:
    """The versions of every engagement file of one folder, oldest first."""

    top: Path  # the repository's work tree
    head: str  # the last commit read ("" when the folder has no commit yet)
    versions: dict[str, list[Version]] = field(default_factory=dict)  # by file name: "acme.md"
    commits: int = 0  # commits that changed an engagement or the policies

    def read_blobs(self, ids: Iterable[str]) -> dict[str, bytes]:
        """The bytes of each blob, in one `git cat-file --batch`."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        done = _git(self.top, ["cat-file", "--batch"], ("\n".join(wanted) + "\n").encode())
        out: dict[str, bytes] = {}
        at = 0
        for blob in wanted:
            end = done.index(b"\n", at)
            header = done[at:end].split()
            if len(header) < 3 or header[1] != b"blob":
                raise GitFailed(f"git cat-file: {blob} is not a blob")
            size = int(header[2])
            out[blob] = done[end + 1 : end + 1 + size]
            at = end + 1 + size + 1
        return out


class GitFailed(Exception):
    """A git command failed: the message says which and why."""


def _environment() -> dict[str, str]:
    environ = {key: value for key, value in os.environ.items() if key not in LOCATION_VARIABLES}
    environ["LC_ALL"] = "C"  # messages in one language, to quote them in the log
    return environ


def _git(where: Path, args: list[str], stdin: bytes | None = None) -> bytes:
    """A git command's output; GitFailed with its message when it fails."""
    try:
        done = subprocess.run(
            ["git", "-C", str(where), *args],
            input=stdin,
            capture_output=True,
            env=_environment(),
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise GitFailed("the git command is not installed") from None
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitFailed(f"git {args[0]} failed: {exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitFailed(message[0] if message else f"git {args[0]} exited with {done.returncode}")
    return done.stdout


def _is_tracked_name(name: str) -> bool:
    """An engagement file (what `sources/folder.engagement_paths` lists) or the policies."""
    if name == POLICIES_FILE:
        return True
    return "/" not in name and name.lower().endswith(".md") and not name.startswith(("_", "."))


def read_history(folder: Path, today: date) -> GitHistory | NoHistory:
    """Every version of the folder's engagement files up to `today`, or why there is none."""
    try:
        found = _git(folder, ["rev-parse", "--show-toplevel", "--show-prefix", "--is-shallow-repository"])
    except GitFailed as exc:
        reason = str(exc)
        if "not a git repository" in reason:
            reason = f"{folder} is not in a git repository"
        return NoHistory(reason)
    lines = found.decode("utf-8", "surrogateescape").split("\n")
    top, prefix, shallow = Path(lines[0]), lines[1], lines[2].strip()
    if shallow == "true":
        return NoHistory("a shallow clone (in CI, fetch the whole history: `fetch-depth: 0` on GitHub, `GIT_DEPTH: 0` on GitLab)")
    try:
        return _versions(top, prefix, today)
    except GitFailed as exc:
        return NoHistory(str(exc))


def _versions(top: Path, prefix: str, today: date) -> GitHistory:
    """Walk the first-parent history of `prefix` oldest first, keeping each engagement's versions."""
    try:
        head = _git(top, ["rev-parse", "--verify", "-q", "HEAD"]).decode().strip()
    except GitFailed:
        return GitHistory(top, "")  # a repository without a commit yet
    spec = f":(top,literal){prefix}" if prefix else ":(top)."
    log = _git(
        top,
        ["-c", "core.quotePath=false", "log", "--first-parent", "--diff-merges=first-parent", "--no-renames",
         "--raw", "--no-abbrev", "-z", "--format=%x01%H %cI", "HEAD", "--", spec],
    )  # fmt: skip
    history = GitHistory(top, head)
    files: dict[str, str] = {}  # name -> blob, as of the commit being read
    last_day: date | None = None
    for commit, day, changed in reversed(list(_parse_log(log, prefix))):
        if last_day is not None and day < last_day:
            day = last_day  # a commit dated before its parent: time does not run backwards
        last_day = day
        if day > today:
            break
        touched: set[str] = set()
        for name, blob in changed:
            if blob is None:
                files.pop(name, None)
            else:
                files[name] = blob
            touched.add(name)
        if not touched:
            continue
        history.commits += 1
        policies = files.get(POLICIES_FILE)
        names = [n for n in files if n != POLICIES_FILE] if POLICIES_FILE in touched else touched - {POLICIES_FILE}
        for name in sorted(names):
            if name in files:
                history.versions.setdefault(name, []).append(Version(commit, day, files[name], policies))
    return history


def _parse_log(log: bytes, prefix: str) -> Iterable[tuple[str, date, list[tuple[str, str | None]]]]:
    """(commit, day, [(file name, blob or None when deleted)]) per commit, newest first."""
    zero = "0" * 40
    for chunk in log.split(b"\x01")[1:]:
        head, _, rest = chunk.partition(b"\0")
        commit, stamp = head.decode().split(" ", 1)
        day = datetime.fromisoformat(stamp.strip()).date()
        fields = rest.lstrip(b"\n").split(b"\0")
        changed: list[tuple[str, str | None]] = []
        for meta, path in zip(fields[0::2], fields[1::2], strict=False):
            if not meta.startswith(b":"):
                continue
            parts = meta[1:].split()
            name = path.decode("utf-8", "surrogateescape")
            if prefix and not name.startswith(prefix):
                continue
            name = name[len(prefix) :]
            if not _is_tracked_name(name):
                continue
            status, blob = parts[4].decode(), parts[3].decode()
            changed.append((name, None if status.startswith("D") or blob.strip("0") == "" or blob == zero else blob))
        yield commit, day, changed


# -- The cache ------------------------------------------------------------------------------------


class HistoryCache:
    """Records of evaluated versions, one JSON file per engagement, by (file blob, policies
    blob, day). A file written by another Courtside version is ignored (the rules may differ);
    a folder that cannot be written leaves the cache off, silently: it only saves time."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder / "history" if folder is not None else None

    @staticmethod
    def key(version: Version) -> str:
        return f"{version.blob}:{version.policies or '-'}:{version.day.isoformat()}"

    def load(self, engagement_id: str) -> dict[str, Any]:
        if self.folder is None:
            return {}
        try:
            data = json.loads((self.folder / f"{engagement_id}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("courtside") != __version__:
            return {}
        records = data.get("records")
        return records if isinstance(records, dict) else {}

    def save(self, engagement_id: str, records: dict[str, Any]) -> None:
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder.parent / ".gitignore"  # the cache is never committed, whatever the repository ignores
            if not ignore.exists():
                ignore.write_text("# Courtside's history cache (docs/guide/history.md): safe to delete\n*\n", encoding="utf-8")
            target = self.folder / f"{engagement_id}.json"
            temporary = target.with_suffix(".tmp")
            temporary.write_text(json.dumps({"courtside": __version__, "records": records}), encoding="utf-8")
            temporary.replace(target)
        except OSError:
            self.folder = None
