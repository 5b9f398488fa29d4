"""Database files in trouble: one clear line and a documented exit code, never a traceback.

Issue 12 §5 and §6: a read-only file or mount (reads still work), an immutable file, a damaged
page, a path holding URL syntax, a missing directory. Every database is a real SQLite file and
every command a real process or the click runner; nothing is mocked.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from cli.main import cli
from conftest import DB_NAME, USER, Desk

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "illustrative"


def reconcile(directory: Path, *args: str, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """`reconcile --db desk.sqlite --user tester ARGS` as a real process in ``directory``, under
    the program ``prefix`` names (unshare, setpriv) if any."""
    return subprocess.run([*prefix, sys.executable, "-m", "cli", "--db", DB_NAME, "--user", USER, *args],
                          cwd=directory, capture_output=True, text=True, timeout=120)


def stocked(desk: Desk, journal: str = "wal") -> list[dict]:
    """The illustrative example imported and reconciled in a file in that journal mode; returns
    `claims --json`."""
    for args in (["sources", "import", str(EXAMPLE / "sources.yaml")], ["import", str(EXAMPLE / "claims.jsonl")],
                 ["run"], ["claims", "--json"]):
        result = desk("--journal-mode", journal, *args)
        assert result.exit_code == 0, result.output
    assert not Path(f"{desk.db}-wal").exists()  # every change is in the file itself
    assert desk.query("PRAGMA journal_mode") == [(journal,)]
    return json.loads(result.stdout)


def assert_read(result: subprocess.CompletedProcess, claims: list[dict]) -> None:
    assert (result.returncode, json.loads(result.stdout or "null"), result.stderr) == (0, claims, "")


@contextmanager
def immutable(path: Path) -> Iterator[None]:
    """``chattr +i path`` for the duration (skips the test where the sandbox forbids it)."""
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
        pytest.skip("chattr +i is not permitted here")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def read_only_mount(directory: Path) -> tuple[str, ...]:
    """A prefix that runs a command with ``directory`` bind-mounted read-only over itself, in a
    mount namespace of its own (skips the test where that is not permitted)."""
    prefix = ("unshare", "--mount", "sh", "-c", 'mount --bind -o ro "$0" "$0" && cd "$0" && exec "$@"', str(directory))
    if shutil.which("unshare") is None or subprocess.run([*prefix, "true"], capture_output=True).returncode:
        pytest.skip("a read-only bind mount is not permitted here")
    return prefix


def unwritable(reason: str) -> str:
    return f"Error: {DB_NAME} cannot be written: {reason}; commands that only read it still work\n"


# -- paths -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["report?final.sqlite", "draft#2.sqlite", "100%.sqlite", "a%3fb.sqlite",
                                  "file:x.sqlite", "with space &amp.sqlite"])
def test_db_path_is_used_literally(desk: Desk, name: str) -> None:
    # Regression: `--db 'report?final.sqlite'` created a file named `report` (the rest was read
    # as a URL query).
    result = desk.runner.invoke(cli, ["--db", name, "--user", USER, "sources", "add", "dpa", "--kind", "media"],
                                catch_exceptions=False)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "dpa: created\n",
                                                                f"Created a new database at {name}\n")
    assert sorted(os.listdir(desk.directory)) == [name]
    listed = desk.runner.invoke(cli, ["--db", name, "sources", "list", "--json"], catch_exceptions=False)
    assert [source["name"] for source in json.loads(listed.stdout)] == ["dpa"]


def test_db_in_a_missing_directory_is_one_line(desk: Desk) -> None:
    # Regression: the message was SQLite's "unable to open database file", naming no cause.
    result = desk.runner.invoke(cli, ["--db", "nodir/desk.sqlite", "sources", "add", "dpa"], catch_exceptions=False)
    assert (result.exit_code, result.stdout, result.stderr) == (
        3, "", "Error: cannot create nodir/desk.sqlite: the directory nodir does not exist\n")
    assert os.listdir(desk.directory) == []


# -- damaged files -----------------------------------------------------------------------------

@pytest.mark.parametrize("args", [["claims"], ["run", "--full"], ["show", "1"]])
def test_db_with_a_damaged_page_is_one_line(desk: Desk, args: list[str]) -> None:
    # Regression: a page of garbage in the claims table made every command that read claims
    # end in a sqlite3.DatabaseError traceback.
    stocked(desk)
    [(root, page_size)] = desk.query("SELECT rootpage, (SELECT page_size FROM pragma_page_size) "
                                     "FROM sqlite_master WHERE type = 'table' AND name = 'claims'")
    with open(desk.db, "r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(b"\xde\xad\xbe\xef" * (page_size // 4))
    before = desk.db.read_bytes()
    result = desk(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (3, "", (
        f"Error: {DB_NAME} is damaged (database disk image is malformed); restore it from a backup, "
        f"or save what is still readable with `sqlite3 {DB_NAME} .recover`\n"))
    assert desk.db.read_bytes() == before


def test_db_that_is_not_a_database_is_one_line_for_a_read(desk: Desk) -> None:
    desk.db.write_bytes(b"\x00" * 8192 + b"not a database" * 100)
    result = desk("events")
    assert (result.exit_code, result.stderr) == (3, (
        f"Error: cannot open {DB_NAME} as a database (file is not a database); "
        "give --db an existing reconcile database or a new file name\n"))


# -- files and places that cannot be written -----------------------------------------------------

def without_override() -> tuple[str, ...]:
    """A prefix under which permission bits apply: for root, the capabilities that override
    them dropped (skips the test where that is not possible)."""
    if os.geteuid() != 0:
        return ()
    prefix = ("setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner")
    if shutil.which("setpriv") is None or subprocess.run([*prefix, "true"], capture_output=True).returncode:
        pytest.skip("cannot drop root's permission override here")
    return prefix


def test_db_file_without_write_permission_reads_but_refuses_writes(desk: Desk) -> None:
    # Regression: a write to a file the user may not write (chmod 444) ended in a traceback.
    claims = stocked(desk)
    desk.db.chmod(0o444)
    prefix = without_override()
    read = reconcile(desk.directory, "claims", "--json", prefix=prefix)
    assert_read(read, claims)
    before = desk.db.read_bytes()
    write = reconcile(desk.directory, "sources", "add", "Kyiv Independent", "--kind", "media", prefix=prefix)
    assert (write.returncode, write.stdout, write.stderr) == (8, "", unwritable("you have no permission to write the file"))
    assert desk.db.read_bytes() == before


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_db_immutable_file_reads_but_refuses_writes(desk: Desk, journal: str) -> None:
    # Regression: an unwritable file (chattr +i) made every write end in a traceback, and a
    # file in rollback-journal mode could not even be read (switching it to WAL is a write).
    claims = stocked(desk, journal)
    before = desk.db.read_bytes()
    with immutable(desk.db):
        read = reconcile(desk.directory, "claims", "--json")
        assert_read(read, claims)
        write = reconcile(desk.directory, "sources", "add", "Kyiv Independent", "--kind", "media")
        assert (write.returncode, write.stdout, write.stderr) == (8, "", unwritable(
            "the file is marked immutable (chattr +i) or otherwise protected"))
    assert desk.db.read_bytes() == before


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_db_in_a_directory_that_cannot_be_written_is_one_line(desk: Desk, journal: str) -> None:
    # Regression: SQLite's "unable to open database file" or a traceback, naming no cause.
    claims = stocked(desk, journal)
    before = desk.db.read_bytes()
    message = (f"Error: {DB_NAME} cannot be written: you cannot create files in its directory, where SQLite keeps "
               "its journal; only a file not in WAL mode can still be read there\n")
    with immutable(desk.directory):
        read = reconcile(desk.directory, "claims", "--json")
        write = reconcile(desk.directory, "sources", "add", "Kyiv Independent", "--kind", "media")
    if journal == "wal":  # SQLite cannot create the -shm file that readers of a WAL file need
        assert (read.returncode, read.stdout, read.stderr) == (8, "", message)
    else:
        assert_read(read, claims)
    assert (write.returncode, write.stdout, write.stderr) == (8, "", message)
    assert desk.db.read_bytes() == before


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_db_on_a_read_only_mount_reads_but_refuses_writes(desk: Desk, journal: str) -> None:
    # Regression: on a read-only file system a WAL file could not be read at all (SQLite needs
    # to create its -shm file beside it) and writes ended in a traceback.
    claims = stocked(desk, journal)
    before = desk.db.read_bytes()
    prefix = read_only_mount(desk.directory)
    read = reconcile(desk.directory, "claims", "--json", prefix=prefix)
    assert_read(read, claims)
    events = reconcile(desk.directory, "events", prefix=prefix)
    assert (events.returncode, events.stderr) == (0, "")
    write = reconcile(desk.directory, "grade", "1", "--status", "contested", "--reason", "test", prefix=prefix)
    assert (write.returncode, write.stdout, write.stderr) == (8, "", unwritable("it is on a read-only file system"))
    new = subprocess.run([*prefix, sys.executable, "-m", "cli", "--db", "new.sqlite", "sources", "add", "dpa"],
                         cwd=desk.directory, capture_output=True, text=True, timeout=120)
    assert (new.returncode, new.stdout, new.stderr) == (
        8, "", "Error: cannot create new.sqlite: its directory is on a read-only file system\n")
    assert desk.db.read_bytes() == before
    assert sorted(os.listdir(desk.directory)) == ["desk.sqlite"]
