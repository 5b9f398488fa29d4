"""decisions, review queue, audit log, run lease

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 19:30:10.488593
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0002'
down_revision: Union[str, None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', sa.String(length=40), nullable=False),
    sa.Column('user', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.String(length=100), nullable=True),
    sa.Column('events', sa.JSON(), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_log_hash')),
    sa.UniqueConstraint('seq', name=op.f('uq_audit_log_seq'))
    )
    op.create_table('run_lease',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('holder', sa.String(length=200), nullable=False),
    sa.Column('host', sa.String(length=200), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('acquired_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_run_lease'))
    )
    op.create_table('pair_constraints',
    sa.Column('claim_a', sa.Integer(), nullable=False),
    sa.Column('claim_b', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('must', 'cannot')", name=op.f('ck_pair_constraints_kind')),
    sa.CheckConstraint('claim_a < claim_b', name=op.f('ck_pair_constraints_order')),
    sa.ForeignKeyConstraint(['claim_a'], ['claims.id'], name=op.f('fk_pair_constraints_claim_a_claims'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['claim_b'], ['claims.id'], name=op.f('fk_pair_constraints_claim_b_claims'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('claim_a', 'claim_b', name=op.f('pk_pair_constraints'))
    )
    op.create_table('review_pairs',
    sa.Column('claim_a', sa.Integer(), nullable=False),
    sa.Column('claim_b', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('components', sa.JSON(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['claim_a'], ['claims.id'], name=op.f('fk_review_pairs_claim_a_claims'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['claim_b'], ['claims.id'], name=op.f('fk_review_pairs_claim_b_claims'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_review_pairs_run_id_runs')),
    sa.PrimaryKeyConstraint('claim_a', 'claim_b', name=op.f('pk_review_pairs'))
    )


def downgrade() -> None:
    op.drop_table('review_pairs')
    op.drop_table('pair_constraints')
    op.drop_table('run_lease')
    op.drop_table('audit_log')
