"""Stored values are shown, never interpreted: no rich markup, no terminal control, no reordering.

Each test pins a case of issue 12 (§1, §2): a value somebody typed or imported, shown by a
table, `show`, `log`, `sources list`, a summary or an error message. The expected cells are
worked out by hand: a control or format character shows as its Python escape (ESC as ``\\x1b``,
U+202E as ``\\u202e``, a tag character as ``\\U000e0041``, a tab as ``\\t``, a newline as ``\\n``).
"""

from __future__ import annotations

import json
import re

import pytest

from cli.output import visible
from conftest import PROMPT, Desk, run_in_terminal

LINK = "[link=https://evil.example/]x[/link]"
MISSION = "[red]Joint Ceasefire Monitoring Mission[/red]"
CLEAR_SCREEN = "\x1b[2J"
RLO, ZWSP, TAG_A = "\u202e", "\u200b", "\U000E0041"
SGR = re.compile(r"\x1b\[[0-9;]*m")  # colour and weight codes, which only rich's own styles may emit


@pytest.fixture(autouse=True)
def wide_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables as wide as their contents, so that no cell wraps onto a second line."""
    monkeypatch.setenv("COLUMNS", "1000")


def rows(stdout: str) -> list[list[str]]:
    """The rows of every rich table in ``stdout`` (header rows too), each as its stripped cells.

    """
    return [[cell.strip() for cell in re.split("[│┃]", line)[1:-1]]
            for line in stdout.splitlines() if line.startswith(("│", "┃"))]


def imported(desk: Desk, *claims: dict) -> Desk:
    result = desk("import", desk.write_jsonl("hostile.jsonl", list(claims)))
    assert result.exit_code == 0, result.output
    return desk


def ran(desk: Desk, *args: str):
    result = desk(*args)
    assert result.exit_code == 0, result.output
    return result


def test_claims_table_shows_markup_in_values_literally(desk: Desk) -> None:
    # Regression: a source named "Bad [/] Source" made `claims` exit 1 with rich.errors.MarkupError,
    # and "[red]…[/red]" showed as the registered mission's name in red.
    imported(desk, {"ref": "h1", "source": "Bad [/] Source", "date": "2021-04-06", "place": "Avdiivka [/bold]",
                    "type": "shelling", "killed": "2"},
             {"ref": "h2", "source": MISSION, "via": [LINK], "date": "2021-04-06"})
    result = ran(desk, "claims")
    assert rows(result.stdout)[1:] == [
        ["1", "h1", "Bad [/] Source (unregistered)", "(unknown)", "", "2021-04-06", "Avdiivka [/bold]", "shelling",
         "2", "", "asserts", ""],
        ["2", "h2", MISSION + " (unregistered)", "(unknown)", LINK, "2021-04-06", "", "", "", "", "asserts", ""],
    ]
    assert result.stderr == ""


def test_claims_table_makes_control_and_format_characters_visible(desk: Desk) -> None:
    # Regression: a raw ESC[2J in a place cleared the reader's screen; U+202E reordered the row;
    # a zero-width space and a tag character hid inside a name.
    imported(desk, {"ref": "c\t1", "source": f"S{ZWSP}ource", "date": "2021-04-06", "place": CLEAR_SCREEN,
                    "type": f"shell{TAG_A}ing{RLO}"})
    result = ran(desk, "claims")
    assert rows(result.stdout)[1:] == [
        ["1", "c\\t1", "S\\u200bource (unregistered)", "(unknown)", "", "2021-04-06", "\\x1b[2J",
         "shell\\U000e0041ing\\u202e", "", "", "asserts", ""],
    ]
    assert not set(result.stdout) & {"\x1b", "\t", RLO, ZWSP, TAG_A}


def test_claims_table_does_not_turn_emoji_codes_into_emoji(desk: Desk) -> None:
    # Regression: rich replaced ":warning:" in a stored value with the ⚠ emoji.
    imported(desk, {"ref": "e1", "source": ":warning: Army", "date": "2021-04-06"})
    assert rows(ran(desk, "claims").stdout)[1][2] == ":warning: Army (unregistered)"


def test_events_table_shows_markup_and_bidi_characters_in_reasons_literally(desk: Desk) -> None:
    # Regression: `events` exited 1 with MarkupError on a reason naming "Bad [/] Source".
    imported(desk, {"ref": "h1", "source": "Bad [/] Source", "date": "2021-04-06", "place": "Avdiivka"},
             {"ref": "h2", "source": f"Army{RLO}", "date": "2021-05-06", "place": "Kharkiv"})
    ran(desk, "run")
    table = rows(ran(desk, "events").stdout)
    assert [row[8] for row in table[1:]] == [
        "no known origin asserts it; not counted (no known origin): Bad [/] Source",
        "no known origin asserts it; not counted (no known origin): Army\\u202e",
    ]


def test_show_never_makes_a_link_or_a_colour_of_a_value(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    # Regression: "[link=https://evil.example/]x[/link]" in `via` became a clickable link in `show`,
    # and "[red]…[/red]" in a note was printed red, on a terminal.
    imported(desk, {"ref": "l1", "source": "S", "via": [LINK], "date": "2021-04-06", "place": "Avdiivka",
                    "note": "[red]urgent[/red]"})
    ran(desk, "run")
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    result = ran(desk, "show", "1")
    assert "\x1b]8;" not in result.stdout  # OSC 8, a hyperlink
    assert "\x1b[31m" not in result.stdout  # red
    claims = rows(SGR.sub("", result.stdout))
    assert claims[0] == ["claim", "source", "origin", "via", "date", "place as written", "type", "hit", "actor",
                         "killed", "wounded", "stance", "note"]
    assert claims[1] == ["1", "S", "(unknown)", LINK, "2021-04-06", "Avdiivka", "", "", "", "", "", "asserts",
                         "[red]urgent[/red]"]


def test_show_makes_newlines_tabs_and_bidi_characters_in_values_visible(desk: Desk) -> None:
    # Regression: a note's newline broke its cell in two and U+202E reversed what followed it.
    imported(desk, {"ref": "n1", "source": f"Bad [/] {RLO}Source", "date": "2021-04-06", "place": "Avdiivka",
                    "note": "one\ntwo\tend"})
    ran(desk, "run")
    result = ran(desk, "show", "1")
    lines = result.stdout.splitlines()
    assert lines[1] == "Why: no known origin asserts it; not counted (no known origin): Bad [/] \\u202eSource"
    assert rows(result.stdout)[1] == ["1", "Bad [/] \\u202eSource", "(unknown)", "", "2021-04-06", "Avdiivka", "", "",
                                      "", "", "", "asserts", "one\\ntwo\\tend"]


def test_review_shows_markup_and_control_characters_literally(desk: Desk) -> None:
    # Regression: `review` crashed with MarkupError on a pair whose source was "Bad [/] Source".
    desk.write("sources.yaml", '- {name: "Bad [/] Source", kind: ngo}\n- {name: "[red]B[/red]", kind: ngo}\n')
    ran(desk, "sources", "import", "sources.yaml")
    # The same day and kind of incident, the place unknown on one side: 3.5, a pair to review.
    imported(desk, {"ref": "a", "source": "Bad [/] Source", "date": "2021-04-05", "place": "Avdiivka",
                    "type": "shelling", "victims": "civilians", "killed": "1"},
             {"ref": "b", "source": "[red]B[/red]", "date": "2021-04-05", "type": f"shelling{CLEAR_SCREEN} reported",
              "victims": "civilians"})
    ran(desk, "run")
    code, output = run_in_terminal(desk.directory, ["--db", "desk.sqlite", "--user", "tester", "review"], "q")
    assert code == 0, output
    assert [row[:3] + row[6:7] for row in rows(output)[1:]] == [
        ["1", "Bad [/] Source", "Bad [/] Source", "shelling"],
        ["2", "[red]B[/red]", "[red]B[/red]", "shelling\\x1b[2J reported"],
    ]
    assert output.endswith(f"{PROMPT}q\naccepted 0, rejected 0, skipped 0\n")


def test_log_shows_markup_in_a_user_and_a_reason_literally(desk: Desk) -> None:
    # Regression: --user 'eve[/]' or --reason '[/]' made `log` exit 1 with MarkupError on every
    # later call, and nothing in the CLI could remove the entry.
    imported(desk, {"ref": "g1", "source": "S", "date": "2021-04-06", "place": "Avdiivka"})
    ran(desk, "run")
    graded = desk.runner.invoke(__import__("cli.main", fromlist=["cli"]).cli,
                                ["--db", "desk.sqlite", "--user", "eve[/]", "grade", "1", "--status", "contested",
                                 "--reason", f"[/]{CLEAR_SCREEN}"], catch_exceptions=False)
    assert (graded.exit_code, graded.stdout) == (0, "Event 1: contested (manual): [/]\\x1b[2J\n")
    table = rows(ran(desk, "log").stdout)
    assert [row[2] for row in table[1:]] == ["tester", "tester", "eve[/]"]
    assert table[3][3] == "grade"
    assert table[3][7].startswith('{"status": "contested", "reason": "[/]\\u001b[2J"')


def test_sources_list_shows_markup_and_control_characters_literally(desk: Desk) -> None:
    # Regression: a source named "Bad [/] Source" made `sources list` exit 1 with MarkupError.
    result = ran(desk, "sources", "add", "Bad [/] Source", "--alias", CLEAR_SCREEN, "--kind", "ngo",
                 "--side", "[bold]North[/bold]")
    assert result.stdout == "Bad [/] Source: created\n"
    assert rows(ran(desk, "sources", "list").stdout)[1:] == [
        ["Bad [/] Source", "\\x1b[2J", "ngo", "", "[bold]North[/bold]", "yes", "Bad [/] Source", "", ""],
    ]


def test_sources_add_output_makes_control_characters_visible(desk: Desk) -> None:
    # Regression: the confirmation line echoed the ESC[2J of the name to the terminal.
    result = ran(desk, "sources", "add", f"Army{CLEAR_SCREEN}")
    assert result.stdout == "Army\\x1b[2J: created\n"


def test_import_summary_lists_each_unregistered_source_on_one_line(desk: Desk) -> None:
    # Regression: a source name holding a newline printed a second, forged line in the summary.
    result = desk("import", desk.write_jsonl("c.jsonl", [
        {"ref": "u1", "source": "Evil\nError: the database is damaged", "date": "2021-04-06"},
        {"ref": "u2", "source": f"Telegram{CLEAR_SCREEN}", "date": "2021-04-06"},
    ]))
    assert (result.exit_code, result.stdout) == (0, (
        "c.jsonl: added 2, updated 0, already stored 0\n"
        "Unregistered sources (kept, but never counted as independent corroboration; "
        "register them with `reconcile sources add`):\n"
        "  - Evil\\nError: the database is damaged\n"
        "  - Telegram\\x1b[2J\n"))


def test_error_messages_make_control_characters_in_file_names_visible(desk: Desk) -> None:
    # Regression: an error naming a file or a --db path echoed its control characters raw.
    name = desk.write(f"bad{CLEAR_SCREEN}.jsonl", "{not json\n")
    result = desk("import", name)
    assert (result.exit_code, result.stderr) == (2, (
        "Error: bad\\x1b[2J.jsonl:1: is not valid JSON (Expecting property name enclosed in double quotes "
        "at column 2)\n"
        "Rejected: 1 problem; nothing was written to the database.\n"))
    missing = desk.runner.invoke(__import__("cli.main", fromlist=["cli"]).cli,
                                 ["--db", f"gone{RLO}.sqlite", "claims"], catch_exceptions=False)
    assert (missing.exit_code, missing.stderr) == (3, (
        "Error: no database at gone\\u202e.sqlite; create one with `reconcile init` or by importing claims\n"))


def test_json_output_keeps_every_value_exact(desk: Desk) -> None:
    # --json is data for other programs: the values exactly as stored (JSON escaping makes them safe).
    source = f"Bad [/] {RLO}Source{CLEAR_SCREEN}"
    imported(desk, {"ref": "j1", "source": source, "via": [LINK], "date": "2021-04-06", "note": "one\ntwo"})
    result = ran(desk, "claims", "--json")
    [claim] = json.loads(result.stdout)
    assert (claim["source"], claim["via"], claim["note"]) == (source, [LINK], "one\ntwo")
    # Regression: the right-to-left override reached the terminal raw; now it is a JSON escape.
    assert f'"source": "Bad [/] \\u202eSource\\u001b[2J"' in result.stdout
    assert not set(result.stdout) & {"\x1b", RLO}


@pytest.mark.parametrize(("value", "shown"), [
    ("Avdiivka", "Avdiivka"),
    ("Авдіївка [/] C:\\temp", "Авдіївка [/] C:\\temp"),  # markup and backslashes are kept as they are
    ("a\u00a0b 🇺🇦", "a\u00a0b 🇺🇦"),  # a no-break space and an emoji flag are visible as they are
    ("\x00\x07\x1b\x7f", "\\x00\\x07\\x1b\\x7f"),  # C0 controls and DEL
    ("\x9b2J", "\\x9b2J"),  # C1: U+009B is CSI on some terminals
    ("\u00ad\u061c\u200b\u200d\u202a\u202e\u2066\u2069\ufeff",  # format characters: bidi, zero-width, BOM
     "\\xad\\u061c\\u200b\\u200d\\u202a\\u202e\\u2066\\u2069\\ufeff"),
    ("\u2028\u2029", "\\u2028\\u2029"),  # line and paragraph separators
    ("\U000E0000\U000E0041\U000E007F", "\\U000e0000\\U000e0041\\U000e007f"),  # tag characters
    ("A\u3164B\u115fC\ufe0fD\u034fE", "A\\u3164B\\u115fC\\ufe0fD\\u034fE"),  # fillers, selectors: ignorable
    ("\ud800", "\\ud800"),  # a lone surrogate cannot even be encoded for the terminal
    ("\U0010FFFF\U000E0FFF", "\\U0010ffff\\U000e0fff"),  # unassigned; ignorable
    ("one\ttwo\r\nthree", "one\\ttwo\\r\\nthree"),
])
def test_visible_escapes_what_a_terminal_would_act_on_or_hide(value: str, shown: str) -> None:
    assert visible(value) == shown
    assert visible(shown) == shown  # applying it again changes nothing


def test_visible_keeps_newlines_only_when_asked() -> None:
    assert visible("one\ntwo\x1b", newlines=True) == "one\ntwo\\x1b"
    assert visible(None) == ""
