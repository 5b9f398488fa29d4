"""events: who set a manual grade, and when

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 20:20:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0003'
down_revision: Union[str, None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('graded_by', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('graded_at', sa.DateTime(timezone=True), nullable=True))
    # Manual grades made before this revision: the last person to touch the event set them.
    op.execute("UPDATE events SET graded_by = updated_by, graded_at = updated_at WHERE manual")


def downgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('graded_at')
        batch_op.drop_column('graded_by')
