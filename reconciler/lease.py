"""One reconciliation run at a time per database: a lease row with an expiry.

A run takes the lease in a short transaction of its own, before its long one. A second run
sees the lease (reads are not blocked in WAL mode), waits up to ``wait`` seconds polling,
then gives up with a message naming the holder. A lease left behind by a killed process is
taken over when it has expired, or at once when its holder was a process on this host that
no longer exists.
"""

from __future__ import annotations

import os
import secrets
import socket
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterator

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from .db import Database, busy_errors
from .errors import RunLockedError
from .models import RunLease, utcnow

LEASE_ID = 1


@dataclass(frozen=True)
class LeaseInfo:
    holder: str
    host: str
    pid: int
    acquired_at: datetime
    expires_at: datetime


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _process_gone(host: str, pid: int) -> bool:
    if host != socket.gethostname():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def holder(db: Database) -> LeaseInfo | None:
    with db.read() as session:
        row = session.get(RunLease, LEASE_ID)
        if row is None:
            return None
        return LeaseInfo(row.holder, row.host, row.pid, _aware(row.acquired_at), _aware(row.expires_at))


def _free(info: LeaseInfo | None) -> bool:
    return info is None or info.expires_at <= utcnow() or _process_gone(info.host, info.pid)


def _try_take(db: Database, user: str, ttl: float, token: str) -> tuple[bool, LeaseInfo | None]:
    """Take the lease if it is free. Returns (taken, the holder when not taken)."""
    try:
        with db.write() as session:
            row = session.get(RunLease, LEASE_ID)
            info = None if row is None else LeaseInfo(row.holder, row.host, row.pid, _aware(row.acquired_at),
                                                      _aware(row.expires_at))
            if not _free(info):
                return False, info
            if row is not None:
                session.delete(row)
                session.flush()
            now = utcnow()
            session.add(RunLease(id=LEASE_ID, holder=user, host=socket.gethostname(), pid=os.getpid(), token=token,
                                 acquired_at=now, expires_at=now + timedelta(seconds=ttl)))
        return True, None
    except IntegrityError:
        # Two first runs inserted the lease row at once (possible on PostgreSQL): the other won.
        return False, holder(db)


@contextmanager
def run_lease(db: Database, user: str, *, wait: float = 60.0, ttl: float = 900.0, poll: float = 0.25) -> Iterator[None]:
    """Hold the run lease for the body of the ``with``; raise RunLockedError after ``wait`` seconds."""
    token = secrets.token_hex(16)
    deadline = time.monotonic() + wait
    while True:
        info = holder(db)
        if _free(info):
            taken, info = _try_take(db, user, ttl, token)
            if taken:
                break
        if time.monotonic() >= deadline and info is not None:
            raise RunLockedError(
                f"another run is in progress: {info.holder} (process {info.pid} on {info.host}) holds it since "
                f"{info.acquired_at:%Y-%m-%d %H:%M:%S} UTC; waited {wait:g} s", waited=wait)
        time.sleep(poll)
    try:
        yield
    finally:
        with busy_errors(db.busy_timeout), db.write() as session:
            session.execute(delete(RunLease).where(RunLease.id == LEASE_ID, RunLease.token == token))
