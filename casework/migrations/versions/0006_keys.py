"""key ids and rotation (issue 9)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nothing to change in the schema: the key id travels inside each sealed value (format
    # version 2, casework/crypto.py) and lookup hashes are found under every key of the ring,
    # so no key-id columns are needed. Values in the old version-1 format (one secret, no key
    # id) are not converted here: see docs/keys.md, "Version-1 data".
    pass


def downgrade() -> None:
    pass
