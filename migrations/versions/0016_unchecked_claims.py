"""unchecked_claims: the claims written since a run last checked the claims, kept by triggers on
SQLite (on `claims`, and on the claims' rows of `content_hashes`), so that a run checks those
instead of reading every claim; claim 0 asks the next run to check every claim

The triggers' text is reconciler.content.CHANGE_TRIGGERS as it was at this revision (a run
that finds them missing or different checks every claim and makes them again).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 18:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0016'
down_revision: Union[str, None] = '0015'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_LOG = "INSERT OR IGNORE INTO unchecked_claims (claim_id) VALUES"
TRIGGERS = {
    "unchecked_claims_insert": ("CREATE TRIGGER unchecked_claims_insert AFTER INSERT ON claims "
                                f"BEGIN {_LOG} (new.id); END"),
    "unchecked_claims_update": ("CREATE TRIGGER unchecked_claims_update AFTER UPDATE ON claims "
                                f"BEGIN {_LOG} (old.id); {_LOG} (new.id); END"),
    "unchecked_claims_delete": ("CREATE TRIGGER unchecked_claims_delete AFTER DELETE ON claims "
                                f"BEGIN {_LOG} (old.id); END"),
    "unchecked_claims_hash_insert": ("CREATE TRIGGER unchecked_claims_hash_insert AFTER INSERT ON content_hashes "
                                     f"WHEN new.kind = 'claim' BEGIN {_LOG} (new.row_id); END"),
    "unchecked_claims_hash_update": ("CREATE TRIGGER unchecked_claims_hash_update AFTER UPDATE ON content_hashes "
                                     f"WHEN old.kind = 'claim' OR new.kind = 'claim' BEGIN {_LOG} (old.row_id); "
                                     f"{_LOG} (new.row_id); END"),
    "unchecked_claims_hash_delete": ("CREATE TRIGGER unchecked_claims_hash_delete AFTER DELETE ON content_hashes "
                                     f"WHEN old.kind = 'claim' BEGIN {_LOG} (old.row_id); END"),
}


def upgrade() -> None:
    op.create_table(
        'unchecked_claims',
        sa.Column('claim_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint('claim_id', name='pk_unchecked_claims'),
    )
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("INSERT INTO unchecked_claims (claim_id) VALUES (0)")   # the next run checks every claim
        for sql in TRIGGERS.values():
            op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table('unchecked_claims')
