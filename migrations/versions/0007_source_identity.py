"""source names folded with NFKC_Casefold; people's word that look-alike sources differ

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 03:00:00

The keys of source names and aliases are rewritten with this version's folding
(reconciler.names.name_key); most names keep theirs (see reconciler.rekeying for the others
and for names that now share a key). The downgrade rewrites them with the old folding.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0007'
down_revision: Union[str, None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    from reconciler.names import name_key
    from reconciler.rekeying import rekey_sources

    op.create_table('source_distinctions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('other_id', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['other_id'], ['sources.id'], name=op.f('fk_source_distinctions_other_id_sources'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_source_distinctions_source_id_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source_distinctions')),
    sa.UniqueConstraint('source_id', 'other_id', name=op.f('uq_source_distinctions_source_id_other_id'))
    )
    with op.batch_alter_table('source_distinctions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_source_distinctions_other_id'), ['other_id'], unique=False)
    rekey_sources(op.get_bind(), name_key)


def downgrade() -> None:
    from reconciler.translit import ascii_key
    from reconciler.rekeying import rekey_sources

    with op.batch_alter_table('source_distinctions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_distinctions_other_id'))
    op.drop_table('source_distinctions')
    rekey_sources(op.get_bind(), ascii_key)
