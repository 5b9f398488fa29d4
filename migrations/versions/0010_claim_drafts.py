"""claims: drafts (the import's `draft` member), their state and who settled them

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 09:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0010'
down_revision: Union[str, None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_COLUMNS = ('draft_state', 'draft', 'draft_settled_by', 'draft_settled_at', 'draft_reason')


def upgrade() -> None:
    # Plain ADD COLUMN, not batch mode: rebuilding `claims` on SQLite would drop it, and with it
    # (foreign keys on) every relay, link, change and decision that cascades from a claim. SQLite
    # adds a column with its own CHECK. Every claim stored before is one a person wrote: NULL in
    # each column, so its content hash (which leaves NULLs out) stays as the trail recorded it.
    op.add_column('claims', sa.Column('draft_state', sa.String(length=16),
                                      sa.CheckConstraint("draft_state IN ('draft', 'accepted', 'rejected')",
                                                         name=op.f('ck_claims_draft_state')), nullable=True))
    op.add_column('claims', sa.Column('draft', sa.JSON(none_as_null=True), nullable=True))
    op.add_column('claims', sa.Column('draft_settled_by', sa.String(length=200), nullable=True))
    op.add_column('claims', sa.Column('draft_settled_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('claims', sa.Column('draft_reason', sa.Text(), nullable=True))
    op.create_index(op.f('ix_claims_draft_state'), 'claims', ['draft_state'], unique=False)


def downgrade() -> None:
    # The older schema has no way to keep a claim out of grading (a draft not accepted would
    # become a claim that counts), nor to hold who accepted one: the audit trail's hashes of
    # drafts would no longer match. Refused while any draft is stored.
    bind = op.get_bind()
    held = bind.execute(sa.text("SELECT count(*) FROM claims WHERE draft_state IS NOT NULL")).scalar()
    if held:
        raise RuntimeError(f"{held} draft claim(s) are stored; the schema before revision 0010 cannot hold them "
                           "(it would count drafts not accepted as claims). Restore a backup taken before they "
                           "were imported instead")
    op.drop_index(op.f('ix_claims_draft_state'), table_name='claims')
    # Plain DROP COLUMN (SQLite 3.35 and later) for the reason given in upgrade().
    for column in reversed(_COLUMNS):
        if bind.dialect.name != 'sqlite' and column == 'draft_state':
            op.drop_constraint(op.f('ck_claims_draft_state'), 'claims', type_='check')
        op.execute(f'ALTER TABLE claims DROP COLUMN "{column}"')
