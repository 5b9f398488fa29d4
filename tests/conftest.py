"""Shared fixtures: a gazetteer cache built once per session, and a CLI bound to a fresh database.

Every database is a real SQLite file under ``tmp_path``; nothing is mocked.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import select
import sqlite3
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner, Result

from cli.main import cli

USER = "tester"
DB_NAME = "desk.sqlite"


@pytest.fixture(scope="session", autouse=True)
def gazetteer_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One cache directory for the whole session, so the gazetteer (~3 s) is built once."""
    cache = tmp_path_factory.mktemp("reconcile-cache")
    previous = os.environ.get("RECONCILE_CACHE")
    os.environ["RECONCILE_CACHE"] = str(cache)
    yield cache
    if previous is None:
        os.environ.pop("RECONCILE_CACHE", None)
    else:
        os.environ["RECONCILE_CACHE"] = previous


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The caller's own settings must not leak into a test."""
    for name in ("RECONCILE_DB", "RECONCILE_USER", "RECONCILE_JOURNAL_MODE", "RECONCILE_MAX_LINE_BYTES",
                 "RECONCILE_MAX_NAME_CHARS", "RECONCILE_MAX_TEXT_CHARS", "RECONCILE_MAX_DEPTH"):
        monkeypatch.delenv(name, raising=False)
    # Nor another test's places: the process-wide overlay cache is keyed by the places' counts and
    # largest id, which two tests' desks can share (one lays its places over the other's claims).
    monkeypatch.setattr("reconciler.deskplaces._overlays", {})


class Desk:
    """`reconcile --db desk.sqlite --user tester ...`, run in a temporary working directory."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.db = directory / DB_NAME
        self.runner = CliRunner()

    def __call__(self, *args: str) -> Result:
        # Unexpected exceptions propagate, so a crash shows its traceback instead of exit code 1.
        return self.runner.invoke(cli, ["--db", DB_NAME, "--user", USER, *args], catch_exceptions=False)

    def write(self, name: str, text: str | bytes) -> str:
        """Write a file in the working directory; returns its name as given on the command line."""
        path = self.directory / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return name

    def write_jsonl(self, name: str, rows: list[dict]) -> str:
        return self.write(name, "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))

    def dump(self) -> list[str] | None:
        """The whole database as SQL statements (None when there is no file), to prove nothing changed."""
        if not self.db.exists():
            return None
        con = sqlite3.connect(self.db)
        try:
            return list(con.iterdump())
        finally:
            con.close()

    def query(self, sql: str, *params: object) -> list[tuple]:
        con = sqlite3.connect(self.db)
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()

    def execute(self, sql: str, *params: object) -> None:
        """Change the file directly (and commit), as another program or an older version would."""
        con = sqlite3.connect(self.db)
        try:
            with con:
                con.execute(sql, params)
        finally:
            con.close()

    def given(self) -> dict[str | None, dict]:
        """Each stored claim's fields as given, by ref, as the tool reads them back from the
        file (reconciler.given: ``raw`` keeps only what the other columns do not hold)."""
        from reconciler import given
        from reconciler.db import open_database

        db = open_database(str(self.db))
        try:
            with db.read() as session:
                ids = [row[0] for row in self.query("SELECT id FROM claims ORDER BY id")]
                return {fields.get("ref"): fields for fields in given.by_id(session, ids).values()}
        finally:
            db.dispose()

    def claims(self, *args: str) -> list[dict]:
        result = self("claims", "--json", *args)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Desk:
    monkeypatch.chdir(tmp_path)
    return Desk(tmp_path)


SOURCES_YAML = """\
- name: Armed Forces of Ukraine
  aliases: [ZSU, Army]
  kind: military
  parent: Government of Ukraine
  side: Ukraine
- name: Government of Ukraine
  kind: government
  side: Ukraine
- name: dpa
  kind: media
- name: Interfax
  kind: media
"""


@pytest.fixture
def registered(desk: Desk) -> Desk:
    """A desk whose database holds the sources of the dpa report of 2021-04-07."""
    result = desk("sources", "import", desk.write("sources.yaml", SOURCES_YAML))
    assert result.exit_code == 0, result.output
    return desk


PROMPT = "[a]ccept  [r]eject  [s]kip  [q]uit: "


def run_in_terminal(directory: Path, args: list[str], keys: str, timeout: float = 60) -> tuple[int, str]:
    """Run `reconcile ARGS` as a real process on a pseudo-terminal (stdin, stdout and stderr), and
    type one of ``keys`` at each `review` prompt. Returns the exit code and the output, with
    rich's styles removed and the terminal's CR LF read as LF.

    A key is typed only once the program has put the terminal in raw mode to read it: switching
    to raw mode discards what was typed before.
    """
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 250, 0, 0))  # 50 rows, 250 columns
    process = subprocess.Popen([sys.executable, "-m", "cli", *args], stdin=slave, stdout=slave, stderr=slave,
                               cwd=directory, start_new_session=True)
    output, typed, deadline = b"", 0, time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if select.select([master], [], [], 0.05)[0]:
                try:
                    output += os.read(master, 65536)
                except OSError:  # the terminal closed
                    break
            if process.poll() is not None and not select.select([master], [], [], 0.2)[0]:
                break
            raw = not termios.tcgetattr(slave)[3] & termios.ICANON
            if typed < len(keys) and raw and output.decode(errors="replace").count(PROMPT) > typed:
                os.write(master, keys[typed].encode())
                typed += 1
        else:
            raise AssertionError(f"still running after {timeout} s: {output.decode(errors='replace')}")
        return process.wait(timeout=10), re.sub(r"\x1b\[[0-9;]*m", "", output.decode()).replace("\r\n", "\n")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
        os.close(slave)


def generated_database(tmp_path: Path, n_claims: int, seed: int, name: str, more=None, span_days: int | None = None):
    """A real SQLite file in ``tmp_path`` holding ``n_claims`` claims of bench/generate.py (over
    ``span_days``, or the generator's two years; and the claims ``more``, a function of the
    generated ones, adds), imported, not yet run; the caller disposes of it. Returns (database,
    the generated claims)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import generate

    span = {} if span_days is None else {"span_days": span_days}
    sources, claims, truth = generate.generate(n_claims, seed=seed, **span)
    data = tmp_path / f"{name}-data"
    generate.write(data, sources, claims + (more(claims) if more else []), [], truth)
    return imported_database(tmp_path / f"{name}.sqlite", data), claims


def imported_database(path: Path, data: Path, user: str = USER):
    """A real SQLite file at ``path`` with ``data``'s sources.yaml and claims.jsonl imported (as
    bench/generate.py writes them), not yet run; the caller disposes of it."""
    from reconciler import schema
    from reconciler.db import open_database
    from reconciler.importing import import_claims
    from reconciler.places import PlaceNormaliser
    from reconciler.reading import read_claim_file
    from reconciler.sources import import_sources, read_source_file

    db = open_database(str(path))
    schema.upgrade(db)
    with db.write() as session:
        import_sources(session, read_source_file(data / "sources.yaml"), user, "sources.yaml")
    with db.write() as session:
        import_claims(session, read_claim_file(data / "claims.jsonl"), user, PlaceNormaliser())
    return db
