"""claims: every place a name could be, the names as written, the kind the quote names;
places and place_names: the desk's own places and GeoNames dumps

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 02:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0006'
down_revision: Union[str, None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Worked out from the gazetteer and the vocabularies, not from SQL: `reconcile renormalise`
    # fills them for the claims stored before this revision (`reconcile init` says so).
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('place_candidates', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('place_names', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('text_type_category', sa.String(length=32), nullable=True))
    op.create_table(
        'places',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('origin', sa.String(length=16), nullable=False),
        sa.Column('geonameid', sa.Integer(), nullable=True),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('lat', sa.Float(), nullable=False),
        sa.Column('lon', sa.Float(), nullable=False),
        sa.Column('feature_class', sa.String(length=1), nullable=True),
        sa.Column('feature_code', sa.String(length=10), nullable=True),
        sa.Column('country', sa.String(length=2), nullable=True),
        sa.Column('admin1', sa.String(length=20), nullable=True),
        sa.Column('population', sa.Integer(), nullable=False),
        sa.Column('file', sa.Text(), nullable=True),
        sa.Column('created_by', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by', sa.String(length=200), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("origin IN ('geonames', 'desk')", name=op.f('ck_places_origin')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_places')),
        sa.UniqueConstraint('geonameid', name=op.f('uq_places_geonameid')),
    )
    op.create_table(
        'place_names',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('place_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('name_key', sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_place_names_place_id_places'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_place_names')),
    )
    with op.batch_alter_table('place_names', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_place_names_place_id'), ['place_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_place_names_name_key'), ['name_key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('place_names', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_place_names_name_key'))
        batch_op.drop_index(batch_op.f('ix_place_names_place_id'))
    op.drop_table('place_names')
    op.drop_table('places')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_column('text_type_category')
        batch_op.drop_column('place_names')
        batch_op.drop_column('place_candidates')
