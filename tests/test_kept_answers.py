"""The answers of the holidays package and email-validator kept in the cache folder
(kept_answers.py): a later process answers the same from them without importing either
library, and keeps digests of addresses, not addresses; a damaged file, or one another code
made, is asked again; the answers a check's or build's worker process asked reach the file;
a cache folder that cannot be written changes nothing but speed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from courtside.kept_answers import FILE, KeptAnswers

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # `benchmarks` is a top-level folder of the repository, not installed

from benchmarks.generate import write_projects  # noqa: E402

# One new process's answers: holidays by name (Spain in Spanish, the US with California in
# English, Saudi Arabia's own week), working-day arithmetic over them, what the package
# knows, and whether it was imported. `tables`: the cache folder, or "" for no tables at all.
ASK = """
import json, sys
from datetime import date
from pathlib import Path
from courtside.core.workcal import calendar_for, country_supported, subdivision_supported
from courtside.core.values import BadValue, parse_email
from courtside.kept_answers import kept_answers

def answers():
    spain = calendar_for(country="ES")
    california = calendar_for(country="US", subdivision="CA")
    saudi = calendar_for(("sun", "mon", "tue", "wed", "thu"), country="SA")
    return {
        "spain": spain.holidays_between(date(2025, 1, 1), date(2027, 12, 31), "es"),
        "california": california.holidays_between(date(2026, 1, 1), date(2026, 12, 31), "en"),
        "saudi": saudi.holidays_between(date(2026, 1, 1), date(2026, 12, 31), "ar"),
        "added": [str(c.add(date(2026, 12, 18), 10)) for c in (spain, california, saudi)],
        "between": [c.between(date(2026, 1, 1), date(2026, 12, 31)) for c in (spain, california, saudi)],
        "known": [country_supported("ES"), country_supported("XX"), subdivision_supported("US", "CA"),
                  subdivision_supported("US", "ZZ")],
        "addresses": [parse_email(a) for a in ("ana@studio.example", "josé@café.example")],
        # Not kept (not written in its normal form, or refused): asked every time.
        "others": [parse_email("Ana@Studio.Example"), *map(refused, ("x@y.example?bcc=z", "no-at-sign", "a@localhost"))]
        if sys.argv[2] == "all" else [],
    }

def refused(address):
    try:
        parse_email(address)
    except BadValue as exc:
        return str(exc)

if sys.argv[1]:
    with kept_answers(Path(sys.argv[1])):
        found = answers()
else:
    found = answers()
print(json.dumps({"answers": found, "imported": "holidays" in sys.modules, "validator": "email_validator" in sys.modules}, default=str))
"""


def ask(tables: Path | str, addresses: str = "all") -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO / "plugins")}
    run = [sys.executable, "-c", ASK, str(tables), addresses]
    return json.loads(subprocess.run(run, capture_output=True, text=True, env=env, check=True).stdout)


def test_a_later_process_answers_the_same_from_the_tables_without_the_package(tmp_path):
    package = ask("")  # no tables: the libraries themselves
    first = ask(tmp_path)
    text = (tmp_path / FILE).read_text(encoding="utf-8")
    kept = json.loads(text)["answers"]
    later = ask(tmp_path)
    assert package["imported"] and first["imported"] and not later["imported"]
    assert first["answers"] == later["answers"] == package["answers"]
    assert ["2026-12-25", "Natividad del Señor"] in package["answers"]["spain"]
    assert ["2026-03-31", "Cesar Chavez Day"] in package["answers"]["california"]
    assert package["answers"]["known"] == [True, False, True, False]
    assert package["answers"]["added"] == ["2027-01-05", "2027-01-05", "2026-12-31"]  # 10 working days on
    assert set(kept) == {"countries", "languages", "subdivision", "year", "address"}
    # Addresses valid as written are kept as digests, never as text; the others are asked again.
    assert package["answers"]["addresses"] == ["ana@studio.example", "josé@café.example"]
    assert package["answers"]["others"][0] == "Ana@studio.example" and all(package["answers"]["others"][1:])
    assert len(kept["address"]) == 2 and "studio.example" not in text.lower() and "café" not in text
    assert later["validator"] and ask(tmp_path, "kept")["validator"] is False  # all kept: not imported
    assert (
        json.loads((tmp_path / FILE).read_text(encoding="utf-8"))["answers"] == kept
    )  # nothing new: not written


@pytest.mark.parametrize("damage", ["cut", "other code", "not tables"])
def test_a_damaged_file_or_another_codes_is_asked_again(tmp_path, damage):
    ask(tmp_path)
    path = tmp_path / FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    if damage == "cut":
        path.write_text(path.read_text(encoding="utf-8")[:500], encoding="utf-8")
    elif damage == "other code":
        data["answers"]["year"] = {key: [["2026-01-02", "Made up"]] for key in data["answers"]["year"]}
        data["code"] = "0" * 32
        path.write_text(json.dumps(data), encoding="utf-8")
    else:
        path.write_text(json.dumps({**data, "answers": ["not", "answers"]}), encoding="utf-8")
    again = ask(tmp_path)
    assert again["imported"] and again["answers"] == ask("")["answers"]
    assert "Made up" not in path.read_text(encoding="utf-8")  # written afresh


def projects_with_a_country_of_its_own(folder: Path, count: int, seed: int) -> Path:
    """Generated engagements and, first in file order (the first chunk, which the worker
    process starts on), one in a country no other uses: New Zealand."""
    write_projects(folder, count, seed=seed)
    model = next(
        path
        for path in sorted(folder.glob("*.md"))
        if "calendar: {country: CO" in (text := path.read_text(encoding="utf-8"))
        and "signed:" in text
        and "status:" not in text
    )
    text = model.read_text(encoding="utf-8").replace("calendar: {country: CO", "calendar: {country: NZ", 1)
    text = re.sub(r"(?m)^share: \w+$", "share: q7x2m9k4t8w3z6p1r5v0n2b8", text, count=1)
    (folder / "00000-0-solo.md").write_text(text, encoding="utf-8")
    return folder


def new_zealand(tables: dict) -> set[str]:
    return {key for key in tables["year"] if key.startswith("('NZ'")}


def test_the_answers_a_checks_workers_asked_reach_the_file(tmp_path):
    projects = projects_with_a_country_of_its_own(tmp_path / "projects", 120, seed=3)
    tables, said = {}, {}
    for jobs in (1, 2):
        cache = tmp_path / f"cache-{jobs}"
        env = {**os.environ, "PYTHONPATH": str(REPO / "plugins"), "COURTSIDE_CACHE_DIR": str(cache)}
        run = [
            sys.executable,
            "-m",
            "courtside.cli",
            "check",
            "--no-cache",
            "--jobs",
            str(jobs),
            str(projects),
        ]
        done = subprocess.run(run, capture_output=True, text=True, env=env, check=True)
        said[jobs] = done.stdout + done.stderr
        tables[jobs] = json.loads((cache / FILE).read_text(encoding="utf-8"))["answers"]
    # The worker's answers are in the file (New Zealand's holidays: only the worker checked
    # the file that uses them), as they are when one process checks every file.
    assert new_zealand(tables[2]) and new_zealand(tables[2]) == new_zealand(tables[1])
    assert len({key.split(",")[0] for key in tables[2]["year"]}) == 15
    assert said[1] == said[2] and "121 engagements checked, no problems" in said[1]


BUILD = """
import json, sys
from datetime import date
from pathlib import Path
from courtside.build import PageOptions, build_engagements
built = build_engagements(Path(sys.argv[1]), "projects", date(2026, 11, 20), None, None, PageOptions("c", None), int(sys.argv[2]))
print(json.dumps({"imported": "holidays" in sys.modules, "valid": len(built.board.snapshots), "processes": built.processes}))
"""


def test_the_answers_a_builds_workers_asked_reach_the_file(tmp_path):
    projects = projects_with_a_country_of_its_own(tmp_path / "projects", 120, seed=5)
    tables, said = {}, {}
    for run, jobs in enumerate((1, 2, 2)):
        cache = tmp_path / f"cache-{jobs}"
        env = {**os.environ, "PYTHONPATH": str(REPO / "plugins"), "COURTSIDE_CACHE_DIR": str(cache)}
        command = [sys.executable, "-c", BUILD, str(projects), str(jobs)]
        said[run] = json.loads(
            subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
        )
        tables[run] = json.loads((cache / FILE).read_text(encoding="utf-8"))["answers"]
    assert new_zealand(tables[1]) and new_zealand(tables[1]) == new_zealand(tables[0])
    assert said[0]["imported"] and said[1]["imported"]
    assert said[0]["valid"] == said[2]["valid"] == 121 and said[2]["processes"] == 2


def test_a_cache_folder_that_cannot_be_written_changes_nothing(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    assert ask(blocked / "cache")["answers"] == ask("")["answers"]
    answers = KeptAnswers(blocked / "cache" / FILE)
    answers.put("year", "k", [])
    answers.save()  # no error, no file
    assert blocked.read_text(encoding="utf-8") == "not a folder"


@pytest.mark.parametrize("library", ["holidays", "email_validator"])
def test_a_new_version_of_either_library_is_a_new_fingerprint(tmp_path, library):
    import importlib.util

    from courtside import cache

    assert library in cache.LIBRARIES
    before = cache.code_fingerprint()
    (tmp_path / "version.py").write_text('__version__ = "99.0"\n', encoding="utf-8")
    moved = importlib.util.spec_from_file_location(library, tmp_path / "__init__.py")
    real = importlib.util.find_spec
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            cache.importlib.util, "find_spec", lambda name: moved if name == library else real(name)
        )
        after = cache.code_fingerprint()
    assert after != before and cache.code_fingerprint() == before
