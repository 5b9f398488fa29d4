"""Drafts (issue 15): imported with their rules, matched beside the claims they match, never
counted until a person accepts them; `drafts`, `accept` and `reject`, audited.

The hand-worked desk: the army (origin Government of Ukraine, a party) reports shelling at
Avdiivka on 6 April 2021 with 2 killed; a draft of the Monitors (intergovernmental, no side)
says the same with "two"; a draft of the Government of Russia denies it. The three match into
one event. Counted: the army's claim alone, so the event rests on one origin (unverified), two
drafts left out. The Monitors accepted: two independent origins whose claims agree on place,
day, kind and figures corroborate each other (independently verified), the denial still left
out. The denial accepted too: a known origin denies what two assert (contested).
"""

from __future__ import annotations

import json
import os

import pytest

from conftest import SOURCES_YAML as DPA_SOURCES, Desk
from test_decisions import claim_id, ran
from test_extract import ROOT, SEED

# The dpa report's sources (the army under the Government of Ukraine), the Monitors and Russia.
SOURCES_YAML = DPA_SOURCES + """\
- name: Monitors
  kind: intergovernmental
- name: Government of Russia
  kind: government
  side: Russia
"""

ARMY = {"ref": "a", "source": "Army", "date": "2021-04-06", "place": "Avdiivka", "type": "shelling", "killed": "2"}
MONITORS = {"ref": "b", "source": "Monitors", "date": "2021-04-06", "place": "Avdiivka", "type": "shelling",
            "killed": "two"}
DENIAL = {"ref": "c", "source": "Government of Russia", "date": "2021-04-06", "place": "Avdiivka",
          "type": "shelling", "stance": "denies"}
MONITORS_RULES = {"rules": {"source": "according_to:registered_name", "killed": "figure_before_casualty_word",
                            "date": "weekday"}, "sentence": [3, 1],
                  "gazetteer": {"name": "Avdiivka", "geonameid": 713174, "lat": 48.14, "lon": 37.74}}
DENIAL_RULES = {"rules": {"source": "speaker_denied:described_speaker", "stance": "denial_word"}, "sentence": [4, 1]}

ONE_ORIGIN = "rests on one origin (Government of Ukraine)"
CORROBORATED = ("asserted by Government of Ukraine and Monitors, independent origins, corroborating each other; "
                "figures agree: killed 2")


def desk_with_drafts(desk: Desk) -> Desk:
    ran(desk, "sources", "import", desk.write("sources.yaml", SOURCES_YAML))
    rows = [ARMY, MONITORS | {"draft": MONITORS_RULES}, DENIAL | {"draft": DENIAL_RULES}]
    result = ran(desk, "import", desk.write_jsonl("claims.jsonl", rows))
    assert result.stdout == (
        "claims.jsonl: added 3, updated 0, already stored 0\n"
        "Drafts: 2 of these claims are drafts, counted for no grade until a person accepts them "
        "(`reconcile drafts`, `reconcile accept`).\n")
    ran(desk, "run")
    return desk


def the_event(desk: Desk) -> dict:
    [event] = json.loads(ran(desk, "events", "--json").stdout)
    return event


def test_drafts_import_stores_the_draft_member_beside_the_claim_as_given(desk: Desk) -> None:
    desk_with_drafts(desk)
    rows = desk.query("SELECT ref, draft_state, draft FROM claims ORDER BY ref")
    assert [(ref, state) for ref, state, _d in rows] == [("a", None), ("b", "draft"), ("c", "draft")]
    assert json.loads(rows[1][2]) == MONITORS_RULES and rows[0][2] is None
    # The member is provenance, not content: the claim as given leaves it out.
    assert desk.given()["b"] == MONITORS


def test_drafts_are_matched_but_never_counted_until_accepted(desk: Desk) -> None:
    desk_with_drafts(desk)
    event = the_event(desk)
    assert [c["ref"] for c in event["claims"]] == ["a", "b", "c"]
    assert (event["status"], event["reason"]) == (
        "unverified", f"{ONE_ORIGIN}; 2 draft claims not yet accepted, not counted")
    # No origin and no figure from a draft: the Monitors' "two" and the denial are not counted.
    assert (event["origins"], event["n_origins"], event["killed"]) == (
        ["Government of Ukraine"], 1, {"low": 2, "best": 2, "high": 2})


def test_drafts_accept_makes_a_draft_count_and_the_grade_changes_at_once(desk: Desk) -> None:
    desk_with_drafts(desk)
    result = ran(desk, "accept", str(claim_id(desk, "b")))
    assert result.stdout == ("Accepted draft claim 2.\n"
                             "  event 1 graded again: unverified → independently verified\n")
    event = the_event(desk)
    assert (event["status"], event["reason"], event["origins"]) == (
        "independently_verified", f"{CORROBORATED}; 1 draft claim not yet accepted, not counted",
        ["Government of Ukraine", "Monitors"])
    # The next run (the claim was marked) gives the same grade.
    ran(desk, "run")
    assert the_event(desk)["status"] == "independently_verified"
    result = ran(desk, "accept", "3")
    assert result.stdout == ("Accepted draft claim 3.\n"
                             "  event 1 graded again: independently verified → contested\n")
    assert (the_event(desk)["status"], the_event(desk)["reason"]) == (
        "contested", "Government of Russia denies what Government of Ukraine and Monitors assert")


def test_drafts_a_draft_denial_never_contests(desk: Desk) -> None:
    desk_with_drafts(desk)
    ran(desk, "accept", "2")
    assert the_event(desk)["status"] == "independently_verified"   # the denial, a draft, contests nothing


def test_drafts_reject_keeps_the_claim_out_of_every_count_and_in_the_audit(desk: Desk) -> None:
    desk_with_drafts(desk)
    result = ran(desk, "reject", "2", "--reason", "the Monitors said nothing of the kind")
    assert result.stdout == "Rejected draft claim 2.\n  event 1 graded again: unverified\n"
    ran(desk, "run", "--full")
    event = the_event(desk)
    # Kept, and matched (a person sees it beside the claims it matched), never counted.
    assert [c["ref"] for c in event["claims"]] == ["a", "b", "c"]
    assert event["reason"] == (f"{ONE_ORIGIN}; 1 draft claim not yet accepted, not counted; "
                               "1 draft claim rejected, not counted")
    [rejected] = json.loads(ran(desk, "drafts", "--state", "rejected", "--json").stdout)
    assert (rejected["ref"], rejected["event_id"], rejected["draft"]["state"], rejected["draft"]["settled_by"],
            rejected["draft"]["reason"], rejected["draft"]["rules"]) == (
        "b", 1, "rejected", "tester", "the Monitors said nothing of the kind", MONITORS_RULES["rules"])
    entries = json.loads(ran(desk, "log", "--json").stdout)
    [entry] = [e for e in entries if e["action"] == "reject"]
    assert (entry["user"], entry["object_type"], entry["object_id"], entry["events"], entry["before"]) == (
        "tester", "draft", "2", [1], {"state": "draft"})
    assert entry["after"] == {"state": "rejected", "reason": "the Monitors said nothing of the kind",
                              "events": {"1": {"before": "unverified", "after": "unverified"}}}
    assert ran(desk, "audit", "verify").stdout.startswith("Audit trail intact")


def test_drafts_accept_is_audited_with_the_grades_it_changed(desk: Desk) -> None:
    desk_with_drafts(desk)
    ran(desk, "accept", "2", "3")
    entries = json.loads(ran(desk, "log", "--json").stdout)
    [entry] = [e for e in entries if e["action"] == "accept"]
    assert (entry["object_type"], entry["object_id"], entry["after"]) == ("draft", "2,3", {
        "state": "accepted", "reason": None, "events": {"1": {"before": "unverified", "after": "contested"}}})
    assert desk.query("SELECT ref, draft_state, draft_settled_by FROM claims ORDER BY ref") == [
        ("a", None, None), ("b", "accepted", "tester"), ("c", "accepted", "tester")]
    assert ran(desk, "audit", "verify").stdout.startswith("Audit trail intact")


def test_drafts_list_shows_state_rules_and_event(desk: Desk) -> None:
    desk_with_drafts(desk)
    listed = json.loads(ran(desk, "drafts", "--json").stdout)
    assert [(d["id"], d["ref"], d["source"], d["date"], d["place"], d["killed"], d["event_id"], d["draft"]["state"])
            for d in listed] == [(2, "b", "Monitors", "2021-04-06", "Avdiivka", "two", 1, "draft"),
                                 (3, "c", "Government of Russia", "2021-04-06", "Avdiivka", None, 1, "draft")]
    assert listed[0]["draft"]["provenance"] == MONITORS_RULES
    assert json.loads(ran(desk, "drafts", "--state", "accepted", "--json").stdout) == []
    table = ran(desk, "drafts").stdout
    assert "2 drafts" in table and "source according_to, date weekday, killed" in table


@pytest.mark.parametrize("args, code, message", [
    (["accept", "99"], 4, "Error: no claim 99; list them with `reconcile claims`\n"),
    (["accept", "1"], 1, "Error: claim 1 is not a draft; only claims imported with a draft member are; "
                         "list them with `reconcile drafts`\n"),
    (["reject", "2", "1"], 1, "Error: claim 1 is not a draft; only claims imported with a draft member are; "
                              "list them with `reconcile drafts`\n"),
])
def test_drafts_settle_refuses_with_the_claim_at_fault_and_writes_nothing(desk: Desk, args, code, message) -> None:
    desk_with_drafts(desk)
    before = desk.dump()
    result = desk(*args)
    assert (result.exit_code, result.stderr) == (code, message)
    assert desk.dump() == before


def test_drafts_settle_refuses_a_draft_settled_already(desk: Desk) -> None:
    desk_with_drafts(desk)
    ran(desk, "reject", "3")
    [(at,)] = desk.query("SELECT draft_settled_at FROM claims WHERE id = 3")
    for command in ("accept", "reject"):
        result = desk(command, "2", "3")
        assert (result.exit_code, result.stderr) == (
            1, f"Error: claim 3 is a draft already rejected by tester at {at[:19]} UTC; "
               "to take that decision back: `reconcile reopen 3`\n")
    assert desk.query("SELECT draft_state FROM claims WHERE id = 2") == [("draft",)]   # all or none


def test_drafts_reopen_takes_an_accept_back_and_the_grade_with_it(desk: Desk) -> None:
    desk_with_drafts(desk)
    ran(desk, "accept", "2")
    [(at,)] = desk.query("SELECT draft_settled_at FROM claims WHERE id = 2")
    assert the_event(desk)["status"] == "independently_verified"
    result = ran(desk, "reopen", "2", "--reason", "accepted before the figure was checked")
    # The Monitors' draft counts for nothing again: the event rests on the army alone.
    assert result.stdout == ("Reopened draft claim 2.\n"
                             "  event 1 graded again: independently verified → unverified\n")
    assert (the_event(desk)["status"], the_event(desk)["reason"]) == (
        "unverified", f"{ONE_ORIGIN}; 2 draft claims not yet accepted, not counted")
    assert desk.query("SELECT draft_state, draft_settled_by, draft_settled_at, draft_reason FROM claims "
                      "WHERE id = 2") == [("draft", None, None, None)]
    entries = json.loads(ran(desk, "log", "--json").stdout)
    [entry] = [e for e in entries if e["action"] == "reopen"]
    # The decision taken back, who took it and when, is kept in the entry.
    assert (entry["object_type"], entry["object_id"], entry["events"]) == ("draft", "2", [1])
    assert entry["before"] == {"2": {"state": "accepted", "by": "tester", "at": entry["before"]["2"]["at"],
                                     "reason": None}}
    assert entry["before"]["2"]["at"][:19].replace("T", " ") == at[:19]
    assert entry["after"] == {"state": "draft", "reason": "accepted before the figure was checked",
                              "events": {"1": {"before": "independently_verified", "after": "unverified"}}}
    # The next run agrees, and the draft can be settled anew.
    ran(desk, "run")
    assert the_event(desk)["status"] == "unverified"
    ran(desk, "reject", "2")
    assert desk.query("SELECT draft_state FROM claims WHERE id = 2") == [("rejected",)]
    assert ran(desk, "audit", "verify").stdout.startswith("Audit trail intact")


def test_drafts_reopen_refuses_a_draft_not_settled_and_writes_nothing(desk: Desk) -> None:
    desk_with_drafts(desk)
    ran(desk, "reject", "3", "--reason", "no such denial")
    before = desk.dump()
    result = desk("reopen", "3", "2")
    assert (result.exit_code, result.stderr) == (
        1, "Error: claim 2 is a draft not yet accepted or rejected: there is no decision to take back\n")
    assert desk.dump() == before   # all or none: claim 3 stays rejected
    assert [(r.exit_code, r.stderr) for r in (desk("reopen", "1"), desk("reopen", "99"))] == [
        (1, "Error: claim 1 is not a draft; only claims imported with a draft member are; "
            "list them with `reconcile drafts`\n"),
        (4, "Error: no claim 99; list them with `reconcile claims`\n")]
    assert desk.dump() == before


def test_drafts_settle_before_any_run_grades_at_the_next(desk: Desk) -> None:
    ran(desk, "sources", "import", desk.write("sources.yaml", SOURCES_YAML))
    ran(desk, "import", desk.write_jsonl("claims.jsonl", [ARMY, MONITORS | {"draft": MONITORS_RULES}]))
    result = ran(desk, "accept", "2")
    assert result.stdout == "Accepted draft claim 2.\nNot matched into an event yet: `reconcile run` grades them.\n"
    ran(desk, "run")
    assert (the_event(desk)["status"], the_event(desk)["reason"]) == ("independently_verified", CORROBORATED)


def test_drafts_reimport_by_ref(desk: Desk) -> None:
    desk_with_drafts(desk)
    drafted = [MONITORS | {"draft": MONITORS_RULES}, DENIAL | {"draft": DENIAL_RULES}]
    # The same drafts again, or their plain form (--plain): already stored, still drafts.
    again = ran(desk, "import", desk.write_jsonl("again.jsonl", drafted))
    assert again.stdout == "again.jsonl: added 0, updated 0, already stored 2\n"
    plain = ran(desk, "import", desk.write_jsonl("plain.jsonl", [MONITORS, DENIAL]))
    assert plain.stdout == "plain.jsonl: added 0, updated 0, already stored 2\n"
    assert desk.query("SELECT draft_state FROM claims WHERE ref IN ('b', 'c') ORDER BY ref") == [("draft",), ("draft",)]
    # Accepted, its plain form is the claim (no duplicate); a plain correction keeps it accepted.
    ran(desk, "accept", "2")
    assert ran(desk, "import", "plain.jsonl").stdout.startswith("plain.jsonl: added 0, updated 0, already stored 2")
    corrected = MONITORS | {"killed": "3"}
    assert ran(desk, "import", desk.write_jsonl("fix.jsonl", [corrected])).stdout.startswith(
        "fix.jsonl: added 0, updated 1")
    assert desk.query("SELECT draft_state, killed_text FROM claims WHERE ref = 'b'") == [("accepted", "3")]
    # A draft row that changes it: a draft again, nobody has checked what it says now.
    redrafted = MONITORS | {"killed": "4", "draft": MONITORS_RULES}
    assert ran(desk, "import", desk.write_jsonl("redraft.jsonl", [redrafted])).stdout.startswith(
        "redraft.jsonl: added 0, updated 1")
    assert desk.query("SELECT draft_state, draft_settled_by, killed_text FROM claims WHERE ref = 'b'") == [
        ("draft", None, "4")]
    # A claim stored plain stays a claim when its draft comes later.
    assert ran(desk, "import", desk.write_jsonl("army.jsonl", [ARMY | {"draft": {"rules": {}}}])).stdout.startswith(
        "army.jsonl: added 0, updated 0, already stored 1")
    assert desk.query("SELECT draft_state FROM claims WHERE ref = 'a'") == [(None,)]


@pytest.mark.parametrize("draft, field, message", [
    ("x", "draft", 'expected an object: the rule behind each field, e.g. {"rules": {"killed": '
                   '"figure_before_casualty_word"}}'),
    ({"rules": {"killed": True}}, "draft.rules.killed", "expected text or a number, got true"),
    ({"rules": {"killed": None}}, "draft.rules.killed", "expected text or a number, got null"),
    ({"sentence": [1, [2]]}, "draft", "is nested more than 3 levels deep; a draft needs 3 (the claim's object, "
                                      "its draft member and the rules in it)"),
    ({"rules": {"killed": "x" * 301}}, "draft.rules.killed", "is 301 characters long; at most 300"),
    ({"rules": {"k" * 301: "x"}}, f"draft.rules.{'k' * 60}…", "is 301 characters long; at most 300"),
    ({"note": "\x00"}, "draft.note", "contains the NUL character (U+0000), which cannot be stored"),
])
def test_drafts_import_refuses_a_bad_draft_member_with_file_line_and_field(desk: Desk, draft, field, message) -> None:
    ran(desk, "sources", "import", desk.write("sources.yaml", SOURCES_YAML))
    result = desk("import", desk.write_jsonl("bad.jsonl", [ARMY, MONITORS | {"draft": draft}]))
    assert (result.exit_code, result.stderr) == (2, f"Error: bad.jsonl:2: field '{field}': {message}\n"
                                                    "Rejected: 1 problem; nothing was written to the database.\n")


def test_drafts_import_refuses_a_draft_member_too_long_as_a_whole(desk: Desk) -> None:
    rules = {f"field{i}": "r" * 250 for i in range(201)}
    result = desk("import", desk.write_jsonl("big.jsonl", [MONITORS | {"draft": {"rules": rules}}]))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: big.jsonl:1: field 'draft': holds 51,")
    assert "characters of text; at most 50,000" in result.stderr


def test_drafts_export_jsonl_keeps_drafts_drafts(desk: Desk) -> None:
    # Exported to import into another file: a draft not accepted must not come back as a claim.
    desk_with_drafts(desk)
    ran(desk, "accept", "2")
    ran(desk, "reject", "3")
    ran(desk, "export", "claims", "--format", "jsonl", "--out", "out.jsonl")
    lines = [json.loads(line) for line in (desk.directory / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert lines == [ARMY, MONITORS, DENIAL | {"draft": DENIAL_RULES}]


def test_drafts_state_edited_outside_reconcile_stops_a_run(desk: Desk) -> None:
    # A draft sneaked into the counts behind the tool's back: the run checks draft_state (RUN_READS).
    desk_with_drafts(desk)
    desk.execute("UPDATE claims SET draft_state = 'accepted' WHERE ref = 'b'")
    result = desk("run")
    assert result.exit_code == 7
    assert result.stderr.startswith("Error: claim 2 (ref b) was changed outside reconcile since audit entry")


@pytest.mark.skipif(not SEED.exists(), reason="the seed story is in ../shared")
def test_drafts_of_the_seed_story_accepted_grade_as_its_plain_claims(desk: Desk, tmp_path) -> None:
    from click.testing import CliRunner

    from cli.main import cli

    sources = str(ROOT / "examples" / "dpa-2021-04-07" / "sources.yaml")
    for form, args in (("drafts", ()), ("plain", ("--plain",))):
        out = tmp_path / f"{form}.jsonl"
        result = CliRunner().invoke(cli, ["extract", str(SEED), "--sources", sources, *args, "--out", str(out)])
        assert result.exit_code == 0, result.output
    ran(desk, "sources", "import", sources)
    ran(desk, "import", str(tmp_path / "drafts.jsonl"))
    ran(desk, "run")
    before = json.loads(ran(desk, "events", "--json").stdout)
    assert {e["status"] for e in before} == {"unverified"}
    for event in before:
        n = event["n_claims"]
        assert event["reason"].endswith(f"; {n} draft claim{'s' if n != 1 else ''} not yet accepted, not counted")
        assert event["n_origins"] == 0
    ids = [str(d["id"]) for d in json.loads(ran(desk, "drafts", "--json").stdout)]
    assert len(ids) == 17
    ran(desk, "accept", *ids)
    ran(desk, "run")
    accepted = json.loads(ran(desk, "events", "--json").stdout)
    os.mkdir(tmp_path / "plain")
    plain = Desk(tmp_path / "plain")
    os.chdir(plain.directory)
    ran(plain, "sources", "import", sources)
    ran(plain, "import", str(tmp_path / "plain.jsonl"))
    ran(plain, "run")
    expected = json.loads(ran(plain, "events", "--json").stdout)

    def grades(events):
        return sorted((tuple(c["ref"] for c in e["claims"]), e["status"], e["reason"], e["n_origins"])
                      for e in events)
    assert grades(accepted) == grades(expected)


def test_drafts_migration_downgrade_refuses_drafts_and_goes_both_ways_without(desk: Desk) -> None:
    from test_schema import HEAD, SCRIPTS, downgrade

    previous = SCRIPTS.get_revision("0010").down_revision
    desk_with_drafts(desk)
    before = desk.dump()
    with pytest.raises(RuntimeError, match="2 draft claim\\(s\\) are stored; the schema before revision 0010 "):
        downgrade(desk, previous)
    assert desk.dump() == before
    # Without drafts: down (claims, relays and links kept: no table is rebuilt) and up again.
    plain = Desk(desk.directory / "plain")
    os.mkdir(plain.directory)
    os.chdir(plain.directory)
    ran(plain, "sources", "import", plain.write("sources.yaml", SOURCES_YAML))
    ran(plain, "import", plain.write_jsonl("claims.jsonl", [ARMY | {"via": ["dpa"]}, MONITORS]))
    ran(plain, "run")
    kept = {t: plain.query(f"SELECT * FROM {t}") for t in ("claim_relays", "claim_links", "events")}
    downgrade(plain, previous)
    assert "draft_state" not in {name for _i, name, *_ in plain.query("PRAGMA table_info(claims)")}
    assert {t: plain.query(f"SELECT * FROM {t}") for t in kept} == kept
    assert ran(plain, "init").stdout.startswith(f"Upgraded desk.sqlite from schema {previous} to {HEAD}")
    assert plain.query("SELECT draft_state, draft FROM claims") == [(None, None)] * 2
    assert {t: plain.query(f"SELECT * FROM {t}") for t in kept} == kept
    assert ran(plain, "audit", "verify").stdout.startswith("Audit trail intact")


POSTGRES = pytest.mark.skipif(not os.environ.get("RECONCILE_TEST_PG_URL"),
                              reason="set RECONCILE_TEST_PG_URL to a PostgreSQL server")


@pytest.mark.postgres
@POSTGRES
def test_postgres_drafts_accept_and_reject(pg_url, tmp_path) -> None:
    from test_postgres import run

    sources = tmp_path / "sources.yaml"
    sources.write_text(SOURCES_YAML, encoding="utf-8")
    claims = tmp_path / "claims.jsonl"
    claims.write_text("".join(json.dumps(r) + "\n" for r in [
        ARMY, MONITORS | {"draft": MONITORS_RULES}, DENIAL | {"draft": DENIAL_RULES}]), encoding="utf-8")
    assert run(pg_url, "init").exit_code == 0
    assert run(pg_url, "sources", "import", str(sources)).exit_code == 0
    assert run(pg_url, "import", str(claims)).exit_code == 0
    assert run(pg_url, "run").exit_code == 0
    [event] = json.loads(run(pg_url, "events", "--json").stdout)
    assert event["reason"] == f"{ONE_ORIGIN}; 2 draft claims not yet accepted, not counted"
    assert run(pg_url, "accept", "2").exit_code == 0
    assert run(pg_url, "reject", "3", "--reason", "no").exit_code == 0
    [event] = json.loads(run(pg_url, "events", "--json").stdout)
    assert (event["status"], event["reason"]) == (
        "independently_verified", f"{CORROBORATED}; 1 draft claim rejected, not counted")
    assert run(pg_url, "audit", "verify").exit_code == 0
    reopened = run(pg_url, "reopen", "2", "3")
    assert reopened.stdout == ("Reopened draft claims 2, 3.\n"
                               "  event 1 graded again: independently verified → unverified\n")
    entry = next(e for e in json.loads(run(pg_url, "log", "--json").stdout) if e["action"] == "reopen")
    assert [(k, v["state"], v["by"], v["reason"]) for k, v in sorted(entry["before"].items())] == [
        ("2", "accepted", "tester", None), ("3", "rejected", "tester", "no")]
    # A time, on either driver: PostgreSQL gives a datetime, written as ISO text.
    from datetime import datetime
    assert all(datetime.fromisoformat(v["at"]).year >= 2026 for v in entry["before"].values())
    assert run(pg_url, "audit", "verify").exit_code == 0


if os.environ.get("RECONCILE_TEST_PG_URL"):
    from test_postgres import pg_url  # noqa: F401,E402  (the fixture)


def test_drafts_are_marked_where_claims_are_shown(desk: Desk, monkeypatch) -> None:
    # Claims 1 (the army, entered as a claim), 2 and 3 (drafts); 3 rejected below.
    desk_with_drafts(desk)
    ran(desk, "reject", "3", "--reason", "not in the story")
    monkeypatch.setenv("COLUMNS", "250")   # one line a claim
    shown = ran(desk, "show", "1").stdout
    assert "│ 1   " in shown and "│ 2 (draft)   " in shown and "│ 3 (rejected draft) " in shown
    assert "│ 2 (draft)   " in ran(desk, "claims").stdout
    detail = json.loads(ran(desk, "show", "1", "--json").stdout)
    assert {c["ref"]: c["draft_state"] for c in detail["claim_details"]} == {"a": None, "b": "draft", "c": "rejected"}
    states = {c["ref"]: c["draft_state"] for c in json.loads(ran(desk, "claims", "--json").stdout)}
    assert states == {"a": None, "b": "draft", "c": "rejected"}


def test_drafts_are_marked_in_the_report(desk: Desk) -> None:
    desk_with_drafts(desk)
    ran(desk, "reject", "3", "--reason", "not in the story")
    ran(desk, "report", "--out", "r.html")
    page = (desk.directory / "r.html").read_text(encoding="utf-8")
    # Claim 2 is a draft, claim 3 a rejected one, claim 1 neither.
    assert page.count('<span class="draft"') == 2
    assert ">draft, not accepted</span>" in page and ">rejected draft</span>" in page


def test_drafts_not_accepted_are_not_reviewed_in_claimreview(desk: Desk) -> None:
    # Claims 2 and 3 are drafts: the ClaimReview export reviews claim 1 only and says why not 2, 3.
    desk_with_drafts(desk)
    result = ran(desk, "export", "claims", "--format", "claimreview")
    reviews = json.loads(result.stdout)["@graph"]
    assert [r["itemReviewed"]["identifier"] for r in reviews] == ["a"]
    assert result.stderr == "Left out 2 claims (drafts not accepted, so not reviewed): 2, 3\n"


def test_drafts_reopen_writes_a_settled_time_in_utc_whichever_driver_gave_it() -> None:
    from datetime import datetime, timedelta, timezone

    from reconciler.drafts import _when

    # PostgreSQL gives the session's time zone with an offset; SQLite a naive time, in UTC.
    assert _when(datetime(2026, 12, 6, 14, 5, 1, tzinfo=timezone(timedelta(hours=2)))) == "2026-12-06T12:05:01"
    assert _when(datetime(2026, 12, 6, 12, 5, 1)) == "2026-12-06T12:05:01"
    assert _when("2026-12-06 12:05:01.000000") == "2026-12-06 12:05:01.000000"
    assert _when(None) is None
