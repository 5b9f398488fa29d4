"""claims: the region (oblast) of the place, or the one a claim without a place names

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 02:30:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0005'
down_revision: Union[str, None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Worked out from the gazetteer, not from SQL: `reconcile renormalise` fills it for the
    # claims stored before this revision (the README says so after an upgrade).
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('place_region', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_column('place_region')
