"""claims: what was hit, as written and as categories

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 02:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0004'
down_revision: Union[str, None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Claims stored before this revision had no `target` field (the importer refused it), so
    # both columns start empty for them; nothing to backfill.
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('target_text', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('target_categories', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_column('target_categories')
        batch_op.drop_column('target_text')
