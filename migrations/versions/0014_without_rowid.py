"""review_pairs and content_hashes as SQLite WITHOUT ROWID tables: each row stored once, in the
order of its primary key, instead of once in the table and again in the primary key's index
(a million claims: about 2.3 million pairs and a million hashes, some 50 MB of the file)

From this revision on, the tool stores a claim's fields as given once (reconciler.given: `raw`
a JSON array of what the other columns do not hold) and a claim's run hash in 16 hex digits; it
reads what versions before wrote. A file this version wrote to and then downgraded below this
revision is not for an older version to read (its `raw` arrays, its run hashes): keep a copy
from before the upgrade for that.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-12 09:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0014'
down_revision: Union[str, None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _review_pairs(name: str, with_rowid: bool) -> None:
    op.create_table(
        name,
        sa.Column('claim_a', sa.Integer(), nullable=False),
        sa.Column('claim_b', sa.Integer(), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('components', sa.JSON(), nullable=False),
        sa.Column('explanation', sa.Text(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['claim_a'], ['claims.id'], name='fk_review_pairs_claim_a_claims', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['claim_b'], ['claims.id'], name='fk_review_pairs_claim_b_claims', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name='fk_review_pairs_run_id_runs'),
        sa.PrimaryKeyConstraint('claim_a', 'claim_b', name='pk_review_pairs'),
        sqlite_with_rowid=with_rowid,
    )


def _content_hashes(name: str, with_rowid: bool) -> None:
    op.create_table(
        name,
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('row_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('row_id2', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.Column('run_hash', sa.String(length=64), nullable=True),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('kind', 'row_id', 'row_id2', name='pk_content_hashes'),
        sqlite_with_rowid=with_rowid,
    )


_COLUMNS = {'review_pairs': 'claim_a, claim_b, score, components, explanation, run_id',
            'content_hashes': 'kind, row_id, row_id2, hash, run_hash, seq'}
_MAKE = {'review_pairs': _review_pairs, 'content_hashes': _content_hashes}


def _rebuild(with_rowid: bool) -> None:
    """Each table made again with or without a rowid, its rows copied in key order (SQLite only:
    PostgreSQL has no rowid)."""
    if op.get_bind().dialect.name != 'sqlite':
        return
    for table, columns in _COLUMNS.items():
        if table == 'review_pairs':
            op.drop_index('ix_review_pairs_claim_b', table_name='review_pairs')
        _MAKE[table](f'{table}_new', with_rowid)
        # A pair of a claim deleted with the foreign keys off (another program) is no pair: the
        # copy would refuse it, and every run rebuilds the queue anyway.
        keep = (' WHERE claim_a IN (SELECT id FROM claims) AND claim_b IN (SELECT id FROM claims)'
                if table == 'review_pairs' else '')
        op.execute(f'INSERT INTO {table}_new ({columns}) SELECT {columns} FROM {table}{keep}')
        op.drop_table(table)
        op.rename_table(f'{table}_new', table)
        if table == 'review_pairs':
            op.create_index('ix_review_pairs_claim_b', 'review_pairs', ['claim_b'], unique=False)


def upgrade() -> None:
    _rebuild(with_rowid=False)


def downgrade() -> None:
    _rebuild(with_rowid=True)
