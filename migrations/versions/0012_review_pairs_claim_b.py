"""review_pairs: an index on claim_b, so that a run clears the queue's pairs of the claims it
re-matched without reading the whole queue once for every 900 of them

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-10 09:00:00
"""
from typing import Sequence, Union

from alembic import op

revision: str = '0012'
down_revision: Union[str, None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # The primary key (claim_a, claim_b) serves claim_a; deleting a claim (its pairs cascade) and
    # a run's DELETE ... WHERE claim_b IN (...) scanned the whole table without this.
    op.create_index(op.f('ix_review_pairs_claim_b'), 'review_pairs', ['claim_b'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_review_pairs_claim_b'), table_name='review_pairs')
