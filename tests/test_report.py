"""`reconcile report`: the HTML page, read back with html.parser (no browser needed here; the
browser tests are in test_report_browser.py).

Expected values are worked out by hand from examples/illustrative/README.md (events E1–E19, P1,
P2: 6 independently verified, 10 unverified, 5 contested).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tomllib
from dataclasses import replace
from datetime import datetime, timezone
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.context import UsageProblem
from cli.files import write_whole
from cli.main import cli
from reconciler.config import Config
from reconciler.db import open_database
from reconciler.events import EventFilter
from reconciler.report import _fold, build_report, render_report, timeline

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "illustrative"

# Hostile values in every free-text field a claim has; the second claim (the mission, same day
# and place) makes them one event with links to show.
HOSTILE = [
    {"ref": "<script>alert(1)</script>", "source": '"><img src=x onerror=alert(1)>',
     "via": ["</script><script>alert(2)</script>"], "report": '=HYPERLINK("http://evil","x")',
     "published": "2031-05-10", "date": "2031-05-10", "place": "Avdiivka \u202egnp.exe", "region": "<b>bold</b>",
     "type": "shelling", "actor": "<svg onload=alert(3)>", "victims": "civilians", "killed": 2, "wounded": 3,
     "text": "Text with \u202e override, <script>alert(4)</script> and a newline\nhere", "lang": 'en"><b>',
     "note": "{{ 7*7 }} {% raw %} &amp; &lt;"},
    {"ref": "h-2", "source": "Joint Ceasefire Monitoring Mission", "report": '<a href="javascript:alert(6)">click</a>',
     "published": "2031-05-10", "date": "2031-05-10", "place": "Avdiivka", "type": "shelling",
     "victims": "civilians", "killed": 2, "text": '=HYPERLINK("http://evil","x")', "lang": "en"},
]


class Page(HTMLParser):
    """The tags, attributes and text of a page, as a browser's parser would split them."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.raw: dict[str, list[str]] = {"script": [], "style": []}
        self._in: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in self.raw:
            self._in = tag

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in:
            self.raw[self._in].append(data)
        else:
            self.text.append(data)

    def named(self, tag: str) -> list[dict]:
        return [attrs for name, attrs in self.tags if name == tag]

    def of_class(self, cls: str) -> list[dict]:
        return [attrs for _, attrs in self.tags if cls in (attrs.get("class") or "").split()]


def make_report(directory: Path, claims: Path | None = None, *args: str) -> Path:
    """The illustrative example (or ``claims`` under its sources) imported, run and reported."""
    db = str(directory / "report.sqlite")
    runner = CliRunner()
    out = directory / "report.html"
    for command in (("sources", "import", str(EXAMPLE / "sources.yaml")),
                    ("import", str(claims or EXAMPLE / "claims.jsonl")), ("run",),
                    ("report", "--out", str(out), *args)):
        result = runner.invoke(cli, ["--db", db, "--user", "tester", *command], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def illustrative(tmp_path_factory) -> Path:
    return make_report(tmp_path_factory.mktemp("report"))


def test_report_template_ships_as_package_data() -> None:
    # Found the way an installed (not editable) package finds it, and covered by package-data.
    templates = resources.files("reconciler").joinpath("templates")
    for name in ("report.html", "report.css", "report.js"):
        assert templates.joinpath(name).is_file()
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    folder = ROOT / "reconciler"
    files = [p.relative_to(folder) for p in (folder / "templates").rglob("*") if p.is_file()]
    assert [f for f in files if not any(f.match(pattern) for pattern in patterns["reconciler"])] == []


def test_report_shows_every_event_with_its_grade(illustrative) -> None:
    page = Page(illustrative.read_text(encoding="utf-8"))
    events = page.of_class("event")
    assert len(events) == 21
    statuses = [e["data-status"] for e in events]
    assert {s: statuses.count(s) for s in set(statuses)} == {
        "independently_verified": 6, "unverified": 10, "contested": 5}
    # The totals at the top, in the order of the grades.
    totals = "".join(page.text)
    assert "6 ✓ independently verified" in " ".join(totals.split())
    assert "Showing 21 of 21 events" in totals
    # Every event is deep-linkable by its id, and opens closed.
    assert sorted(int(e["id"].removeprefix("event-")) for e in events) == list(range(1, 22))
    assert all("open" not in e for e in events)


def test_report_event_carries_claims_links_and_reason(illustrative) -> None:
    html = illustrative.read_text(encoding="utf-8")
    # E12 (Popasna, contested): 4 claims; the reason names both origins' figures.
    assert "figures far apart: Eastmark People&#39;s Authority killed military ≥11, Government of Valdoria 3" in html
    for written in ("Popasna", "Popasnaya", "Попасная", "Попасна", "more than 10 (≥11)", "at least 3 (≥3)"):
        assert f"<bdi>{written}</bdi>" in html
    # A relay chain from the source outwards: ill-033, Eastmark Militia Command via ENS.
    assert ('<bdi>Eastmark Militia Command</bdi> <span class="arrow" aria-label="relayed by">→</span> '
            '<bdi>Eastmark News Service</bdi>') in html
    # A link's score components, named, with points and notes (E1: ill-001 with ill-002, 9.5).
    assert '<span class="pts pos">+4</span> <span class="cname"><bdi>place</bdi></span> <bdi>same place: Avdiyivka</bdi>' in html
    # A single claim's link says why it has no partner (E15, Toretsk).
    assert "<bdi>no other claim matched</bdi>" in html


def test_report_timeline_counts_events_per_day_by_grade(tmp_path) -> None:
    make_report(tmp_path)
    db = open_database(str(tmp_path / "report.sqlite"))
    with db.read() as session:
        report = build_report(session)
    db.dispose()
    rows = {label: counts for label, counts in report.timeline.rows if sum(counts.values())}
    v, u, c = "independently_verified", "unverified", "contested"
    # Each event on its first day (E1: 10-11 May, on the 10th); from the README's table.
    expected = {"10 May": {u: 1}, "12 May": {u: 2}, "13 May": {v: 1}, "14 May": {v: 1}, "15 May": {u: 1},
                "16 May": {v: 1}, "18 May": {v: 1}, "19 May": {u: 1}, "20 May": {c: 1}, "21 May": {c: 1},
                "22 May": {c: 1}, "23 May": {c: 1}, "24 May": {u: 2}, "26 May": {v: 1}, "27 May": {u: 1},
                "28 May": {v: 1}, "29 May": {u: 1}}
    assert {label[:-5]: {g: n for g, n in counts.items() if n} for label, counts in rows.items()} == expected
    # 10 to 29 May: 20 days, a bar each; P1 and P2 are periods, listed rather than drawn.
    assert report.timeline.unit == "day" and len(report.timeline.bars) == 20
    assert sorted(e.date for e in report.timeline.periods) == ["2031-01-01/2031-05-20", "2031-05-01/2031-05-20"]
    # Over more than 92 days, weeks from Monday: E2 (Wednesday 14 May 2031) moved to 1 October
    # (a Wednesday) falls in the week of Monday 29 September.
    events = [e for e in report.events if e not in report.timeline.periods]
    moved = [replace(e, start="2031-10-01", end="2031-10-01") if e.date == "2031-05-14" else e for e in events]
    weekly = timeline(moved, Config())
    assert weekly.unit == "week"
    assert [(label, counts[v]) for label, counts in weekly.rows if label.startswith("29 Sep")] == [("29 Sep 2031", 1)]


def test_report_filters_by_grade_and_date(tmp_path) -> None:
    page = Page(make_report(tmp_path, None, "--status", "contested", "--title", "Contested").read_text("utf-8"))
    assert [e["data-status"] for e in page.of_class("event")] == ["contested"] * 5
    assert "Contested" in page.text
    again = tmp_path / "again"
    again.mkdir()
    page = Page(make_report(again, None, "--since", "2031-05-21", "--until", "2031-05-22").read_text("utf-8"))
    # E11 (21 May) and E12 (22 May); P1 and P2 end on 20 May.
    assert [(e["data-start"], e["data-status"]) for e in page.of_class("event")] == [
        ("2031-05-21", "contested"), ("2031-05-22", "contested")]


def test_report_shows_decisions_and_lineage(desk) -> None:
    for args in (("sources", "import", str(EXAMPLE / "sources.yaml")), ("import", str(EXAMPLE / "claims.jsonl")),
                 ("run",), ("grade", "4", "--status", "contested", "--reason", "a later report <b>disputes</b> it"),
                 ("merge", "7", "6"), ("report", "--out", "r.html")):
        result = desk(*args)
        assert result.exit_code == 0, result.output
    html = (desk.directory / "r.html").read_text(encoding="utf-8")
    event4 = html[html.index('id="event-4"'):html.index("</details>", html.index('id="event-4"'))]
    assert ("<bdi>graded event 4 by hand: independently verified → contested, because: a later report "
            "&lt;b&gt;disputes&lt;/b&gt; it</bdi>") in event4
    assert "<td><bdi>tester</bdi></td>" in event4
    assert "(graded by hand)" in event4
    event7 = html[html.index('id="event-7"'):html.index("</details>", html.index('id="event-7"'))]
    assert "<bdi>merged event 6 into event 7</bdi>" in event7
    # Event 6 is retired, so it is not in the report: named, not linked.
    assert "event 6 (not in this report) merged into this event" in " ".join(event7.split())
    assert 'id="event-6"' not in html


def test_report_hostile_claims_stay_text(tmp_path) -> None:
    claims = tmp_path / "hostile.jsonl"
    claims.write_text("".join(json.dumps(c) + "\n" for c in HOSTILE), encoding="utf-8")
    html = make_report(tmp_path, claims).read_text(encoding="utf-8")
    page = Page(html)
    # The page's own elements only: one style, one script, no image, no link out, no handler.
    assert len(page.named("script")) == 1 and len(page.named("style")) == 1
    assert page.named("img") == [] and page.named("svg") == [{"class": "chart", "viewbox": "0 0 960 260",
                                                               "role": "img", "aria-labelledby": "chart-desc",
                                                               "preserveaspectratio": "xMidYMid meet"}]
    assert [a for a in page.named("a") if not (a.get("href") or "").startswith("#")] == []
    assert [(tag, name) for tag, attrs in page.tags for name in attrs if name.startswith("on")] == []
    assert page.named("b") == []
    # Each hostile value is there as text, as written (controls shown as escapes, as in the terminal).
    text = "".join(page.text)
    for shown in ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "</script><script>alert(2)</script>",
                  '=HYPERLINK("http://evil","x")', "Avdiivka \\u202egnp.exe", "<svg onload=alert(3)>",
                  "{{ 7*7 }} {% raw %} &amp; &lt;", '<a href="javascript:alert(6)">click</a>',
                  "Text with \\u202e override, <script>alert(4)</script> and a newline\nhere"):
        assert shown in text, shown
    # (The time the page was generated may hold a 49: 09:49 UTC.)
    assert "\u202e" not in html and "49" not in text.replace(text[text.index("generated"):text.index("by reconcile")], "")
    # The script element holds the page's own script only.
    assert "alert" not in "".join(page.raw["script"])
    # A hostile language code stays an attribute value.
    assert [q["lang"] for q in page.named("blockquote")] == ['en"><b>', "en"]


def test_report_policy_allows_only_its_own_style_and_script(illustrative) -> None:
    page = Page(illustrative.read_text(encoding="utf-8"))
    (meta,) = [m for m in page.named("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    policy = dict(part.strip().split(" ", 1) for part in meta["content"].split(";"))

    def digest(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    assert policy == {"default-src": "'none'", "style-src": digest("".join(page.raw["style"])),
                      "script-src": digest("".join(page.raw["script"])), "base-uri": "'none'",
                      "form-action": "'none'"}
    assert [a for _, a in page.tags if "style" in a] == []  # a style attribute would be refused


def test_report_fold_matches_spellings_across_scripts() -> None:
    # Marinka as written in the example: Latin finds the Russian one by transliteration.
    assert _fold("Марьинка").split("|") == ["марьинка", "marinka"]
    # anyascii writes ї as i; None and "" are skipped.
    assert _fold("Мар'їнка", None, "") == "марінка|marinka"
    assert _fold("Mar'yinka", "Mar'yinka") == "maryinka"


def test_report_generated_time_is_utc(tmp_path) -> None:
    make_report(tmp_path)
    db = open_database(str(tmp_path / "report.sqlite"))
    with db.read() as session:
        report = build_report(session, EventFilter(status="contested"), title="T",
                              generated_at=datetime(2031, 6, 1, 12, 30, tzinfo=timezone.utc))
    db.dispose()
    assert report.generated_at == "2031-06-01 12:30 UTC"
    assert "generated 2031-06-01 12:30 UTC by reconcile" in render_report(report)


def test_report_cli_refuses_reversed_dates_and_unwritable_files(desk) -> None:
    assert desk("init").exit_code == 0
    result = desk("report", "--out", "r.html", "--since", "2031-05-22", "--until", "2031-05-01")
    assert (result.exit_code, result.stderr) == (2, "Error: --since 2031-05-22 is after --until 2031-05-01\n")
    result = desk("report", "--out", "missing/r.html")
    assert (result.exit_code, result.stderr) == (2, "Error: --out missing/r.html: cannot write there (No such file or directory)\n")
    assert not (desk.directory / "r.html").exists()
    result = desk("report", "--out", "r.html")
    assert (result.exit_code, result.stdout) == (
        0, "Wrote r.html: 0 events (independently verified 0, unverified 0, contested 0)\n")
    assert [p.name for p in desk.directory.iterdir() if p.name.startswith(".r.html")] == []


def test_report_file_mode_follows_the_umask(desk) -> None:
    # A report may hold unpublished material: a umask of 077 keeps it to its owner.
    assert desk("init").exit_code == 0
    previous = os.umask(0o077)
    try:
        result = desk("report", "--out", "r.html")
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.output
    assert (desk.directory / "r.html").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, OSError(28, "No space left on device")])
def test_write_whole_leaves_no_temporary_file_on_any_exception(tmp_path, monkeypatch, interruption) -> None:
    # A Ctrl-C while writing (or a full disk) leaves the old file as it was and no .*.tmp beside it.
    target = tmp_path / "r.html"
    target.write_text("the previous report\n", encoding="utf-8")

    def interrupted(fd: int) -> None:
        raise interruption

    monkeypatch.setattr(os, "fsync", interrupted)
    expected = KeyboardInterrupt if interruption is KeyboardInterrupt else UsageProblem
    with pytest.raises(expected):
        write_whole(target, "<!DOCTYPE html>\n")
    assert target.read_text(encoding="utf-8") == "the previous report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


def test_report_limit_keeps_the_latest_events_and_says_how_many_are_left_out(desk) -> None:
    for args in (("sources", "import", str(EXAMPLE / "sources.yaml")), ("import", str(EXAMPLE / "claims.jsonl")),
                 ("run",)):
        assert desk(*args).exit_code == 0
    result = desk("report", "--out", "r.html", "--limit", "5")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Wrote r.html: 5 events (")
    assert result.stderr == ("Left out the 16 earliest of 21 events (the limit is 5): to include them, choose fewer "
                             "with --since, --until or --status, or all with --limit 0\n")
    page = Page((desk.directory / "r.html").read_text(encoding="utf-8"))
    # The latest five by first day, listed by date: 29 May back to 24 May, where E14 and E15 both
    # begin (the later id, E15, is kept).
    assert [(e["id"], e["data-start"]) for e in page.of_class("event")] == [
        ("event-15", "2031-05-24"), ("event-19", "2031-05-26"), ("event-18", "2031-05-27"),
        ("event-21", "2031-05-28"), ("event-20", "2031-05-29")]
    text = " ".join("".join(page.text).split())
    assert "The latest 5 of 21 events, by first day: the 16 earliest" in text
    assert "--limit 0" in text
    # Under the limit (and with --limit 0) nothing is left out and nothing is said.
    for limit in ("21", "0"):
        result = desk("report", "--out", "r.html", "--limit", limit)
        assert (result.exit_code, result.stderr) == (0, "")
        assert 'id="limited"' not in (desk.directory / "r.html").read_text(encoding="utf-8")
    assert desk("report", "--out", "r.html", "--limit", "-1").exit_code == 2


def test_report_shows_nothing_twice(illustrative) -> None:
    html = illustrative.read_text(encoding="utf-8")
    event1 = html[html.index('id="event-1"'):html.index("</details>", html.index('id="event-1"'))]
    # ill-001 and ill-002 are each other's strongest match: the parts once, the second row names
    # the first; ill-003's link to ill-001 has parts of its own.
    assert event1.count("same place: Avdiyivka") == 2
    assert '<a href="#claim-1">claim 1</a>' in event1 and '<a href="#claim-2">claim 2</a>' in event1
    assert "the same link as claim 1's, read the other way" in event1
    # A claim's ref is in the claims table, not again in the links; the summary's date, place and
    # figures are not repeated in the facts; the template's indentation is not in the page.
    assert "claim 1 (ill-001)" not in html and '<span class="ref"><bdi>ill-001</bdi></span>' in event1
    assert "<dt>Date</dt>" not in html and "<dt>Known origins</dt>" in html
    assert "\n  <" not in html[html.index('<main id="events">'):]
