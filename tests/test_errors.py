"""The library's errors state what happened, with fields; the command line adds what to type."""

from __future__ import annotations

import pytest

from cli.context import error_message, near_reason, problem_message
from reconciler.content import Finding, refuse
from reconciler.errors import (BusyError, GradedByHand, LookalikeError, NotFound, Problem, ReconcileError,
                               RunLockedError, SchemaError, StaleVersion)


def test_not_found_names_the_kind_and_key_and_no_command():
    error = NotFound("claim", 12)
    assert (error.kind, error.key, error.detail, error.exit_code) == ("claim", 12, None, 4)
    assert str(error) == "no claim 12"
    assert isinstance(error, ReconcileError)


def test_not_found_with_detail_says_the_detail():
    error = NotFound("source", "Kremlin", "parent source 'Kremlin' is not registered; register it first")
    assert (error.kind, error.key) == ("source", "Kremlin")
    assert str(error) == "parent source 'Kremlin' is not registered; register it first"


def test_the_command_line_adds_a_hint_by_kind():
    assert error_message(NotFound("claim", 12)) == "no claim 12; list them with `reconcile claims`"
    assert error_message(NotFound("event", 7)) == "no event 7; list them with `reconcile events`"
    # Kinds without a hint, and other errors, are shown as the library says them.
    assert error_message(NotFound("source", "X", "no source is called 'X'")) == "no source is called 'X'"
    assert error_message(ReconcileError("give two different claims")) == "give two different claims"


def test_missing_claims_and_events_are_shown_with_the_hint(desk):
    assert desk("init").exit_code == 0
    result = desk("show", "999")
    assert (result.exit_code, result.stderr) == (4, "Error: no event 999; list them with `reconcile events`\n")
    result = desk("link", "998", "999")
    assert (result.exit_code, result.stderr) == (4, "Error: no claim 998; list them with `reconcile claims`\n")
    result = desk("grade", "999", "--status", "contested", "--reason", "x")
    assert (result.exit_code, result.stderr) == (4, "Error: no event 999; list them with `reconcile events`\n")


@pytest.mark.parametrize(("reason", "hint"), [
    ("missing", "run `reconcile init` to create one"),
    ("old", "run `reconcile init` to upgrade it"),
    ("newer", "upgrade reconcile to use it"),
    ("not_a_database", "give --db an existing reconcile database or a new file name"),
])
def test_schema_error_says_the_reason_and_the_command_line_what_to_do(reason, hint):
    error = SchemaError("desk.sqlite is not what it should be", reason=reason)
    assert (str(error), error.reason, error.exit_code) == ("desk.sqlite is not what it should be", reason, 3)
    assert error_message(error) == f"desk.sqlite is not what it should be; {hint}"
    assert error_message(SchemaError("cannot create x.sqlite")) == "cannot create x.sqlite"


def test_stale_version_carries_the_event_and_versions():
    error = StaleVersion("event 4 was changed by bob at 2026-12-01 10:00:00 UTC (now version 3; you decided on "
                         "version 2)", 4, expected=2, actual=3)
    assert (error.event_id, error.expected, error.actual, error.retired, error.exit_code) == (4, 2, 3, False, 5)
    assert error_message(error) == f"{error}; look again with `reconcile show 4`"
    gone = StaleVersion("event 4 no longer exists (merged or split by bob)", 4, retired=True)
    assert error_message(gone) == "event 4 no longer exists (merged or split by bob); " \
                                  "see `reconcile show 4` for what it became"
    graded = GradedByHand("event 4 was graded by hand by bob at 2026-12-01 10:00:00 UTC (version 3)", 4, 3)
    assert (graded.event_id, graded.version) == (4, 3)
    assert error_message(graded) == f"{graded}; to replace that grade, look at it with `reconcile show 4` " \
                                    "and pass --if-version 3"


def test_busy_and_run_lease_errors_say_what_was_waited_for():
    locked = BusyError("the database stayed locked by another writer for more than 5 s", timeout=5.0)
    assert error_message(locked) == f"{locked}; try again, or raise --busy-timeout"
    rolled_back = BusyError("another writer was in the way and PostgreSQL rolled this transaction back (x); try again")
    assert error_message(rolled_back) == str(rolled_back)
    lease = RunLockedError("another run is in progress: bob (process 1 on h) holds it since 2026-12-01 10:00:00 UTC; "
                           "waited 2 s", waited=2.0)
    assert (lease.waited, lease.exit_code) == (2.0, 6)
    assert error_message(lease) == f"{lease} (--wait to wait longer)"


def test_lookalike_error_leaves_how_to_declare_a_different_source_to_the_caller():
    error = LookalikeError("'VGS' looks like the registered source 'V G S'", ("V G S",))
    assert str(error) == ("'VGS' looks like the registered source 'V G S'; if it is that source, use its name; "
                          "if it is a different source, say so")
    assert error_message(error) == f"{error} with --distinct-from 'V G S'"
    assert error.message("distinct_from: ['V G S']") == f"{error} with distinct_from: ['V G S']"


def test_problem_remedies_are_worded_by_the_command_line():
    register = Problem("c.jsonl", 2, "source", "'VGS' looks like 'V G S' but is not it; write the registered name, "
                       "or, if it is a different source, register it first", remedy="register", others=("V G S",))
    assert problem_message(register) == f"{register} with `reconcile sources add NAME --distinct-from 'V G S'`"
    update = Problem("s.yaml", 3, None, "'A': kind 'ngo' → 'media'", remedy="update")
    assert problem_message(update) == ("s.yaml:3: 'A': kind 'ngo' → 'media'; "
                                       "to apply the change, import again with --update")
    assert problem_message(Problem("c.jsonl", 1, "date", "not a date")) == "c.jsonl:1: field 'date': not a date"


@pytest.mark.parametrize(("key", "change", "remedy"), [
    (("claim", 2, 0), "edited", "Re-import the file that holds it (`reconcile import FILE`) or restore the database "
                                "from a backup"),
    (("claim", 2, 0), "deleted", "Re-import the file that holds it (`reconcile import FILE`: it comes back as claim 2) "
                                 "or restore the database from a backup"),
    (("decision", 3, 9), "edited", "Decide it again (`reconcile link 3 9` or `reconcile unlink 3 9`)"),
    (("grade", 10, 0), "edited", "Grade it again (`reconcile grade 10 --status S --reason R`, or `--auto`)"),
    (("place", 5, 0), "edited", "Import its file again (`reconcile places import FILE`), restore the database from a "
                                "backup, or record it as it is now with `reconcile audit accept --reason TEXT`"),
    (("source", 1, 0), "edited", "Restore the database from a backup, or record it as it is now with "
                                 "`reconcile audit accept --reason TEXT`"),
])
def test_content_changed_gives_the_findings_and_the_command_line_the_remedy(key, change, remedy):
    finding = Finding(key, "the row", change, 7)
    error = refuse([finding], "nothing was graded", "run again")
    assert (error.findings, error.done, error.then) == ([finding], "nothing was graded", "run again")
    assert "`" not in str(error)
    assert error_message(error) == f"{error}. {remedy}, then run again"


def test_content_changed_of_many_rows_points_at_audit_verify():
    findings = [Finding(("claim", n, 0), f"claim {n}", "edited", 1) for n in (1, 2)]
    error = refuse(findings, "nothing was written", "correct it")
    assert str(error) == ("2 rows were changed outside reconcile since the audit trail recorded them "
                          "(claim 1, claim 2); nothing was written")
    assert error_message(error) == f"{error}. `reconcile audit verify` names each; restore them, then correct it"


def test_near_event_changed_since_the_run_says_what_to_run():
    item = {"why_apart": "claims changed since the last run", "changed_since_run": True}
    assert near_reason(item) == "claims changed since the last run: `reconcile run` re-decides them"
    assert near_reason({"why_apart": "a person decided claims 1 and 2 apart", "changed_since_run": False}) == \
        "a person decided claims 1 and 2 apart"
