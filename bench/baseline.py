"""The events and grades of a full run, compared with those of another version of the code.

`benchmark.py --baseline DIR` runs the checkout in DIR (another commit of this project) on the
same generated claims: its own CLI (`init`, `sources import`, `import`, `run`) in a subprocess
with ``PYTHONPATH=DIR`` and a fresh SQLite file of its own. The two files are then compared
through plain SQL on the few columns every version has (``claims.ref``,
``claim_links.claim_id/event_id``, ``events.id/status/reason/active``), so that two versions with
different schemas can be compared: an event is the set of its claims' refs (event and claim ids
may differ), and each event's status and reason must match.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

USER = "bench"


def load_events(db_path: Path) -> dict[frozenset[str], tuple[str, str]]:
    """The active events of a SQLite file: the set of their claims' refs -> (status, reason)."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        ref = dict(conn.execute("SELECT id, ref FROM claims"))
        grade = {eid: (status, reason) for eid, status, reason, active
                 in conn.execute("SELECT id, status, reason, active FROM events") if active}
        members: dict[int, set[str]] = {}
        for claim_id, event_id in conn.execute("SELECT claim_id, event_id FROM claim_links"):
            if event_id in grade:
                members.setdefault(event_id, set()).add(ref[claim_id])
    finally:
        conn.close()
    return {frozenset(refs): grade[eid] for eid, refs in members.items()}


def compare_events(ours: dict[frozenset[str], tuple[str, str]], theirs: dict[frozenset[str], tuple[str, str]],
                   examples: int = 3) -> dict:
    """What differs between two sets of events (from :func:`load_events`).

    Returns counts of events only in one, of events in both whose status or reason differs, and
    a few examples of each, each event named by its first refs."""
    only_ours = [e for e in ours if e not in theirs]
    only_theirs = [e for e in theirs if e not in ours]
    regraded = [e for e in ours if e in theirs and ours[e] != theirs[e]]

    def name(refs: frozenset[str]) -> str:
        first = sorted(refs)
        return "{" + ", ".join(first[:4]) + (f", … ({len(first)} claims)" if len(first) > 4 else "") + "}"

    return {
        "events": len(ours), "baseline_events": len(theirs),
        "only_here": len(only_ours), "only_in_baseline": len(only_theirs), "grade_differs": len(regraded),
        "same": not (only_ours or only_theirs or regraded),
        "examples": (
            [f"only here: {name(e)} {ours[e][0]}" for e in sorted(only_ours, key=sorted)[:examples]]
            + [f"only in the baseline: {name(e)} {theirs[e][0]}" for e in sorted(only_theirs, key=sorted)[:examples]]
            + [f"{name(e)}: here {ours[e][0]} ({ours[e][1]!r}), baseline {theirs[e][0]} ({theirs[e][1]!r})"
               for e in sorted(regraded, key=sorted)[:examples]]),
    }


def commit_of(directory: Path) -> str | None:
    try:
        return subprocess.run(["git", "-C", str(directory), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip() or None
    except (OSError, subprocess.CalledProcessError):
        stamp = directory / "COMMIT"
        return stamp.read_text().strip()[:12] if stamp.exists() else None


# Run in the subprocess: the baseline's own CLI, after checking that its reconciler is the one imported.
_RUNNER = """
import sys
from pathlib import Path
import reconciler
where = Path(reconciler.__file__).resolve().parent.parent
if where != Path(sys.argv[1]).resolve():
    sys.exit(f"the baseline run imported reconciler from {where}, not from {sys.argv[1]}")
from cli.main import cli
cli.main(args=sys.argv[2:], prog_name="reconcile", standalone_mode=True)
"""


def run_baseline(directory: Path, data: Path, db_path: Path) -> dict:
    """Import and fully run the claims in ``data`` with the code in ``directory``, into ``db_path``.

    The processes start in ``directory``, so that neither the current directory nor an editable
    install of this checkout puts this code before that one (the runner checks which it got).

    Returns the seconds each step took (whole CLI processes, start-up included)."""
    directory, data, db_path = directory.resolve(), data.resolve(), db_path.resolve()
    env = dict(os.environ, PYTHONPATH=str(directory))
    steps = [("init", ["init"]), ("sources", ["sources", "import", str(data / "sources.yaml")]),
             ("import", ["import", str(data / "claims.jsonl")]), ("run", ["run", "--full"])]
    spent = {}
    for name, args in steps:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", _RUNNER, str(directory), "--db", str(db_path), "--user", USER,
                               *args], env=env, cwd=directory, capture_output=True, text=True)
        spent[name] = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"the baseline in {directory} failed at `{' '.join(args)}` (exit {done.returncode}):\n"
                               f"{done.stderr.strip() or done.stdout.strip()}")
    return spent
