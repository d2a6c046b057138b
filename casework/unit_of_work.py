"""A unit of work: one transaction that rolls back unless explicitly committed."""
from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from casework.crypto import Sealer


class UnitOfWork:
    """Wraps a session; leaving the block without ``commit()`` rolls everything back.

    It also carries the sealer, because whoever reads or writes personal data in
    this transaction needs it and should not reach for a global.
    """

    session: Session

    def __init__(self, session_factory: sessionmaker[Session], sealer: Sealer) -> None:
        self._session_factory = session_factory
        self.sealer = sealer

    def __enter__(self) -> "UnitOfWork":
        self.session = self._session_factory()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
