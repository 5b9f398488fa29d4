"""claim_links: each link's score components stored once, as [name, points, note] lists; the
explanation text is worked out from them when shown, and kept only for links without a score

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 06:30:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0009'
down_revision: Union[str, None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_BATCH = 5000


def _links():
    return sa.table('claim_links', sa.column('claim_id', sa.Integer), sa.column('components', sa.JSON),
                    sa.column('explanation', sa.Text))


def upgrade() -> None:
    with op.batch_alter_table('claim_links', schema=None) as batch_op:
        batch_op.alter_column('explanation', existing_type=sa.Text(), nullable=True)
    bind, links = op.get_bind(), _links()
    after = 0
    while True:
        rows = bind.execute(sa.select(links.c.claim_id, links.c.components).where(links.c.claim_id > after)
                            .order_by(links.c.claim_id).limit(_BATCH)).all()
        if not rows:
            break
        after = rows[-1].claim_id
        changed = [{"b_id": cid, "b_components": [[name, part["points"], part["note"]] for name, part in parts.items()]}
                   for cid, parts in rows if isinstance(parts, dict) and parts]
        if changed:
            bind.execute(links.update().where(links.c.claim_id == sa.bindparam("b_id"))
                         .values(components=sa.bindparam("b_components"), explanation=None), changed)


def downgrade() -> None:
    bind, links = op.get_bind(), _links()
    after = 0
    while True:
        rows = bind.execute(sa.select(links.c.claim_id, links.c.components, links.c.explanation)
                            .where(links.c.claim_id > after).order_by(links.c.claim_id).limit(_BATCH)).all()
        if not rows:
            break
        after = rows[-1].claim_id
        changed = []
        for cid, parts, explanation in rows:
            if isinstance(parts, list):
                total = round(sum(points for _n, points, _note in parts), 3)
                text = f"score {total:g}: " + "; ".join(
                    f"{name} {'+' if points > 0 else ('−' if points < 0 else '±')}{abs(points):g} ({note})"
                    for name, points, note in parts)
                changed.append({"b_id": cid, "b_components": {n: {"points": p, "note": t} for n, p, t in parts},
                                "b_explanation": text if parts else (explanation or "")})
        if changed:
            bind.execute(links.update().where(links.c.claim_id == sa.bindparam("b_id"))
                         .values(components=sa.bindparam("b_components"), explanation=sa.bindparam("b_explanation")),
                         changed)
    with op.batch_alter_table('claim_links', schema=None) as batch_op:
        batch_op.alter_column('explanation', existing_type=sa.Text(), nullable=False)
