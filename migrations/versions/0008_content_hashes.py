"""content hashes: audit entries carry the hash of every row they wrote; a table of current hashes

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 00:30:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0008'
down_revision: Union[str, None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content', sa.JSON(), nullable=True))
    table = op.create_table(
        'content_hashes',
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('row_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('row_id2', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.Column('run_hash', sa.String(length=64), nullable=True),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('kind', 'row_id', 'row_id2', name=op.f('pk_content_hashes')),
    )
    # Rows written before this revision have no recorded hash. The hashes are worked out by the
    # code that checks them (reconciler.content), not here: `reconcile init` (or the first write
    # after the upgrade) records them in one audit entry, a baseline, when it sees this marker.
    held = op.get_bind().execute(sa.text(
        "SELECT EXISTS (SELECT 1 FROM claims) OR EXISTS (SELECT 1 FROM sources) "
        "OR EXISTS (SELECT 1 FROM pair_constraints) OR EXISTS (SELECT 1 FROM events WHERE manual) "
        "OR EXISTS (SELECT 1 FROM places)")).scalar()
    if held:
        op.bulk_insert(table, [{'kind': 'baseline', 'row_id': 0, 'row_id2': 0, 'hash': 'pending', 'run_hash': None,
                                'seq': 0}])


def downgrade() -> None:
    # Entries written since carry content hashes in their own hash: an older version's
    # `audit verify` reports them as edited.
    op.drop_table('content_hashes')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('content')
