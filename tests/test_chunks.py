"""Long IN lists, one chunk a statement."""

import sqlalchemy as sa

from reconciler.db import chunks, select_in


def test_chunks_are_consecutive_slices_of_at_most_the_size():
    assert list(chunks([1, 2, 3, 4, 5], 2)) == [[1, 2], [3, 4], [5]]
    assert list(chunks([1, 2], 5)) == [[1, 2]]
    assert list(chunks([], 3)) == []


def test_select_in_gives_the_rows_of_every_chunk_in_turn():
    table = sa.Table("t", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.Text))
    engine = sa.create_engine("sqlite://")
    with engine.begin() as conn:
        table.create(conn)
        conn.execute(table.insert(), [{"id": i, "name": f"n{i}"} for i in range(1, 8)])
        statements = []
        sa.event.listen(conn, "before_cursor_execute", lambda *args: statements.append(args[2]))
        query = sa.select(table.c.id, table.c.name).order_by(table.c.id)
        rows = [tuple(row) for row in select_in(conn, query, table.c.id, [6, 2, 9, 3, 7], 2)]
    # [6, 2] then [9, 3] then [7]: each chunk in id order, 9 matches nothing.
    assert rows == [(2, "n2"), (6, "n6"), (3, "n3"), (7, "n7")]
    assert len(statements) == 3


def _events_db(tmp_path):
    from reconciler import schema
    from reconciler.db import open_database

    db = open_database(str(tmp_path / "ids.sqlite"))
    schema.upgrade(db)
    return db


def test_reserve_ids_gives_the_ids_after_the_largest_as_sqlite_would(tmp_path):
    from reconciler.db import reserve_ids
    from reconciler.models import Event, core

    db = _events_db(tmp_path)
    row = {"status": "unverified", "reason": "", "updated_by": "t", "n_claims": 0, "n_origins": 0, "origins": [],
           "manual": False, "active": True, "version": 1}
    with db.write() as session:
        assert reserve_ids(session, "events", 0) == []
        assert reserve_ids(session, "events", 3) == [1, 2, 3]   # an empty table
        session.connection().execute(core(Event).insert(), [row | {"id": 4}, row | {"id": 9}])
        ids = reserve_ids(session, "events", 2)
        assert ids == [10, 11]
        session.connection().execute(core(Event).insert(), [row | {"id": i} for i in ids])
        # And SQLite, left to choose, goes on from there.
        session.connection().execute(core(Event).insert(), [row])
        assert session.execute(sa.text("SELECT max(id) FROM events")).scalar_one() == 12
    db.dispose()


def test_a_json_column_writes_json_text_as_it_is(tmp_path):
    from reconciler.db import JSONText
    from reconciler.models import Event, core

    db = _events_db(tmp_path)
    with db.write() as session:
        session.connection().execute(core(Event).insert(), [
            {"id": 1, "status": "unverified", "reason": "", "updated_by": "t", "origins": JSONText('["A", "B"]')},
            {"id": 2, "status": "unverified", "reason": "", "updated_by": "t", "origins": ["A", "B"]},
            {"id": 3, "status": "unverified", "reason": "", "updated_by": "t", "origins": '["A"]'}])
        stored = session.execute(sa.text("SELECT id, origins FROM events ORDER BY id")).all()
        read = session.execute(sa.select(core(Event).c.origins).order_by(core(Event).c.id)).scalars().all()
    db.dispose()
    # Encoded text goes in verbatim, a list is encoded, and a plain string stays a JSON string.
    assert stored == [(1, '["A", "B"]'), (2, '["A", "B"]'), (3, '"[\\"A\\"]"')]
    assert read == [["A", "B"], ["A", "B"], '["A"]']
