"""stays: homes, rooms, beds and bookings

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 23:00:00.000000
"""

from __future__ import annotations

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
