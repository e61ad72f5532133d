"""`courtside init`: a studio's repository from flags or questions, never over a file.

Every test runs the installed `courtside` in a new process, in a temporary folder, with a
git identity in the environment (a user's own comes from their git config); the questions
are answered through a real pseudo-terminal.
"""

from __future__ import annotations

import html
import os
import pty
import re
import select
import subprocess
import time
from pathlib import Path

import markdown
import pytest
import yaml
from conftest import ROOT
from courtside.core.pipeline import Source, evaluate, read_policies
from courtside.starter import daily_cron, markdown_text, yaml_scalar
from test_cli import courtside_exe

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Sam Lee",
    "GIT_AUTHOR_EMAIL": "sam@northwind.example",
    "GIT_COMMITTER_NAME": "Sam Lee",
    "GIT_COMMITTER_EMAIL": "sam@northwind.example",
    "GIT_CONFIG_GLOBAL": os.devnull,  # the machine's settings (a default branch, hooks) stay out
    "GIT_CONFIG_NOSYSTEM": "1",
}
ANSWERS = [
    "--studio", "Northwind Studio",
    "--contact", "Sam Lee",
    "--email", "sam@northwind.example",
    "--country", "US",
    "--subdivision", "CA",
    "--language", "en",
    "--currency", "USD",
    "--timezone", "America/Los_Angeles",
]  # fmt: skip
STUDIO_FILES = {
    ".github/workflows/publish.yml",
    ".gitignore",
    ".pre-commit-config.yaml",
    "README.md",
    "docs/index.md",
    "mkdocs.yml",
    "projects/_policies.yml",
    "projects/example-client.md",
    "requirements.txt",
}


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "COURTSIDE_"))}
    return {**env, **GIT_IDENTITY, "PYTHONUTF8": "1", **extra}


# `courtside init ARGS` with no terminal (stdin is empty), in `cwd`.
def init(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [courtside_exe(), "init", *args],
        cwd=cwd,
        env=env or environment(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def files_in(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and ".git" not in p.relative_to(folder).parts}


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, check=True, env=environment()).stdout


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """A studio started with every flag, in a new folder."""
    where = tmp_path_factory.mktemp("init")
    result = init("northwind", *ANSWERS, cwd=where)
    return where / "northwind", result


def test_init_writes_the_studio_and_commits_it(studio: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    folder, result = studio
    assert result.returncode == 0, result.stderr
    assert files_in(folder) == STUDIO_FILES
    assert git(folder, "rev-parse", "--abbrev-ref", "HEAD").strip() == "main"  # the branch the publish job watches
    assert git(folder, "log", "--format=%s").splitlines() == ["Start the studio's site with Courtside"]
    assert set(git(folder, "ls-files").split()) == STUDIO_FILES
    assert git(folder, "status", "--porcelain") == ""
    assert "wrote 9 files" in result.stdout and 'git: committed 9 files' in result.stdout


def test_the_policies_are_the_answers_and_pass_the_core(studio: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    folder, _ = studio
    text = (folder / "projects" / "_policies.yml").read_bytes()
    policy_set = read_policies(Source("projects/_policies.yml", text))
    assert policy_set.problems == []
    policies = policy_set.policies
    assert policies.studio.name == "Northwind Studio"
    assert (policies.studio.contact.name, policies.studio.contact.email) == ("Sam Lee", "sam@northwind.example")
    assert (policies.calendar.country, policies.calendar.subdivision) == ("US", "CA")
    assert (policies.language, policies.currency) == ("en", "USD")
    assert "America/Los_Angeles" in text.decode()
    # The sample engagement is a valid proposal in the policies' currency.
    sample = Source("projects/example-client.md", (folder / "projects" / "example-client.md").read_bytes())
    result = evaluate(sample, policy_set, __import__("datetime").date(2026, 11, 20))
    assert type(result).__name__ == "Snapshot", getattr(result, "problems", None)
    assert result.terms.currency == "USD" and result.schedule.state == "proposal"


def test_the_site_config_publishes_no_board_and_pins_no_date(studio: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    folder, _ = studio
    config = yaml.safe_load((folder / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"] == "Northwind Studio"
    assert config["theme"]["name"] == "material"
    plugin = next(entry["courtside"] for entry in config["plugins"] if isinstance(entry, dict) and "courtside" in entry)
    assert plugin == {"projects": "projects"}  # no board_path, no today
    assert config["nav"] == [{"Home": "index.md"}]
    home = (folder / "docs" / "index.md").read_text(encoding="utf-8")
    assert home.startswith("# Northwind Studio\n") and "<sam@northwind.example>" in home
    assert "Courtside" not in home  # the studio's page, not Courtside's guide


def test_the_hook_is_courtsides(studio: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    folder, _ = studio
    ours = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
    written = yaml.safe_load((folder / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hook = written["repos"][0]["hooks"][0]
    for key in ("id", "name", "description", "files", "pass_filenames", "require_serial"):
        assert hook[key] == ours[key], key
    assert hook["entry"] == ".venv/bin/courtside check" and hook["language"] == "system"
    # The hook's command passes on the new studio.
    check = subprocess.run([courtside_exe(), "check"], cwd=folder, capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_publish_job_runs_every_morning_in_the_studios_time_zone(
    studio: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    folder, _ = studio
    workflow = yaml.safe_load((folder / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["schedule"] == [{"cron": "0 14 * * *"}]  # 06:00 in Los Angeles in January (UTC-8)
    assert triggers["push"] == {"branches": ["main"]}
    build = workflow["jobs"]["build"]
    assert build["env"] == {"TZ": "America/Los_Angeles"}  # the build's `today` is the studio's day
    runs = [step["run"] for step in build["steps"] if "run" in step]
    assert runs == ["pip install -r requirements.txt", "courtside check", "mkdocs build --strict"]
    # It keeps what earlier runs kept as the shipped workflow does (tests/test_publishing.py
    # runs that one's check and build), restored before the check.
    shipped = yaml.safe_load((ROOT / "deploy" / "github-actions.yml").read_text(encoding="utf-8"))
    (shipped_cache,) = [step for step in shipped["jobs"]["build"]["steps"] if step.get("uses", "").startswith("actions/cache@")]
    caches = [index for index, step in enumerate(build["steps"]) if step == shipped_cache]
    checks = [index for index, step in enumerate(build["steps"]) if step.get("run") == "courtside check"]
    assert len(caches) == 1 and caches[0] < checks[0]
    requirements = (folder / "requirements.txt").read_text(encoding="utf-8")
    from courtside import __version__

    assert f"\ncourtside=={__version__}\n" in requirements
    assert re.search(r"^mkdocs==\d", requirements, re.M) and re.search(r"^mkdocs-material==\d", requirements, re.M)


@pytest.mark.parametrize(
    ("zone", "cron"),
    [("America/Los_Angeles", "0 14 * * *"), ("Europe/Madrid", "0 5 * * *"), ("Asia/Kolkata", "30 0 * * *"), ("Asia/Tokyo", "0 21 * * *"), ("UTC", "0 6 * * *")],
)
def test_the_daily_hour_is_six_in_the_morning_in_january(zone: str, cron: str) -> None:
    assert daily_cron(zone, 2027)[0] == cron


def test_a_folder_that_is_not_empty_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    result = init(str(tmp_path), *ANSWERS, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"courtside init: {tmp_path} is not empty (1 entry: notes.txt); nothing written. Use a new or empty "
        "folder, or --force to add only the files that are missing (existing files are never overwritten)"
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_force_writes_only_what_is_missing_and_commits_only_that(tmp_path: Path) -> None:
    folder = tmp_path / "studio"
    (folder / "projects").mkdir(parents=True)
    mine = {
        "README.md": "# Our own readme\n",
        "mkdocs.yml": "site_name: Ours\n",
        "projects/_policies.yml": "studio: {name: Ours}\n",
    }
    for name, text in mine.items():
        (folder / name).write_text(text, encoding="utf-8")
    result = init(str(folder), *ANSWERS, "--force", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for name, text in mine.items():
        assert (folder / name).read_text(encoding="utf-8") == text, name  # never overwritten
    assert files_in(folder) == STUDIO_FILES
    assert "kept as they were (already there): mkdocs.yml, projects/_policies.yml, README.md" in result.stdout
    assert set(git(folder, "ls-files").split()) == STUDIO_FILES - set(mine)  # theirs are not committed for them
    assert sorted(git(folder, "status", "--porcelain").splitlines()) == ["?? README.md", "?? mkdocs.yml", "?? projects/_policies.yml"]
    # Again: nothing is missing, nothing is written, and it says so.
    again = init(str(folder), *ANSWERS, "--force", cwd=tmp_path)
    assert again.returncode == 1
    assert "wrote 0 files" in again.stdout and "nothing to commit" in again.stdout
    assert git(folder, "log", "--format=%s").splitlines() == ["Start the studio's site with Courtside"]


def test_a_folder_with_only_git_counts_as_empty(tmp_path: Path) -> None:
    folder = tmp_path / "cloned"
    folder.mkdir()
    git(folder, "init", "-q", "--initial-branch=main")
    result = init(str(folder), *ANSWERS, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert git(folder, "log", "--format=%s").splitlines() == ["Start the studio's site with Courtside"]


def test_inside_another_repository_nothing_is_committed(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    result = init("sub/studio", *ANSWERS, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"not committed: sub/studio is inside the git repository {tmp_path}" in result.stdout
    assert not (tmp_path / "sub" / "studio" / ".git").exists()
    assert subprocess.run(["git", "-C", str(tmp_path), "log"], capture_output=True).returncode != 0  # no commit there


def test_without_git_the_files_are_written_and_it_says_what_to_do(tmp_path: Path) -> None:
    env = environment(PATH=str(Path(courtside_exe()).parent))  # the venv's bin only: no git
    result = init("studio", *ANSWERS, cwd=tmp_path, env=env)
    assert result.returncode == 1
    assert files_in(tmp_path / "studio") == STUDIO_FILES
    assert "git is not installed: install it, then run 'git init' in studio" in result.stderr
    assert "Traceback" not in result.stderr


def test_no_git_writes_the_files_only(tmp_path: Path) -> None:
    result = init("studio", *ANSWERS, "--no-git", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert files_in(tmp_path / "studio") == STUDIO_FILES and not (tmp_path / "studio" / ".git").exists()


def test_without_a_terminal_missing_answers_are_a_usage_error(tmp_path: Path) -> None:
    result = init("studio", "--studio", "Northwind", "--country", "DE", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "courtside init: missing --contact, --email, --timezone; pass them, or run it in a terminal "
        "to be asked (see 'courtside init --help')"
    ]
    assert list(tmp_path.iterdir()) == []


def test_the_currency_and_zone_follow_the_country_when_it_has_one(tmp_path: Path) -> None:
    result = init("studio", "--studio", "Fjord", "--contact", "Kari", "--email", "kari@fjord.example", "--country", "NO", "--no-git", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "studio" / "projects" / "_policies.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)  # a plain YAML 1.1 reader too: NO stays Norway
    assert data["calendar"]["country"] == "NO" and data["currency"] == "NOK" and data["language"] == "en"
    assert "Europe/Oslo" in text and "subdivision" not in data["calendar"]


@pytest.mark.parametrize(
    ("flag", "value", "words"),
    [
        ("--email", "sam at northwind", ["--email: expected an email address"]),
        ("--country", "us", ["--country:", "write it in capitals: US"]),
        ("--currency", "ABC", ["--currency:", "'ABC' is not an ISO 4217 currency code"]),
        ("--language", "fr", ["--language: expected one of en, es, ru, ar"]),
        ("--timezone", "Europe/Pariss", ["--timezone:", "did you mean Europe/Paris?"]),
        ("--subdivision", "XX", ["--subdivision: 'XX' is not a subdivision of US; expected one of:"]),
        ("--country", "ZZ", ["--country: no public holidays are known for 'ZZ'"]),
        ("--studio", "   ", ["--studio: expected some text"]),
    ],
)
def test_each_bad_answer_is_refused_by_the_cores_rule(tmp_path: Path, flag: str, value: str, words: list[str]) -> None:
    args = list(ANSWERS)
    args[args.index(flag) + 1] = value
    result = init("studio", *args, cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1, line
    for word in words:
        assert word in line, line
    assert list(tmp_path.iterdir()) == []


# Run `courtside init ARGS` in a pseudo-terminal; answer each question that contains the
# expected words with the reply; returns (exit code, everything shown).
def converse(args: list[str], cwd: Path, script: list[tuple[str, str]]) -> tuple[int, str]:
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [courtside_exe(), "init", *args], cwd=cwd, env=environment(), stdin=terminal, stdout=terminal, stderr=terminal
    )
    os.close(terminal)
    shown = ""

    def read_until(words: str) -> None:
        nonlocal shown
        deadline = time.monotonic() + 60
        while words not in shown:
            assert time.monotonic() < deadline, f"no {words!r} in:\n{shown}"
            ready, _, _ = select.select([controller], [], [], 1)
            if ready:
                try:
                    shown += os.read(controller, 4096).decode("utf-8", "replace")
                except OSError:  # the process ended
                    break

    try:
        for expected, reply in script:
            read_until(expected)
            assert expected in shown, shown
            os.write(controller, reply.encode() + b"\n")
        code = process.wait(timeout=120)
        read_until("\x00")  # whatever is left
    finally:
        os.close(controller)
    return code, shown


def test_in_a_terminal_it_asks_checks_and_asks_again(tmp_path: Path) -> None:
    code, shown = converse(
        ["studio", "--studio", "Panadería Sol"],
        tmp_path,
        [
            ("Your name", "Lucía Gómez"),
            ("Your email address", "lucia"),  # refused, asked again
            ("expected an email address", "lucia@sol.example"),
            ("Country", "ES"),
            ("State or region", "XX"),  # a subdivision, but not of Spain: the model says so after the rest
            ("Language of the client pages (en, es, ru or ar) [en]", "es"),
            ("Currency (ISO 4217, such as USD) [EUR]", ""),  # Enter: the country's currency
            ("Time zone", "Europe/Madrid"),
            ("is not a subdivision of ES", "MD"),
        ],
    )
    assert code == 0, shown
    text = (tmp_path / "studio" / "projects" / "_policies.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data["studio"] == {"name": "Panadería Sol", "contact": {"name": "Lucía Gómez", "email": "lucia@sol.example"}}
    assert (data["language"], data["currency"], data["calendar"]["country"], data["calendar"]["subdivision"]) == ("es", "EUR", "ES", "MD")
    sample = (tmp_path / "studio" / "projects" / "example-client.md").read_text(encoding="utf-8")
    assert "Materiales de arranque" in sample and "fee in EUR" in sample  # in the studio's language and currency


def test_stopping_the_questions_writes_nothing(tmp_path: Path) -> None:
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [courtside_exe(), "init", "studio"], cwd=tmp_path, env=environment(), stdin=terminal, stdout=terminal, stderr=terminal
    )
    os.close(terminal)
    time.sleep(0.5)
    os.write(controller, b"\x04")  # Ctrl-D at the first question
    code = process.wait(timeout=60)
    os.close(controller)
    assert code == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("text", ["NO", "yes", "10:00", "Studio: the #1", "O'Neil & Co", "'quoted'", "2026-01-01", "null"])
def test_yaml_values_read_back_as_written(text: str) -> None:
    assert yaml.safe_load(f"x: {yaml_scalar(text)}") == {"x": text}


@pytest.mark.parametrize(
    "text", ["Nørd & <Co>", "*bold* _it_ [link](x)", "# not a heading", "a\\b `code`", "1. First | Second", "&amp; <b>x</b>"]
)
def test_markdown_text_shows_the_name_as_written(text: str) -> None:
    rendered = markdown.markdown(markdown_text(text), extensions=["tables"])
    assert rendered.startswith("<p>") and rendered.endswith("</p>")
    assert html.unescape(rendered[3:-4]) == text


def test_init_has_help_with_an_example(tmp_path: Path) -> None:
    result = subprocess.run([courtside_exe(), "init", "--help"], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0 and "example:" in result.stdout
    assert re.search(r"^  courtside init\b", result.stdout, re.M)
