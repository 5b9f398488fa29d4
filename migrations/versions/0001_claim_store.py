"""claim store: sources, reports, claims, events, links, runs

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 19:23:38.385334
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0001'
down_revision: Union[str, None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user', sa.String(length=200), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('full', sa.Boolean(), nullable=False),
    sa.Column('config', sa.JSON(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_runs'))
    )
    op.create_table('sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('name_key', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('side', sa.String(length=200), nullable=True),
    sa.Column('registered', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('military', 'government', 'intergovernmental', 'ngo', 'media', 'social', 'individual', 'unknown')", name=op.f('ck_sources_kind')),
    sa.ForeignKeyConstraint(['parent_id'], ['sources.id'], name=op.f('fk_sources_parent_id_sources'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sources')),
    sa.UniqueConstraint('name_key', name=op.f('uq_sources_name_key'))
    )
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('manual', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('date_start', sa.Date(), nullable=True),
    sa.Column('date_end', sa.Date(), nullable=True),
    sa.Column('place_key', sa.String(length=300), nullable=True),
    sa.Column('place_label', sa.String(length=300), nullable=True),
    sa.Column('killed_low', sa.Integer(), nullable=True),
    sa.Column('killed_best', sa.Integer(), nullable=True),
    sa.Column('killed_high', sa.Integer(), nullable=True),
    sa.Column('wounded_low', sa.Integer(), nullable=True),
    sa.Column('wounded_best', sa.Integer(), nullable=True),
    sa.Column('wounded_high', sa.Integer(), nullable=True),
    sa.Column('n_claims', sa.Integer(), nullable=False),
    sa.Column('n_origins', sa.Integer(), nullable=False),
    sa.Column('origins', sa.JSON(), nullable=False),
    sa.Column('created_run_id', sa.Integer(), nullable=True),
    sa.Column('updated_run_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('independently_verified', 'unverified', 'contested')", name=op.f('ck_events_status')),
    sa.ForeignKeyConstraint(['created_run_id'], ['runs.id'], name=op.f('fk_events_created_run_id_runs')),
    sa.ForeignKeyConstraint(['updated_run_id'], ['runs.id'], name=op.f('fk_events_updated_run_id_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_active'), ['active'], unique=False)

    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('title_key', sa.String(length=64), nullable=False),
    sa.Column('publisher_id', sa.Integer(), nullable=True),
    sa.Column('published_text', sa.String(length=64), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['publisher_id'], ['sources.id'], name=op.f('fk_reports_publisher_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports')),
    sa.UniqueConstraint('title_key', name=op.f('uq_reports_title_key'))
    )
    op.create_table('source_aliases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('alias', sa.String(length=300), nullable=False),
    sa.Column('alias_key', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_source_aliases_source_id_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source_aliases')),
    sa.UniqueConstraint('alias_key', name=op.f('uq_source_aliases_alias_key'))
    )
    with op.batch_alter_table('source_aliases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_source_aliases_source_id'), ['source_id'], unique=False)

    op.create_table('claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=300), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('source_text', sa.String(length=300), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('date_text', sa.String(length=64), nullable=False),
    sa.Column('date_start', sa.Date(), nullable=False),
    sa.Column('date_end', sa.Date(), nullable=False),
    sa.Column('date_precision', sa.String(length=8), nullable=False),
    sa.Column('place_text', sa.Text(), nullable=True),
    sa.Column('place_key', sa.String(length=300), nullable=True),
    sa.Column('place_label', sa.String(length=300), nullable=True),
    sa.Column('place_geonameid', sa.Integer(), nullable=True),
    sa.Column('place_method', sa.String(length=16), nullable=True),
    sa.Column('region_text', sa.Text(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('type_text', sa.Text(), nullable=True),
    sa.Column('type_category', sa.String(length=32), nullable=True),
    sa.Column('actor_text', sa.Text(), nullable=True),
    sa.Column('actor_key', sa.String(length=300), nullable=True),
    sa.Column('victims_text', sa.Text(), nullable=True),
    sa.Column('victims_category', sa.String(length=16), nullable=True),
    sa.Column('stance', sa.String(length=8), nullable=False),
    sa.Column('killed_text', sa.String(length=100), nullable=True),
    sa.Column('killed_low', sa.Integer(), nullable=True),
    sa.Column('killed_high', sa.Integer(), nullable=True),
    sa.Column('wounded_text', sa.String(length=100), nullable=True),
    sa.Column('wounded_low', sa.Integer(), nullable=True),
    sa.Column('wounded_high', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('lang', sa.String(length=16), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('raw', sa.JSON(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('needs_match', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("stance IN ('asserts', 'denies')", name=op.f('ck_claims_stance')),
    sa.CheckConstraint('date_start <= date_end', name=op.f('ck_claims_date_order')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_claims_report_id_reports')),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_claims_source_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claims')),
    sa.UniqueConstraint('fingerprint', name=op.f('uq_claims_fingerprint')),
    sa.UniqueConstraint('source_id', 'ref', name=op.f('uq_claims_source_id_ref'))
    )
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.create_index('ix_claims_date', ['date_start', 'date_end'], unique=False)
        batch_op.create_index(batch_op.f('ix_claims_needs_match'), ['needs_match'], unique=False)
        batch_op.create_index(batch_op.f('ix_claims_place_key'), ['place_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_claims_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_claims_source_id'), ['source_id'], unique=False)

    op.create_table('event_lineage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('old_event_id', sa.Integer(), nullable=False),
    sa.Column('new_event_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['new_event_id'], ['events.id'], name=op.f('fk_event_lineage_new_event_id_events')),
    sa.ForeignKeyConstraint(['old_event_id'], ['events.id'], name=op.f('fk_event_lineage_old_event_id_events')),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_event_lineage_run_id_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_lineage'))
    )
    with op.batch_alter_table('event_lineage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_lineage_new_event_id'), ['new_event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_lineage_old_event_id'), ['old_event_id'], unique=False)

    op.create_table('claim_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('changed_by', sa.String(length=200), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_changes_claim_id_claims'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_changes'))
    )
    with op.batch_alter_table('claim_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_changes_claim_id'), ['claim_id'], unique=False)

    op.create_table('claim_links',
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('partner_claim_id', sa.Integer(), nullable=True),
    sa.Column('components', sa.JSON(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_links_claim_id_claims'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_claim_links_event_id_events')),
    sa.ForeignKeyConstraint(['partner_claim_id'], ['claims.id'], name=op.f('fk_claim_links_partner_claim_id_claims'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_claim_links_run_id_runs')),
    sa.PrimaryKeyConstraint('claim_id', name=op.f('pk_claim_links'))
    )
    with op.batch_alter_table('claim_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_links_event_id'), ['event_id'], unique=False)

    op.create_table('claim_relays',
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('source_text', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_relays_claim_id_claims'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_claim_relays_source_id_sources')),
    sa.PrimaryKeyConstraint('claim_id', 'position', name=op.f('pk_claim_relays'))
    )
    with op.batch_alter_table('claim_relays', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_relays_source_id'), ['source_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('claim_relays', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_relays_source_id'))

    op.drop_table('claim_relays')
    with op.batch_alter_table('claim_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_links_event_id'))

    op.drop_table('claim_links')
    with op.batch_alter_table('claim_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_changes_claim_id'))

    op.drop_table('claim_changes')
    with op.batch_alter_table('event_lineage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_lineage_old_event_id'))
        batch_op.drop_index(batch_op.f('ix_event_lineage_new_event_id'))

    op.drop_table('event_lineage')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claims_source_id'))
        batch_op.drop_index(batch_op.f('ix_claims_report_id'))
        batch_op.drop_index(batch_op.f('ix_claims_place_key'))
        batch_op.drop_index(batch_op.f('ix_claims_needs_match'))
        batch_op.drop_index('ix_claims_date')

    op.drop_table('claims')
    with op.batch_alter_table('source_aliases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_aliases_source_id'))

    op.drop_table('source_aliases')
    op.drop_table('reports')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_active'))

    op.drop_table('events')
    op.drop_table('sources')
    op.drop_table('runs')
