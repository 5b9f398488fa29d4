"""claims: the index on draft_state holds the drafts only (a partial index, WHERE draft_state IS
NOT NULL): the claims people wrote, nearly all of a store, are NULL there and were an entry each
(a million claims: 10 MB of the file, and one entry less for each claim an import writes); every
look-up of drafts names a state, which implies the index's condition

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 21:30:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0017'
down_revision: Union[str, None] = '0016'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_DRAFTS = sa.text("draft_state IS NOT NULL")


def upgrade() -> None:
    op.drop_index('ix_claims_draft_state', table_name='claims')
    op.create_index('ix_claims_draft_state', 'claims', ['draft_state'], unique=False,
                    sqlite_where=_DRAFTS, postgresql_where=_DRAFTS)


def downgrade() -> None:
    op.drop_index('ix_claims_draft_state', table_name='claims')
    op.create_index('ix_claims_draft_state', 'claims', ['draft_state'], unique=False)
