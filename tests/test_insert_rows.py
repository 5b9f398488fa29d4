"""db.insert_rows and insert_values: on SQLite, rows go through the driver's executemany with each column's own
bind processor; what is stored must be what a Core insert stores."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timezone

import pytest

from reconciler import schema
from reconciler.db import insert_rows, insert_values, open_database
from reconciler.models import Event, Run, core


def _event(event_id: int, **changes) -> dict:
    row = {"id": event_id, "status": "unverified", "reason": "rests on one origin (Army)", "manual": False,
           "graded_by": None, "graded_at": None, "active": True, "date_start": date(2021, 4, 6),
           "date_end": date(2021, 4, 7), "place_key": "geonames:713122", "place_label": "Avdiivka",
           "killed_low": 2, "killed_best": 2, "killed_high": 2, "wounded_low": None, "wounded_best": None,
           "wounded_high": None, "n_claims": 2, "n_origins": 1, "origins": [1, 2], "created_run_id": 1,
           "updated_run_id": 1, "updated_at": datetime(2021, 4, 7, 9, 30, tzinfo=timezone.utc),
           "updated_by": "tester", "version": 1}
    return row | changes


@pytest.fixture
def db(tmp_path):
    database = open_database(str(tmp_path / "rows.sqlite"))
    schema.upgrade(database)
    with database.write() as session:
        session.add(Run(id=1, user="tester", config={}))
    yield database
    database.dispose()


def test_insert_rows_stores_what_a_core_insert_stores(db, tmp_path):
    with db.write() as session:
        session.connection().execute(core(Event).insert(), [_event(1)])
        insert_rows(session, core(Event), [_event(2), _event(3, manual=True, origins=[], date_end=None)])
    con = sqlite3.connect(tmp_path / "rows.sqlite")
    con.row_factory = sqlite3.Row
    stored = {row["id"]: dict(row) for row in con.execute("SELECT * FROM events ORDER BY id")}
    con.close()
    assert stored[2] | {"id": 1} == stored[1]
    # Worked out by hand: dates as ISO text, booleans as 0 and 1, JSON as json.dumps writes it,
    # a time with its microseconds (SQLAlchemy's text for SQLite), None as NULL.
    third = stored[3]
    assert (third["manual"], third["active"], third["date_start"], third["date_end"], third["origins"],
            third["updated_at"], third["wounded_low"]) == (1, 1, "2021-04-06", None, "[]",
                                                         "2021-04-07 09:30:00.000000", None)


def test_insert_rows_refuses_rows_that_leave_out_a_column_with_a_default(db):
    row = _event(1)
    del row["version"]
    with db.write() as session:
        with pytest.raises(ValueError, match="leave out version, which have defaults"):
            insert_rows(session, core(Event), [row])


def test_insert_values_stores_what_insert_rows_stores_and_writes_encoded_columns_as_they_are(db, tmp_path):
    names = list(_event(1))
    with db.write() as session:
        insert_rows(session, core(Event), [_event(1)])
        insert_values(session, core(Event), names, [tuple(_event(2).values())])
        # The origins given as JSON text already ("encoded"): stored as given, not encoded again.
        insert_values(session, core(Event), names, [tuple(_event(3, origins='["Army","UN"]').values())],
                      encoded=("origins",))
    con = sqlite3.connect(tmp_path / "rows.sqlite")
    con.row_factory = sqlite3.Row
    stored = {row["id"]: dict(row) for row in con.execute("SELECT * FROM events ORDER BY id")}
    con.close()
    assert stored[2] | {"id": 1} == stored[1]
    assert (stored[3]["origins"], stored[2]["origins"]) == ('["Army","UN"]', "[1, 2]")
    assert stored[3] | {"id": 1, "origins": "[1, 2]"} == stored[1]
