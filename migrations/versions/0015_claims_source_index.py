"""claims: the index on source_id alone dropped; the unique index on (source_id, ref) serves every
look-up by source (a million claims: 11 MB of the file, and one index less for an import to keep)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-12 10:00:00
"""
from typing import Sequence, Union

from alembic import op

revision: str = '0015'
down_revision: Union[str, None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.drop_index('ix_claims_source_id', table_name='claims')


def downgrade() -> None:
    op.create_index('ix_claims_source_id', 'claims', ['source_id'], unique=False)
