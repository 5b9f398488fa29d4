"""An import of large claims files reads them as it stores them, a part at a time
(reconciler.importing.PART), so that a large file is never held whole; a problem anywhere still
refuses the whole import.

The parts are made two claims long here, so that a five-line file is three parts.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select

from cli import claims as cli_claims
from conftest import SOURCES_YAML, Desk, run_in_terminal
from reconciler import content, importing, schema
from reconciler.db import open_database
from reconciler.errors import InputError, Problem
from reconciler.limits import Limits
from reconciler.models import Claim
from reconciler.places import PlaceNormaliser
from reconciler.reading import claim_records, read_claim_file
from reconciler.sources import import_sources, read_source_file

REJECTED = "Rejected: {n} problem{s}; nothing was written to the database.\n"


@pytest.fixture(autouse=True)
def streamed(monkeypatch: pytest.MonkeyPatch) -> None:
    """`reconcile import` streams files of any size here (not only those over 64 MB)."""
    monkeypatch.setattr(cli_claims, "READ_WHOLE_BYTES", -1)   # an empty file too

    def whole(*args, **kwargs):
        raise AssertionError("a streamed import read a file whole")

    monkeypatch.setattr(cli_claims, "read_claim_file", whole)


@pytest.fixture
def parts_of_two(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "PART", 2)


def claim(n: int, **fields: object) -> dict:
    return {"ref": f"r{n}", "source": "Army", "date": f"2021-04-0{n}", "place": "Avdiivka", "killed": n} | fields


def test_the_first_parts_are_stored_before_the_last_claim_is_read(tmp_path, parts_of_two, desk: Desk) -> None:
    path = desk.write_jsonl("claims.jsonl", [claim(n) for n in range(1, 6)])
    db = open_database(str(tmp_path / "lib.sqlite"))
    schema.upgrade(db)
    stored_when_read: list[int] = []
    try:
        with db.write() as session:
            problems: list = []

            def watched():
                for one in claim_records(desk.directory / path, Limits(), problems):
                    # What the transaction holds as each claim is read.
                    stored_when_read.append(session.scalar(select(func.count(Claim.id))))
                    yield one

            summary = importing.import_claims(session, watched(), "ana", PlaceNormaliser(), problems=problems)
        assert summary.added == 5
        # Claims 1-2 are one part, 3-4 the next, 5 the last: each part is stored before the
        # next is read (the part is read whole, then stored).
        assert stored_when_read == [0, 0, 2, 2, 4]
    finally:
        db.dispose()


def test_a_bad_line_after_stored_parts_writes_nothing(registered: Desk, parts_of_two) -> None:
    rows = [claim(n) for n in range(1, 5)] + [claim(5, killed="lots")]
    before = registered.dump()
    result = registered("import", registered.write_jsonl("claims.jsonl", rows))
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: claims.jsonl:5: field 'killed': expected a casualty figure such as '2', 'two', 'more than 40', "
        "'at least 3', 'up to 5', '3-5', 'about 10' or 'dozens', got 'lots'\n" + REJECTED.format(n=1, s=""))
    assert registered.dump() == before
    assert registered.query("SELECT count(*) FROM claims") == [(0,)]


def test_every_problem_after_the_first_is_listed(registered: Desk, parts_of_two) -> None:
    # A problem of reading (line 2) stops the storing; the rest is still checked: a ref given
    # other content (line 4, against line 1) and a bad date (line 5).
    rows = [claim(1), claim(2, date="yesterday"), claim(3), claim(1, killed=9), claim(5, date="2021-13-01")]
    result = registered("import", registered.write_jsonl("claims.jsonl", rows))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert [line.split(": field")[0] for line in lines[:-1]] == [
        "Error: claims.jsonl:2", "Error: claims.jsonl:4", "Error: claims.jsonl:5"]
    assert lines[1] == ("Error: claims.jsonl:4: field 'ref': ref 'r1' of 'Army' was given different content at "
                        "claims.jsonl:1; one ref names one claim")
    assert lines[-1] == REJECTED.format(n=3, s="s").strip()
    assert registered.query("SELECT count(*) FROM claims") == [(0,)]


@pytest.mark.parametrize("part", [2, importing.PART], ids=["parts of two", "one part"])
def test_one_ref_two_contents_in_different_parts_is_refused(registered: Desk, monkeypatch, part: int) -> None:
    monkeypatch.setattr(importing, "PART", part)
    rows = [claim(1), claim(2), claim(3), claim(4), claim(1, killed=9)]
    result = registered("import", registered.write_jsonl("claims.jsonl", rows))
    assert (result.exit_code, result.stderr) == (2, (
        "Error: claims.jsonl:5: field 'ref': ref 'r1' of 'Army' was given different content at claims.jsonl:1; "
        "one ref names one claim\n" + REJECTED.format(n=1, s="")))
    assert registered.query("SELECT count(*) FROM claims") == [(0,)]


@pytest.mark.parametrize("part", [2, importing.PART], ids=["parts of two", "one part"])
def test_a_lookalike_of_a_source_new_in_an_earlier_part_is_refused(registered: Desk, monkeypatch,
                                                                    part: int) -> None:
    # 'Rybar' is new (line 1); by line 4 the first part has stored it, and 'Rуbar' (Cyrillic у)
    # is still refused as a look-alike of a new source, not of a stored one.
    monkeypatch.setattr(importing, "PART", part)
    rows = [claim(1, source="Rybar"), claim(2), claim(3), claim(4, source="R\u0443bar")]
    before = registered.dump()
    result = registered("import", registered.write_jsonl("claims.jsonl", rows))
    assert (result.exit_code, result.stderr) == (2, (
        "Error: claims.jsonl:4: field 'source': 'R\u0443bar' looks like the new source 'Rybar' (claims.jsonl:1) "
        "(it has U+0443 CYRILLIC SMALL LETTER U) but is not it; write the same name, or, if it is a different "
        "source, register it first with `reconcile sources add NAME --distinct-from 'Rybar'`\n"
        + REJECTED.format(n=1, s="")))
    assert registered.dump() == before


def test_a_ref_given_again_alike_in_a_later_part_is_already_stored(registered: Desk, parts_of_two) -> None:
    rows = [claim(1), claim(2), claim(3), claim(1)]
    result = registered("import", registered.write_jsonl("claims.jsonl", rows))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("claims.jsonl: added 3, updated 0, already stored 1\n")
    assert registered.query("SELECT ref, killed_text FROM claims ORDER BY id") == [("r1", "1"), ("r2", "2"), ("r3", "3")]


def test_a_second_file_with_a_problem_refuses_the_first_stored_before_it(registered: Desk, parts_of_two) -> None:
    good = registered.write_jsonl("good.jsonl", [claim(n) for n in range(1, 6)])
    bad = registered.write("bad.jsonl", '{"source": }\n')
    before = registered.dump()
    result = registered("import", good, bad)
    assert result.exit_code == 2
    assert result.stderr == ("Error: bad.jsonl:1: is not valid JSON (Expecting value at column 12)\n"
                             + REJECTED.format(n=1, s=""))
    assert registered.dump() == before


def test_a_stream_with_a_problem_raises_every_problem(tmp_path, parts_of_two, desk: Desk) -> None:
    # The library's form: the reader's problems and the import's, in one InputError at the end.
    path = desk.write_jsonl("claims.jsonl", [claim(1), claim(2), claim(3, source="")])
    db = open_database(str(tmp_path / "lib.sqlite"))
    schema.upgrade(db)
    try:
        problems: list = []
        with pytest.raises(InputError) as raised, db.write() as session:
            importing.import_claims(session, claim_records(desk.directory / path, Limits(), problems),
                                    "ana", PlaceNormaliser(), problems=problems)
        assert [(p.line, p.field) for p in raised.value.problems] == [(3, "source")]
        with db.read() as session:
            assert session.scalar(select(func.count(Claim.id))) == 0
    finally:
        db.dispose()


@pytest.mark.parametrize("part", [2, importing.PART], ids=["parts of two", "one part"])
def test_problems_are_listed_in_the_order_of_the_lines(registered: Desk, monkeypatch, part: int) -> None:
    # Found in another order (look-alike sources are checked before refs, a part at a time, and
    # a bad line is found as it is read): listed by line.
    monkeypatch.setattr(importing, "PART", part)
    rows = [claim(1, source="Rybar"), claim(1, source="Rybar", killed=9), claim(3, source="R\u0443bar"),
            claim(4, killed="lots"), claim(1, source="Rybar", killed=8)]
    result = registered("import", registered.write_jsonl("claims.jsonl", rows))
    assert result.exit_code == 2
    assert [line.split(": field")[0] for line in result.stderr.splitlines()] == [
        "Error: claims.jsonl:2", "Error: claims.jsonl:3", "Error: claims.jsonl:4", "Error: claims.jsonl:5",
        REJECTED.format(n=4, s="s").strip()]


def test_a_problem_found_against_the_store_stops_the_storing_and_the_rest_is_read(registered: Desk,
                                                                                  parts_of_two) -> None:
    assert registered("import", registered.write_jsonl("first.jsonl", [claim(1), claim(2)])).exit_code == 0
    before = registered.dump()
    # Line 1 gives ref r1 the content of the stored r2 (found only against the store); line 5 is bad.
    rows = [claim(2, ref="r1"), claim(3), claim(4), claim(5), claim(6, killed="lots")]
    result = registered("import", registered.write_jsonl("second.jsonl", rows))
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: second.jsonl:1: field 'ref': ref 'r1' of 'Army' was changed to the same content as another stored "
        "claim; one claim is stored once\n"
        "Error: second.jsonl:5: field 'killed': expected a casualty figure such as '2', 'two', 'more than 40', "
        "'at least 3', 'up to 5', '3-5', 'about 10' or 'dozens', got 'lots'\n" + REJECTED.format(n=2, s="s"))
    assert registered.dump() == before


def test_the_import_tells_how_it_goes(tmp_path, parts_of_two, desk: Desk, monkeypatch) -> None:
    monkeypatch.setattr(content, "NOTED_AT_ONCE", 2)
    path = desk.write_jsonl("claims.jsonl", [claim(n) for n in range(1, 6)])
    db = open_database(str(tmp_path / "lib.sqlite"))
    schema.upgrade(db)
    told: list[tuple] = []
    try:
        problems: list = []
        with db.write() as session:
            importing.import_claims(session, claim_records(desk.directory / path, Limits(), problems), "ana",
                                    PlaceNormaliser(), problems=problems,
                                    progress=lambda *args: told.append(args))
        assert told == [("claims read", 2, None), ("claims read", 4, None), ("claims read", 5, None),
                        ("claim content hashes", 2, 5), ("claim content hashes", 4, 5),
                        ("claim content hashes", 5, 5)]
    finally:
        db.dispose()


@pytest.mark.parametrize("as_json", [False, True], ids=["table", "json"])
def test_a_terminal_sees_the_import_go(registered: Desk, as_json: bool) -> None:
    registered.write_jsonl("claims.jsonl", [claim(n) for n in range(1, 4)])
    args = ["--db", "desk.sqlite", "--user", "tester", "import", "claims.jsonl"] + (["--json"] if as_json else [])
    code, output = run_in_terminal(registered.directory, args, "")
    assert code == 0, output
    # The bars are drawn on standard error while the import goes on, then cleared; --json has none.
    assert ("claims read" in output, "claim content hashes" in output) == ((False, False) if as_json else (True, True))
    assert ("added 3" in output) != as_json


def test_a_stream_without_its_problems_list_is_refused(tmp_path, desk: Desk) -> None:
    # Its reader's problems would be lost, and a file with a bad line imported in part.
    path = desk.write_jsonl("claims.jsonl", [claim(1)])
    db = open_database(str(tmp_path / "lib.sqlite"))
    schema.upgrade(db)
    try:
        with pytest.raises(TypeError, match="needs the list of problems"), db.write() as session:
            importing.import_claims(session, claim_records(desk.directory / path, Limits(), []), "ana")
    finally:
        db.dispose()


def test_a_small_file_is_checked_before_the_database_is_opened(desk: Desk, monkeypatch) -> None:
    # Under the size at which files are streamed: the problem is listed though there is no
    # database for --dry-run to use.
    monkeypatch.setattr(cli_claims, "READ_WHOLE_BYTES", 64 * 1024 * 1024)
    monkeypatch.setattr(cli_claims, "read_claim_file", read_claim_file)
    result = desk("import", "--dry-run", desk.write_jsonl("claims.jsonl", [claim(1, killed="lots")]))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: claims.jsonl:1: field 'killed': expected a casualty figure")
    assert not desk.db.exists()


def _stored(db) -> dict[str, list[tuple]]:
    """Every table an import writes, row by row, times left out."""
    tables = {"claims": "SELECT * FROM claims ORDER BY id", "claim_relays": "SELECT * FROM claim_relays ORDER BY 1, 2",
              "reports": "SELECT * FROM reports ORDER BY id", "sources": "SELECT * FROM sources ORDER BY id",
              "content_hashes": "SELECT * FROM content_hashes ORDER BY 1, 2, 3", "claim_marks": "SELECT * FROM claim_marks"}
    times = {"created_at", "updated_at"}
    with db.read() as session:
        out = {}
        for table, sql in tables.items():
            result = session.connection().exec_driver_sql(sql)
            keep = [i for i, name in enumerate(result.keys()) if name not in times]
            out[table] = [tuple(row[i] for i in keep) for row in result]
        return out


@pytest.fixture
def two_processors(monkeypatch: pytest.MonkeyPatch) -> None:
    """An import has a processor to spare for its process beside, on any machine."""
    monkeypatch.setattr(importing, "default_workers", lambda: 2)


@pytest.fixture
def prepared_in(tmp_path, monkeypatch: pytest.MonkeyPatch):
    """The processes that worked out the claims' fingerprints and derived fields (their ids)."""
    log, prepare = tmp_path / "prepared-in", importing._prepare

    def noted(*args):
        with open(log, "a") as f:
            f.write(f"{os.getpid()}\n")
        return prepare(*args)

    monkeypatch.setattr(importing, "_prepare", noted)

    def processes() -> set[int]:
        found = {int(line) for line in log.read_text().split()}
        log.unlink()
        return found
    return processes


def _import_beside_or_here(tmp_path, path, beside: bool, name: str):
    """Import ``path`` streamed, read in a process beside or here, into a file whose sources are
    those of conftest.SOURCES_YAML (Army and ZSU aliases of the Armed Forces of Ukraine);
    (the tables, the problems)."""
    db = open_database(str(tmp_path / f"{name}.sqlite"))
    schema.upgrade(db)
    sources = tmp_path / "sources.yaml"
    sources.write_text(SOURCES_YAML, encoding="utf-8")
    try:
        with db.write() as session:
            import_sources(session, read_source_file(sources), "ana", "sources.yaml")
        problems: list = []
        refused = None
        try:
            with db.write() as session:
                importing.import_claims(session, claim_records(path, Limits(), problems), "ana",
                                        PlaceNormaliser(), problems=problems, read_beside=beside)
        except InputError as exc:
            refused = [str(p) for p in exc.problems]
        return _stored(db), refused
    finally:
        db.dispose()


@pytest.mark.parametrize("rows", [
    # Several parts: new unregistered sources, registered ones by their aliases (Army, ZSU: one
    # fingerprint with the name), relays, reports, a ref given again alike, places in two
    # scripts, figures as words.
    [claim(1, via=["Interfax", "TASS"], report="Bulletin 1"), claim(2, source="Rybar", place="Авдіївка"),
     claim(3, source="New Channel", killed="more than 40", report="Bulletin 1"), claim(1, via=["Interfax", "TASS"],
                                                                                        report="Bulletin 1"),
     claim(4, place="near Horlivka", wounded="two"), claim(5, source="Rybar", date="2021-04-05/2021-04-06"),
     claim(6, ref="z6", source="ZSU"), claim(6, ref="a6", source="Armed Forces of Ukraine"),
     claim(7, source="New Channel", via=["ZSU"])],
    # Problems of reading and of the import, in several parts, two of reading in one part: every
    # one listed, in order, nothing stored.
    [claim(1, source="Rybar"), claim(1, source="Rybar", killed=9), claim(3, source="R\u0443bar"),
     claim(4, killed="lots"), claim(5, killed="heaps"), claim(6, date="sometime"), claim(7)],
], ids=["stored", "refused"])
def test_a_stream_read_beside_is_stored_and_refused_as_one_read_here(tmp_path, desk: Desk, parts_of_two,
                                                                      prepared_in, two_processors,
                                                                      rows) -> None:
    path = desk.directory / desk.write_jsonl("claims.jsonl", rows)
    here = _import_beside_or_here(tmp_path, path, False, "here")
    assert prepared_in() == {os.getpid()}
    beside = _import_beside_or_here(tmp_path, path, True, "beside")
    assert os.getpid() not in prepared_in()
    assert beside == here
    stored, refused = here
    # The stored: 9 rows, one given again alike, one (a6) the same content as z6 under the name.
    assert (len(stored["claims"]), refused is None) == ((7, True) if refused is None else (0, False))
    if refused is not None:
        assert [p.split(": field")[0] for p in refused] == [
            f"{path}:2", f"{path}:3", f"{path}:4", f"{path}:5", f"{path}:6"]


def test_a_list_of_claims_is_prepared_beside_as_here(tmp_path, desk: Desk, parts_of_two, monkeypatch,
                                                     prepared_in, two_processors) -> None:
    # A list of at least PREPARE_BESIDE_MIN claims has its fingerprints and derived fields worked
    # out in a process beside: the same tables as worked out here.
    rows = [claim(n % 9 + 1, ref=f"r{n}", killed=n, place=["Avdiivka", "Авдіївка", "near Horlivka"][n % 3])
            for n in range(12)]
    path = desk.directory / desk.write_jsonl("claims.jsonl", rows)
    found = {}
    for name, least in (("here", 10 ** 9), ("beside", 3)):
        monkeypatch.setattr(importing, "PREPARE_BESIDE_MIN", least)
        db = open_database(str(tmp_path / f"{name}.sqlite"))
        schema.upgrade(db)
        try:
            with db.write() as session:
                importing.import_claims(session, read_claim_file(path), "ana", PlaceNormaliser())
            found[name] = _stored(db)
        finally:
            db.dispose()
        assert (os.getpid() in prepared_in()) == (name == "here")
    assert found["beside"] == found["here"] and len(found["here"]["claims"]) == 12


def test_import_with_one_worker_prepares_every_claim_here(registered: Desk, parts_of_two, prepared_in,
                                                          two_processors) -> None:
    # `reconcile import --workers 1` reads a streamed file in its own process (a way round a
    # process beside that the system kills), and stores the same.
    path = registered.write_jsonl("claims.jsonl", [claim(n) for n in range(1, 6)])
    assert registered("import", "--workers", "1", path).exit_code == 0
    assert prepared_in() == {os.getpid()}
    assert registered.query("SELECT count(*) FROM claims") == [(5,)]


def test_problems_the_callers_list_held_are_listed_once(tmp_path, desk: Desk, parts_of_two, two_processors) -> None:
    # A stream read beside sends the problems its reading found, not those the list held before.
    path = desk.directory / desk.write_jsonl("claims.jsonl", [claim(1), claim(2, killed="lots")])
    db = open_database(str(tmp_path / "lib.sqlite"))
    schema.upgrade(db)
    try:
        earlier = Problem("other.jsonl", 7, "date", "is required")
        problems: list = [earlier]
        with pytest.raises(InputError) as raised, db.write() as session:
            importing.import_claims(session, claim_records(path, Limits(), problems), "ana", PlaceNormaliser(),
                                    problems=problems, read_beside=True)
        assert [(p.file, p.line) for p in raised.value.problems] == [("other.jsonl", 7), (str(path), 2)]
    finally:
        db.dispose()
