"""NotFound says what was asked for; the command line adds where to look."""

from __future__ import annotations

from cli.context import error_message
from reconciler.errors import NotFound, ReconcileError


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
