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
