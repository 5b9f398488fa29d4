"""claims: the marks for the next run in a narrow table of their own (claim_marks)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-09 09:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0011'
down_revision: Union[str, None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'claim_marks',
        sa.Column('claim_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_marks_claim_id_claims'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('claim_id', name=op.f('pk_claim_marks')),
    )
    # Every claim marked before is marked still, at its version (a run then clears it as before).
    op.execute("INSERT INTO claim_marks (claim_id, version) SELECT id, version FROM claims WHERE needs_match")
    op.drop_index(op.f('ix_claims_needs_match'), table_name='claims')
    # Plain DROP COLUMN (SQLite 3.35 and later), not batch mode: rebuilding `claims` on SQLite
    # would drop it, and with it (foreign keys on) every row that cascades from a claim.
    op.execute('ALTER TABLE claims DROP COLUMN "needs_match"')


def downgrade() -> None:
    op.add_column('claims', sa.Column('needs_match', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE claims SET needs_match = true WHERE id IN (SELECT claim_id FROM claim_marks)")
    op.create_index(op.f('ix_claims_needs_match'), 'claims', ['needs_match'], unique=False)
    op.drop_table('claim_marks')
