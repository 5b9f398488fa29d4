"""The strong links a run keeps for the next (reconciler.strong): an incremental run that follows
them instead of scoring every candidate of the stored claims it reaches decides what a full run
decides, through new claims, corrections and people's decisions, and leaves the table as a full
run would."""

from __future__ import annotations

import json
import sqlite3
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from conftest import imported_database
from reconciler import decisions, runs, strong
from reconciler.config import Config
from reconciler.db import open_database
from reconciler.features import load_features
from reconciler.importing import import_claims
from reconciler.matching import OutsideWindow
from reconciler.places import PlaceNormaliser
from reconciler.reading import read_claim_file
from reconciler.sources import SourceIndex
from reconciler.runs import reconcile

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import generate  # noqa: E402
from test_scoring import TABLES as RUN_TABLES  # noqa: E402

# What a run writes (test_scoring), and the strong links it keeps.
TABLES = RUN_TABLES | {"strong_links": "SELECT claim_a, claim_b FROM strong_links ORDER BY claim_a, claim_b"}


def _tables(path: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(path)
    try:
        return {table: con.execute(sql).fetchall() for table, sql in TABLES.items()}
    finally:
        con.close()


def _as_full_run_leaves_it(path: Path, tmp_path: Path, name: str) -> dict[str, list[tuple]]:
    """The tables after a full run on a copy of the file at ``path``."""
    copy = tmp_path / f"{name}.sqlite"
    source, target = sqlite3.connect(path), sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    db = open_database(str(copy))
    with db.write() as session:
        assert reconcile(session, "tester", Config(), full=True, workers=1).full
    db.dispose()
    return _tables(copy)


def _import(db, rows: list[dict], path: Path) -> None:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    with db.write() as session:
        import_claims(session, read_claim_file(path), "tester", PlaceNormaliser())


def _run(db) -> dict:
    with db.write() as session:
        result = reconcile(session, "tester", Config(), workers=1)
    return result.counts | {"full": result.full, "note": result.note}


def test_runs_that_follow_the_stored_strong_links_decide_what_a_full_run_decides(tmp_path, monkeypatch):
    sources, base, extra, truth = generate.generate_split(2500, 400, seed=19)
    extra, more = extra[:250], extra[250:]
    data = tmp_path / "data"
    generate.write(data, sources, base, [], truth)
    path = tmp_path / "desk.sqlite"
    db = imported_database(path, data)
    first = _run(db)
    tables = _tables(path)
    # The first run keeps every strong link it found, each once, smaller id first.
    assert first[strong.COUNT_KEY] == len(tables["strong_links"]) > 1000
    assert all(a < b for a, b in tables["strong_links"])
    assert tables == _as_full_run_leaves_it(path, tmp_path, "after-first")

    followed: list[tuple[int, int]] = []   # (claims asked for, links found)
    real = strong.partners

    def spy(session, claim_ids):
        found = real(session, claim_ids)
        followed.append((len(list(claim_ids)), sum(map(len, found.values()))))
        return found

    monkeypatch.setattr(strong, "partners", spy)

    # New claims, 30 % of them late reports of stored incidents.
    _import(db, extra, tmp_path / "extra.jsonl")
    counts = _run(db)
    assert not counts["full"]
    # Stored claims were reached and followed along their stored links, not scored in full.
    assert counts["claims_matched"] > len(extra)
    assert followed and sum(n for n, _ in followed) > 0 and sum(found for _, found in followed) > 0
    assert _tables(path) == _as_full_run_leaves_it(path, tmp_path, "after-extra")

    # Corrections: fifty stored claims each move a day later, or change their figure.
    changed = []
    for i, row in enumerate(base[::50]):
        if i % 2 or len(row["date"]) != 10:   # (a period's dates stay)
            changed.append(row | {"killed": "17"})
        else:
            changed.append(row | {"date": (date.fromisoformat(row["date"]) + timedelta(days=1)).isoformat()})
    _import(db, changed, tmp_path / "fixes.jsonl")
    counts = _run(db)
    assert not counts["full"] and counts["claims_matched"] >= len(changed)
    assert _tables(path) == _as_full_run_leaves_it(path, tmp_path, "after-fixes")

    # People's decisions (each re-clusters its claims at once, scoring all it reaches), then
    # more new claims: the next run follows the links the decisions' runs stored.
    with db.read() as session:
        pairs = session.execute(text(
            "SELECT a.claim_id, b.claim_id FROM claim_links a JOIN claim_links b ON a.event_id = b.event_id "
            "AND a.claim_id < b.claim_id ORDER BY a.claim_id LIMIT 40")).all()
        apart = session.execute(text(
            "SELECT a.claim_id, b.claim_id FROM claim_links a JOIN claim_links b ON a.event_id < b.event_id "
            "JOIN claims ca ON ca.id = a.claim_id JOIN claims cb ON cb.id = b.claim_id "
            "WHERE ca.place_key = cb.place_key AND ca.date_start = cb.date_start ORDER BY a.claim_id LIMIT 1")).one()
    with db.write() as session:
        decisions.unlink(session, "tester", *pairs[0])
    with db.write() as session:
        decisions.unlink(session, "tester", *pairs[20])
    with db.write() as session:
        decisions.link(session, "tester", *apart)
    assert _tables(path) == _as_full_run_leaves_it(path, tmp_path, "after-decisions")
    _import(db, more, tmp_path / "more.jsonl")
    counts = _run(db)
    assert not counts["full"] and counts["claims_matched"] >= len(more)
    assert _tables(path) == _as_full_run_leaves_it(path, tmp_path, "after-more")
    db.dispose()


def test_a_run_that_follows_kept_links_to_every_claim_keeps_the_queued_pairs_of_two_groups(tmp_path):
    # Every claim but two changed (each text corrected): the run reaches every claim, yet scores
    # no pair of two stored claims of two groups. Their queued pair stays queued, as a full run
    # queues it (it was deleted with the whole queue, as if the run had scored every pair).
    sources, base, _extra, truth = generate.generate_split(80, 0, seed=5)
    data = tmp_path / "data"
    generate.write(data, sources, base, [], truth)
    path = tmp_path / "desk.sqlite"
    db = imported_database(path, data)
    _run(db)
    con = sqlite3.connect(path)
    group = {}

    def find(claim):
        while group.get(claim, claim) != claim:
            claim = group[claim]
        return claim

    for a, b in con.execute("SELECT claim_a, claim_b FROM strong_links"):
        group[find(a)] = find(b)
    queued = [(a, b) for a, b, score in con.execute("SELECT claim_a, claim_b, score FROM review_pairs")
              if score < Config().link_threshold and find(a) != find(b) and find(a) != a and find(b) != b]
    refs = dict(con.execute("SELECT id, ref FROM claims"))
    con.close()
    assert queued   # a queued pair of two claims, each strongly linked to another
    x, y = queued[0]
    by_ref = {row["ref"]: row for row in base}
    _import(db, [by_ref[refs[c]] | {"text": by_ref[refs[c]]["text"] + " (corrected)"} for c in sorted(refs)
                 if c not in (x, y)], tmp_path / "fixes.jsonl")
    counts = _run(db)
    assert not counts["full"] and counts["claims_matched"] == counts["claims"] == len(base)
    tables = _tables(path)
    assert (x, y) in [row[:2] for row in tables["review_pairs"]]
    assert tables == _as_full_run_leaves_it(path, tmp_path, "after")
    db.dispose()


def test_the_run_after_a_run_that_kept_no_strong_links_matches_every_claim_once(tmp_path):
    # A store whose last run was made before the table (migration 0013 leaves it empty, and the
    # run's counts say nothing of it): an incremental run there would miss every stored link, so
    # it re-matches every claim, says why, and the run after it follows the links again.
    sources, base, extra, truth = generate.generate_split(1200, 120, seed=23)
    data = tmp_path / "data"
    generate.write(data, sources, base, extra, truth)
    path = tmp_path / "desk.sqlite"
    db = imported_database(path, data)
    _run(db)
    con = sqlite3.connect(path)
    with con:
        con.execute("DELETE FROM strong_links")
        con.execute("UPDATE runs SET counts = json_remove(counts, '$.strong_links')")
    con.close()
    _import(db, extra[:60], tmp_path / "extra-1.jsonl")
    counts = _run(db)
    assert counts["full"] and counts["claims_matched"] == counts["claims"] == len(base) + 60
    assert "kept no strong links" in counts["note"] and "every claim was re-matched once" in counts["note"]
    assert counts[strong.COUNT_KEY] == len(_tables(path)["strong_links"]) > 0
    _import(db, extra[60:], tmp_path / "extra-2.jsonl")
    counts = _run(db)
    assert not counts["full"] and counts["note"] is None and counts["claims_matched"] < counts["claims"]
    assert _tables(path) == _as_full_run_leaves_it(path, tmp_path, "after")
    db.dispose()


def _recent_claims_added(tmp_path: Path, monkeypatch, seed: int):
    """A store of 6,000 generated claims after its first run, and then the claims held back
    (about the incidents of the last three weeks) imported, with windows of dates on in stores
    of any size (WINDOW_MIN 0): (database, its path, base claims, held-back claims, the list each
    later run appends its (seeds, window or None) to)."""
    sources, base, extra, truth = generate.generate_split(6000, 300, seed=seed, recent_days=21)
    data = tmp_path / "data"
    generate.write(data, sources, base, [], truth)
    path = tmp_path / "desk.sqlite"
    db = imported_database(path, data)
    _run(db)
    monkeypatch.setattr(runs, "WINDOW_MIN", 0)
    windows = []
    real = runs._window

    def spy(session, seeds, checked, config, total=None, **given):
        found = real(session, seeds, checked, config, total, **given)
        windows.append((seeds, found))
        return found

    monkeypatch.setattr(runs, "_window", spy)
    _import(db, extra, tmp_path / "extra.jsonl")
    return db, path, base, extra, windows


def test_a_run_that_loads_a_window_of_dates_decides_what_a_run_loading_every_claim_decides(tmp_path, monkeypatch):
    # New claims about the incidents of the last three weeks: the run loads only the claims
    # whose dates lie within WINDOW_DAYS of theirs (the store is large enough once WINDOW_MIN
    # is 0), and leaves every table as a full run does; so does a person's decision, whose run
    # starts from the decision's claims.
    db, path, base, extra, windows = _recent_claims_added(tmp_path, monkeypatch, 29)
    counts = _run(db)
    last = max(row["date"][-10:] for row in extra)
    first = min(row["date"][:10] for row in extra)
    # Loaded: the claims whose dates meet [first - 33 days, last + 33 days] (31 days beyond
    # twice the date tolerance of one day), and no others.
    con = sqlite3.connect(path)
    inside = con.execute("SELECT count(*) FROM claims WHERE date_start <= date(?, '+33 days') "
                         "AND date_end >= date(?, '-33 days')", (last, first)).fetchone()[0]
    events_of_extra = con.execute("SELECT count(DISTINCT l.event_id) FROM claim_links l JOIN claims c "
                                  "ON c.id = l.claim_id WHERE c.date_start >= ?", (first,)).fetchone()[0]
    con.close()
    assert not counts["full"] and counts["claims"] == len(base) + len(extra)
    assert counts["claims_loaded"] == inside < counts["claims"] / 4
    assert counts["claims_matched"] >= len(extra) > 50 and events_of_extra > 20
    assert _tables(path) == _as_full_run_leaves_it(path, tmp_path, "after-extra")

    with db.read() as session:
        pair = session.execute(text(
            "SELECT a.claim_id, b.claim_id FROM claim_links a JOIN claim_links b ON a.event_id = b.event_id "
            "AND a.claim_id < b.claim_id JOIN claims c ON c.id = a.claim_id WHERE c.date_start >= :first "
            "ORDER BY a.claim_id LIMIT 1"), {"first": first}).one()
    with db.write() as session:
        decisions.unlink(session, "tester", *pair)
    seeds, window = windows[-1]
    assert set(pair) <= seeds and window is not None and window.total == counts["claims"]
    assert _tables(path) == _as_full_run_leaves_it(path, tmp_path, "after-unlink")
    db.dispose()


@pytest.mark.parametrize("days_before", [60, None])
def test_a_run_whose_claims_reach_beyond_its_window_takes_a_wider_one_and_decides_as_before(tmp_path, monkeypatch,
                                                                                            days_before):
    # A person links one of the new claims to a claim sixty days older (or to the oldest claim);
    # the new claim is then corrected. The run starts from it alone, in a window of its dates,
    # and reaches the older claim through the event the person's link made: it takes a window
    # that holds that claim too (or, for the oldest, which would hold more than half the
    # claims, loads every claim), matches again, and decides what a full run decides.
    db, path, base, extra, windows = _recent_claims_added(tmp_path, monkeypatch, 31)
    _run(db)
    recent = extra[-1]
    con = sqlite3.connect(path)
    ids = dict(con.execute("SELECT ref, id FROM claims"))
    if days_before is None:
        older = con.execute("SELECT id FROM claims ORDER BY date_start, id LIMIT 1").fetchone()[0]
    else:
        older = con.execute("SELECT id FROM claims WHERE date_start = date(?, ?) AND date_end = date_start "
                            "ORDER BY id LIMIT 1", (recent["date"][:10], f"-{days_before} days")).fetchone()[0]
    con.close()
    with db.write() as session:
        decisions.link(session, "tester", ids[recent["ref"]], older)
    _import(db, [recent | {"killed": "41"}], tmp_path / "fix.jsonl")
    taken = len(windows)
    counts = _run(db)
    assert len(windows) == taken + 1 and windows[-1][1] is not None   # a window was taken, then left
    assert not counts["full"] and counts["windows"] == 2 and counts["claims"] == len(base) + len(extra)
    if days_before is None:
        assert "claims_loaded" not in counts   # every claim
    else:
        assert len(extra) < counts["claims_loaded"] < counts["claims"] / 2
    assert _tables(path) == _as_full_run_leaves_it(path, tmp_path, "after-fix")
    # The run kept how far its claims reached beyond the corrected claim's day: to the older
    # claim at least. The next run's first window reaches that far and a week more, and holds
    # the older claim: no second window. Where that would hold more than half the claims (the
    # oldest claim), it is taken by WINDOW_DAYS, as before, and left again.
    first, last = date.fromisoformat(recent["date"][:10]), date.fromisoformat(recent["date"][-10:])
    with db.read() as session:
        older_day = date.fromisoformat(str(session.scalar(text("SELECT date_start FROM claims WHERE id = :i"),
                                                          {"i": older})))
    reach = counts["reach_days"]
    assert reach >= (first - older_day).days >= (days_before or 60)
    # A person's decision on two other claims comes between: its run starts from those claims
    # and keeps the reach of the run before, not its own.
    with db.read() as session:
        a, b = session.execute(text(
            "SELECT a.claim_id, b.claim_id FROM claim_links a JOIN claim_links b ON a.event_id = b.event_id "
            "AND a.claim_id < b.claim_id WHERE a.claim_id <> :r AND b.claim_id <> :r ORDER BY a.claim_id DESC LIMIT 1"),
            {"r": ids[recent["ref"]]}).one()
    with db.write() as session:
        decisions.unlink(session, "tester", a, b)
    with db.read() as session:
        decided = json.loads(session.scalar(text("SELECT counts FROM runs ORDER BY id DESC LIMIT 1")))
    assert windows[-1][0] == {a, b} and decided["reach_days"] == reach
    _import(db, [recent | {"killed": "42"}], tmp_path / "fix-again.jsonl")
    counts = _run(db)
    seeds, window = windows[-1]
    # (31 days, or the reach and 7 more, beyond twice the date tolerance of one day)
    margin = timedelta(days=(31 if days_before is None else reach + 7) + 2)
    assert seeds is None and window is not None and window.dates == (first - margin, last + margin)
    if days_before is None:
        assert counts["windows"] == 2
    else:
        assert "windows" not in counts and len(extra) < counts["claims_loaded"] < counts["claims"] / 2
    assert _tables(path) == _as_full_run_leaves_it(path, tmp_path, "after-fix-again")
    db.dispose()


def test_a_claim_a_person_linked_to_claims_left_out_of_the_window_asks_for_them_all_at_once(tmp_path, monkeypatch):
    # The guard behind every other: a claim reached whose person's links lead to claims the
    # window left out (through the tool such a pair is one event, whose members are loaded
    # first; here the links are given to the matcher alone). Matching asks for every claim left
    # out at once, so that one wider window holds them; without the links it keeps the window.
    db, path, base, extra, windows = _recent_claims_added(tmp_path, monkeypatch, 31)
    _run(db)
    recent = extra[-1]
    con = sqlite3.connect(path)
    ids = dict(con.execute("SELECT ref, id FROM claims"))
    older, oldest = (con.execute("SELECT id FROM claims WHERE date_start = date(?, ?) AND date_end = date_start "
                                 "ORDER BY id LIMIT 1", (recent["date"][:10], f"-{days} days")).fetchone()[0]
                     for days in (90, 150))
    oldest_day = date.fromisoformat(con.execute("SELECT date_start FROM claims WHERE id = ?", (oldest,)).fetchone()[0])
    con.close()
    new = ids[recent["ref"]]
    config = Config()
    with db.write() as session:
        total = session.scalar(text("SELECT count(*) FROM claims"))
        window = runs._window(session, {new}, None, config, total)
        assert window is not None and window.total == total
        features, _dirty = load_features(session, SourceIndex.load(session), config=config, window=window.dates)
        assert new in features and older not in features

        def match(must):
            return runs._match(session, config, features, set(), False, {new}, None, must, set(), window,
                               lambda *args: None, 1)

        assert new in match(set()).explorer.graph.nodes
        with pytest.raises(OutsideWindow) as raised:
            match({(min(new, older), max(new, older))})
        assert raised.value.claim_ids == (older,)
        # Linked to two claims left out, months apart: both asked for at once, and one wider
        # window holds them both (the days beyond them too: 31 and twice the tolerance).
        with pytest.raises(OutsideWindow) as raised:
            match({(min(new, c), max(new, c)) for c in (older, oldest)})
        assert raised.value.claim_ids == tuple(sorted((older, oldest)))
        wider = runs._widened(session, window, raised.value.claim_ids, config)
        margin = timedelta(days=runs.WINDOW_DAYS + 2 * config.date_tolerance_days)
        assert wider is not None and wider.dates == (oldest_day - margin, window.dates[1])
        assert runs._widened(session, window, (older, 10 ** 9), config) is None   # a claim not stored
        session.rollback()
    db.dispose()


def test_a_wave_whose_stored_links_lead_out_of_the_window_asks_for_every_claim_they_reach():
    # runs._Explorer._follow in a window: the stored links of the wave's claims lead to claims 7
    # and 9, neither loaded; both are asked for at once (one wider window holds them), whichever
    # claim's links name them. Outside a window such a claim (deleted outside reconcile) is
    # passed by, and the loaded one followed.
    features = {1: object(), 2: object(), 3: object()}
    links = {1: [7, 2], 3: [9]}

    def explorer(windowed: bool) -> runs._Explorer:
        return runs._Explorer(features, None, None, Config(), set(), set(), lambda *args: None,
                              stored=lambda ids: {i: links.get(i, []) for i in ids}, fresh=set(),
                              total=10, windowed=windowed)

    with pytest.raises(OutsideWindow) as raised:
        explorer(True)._follow([1, 3], [])
    assert raised.value.claim_ids == (7, 9) and raised.value.claim_id == 7
    outside, reached = explorer(False), []
    outside._follow([1, 3], reached)
    assert reached == [2] and outside.graph.nodes == {2}


def test_how_far_a_runs_claims_reach_is_counted_in_days_of_incidents_and_widens_the_next_window():
    from test_matching import feat   # hand-built claims

    config = Config()   # date tolerance 1 day; a claim over more than 7 days is about a period
    around = (date(2021, 4, 6), date(2021, 4, 8))   # the claims the run started from: 6-8 April
    day = date(2021, 4, 6).toordinal()
    features = {1: feat(1, start=day + 1),              # inside
                2: feat(2, start=day - 9),              # 28 March: 9 days before the 6th
                3: feat(3, start=day + 14),             # 20 April: 12 days after the 8th
                4: feat(4, start=day - 5, end=day + 24),   # 1-30 April: a period, counted by its start
                5: feat(5, start=day - 1, end=day + 40)}   # 5 April - 16 May: a period starting a day before
    assert runs._reach(features, {1}, around, config) == 0
    assert runs._reach(features, {1, 4}, around, config) == 5   # 1 April: 5 days before the 6th
    assert runs._reach(features, {1, 5}, around, config) == 1   # its end is no day a window must hold
    assert runs._reach(features, {1, 2, 4}, around, config) == 9
    assert runs._reach(features, {1, 2, 3, 4, 5}, around, config) == 12
    # The next window: 31 days (or the reach and a week, where more) beyond twice the tolerance.
    assert runs._margin(config) == runs._margin(config, 12) == timedelta(days=33)
    assert runs._margin(config, 52) == timedelta(days=61)
    # Read from the last run's counts; a run that loaded every claim kept none.
    assert runs._last_reach(None) is None
    assert runs._last_reach(runs.Run(counts={"claims": 5})) is None
    assert runs._last_reach(runs.Run(counts={"claims": 5, "reach_days": 52})) == 52


def test_the_last_runs_reach_widens_the_window_only_while_it_holds_a_few_times_the_claims(tmp_path, monkeypatch):
    # A claim of the last days: its window is 33 days either side (31 beyond twice the date
    # tolerance of one day), or, after a run that reached 40 days, 49 (40, a week, and 2), while
    # that holds at most REACH_WINDOW_FACTOR times the claims of the 33 days' window.
    db, path, base, extra, windows = _recent_claims_added(tmp_path, monkeypatch, 31)
    _run(db)
    recent = extra[-1]
    first, last = date.fromisoformat(recent["date"][:10]), date.fromisoformat(recent["date"][-10:])
    con = sqlite3.connect(path)
    new = dict(con.execute("SELECT ref, id FROM claims"))[recent["ref"]]
    con.close()
    config = Config()
    narrow, wide = timedelta(days=33), timedelta(days=49)
    with db.read() as session:
        total = session.scalar(text("SELECT count(*) FROM claims"))
        assert runs._window(session, {new}, None, config, total).dates == (first - narrow, last + narrow)
        assert runs._window(session, {new}, None, config, total, reach=20).dates == (first - narrow, last + narrow)
        assert runs._window(session, {new}, None, config, total, reach=40).dates == (first - wide, last + wide)
        # The wider window holds more claims than the narrow one (the store's claims lie before
        # the new ones as well), so where it may hold no more, the narrow one is taken.
        monkeypatch.setattr(runs, "REACH_WINDOW_FACTOR", 1)
        assert runs._window(session, {new}, None, config, total, reach=40).dates == (first - narrow, last + narrow)
    db.dispose()
