"""strong_links: the strong links of the last run kept between runs, so that an incremental run
follows a stored claim's links instead of scoring every candidate of that claim again

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-11 09:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0013'
down_revision: Union[str, None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Empty: runs before this revision kept no links, so the first run after it re-matches every
    # claim once (reconciler.runs: a run whose last finished run kept none), and fills it.
    op.create_table(
        'strong_links',
        sa.Column('claim_a', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('claim_b', sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(['claim_a'], ['claims.id'], name=op.f('fk_strong_links_claim_a_claims'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['claim_b'], ['claims.id'], name=op.f('fk_strong_links_claim_b_claims'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('claim_a', 'claim_b', name=op.f('pk_strong_links')),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f('ix_strong_links_claim_b'), 'strong_links', ['claim_b'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_strong_links_claim_b'), table_name='strong_links')
    op.drop_table('strong_links')
