"""Which channel each person's scheduled messages go by: LINE, or email where they chose it
and this deployment has a mail server."""
from __future__ import annotations

from collections.abc import Collection, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.crypto import Place, Sealer
from casework.models import Account, DigestPreference


def email_addresses(session: Session, sealer: Sealer, line_ids: Iterable[str], channels: Collection[str]
                    ) -> dict[str, str]:
    """The email address of each of these people who chose email; the rest get LINE."""
    wanted = list(dict.fromkeys(line_ids))
    if "email" not in channels or not wanted:
        return {}
    found = {}
    for start in range(0, len(wanted), 500):
        rows = session.execute(
            select(Account.line_user_id, Account.id, DigestPreference.email)
            .join(DigestPreference, DigestPreference.account_id == Account.id)
            .where(Account.line_user_id.in_(wanted[start:start + 500]), DigestPreference.channel == "email",
                   DigestPreference.email.is_not(None)))
        for line_id, account_id, sealed in rows:
            found[line_id] = str(sealer.open_json(sealed, Place("digest_preferences", "email", account_id)))
    return found
