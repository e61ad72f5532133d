"""`projects/_sent.log`: its lines, what a hand edit can break, and the lock."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from courtside.core.reminders import SENT, SENT_LATE, SKIPPED, Recorded, digest_key
from courtside.outbox.sentlog import HEADER, Busy, line_of, open_sent_log, read_sent_log

D = date.fromisoformat
AT = datetime(2026, 4, 14, 7, 2, 11, tzinfo=UTC)
KEY = ("payment", "acme-bakery", "Design approved", D("2026-04-14"), D("2026-04-14"))


def test_a_record_is_one_tab_separated_line_a_person_can_read():
    line = line_of(KEY, Recorded(D("2026-04-14"), SENT, AT, "dana@acmebakery.example"))
    assert line == (
        "2026-04-14\t2026-04-14T07:02:11Z\tsent\tpayment\tacme-bakery\tDesign approved\t"
        "2026-04-14\t2026-04-14\tdana@acmebakery.example\n"
    )
    skipped = line_of(KEY[:4] + (D("2026-04-07"),), Recorded(D("2026-04-14"), SKIPPED))
    assert skipped == "2026-04-14\t-\tskipped\tpayment\tacme-bakery\tDesign approved\t2026-04-14\t2026-04-07\t-\n"
    assert line_of(digest_key(D("2026-04-14")), Recorded(D("2026-04-14"), SENT, AT, "sam@northwind.example")) == (
        "2026-04-14\t2026-04-14T07:02:11Z\tsent\tdigest\t-\t-\t2026-04-14\t2026-04-14\tsam@northwind.example\n"
    )


def test_names_with_tabs_newlines_backslashes_and_a_lone_dash_survive(tmp_path):
    path = tmp_path / "_sent.log"
    odd = [
        ("stage", "acme", "Fotos\tund\nTexte \\ alles", D("2026-04-14"), D("2026-04-13")),
        ("stage", "acme", "-", D("2026-04-14"), D("2026-04-13")),
        ("payment", "كافيه", "دفعة «أولى»", D("2026-04-14"), D("2026-04-13")),
    ]
    with open_sent_log(path) as log:
        for key in odd:
            log.record(key, Recorded(D("2026-04-14"), SENT_LATE, AT, "x@y.example"))
    text = path.read_text(encoding="utf-8")
    assert text.startswith(HEADER)
    assert "Fotos\\tund\\nTexte \\\\ alles" in text and "\t\\-\t" in text
    assert len(text.splitlines()) == 3 + len(odd)  # the header's three lines, then one per record
    read = read_sent_log(path)
    assert read.problems == []
    assert [key for key, _ in read.lines] == odd
    assert all(record == Recorded(D("2026-04-14"), SENT_LATE, AT, "x@y.example") for _, record in read.lines)


def test_a_missing_log_is_empty_and_an_unfinished_last_line_is_not_glued_to_the_next(tmp_path):
    path = tmp_path / "_sent.log"
    assert read_sent_log(path).lines == []
    path.write_text(line_of(KEY, Recorded(D("2026-04-14"), SENT, AT, "a@b.example")).rstrip("\n"), encoding="utf-8")
    second = KEY[:4] + (D("2026-04-16"),)
    with open_sent_log(path) as log:
        log.record(second, Recorded(D("2026-04-16"), SENT, AT, "a@b.example"))
    read = read_sent_log(path)
    assert read.problems == [] and [key for key, _ in read.lines] == [KEY, second]


GOOD = "2026-04-14\t2026-04-14T07:02:11Z\tsent\tpayment\tacme\tDeposit\t2026-04-14\t2026-04-14\ta@b.example"


@pytest.mark.parametrize(
    ("line", "problems"),
    [
        ("2026-04-14 sent payment acme", [":2: expected 9 fields separated by tabs (day, at, event, what, engagement, about, due, trigger, to), got 1"]),
        (GOOD + "\textra", [":2: expected 9 fields separated by tabs (day, at, event, what, engagement, about, due, trigger, to), got 10"]),
        (GOOD.replace("\tsent\t", "\tmailed\t"), [":2: event: expected one of sent, sent-late, skipped, got 'mailed'"]),
        (GOOD.replace("\tpayment\t", "\tinvoice\t"), [":2: what: expected one of stage, payment, announcement, digest, got 'invoice'"]),
        (GOOD.replace("2026-04-14T07:02:11Z", "07:02"), [":2: at: expected a moment in UTC like 2026-11-20T15:02:11Z, or -, got '07:02'"]),
        (GOOD.replace("2026-04-14T07:02:11Z", "-"), [":2: at: expected the moment a sent message was accepted, got -"]),
        (GOOD.replace("\tacme\t", "\t-\t"), [":2: engagement: expected the engagement's id for a payment, got -"]),
        (GOOD.replace("\tDeposit\t", "\tDe\\posit\t"), [":2: about: expected a backslash to start \\\\, \\t, \\n, \\r or \\-, got \\p"]),
        (
            GOOD.replace("2026-04-14\t2026-04-14\ta@", "2026-02-30\t14.04.2026\ta@"),
            [
                ":2: due: 2026-02-30 is not a real date (expected YYYY-MM-DD)",
                ":2: trigger: expected a date as YYYY-MM-DD, got '14.04.2026'",
            ],
        ),
    ],
)
def test_every_bad_line_is_named_with_its_line_and_what_was_expected(tmp_path, line, problems):
    path = tmp_path / "_sent.log"
    path.write_text(f"# a comment\n{line}\n\n{GOOD}\n", encoding="utf-8")
    read = read_sent_log(path, "projects/_sent.log")
    assert [str(p) for p in read.problems] == [f"projects/_sent.log{p}" for p in problems]
    assert len(read.lines) == 1  # the good line still counts


def test_a_log_that_is_not_utf8_is_one_problem(tmp_path):
    path = tmp_path / "_sent.log"
    path.write_bytes((GOOD + "\n").encode() + "2026-04-14\tcafé".encode("latin-1") + b"\n")
    assert [str(p) for p in read_sent_log(path, "projects/_sent.log").problems] == [
        "projects/_sent.log:2: not UTF-8 text; expected the file saved as UTF-8"
    ]


def test_two_runs_cannot_hold_the_log_at_once(tmp_path):
    path = tmp_path / "_sent.log"
    with (
        open_sent_log(path),
        pytest.raises(Busy, match="another `courtside remind --send` is running"),
        open_sent_log(path),
    ):
        pass
    with open_sent_log(path):  # released
        pass


def test_each_record_is_on_disk_when_record_returns(tmp_path):
    path = tmp_path / "_sent.log"
    with open_sent_log(path) as log:
        log.record(KEY, Recorded(D("2026-04-14"), SENT, AT, "a@b.example"))
        # Read by another handle while the writer is still open: the line is there.
        assert [key for key, _ in read_sent_log(path).lines] == [KEY]
