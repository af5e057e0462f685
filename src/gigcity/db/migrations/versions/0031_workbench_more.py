"""workbench runs: a kind (compare, equal service) and the equal-service run's parameters

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-04 21:00:00

Runs stored before are ordinary comparisons (`kind` 'compare', no parameters).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workbench_runs") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=16), server_default="compare", nullable=False)
        )
        batch.add_column(sa.Column("params", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workbench_runs") as batch:
        batch.drop_column("params")
        batch.drop_column("kind")
