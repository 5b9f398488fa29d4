"""People's decisions survive runs; the audit trail records them and detects tampering."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest

from conftest import PROMPT, run_in_terminal
from test_run import events, load_example


def by_refs(desk) -> dict[tuple[str, ...], dict]:
    return {tuple(sorted(c["ref"] for c in e["claims"])): e for e in events(desk)}


def claim_id(desk, ref: str) -> int:
    [(cid,)] = desk.query("SELECT id FROM claims WHERE ref = ?", ref)
    return cid


def ran(desk, *args):
    result = desk(*args)
    assert result.exit_code == 0, result.output
    return result


def reconciled(desk, sources: list[str], rows: list[dict]) -> None:
    """``sources`` registered (independent NGOs), ``rows`` imported, one run."""
    desk.write("sources.yaml", "".join(f"- {{name: {name}, kind: ngo}}\n" for name in sources))
    ran(desk, "sources", "import", "sources.yaml")
    desk.write_jsonl("c.jsonl", rows)
    ran(desk, "import", "c.jsonl")
    ran(desk, "run")


def test_unlink_moves_the_claim_out_and_a_full_run_keeps_it_out(desk):
    load_example(desk, "illustrative")
    ran(desk, "run")
    a, b = claim_id(desk, "ill-001"), claim_id(desk, "ill-003")
    result = ran(desk, "unlink", str(a), str(b))
    assert result.output.startswith(f"Unlinked claims {a} and {b}; claim {b} moved to new event ")
    ran(desk, "run", "--full")
    groups = by_refs(desk)
    assert ("ill-001", "ill-002") in groups and ("ill-003",) in groups
    # Two Valdorian claims left: one origin, so the grade falls to unverified.
    assert groups[("ill-001", "ill-002")]["status"] == "unverified"


def test_unlink_of_claims_already_apart_records_the_decision_and_moves_nothing(desk):
    load_example(desk, "illustrative")
    ran(desk, "run")
    # E18 and E19, two shellings a day apart, are two events already: the unlink keeps them so
    # for good, and says nothing moved.
    a, b = claim_id(desk, "ill-048"), claim_id(desk, "ill-050")
    before = by_refs(desk)
    result = ran(desk, "unlink", str(a), str(b))
    assert result.output == f"Unlinked claims {a} and {b}.\n"
    assert {k: v["id"] for k, v in by_refs(desk).items()} == {k: v["id"] for k, v in before.items()}
    assert desk.query("SELECT claim_a, claim_b, kind FROM pair_constraints") == [(min(a, b), max(a, b), "cannot")]


def test_link_joins_two_events_and_a_full_run_keeps_them_together(desk):
    load_example(desk, "illustrative")
    ran(desk, "run")
    # The hard negative pair of Marinka: a person decides they are one incident after all.
    a, b = claim_id(desk, "ill-017"), claim_id(desk, "ill-019")
    ran(desk, "link", str(a), str(b))
    right_after = by_refs(desk)
    # 017 and 019 are one event now. 018 (the Telegram channel's sniper report) scores
    # 0.5 with the shelling claim 019: place 4 + one day 1 − type 2 − victims 2.5; with 017
    # it averages below the threshold, so average linkage leaves it on its own.
    assert ("ill-017", "ill-019") in right_after and ("ill-018",) in right_after
    ran(desk, "run", "--full")
    assert by_refs(desk).keys() == right_after.keys()


def merged(desk) -> tuple[int, int]:
    """The illustrative example run, and its events of ill-017/018 and ill-019/020 merged: their ids."""
    load_example(desk, "illustrative")
    ran(desk, "run")
    groups = by_refs(desk)
    e6, e7 = groups[("ill-017", "ill-018")]["id"], groups[("ill-019", "ill-020")]["id"]
    ran(desk, "merge", str(e6), str(e7))
    return e6, e7


def test_merge_and_split_survive_a_full_run_with_lineage(desk):
    e6, e7 = merged(desk)
    moved = claim_id(desk, "ill-020")
    split = ran(desk, "split", str(e6), "--claim", str(moved))
    new_id = int(split.output.rsplit("event ", 1)[1].rstrip(".\n"))
    ran(desk, "run", "--full")
    groups = by_refs(desk)
    assert groups[("ill-017", "ill-018", "ill-019")]["id"] == e6
    assert groups[("ill-020",)]["id"] == new_id
    lineage = json.loads(desk("show", str(e7), "--json").stdout)["lineage"]
    assert [(x["old_event_id"], x["new_event_id"], x["kind"]) for x in lineage] == [(e7, e6, "merge")]


def test_manual_grade_kept_by_runs_until_auto(desk):
    load_example(desk, "illustrative")
    ran(desk, "run")
    e1 = by_refs(desk)[("ill-001", "ill-002", "ill-003")]["id"]
    ran(desk, "grade", str(e1), "--status", "contested", "--reason", "the mission withdrew its report")
    ran(desk, "run", "--full")
    event = [e for e in events(desk) if e["id"] == e1][0]
    assert (event["status"], event["manual"], event["reason"]) == ("contested", True, "the mission withdrew its report")
    ran(desk, "grade", str(e1), "--auto")
    event = [e for e in events(desk) if e["id"] == e1][0]
    assert (event["status"], event["manual"]) == ("unverified", False)   # linked, a day apart: not corroborated


def test_grade_without_reason_is_refused(desk):
    load_example(desk, "illustrative")
    ran(desk, "run")
    result = desk("grade", "1", "--status", "contested", "--reason", " ")
    assert result.exit_code == 1
    assert result.stderr == "Error: a manual grade needs a reason (--reason)\n"


def test_grade_with_stale_version_is_a_conflict(desk):
    load_example(desk, "illustrative")
    ran(desk, "run")
    shown = json.loads(desk("show", "1", "--json").stdout)
    version = shown["version"]
    ran(desk, "grade", "1", "--status", "contested", "--reason", "first", "--if-version", str(version))
    second = desk("grade", "1", "--status", "unverified", "--reason", "second", "--if-version", str(version))
    assert second.exit_code == 5
    assert second.stderr.startswith(
        "Error: event 1 was changed by tester at ")
    assert second.stderr.endswith(
        f" UTC (now version {version + 1}; you decided on version {version}); look again with `reconcile show 1`\n")
    assert [e for e in events(desk) if e["id"] == 1][0]["reason"] == "first"


def test_log_lists_decisions_for_an_event_and_audit_verifies(desk):
    load_example(desk, "illustrative")
    ran(desk, "run")
    ran(desk, "grade", "1", "--status", "contested", "--reason", "why not")
    log = json.loads(ran(desk, "log", "--event", "1", "--json").stdout)
    # The run that created event 1 (graded unverified: E1 of the illustrative README, linked but
    # its two origins' reports a day apart), then the grade.
    assert [e["action"] for e in log] == ["run", "grade"]
    assert log[0]["after"]["events"]["1"] == {"before": None, "after": "unverified"}
    assert log[1]["before"]["status"] == "unverified"
    assert log[1]["after"]["status"] == "contested"
    assert log[1]["user"] == "tester"
    result = ran(desk, "audit", "verify", "--anchor")
    count = desk.query("SELECT count(*) FROM audit_log")[0][0]
    head = desk.query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")[0]
    claims, sources = (desk.query(f"SELECT count(*) FROM {t}")[0][0] for t in ("claims", "sources"))
    assert result.output == (f"Audit trail intact: {count} entries, head {count}; content of {claims} claims, "
                             f"{sources} sources, 0 decisions, 1 manual grade and 0 places matches it\n"
                             f"{head[0]}:{head[1]}\n")


def tamper(desk, sql: str) -> None:
    con = sqlite3.connect(desk.db)
    con.execute(sql)
    con.commit()
    con.close()


def audited_desk(desk):
    load_example(desk, "illustrative")
    ran(desk, "run")
    ran(desk, "grade", "1", "--status", "contested", "--reason", "x")
    ran(desk, "grade", "1", "--auto")
    return desk


def test_audit_verify_detects_an_edited_entry(desk):
    audited_desk(desk)
    tamper(desk, "UPDATE audit_log SET user = 'mallory' WHERE seq = 3")
    result = desk("audit", "verify")
    assert result.exit_code == 7
    assert result.stderr == "Audit trail BROKEN: entry 3 was edited: its content no longer matches its hash\n"


def test_audit_verify_detects_a_deleted_entry(desk):
    audited_desk(desk)
    tamper(desk, "DELETE FROM audit_log WHERE seq = 2")
    result = desk("audit", "verify")
    assert result.exit_code == 7
    assert result.stderr == "Audit trail BROKEN: entry 2 deleted: entry 3 follows entry 1\n"


def test_audit_verify_detects_a_forged_entry_inserted_in_the_middle(desk):
    audited_desk(desk)
    # Make room in the middle, then insert a forged entry there with a plausible hash.
    n = desk.query("SELECT max(seq) FROM audit_log")[0][0]
    tamper(desk, f"UPDATE audit_log SET seq = seq + 1000, id = id + 1000 WHERE seq > {n - 1}")
    tamper(desk, f"INSERT INTO audit_log (id, seq, at, user, action, object_type, object_id, events, before, after, "
                 f"prev_hash, hash) SELECT {n}, {n}, at, 'mallory', 'grade', 'event', '1', '[1]', NULL, NULL, hash, "
                 f"'{'f' * 64}' FROM audit_log WHERE seq = {n - 1}")
    result = desk("audit", "verify")
    assert result.exit_code == 7
    assert result.stderr == f"Audit trail BROKEN: entry {n} was edited: its content no longer matches its hash\n"


def test_audit_verify_expect_detects_a_rebuilt_chain(desk):
    from reconciler.audit import GENESIS, entry_hash

    audited_desk(desk)
    anchor = ran(desk, "audit", "verify", "--anchor").output.splitlines()[1]
    ran(desk, "audit", "verify", "--expect", anchor)
    # Somebody who can write the file rewrites entry 2 and recomputes every hash after it.
    con = sqlite3.connect(desk.db)
    rows = con.execute("SELECT seq, at, user, action, object_type, object_id, events, before, after, content "
                       "FROM audit_log ORDER BY seq").fetchall()
    prev = GENESIS
    for seq, at, user, action, otype, oid, ev, before, after, content in rows:
        user = "mallory" if seq == 2 else user
        digest = entry_hash(seq, at, user, action, otype, oid, json.loads(ev), json.loads(before) if before else None,
                            json.loads(after) if after else None, prev, json.loads(content) if content else None)
        con.execute("UPDATE audit_log SET user = ?, prev_hash = ?, hash = ? WHERE seq = ?", (user, prev, digest, seq))
        prev = digest
    con.commit()
    con.close()
    assert desk("audit", "verify").exit_code == 0  # a rebuilt chain is consistent...
    result = desk("audit", "verify", "--expect", anchor)  # ...but the anchor written down is gone
    assert result.exit_code == 7
    seq = anchor.split(":")[0]
    assert result.stderr == (f"Audit trail BROKEN: anchor {anchor} is not in the chain: entries up to {seq} "
                             "were rewritten or removed\n")


def test_audit_verify_expect_must_look_like_an_anchor(desk):
    audited_desk(desk)
    result = desk("audit", "verify", "--expect", "garbage")
    assert result.exit_code == 2
    assert "expected SEQ:HASH as printed by `reconcile audit verify --anchor`" in result.stderr


def test_review_lists_uncertain_pairs_and_accept_links_them(desk):
    # The same day and kind of incident, the place unknown on one side, figures on one side only:
    # −1 + 2 + type 1.5 + victims 1 = 3.5, between the review (3.5) and link (5) thresholds (and
    # under the 4 that would let b take Avdiivka as the only place with a compatible report).
    reconciled(desk, ["A", "B"], [
        {"ref": "a", "source": "A", "date": "2021-04-05", "place": "Avdiivka", "type": "shelling",
         "victims": "civilians", "killed": "1"},
        {"ref": "b", "source": "B", "date": "2021-04-05", "type": "обстріл", "victims": "civilians"},
    ])
    queue = json.loads(ran(desk, "review", "--json").stdout)
    assert [(q["score"], q["claim_a"], q["claim_b"]) for q in queue] == [(3.5, 1, 2)]
    # On a terminal, as a person uses it (review reads keys from a terminal only).
    code, output = run_in_terminal(desk.directory, ["--db", "desk.sqlite", "--user", "tester", "review"], "a")
    assert code == 0, output
    assert output.endswith(f"{PROMPT}a\naccepted 1, rejected 0, skipped 0\n")
    assert "Accepting brings an origin the other event lacks: its grade may change." in output
    assert len(events(desk)) == 1
    assert json.loads(ran(desk, "review", "--json").stdout) == []


@pytest.mark.parametrize("keys", [None, b"a"])  # nothing to read, or a key piped in
def test_review_without_a_terminal_says_to_use_json(desk, keys):
    # Regression: `review` with no terminal (cron, CI, a pipe) crashed with a traceback from
    # click.getchar opening /dev/tty.
    reconciled(desk, ["A", "B"], [
        {"ref": "a", "source": "A", "date": "2021-04-05", "place": "Avdiivka", "type": "shelling",
         "victims": "civilians", "killed": "1"},
        {"ref": "b", "source": "B", "date": "2021-04-05", "type": "artillery shelling", "victims": "civilians"},
    ])
    before = desk.dump()
    process = subprocess.run([sys.executable, "-m", "cli", "--db", "desk.sqlite", "--user", "tester", "review"],
                             cwd=desk.directory, input=keys, stdin=subprocess.DEVNULL if keys is None else None,
                             capture_output=True, start_new_session=True, timeout=60)
    assert (process.returncode, process.stdout, process.stderr.decode()) == (2, b"", (
        "Error: review reads one key for each pair from a terminal, and standard input is not one; "
        "use `reconcile review --json` to list the queue\n"))
    assert desk.dump() == before


def test_review_puts_pairs_that_bring_a_new_origin_first(desk):
    reconciled(desk, ["A", "B", "C"], [
        # 1, 2: different origins, the place unknown on one side, no figures: −1 + 2 + 1.5 + 1 = 3.5,
        # less uncertain than 5~7 (4.75 is nearer the middle, 4.25), yet first: a grade may change.
        {"ref": "a", "source": "A", "date": "2021-04-05", "place": "Avdiivka", "type": "shelling",
         "victims": "civilians"},
        {"ref": "b", "source": "B", "date": "2021-04-05", "type": "обстріл", "victims": "civilians"},
        # 3, 4: the same, from one origin: no grade can change.
        {"ref": "c", "source": "A", "date": "2021-04-14", "place": "Marinka", "type": "sniper", "victims": "soldiers",
         "killed": "1"},
        {"ref": "d", "source": "A", "date": "2021-04-14", "type": "sniper fire", "victims": "soldiers"},
        # 5, 6, 7 at Toretsk: e~f 4 + 1 + 1.5 + 1 + 0.5 = 8; f~i (same day, an air strike: related to
        # shelling, −1) 4 + 2 − 1 + 0.25 + 0.5 = 5.75; e~i 4 + 1 − 1 + 0.25 + 0.5 = 4.75, uncertain, yet
        # {e, f} with i averages 5.25: one event.
        {"ref": "e", "source": "A", "date": "2021-04-20", "place": "Toretsk", "type": "shelling",
         "victims": "civilians", "killed": "2"},
        {"ref": "f", "source": "B", "date": "2021-04-21", "place": "Toretsk", "type": "shelling",
         "victims": "civilians", "killed": "2"},
        {"ref": "i", "source": "C", "date": "2021-04-21", "place": "Toretsk", "type": "air strike",
         "victims": "people", "killed": "2"},
    ])
    queue = json.loads(ran(desk, "review", "--json").stdout)
    assert [(q["claim_a"], q["claim_b"], q["score"], q["impact"]) for q in queue] == [
        (1, 2, 3.5, "new_origin"), (3, 4, 3.5, "joins_events"), (5, 7, 4.75, "same_event")]
    limited = json.loads(ran(desk, "review", "--json", "--limit", "1").stdout)
    assert [(q["claim_a"], q["claim_b"]) for q in limited] == [(1, 2)]


def test_review_scores_a_claim_without_place_as_the_run_did(desk):
    reconciled(desk, ["A", "B", "C"], [
        {"ref": "q", "source": "A", "date": "2021-04-05", "place": "Avdiivka", "type": "shelling",
         "victims": "soldiers", "killed": "2"},
        {"ref": "p", "source": "B", "date": "2021-04-05", "type": "shelling", "victims": "soldiers", "killed": "2"},
        {"ref": "s", "source": "C", "date": "2021-04-06", "place": "Avdiivka", "type": "shelling", "victims": "soldiers"},
    ])
    # p takes Avdiivka, the only place with a compatible report (q; s is a day later with no
    # figures: −1 + 1 + 1.5 + 1 = 2.5 < 4). p~s: place +1 (inferred) + one day 1 + type 1.5 +
    # victims 1 = 4.5, uncertain; without the inference 2.5, not even in the queue. q~s 4 + 1 +
    # 1.5 + 1 = 7.5 merges first, then p joins: (p~q 6 + p~s 4.5) / 2 = 5.25. One event.
    [queued] = json.loads(ran(desk, "review", "--json").stdout)
    assert (queued["claim_a"], queued["claim_b"], queued["score"], queued["impact"]) == (2, 3, 4.5, "same_event")
    assert [sorted(c["ref"] for c in e["claims"]) for e in events(desk)] == [["p", "q", "s"]]
    assert queued["components"]["place"] == {
        "points": 1.0, "note": "unknown for one claim; Avdiyivka is the only place with a compatible report within "
                               "the dates"}


def test_source_edit_regrades_its_claims_at_the_next_incremental_run(desk):
    # Regression: editing a source never flagged its claims, so a single origin stayed verified.
    load_example(desk, "illustrative")
    ran(desk, "run")
    ran(desk, "sources", "add", "Joint Ceasefire Monitoring Mission", "--parent", "Government of Valdoria")
    ran(desk, "run")
    groups = by_refs(desk)
    # E1: Valdorian General Staff and the mission, now one origin (Government of Valdoria).
    assert groups[("ill-001", "ill-002", "ill-003")]["status"] == "unverified"
    # E7: the mission (now Valdoria) and Frontline Medics Network: still two origins.
    assert groups[("ill-019", "ill-020")]["status"] == "independently_verified"
    incremental = {k: v["status"] for k, v in groups.items()}
    ran(desk, "run", "--full")
    assert {k: v["status"] for k, v in by_refs(desk).items()} == incremental


def test_sources_add_alias_keeps_kind_parent_and_side(desk):
    # Regression: `sources add NAME --alias X` reset kind, parent and side of a registered source.
    load_example(desk, "illustrative")
    ran(desk, "sources", "add", "Valdorian General Staff", "--alias", "VGS")
    [row] = [r for r in json.loads(ran(desk, "sources", "list", "--json").stdout)
             if r["name"] == "Valdorian General Staff"]
    assert (row["kind"], row["side"], row["origin"]) == ("military", "Valdoria", "Government of Valdoria")
    assert "VGS" in row["aliases"]


def test_run_keeps_a_manual_grade_when_its_event_absorbs_another(desk):
    # Regression: a run merging a manually graded event into another threw the grade away.
    desk.write("sources.yaml", "- {name: A, kind: ngo}\n- {name: B, kind: ngo}\n- {name: C, kind: ngo}\n")
    ran(desk, "sources", "import", "sources.yaml")
    text = "The market was hit"
    desk.write_jsonl("one.jsonl", [
        {"ref": "a", "source": "A", "date": "2021-04-05", "place": "Avdiivka", "type": "shelling",
         "victims": "civilians", "killed": "2"},
        {"ref": "b", "source": "B", "date": "2021-04-06", "place": "Avdeevka", "type": "drone strike",
         "victims": "people", "killed": "2", "text": text}])
    ran(desk, "import", "one.jsonl")
    ran(desk, "run")
    first = {e["claims"][0]["ref"]: e["id"] for e in events(desk)}
    ran(desk, "grade", str(first["b"]), "--status", "contested", "--reason", "B retracted")
    desk.write_jsonl("two.jsonl", [
        {"ref": "c", "source": "C", "date": "2021-04-05", "place": "Авдіївка", "type": "shelling",
         "victims": "people", "killed": "2", "text": text}])
    ran(desk, "import", "two.jsonl")
    ran(desk, "run")
    # The same three claims become one event (see test_run's bridging test); it keeps b's id.
    [event] = events(desk)
    assert sorted(c["ref"] for c in event["claims"]) == ["a", "b", "c"]
    assert (event["id"], event["status"], event["manual"], event["reason"]) == (
        first["b"], "contested", True, "B retracted")


def test_manual_grade_of_another_person_still_needs_if_version_after_a_run(desk):
    # Regression: a run overwrote updated_by, after which anyone could replace the manual grade.
    load_example(desk, "illustrative")
    ran(desk, "run")
    assert desk("--user", "bob", "grade", "1", "--status", "contested", "--reason", "bob's").exit_code == 0
    ran(desk, "run", "--full")
    result = desk("grade", "1", "--status", "unverified", "--reason", "maria's")
    assert result.exit_code == 5
    assert result.stderr.startswith("Error: event 1 was graded by hand by bob at ")


def test_link_refuses_to_join_claims_decided_apart(desk):
    load_example(desk, "illustrative")
    ran(desk, "run")
    a, b, c = (claim_id(desk, r) for r in ("ill-017", "ill-018", "ill-019"))
    ran(desk, "unlink", str(a), str(c))
    ran(desk, "link", str(a), str(b))
    result = desk("link", str(b), str(c))
    assert result.exit_code == 5
    assert result.stderr == (f"Error: claims {a} and {c} were decided to be different events by tester; linking "
                             f"{b} and {c} would join them. Unlink or re-decide that pair first\n")


def test_unlink_holds_in_an_event_too_large_to_rescore(desk):
    # 202 claims in one group: more than RESCORE_LIMIT (200), so pairs are not re-scored one by one.
    # a (5 April) and d (8 April) are never proposed together; the unlink must still part them.
    def row(ref, source, day):
        return {"ref": ref, "source": source, "date": f"2021-04-{day:02d}", "type": "shelling",
                "victims": "soldiers", "killed": "2", "place": "Avdiivka"}

    desk.write_jsonl("c.jsonl", [row("a", "SA", 5), row("d", "SD", 8)]
                     + [row(f"m{i}", f"S{i:03d}", 6 + i % 2) for i in range(200)])
    ran(desk, "import", "c.jsonl")
    ran(desk, "run")
    assert [len(e["claims"]) for e in events(desk)] == [202]
    ids = {ref: cid for cid, ref in desk.query("select id, ref from claims")}
    ran(desk, "unlink", str(ids["a"]), str(ids["d"]))
    for _ in range(2):
        together = [e for e in events(desk) if {"a", "d"} <= {c["ref"] for c in e["claims"]}]
        assert together == []
        ran(desk, "run", "--full")


def test_review_counts_an_origin_as_new_for_a_period_tally_naming_a_place(desk):
    # place +2.86 (free texts 95 % alike) + same period 4 − type 3 (shelling vs sniper) + victims 1
    # + figures 0 (one scope, competing tallies) = 4.86: uncertain, in the queue.
    reconciled(desk, ["UN", "OSCE"], [
        {"ref": "u", "source": "UN", "date": "2021-01-01/2021-03-31", "place": "Qwertyville",
         "victims": "civilians", "type": "shelling", "killed": "13"},
        {"ref": "o", "source": "OSCE", "date": "2021-01-01/2021-03-31", "place": "Qwertyvile",
         "victims": "civilians", "type": "sniper fire", "killed": "20"}])
    [queued] = json.loads(ran(desk, "review", "--json").stdout)
    assert queued["score"] == 4.86
    # A tally places nothing for grading, so either origin would count: the grade may change.
    assert queued["impact"] == "new_origin"


def test_review_and_show_read_the_claims_around_a_claim_without_place_as_the_run_did(desk):
    reconciled(desk, ["A", "B", "C"], [
        {"ref": "q", "source": "A", "date": "2021-04-05", "place": "Avdiivka", "type": "shelling",
         "victims": "soldiers", "killed": "2"},
        {"ref": "p", "source": "B", "date": "2021-04-05", "type": "shelling", "victims": "soldiers", "killed": "2",
         "actor": "Russian forces", "target": "positions"},
        {"ref": "k", "source": "C", "date": "2021-04-06", "place": "Kharkiv", "type": "shelling",
         "victims": "soldiers", "killed": "2", "actor": "Russian forces", "target": "positions"},
        # Two months later: p's window (two days either side) is then a small part of all days,
        # so review reads only the claims in it, not every claim.
        {"ref": "z", "source": "A", "date": "2021-06-05", "place": "Kharkiv", "type": "shelling",
         "victims": "civilians"},
    ])
    # Both q (same day: −1 + 2 + 1.5 + 1 + 0.5 = 4) and k (a day later, the same actor and target:
    # −1 + 1 + 1.5 + 1 + 0.5 + 0.5 + 1 = 4.5) are compatible reports for p, from two places: p
    # takes neither. p~q 4 and p~k 4.5 stay uncertain. Reading only the claims of p's own day,
    # review would give p Avdiivka and score p~q 6; it reads two days either side, as the blocker
    # does, and scores the pairs as the run did.
    queue = json.loads(ran(desk, "review", "--json").stdout)
    assert sorted((q["claim_a"], q["claim_b"], q["score"]) for q in queue) == [(1, 2, 4.0), (2, 3, 4.5)]
    unknown = "unknown for one claim: weaker evidence, not a mismatch"
    assert {q["components"]["place"]["note"] for q in queue} == {unknown}
    # The first pair alone (k is not shown, but p's place still depends on it):
    [first] = json.loads(ran(desk, "review", "--json", "--limit", "1").stdout)
    assert (first["claim_a"], first["claim_b"], first["score"]) == (1, 2, 4.0)
    event_of = {c["ref"]: e["id"] for e in events(desk) for c in e["claims"]}
    near = json.loads(ran(desk, "show", str(event_of["p"]), "--json").stdout)["near"]
    assert [(n["event_id"], n["average"], n["why_apart"]) for n in near] == [
        (event_of["q"], 4.0, "their one pair, scoring 4, is below the link threshold 5"),
        (event_of["k"], 4.5, "their one pair, scoring 4.5, is below the link threshold 5")]


def test_deciding_on_a_retired_event_says_where_to_see_what_it_became(desk):
    _e6, e7 = merged(desk)
    result = desk("grade", str(e7), "--status", "contested", "--reason", "late")
    assert (result.exit_code, result.stderr) == (5, f"Error: event {e7} no longer exists (merged or split by tester); "
                                                    f"see `reconcile show {e7}` for what it became\n")


def test_replacing_another_persons_grade_says_how(desk):
    load_example(desk, "illustrative")
    ran(desk, "run")
    assert desk("--user", "bob", "grade", "1", "--status", "contested", "--reason", "bob's").exit_code == 0
    version = json.loads(desk("show", "1", "--json").stdout)["version"]
    result = desk("grade", "1", "--status", "unverified", "--reason", "maria's")
    assert result.exit_code == 5
    assert result.stderr.endswith(f" UTC (version {version}); to replace that grade, look at it with "
                                  f"`reconcile show 1` and pass --if-version {version}\n")
