"""Generated documents behind unguessable, expiring links (``/files/<token>/<filename>``).

Teams bots cannot attach files in channels without Graph and SharePoint, so the minutes
are served by our own web app instead. A link is a random token (256 bits); only its
SHA-256 is stored, and every link stops working after its time to live.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage.models import SharedFile

DEFAULT_TTL = timedelta(hours=24)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def share(
    session: Session,
    /,
    *,
    filename: str,
    mime_type: str,
    content: bytes,
    at: datetime,
    ttl: timedelta = DEFAULT_TTL,
) -> str:
    """Store a document and return the token of its link; expired documents are removed.

    Args:
        session: the transaction.
        filename: the name the download gets (also part of the link).
        mime_type: its media type.
        content: the bytes.
        at: now (aware).
        ttl: how long the link works.

    Returns:
        The token (URL-safe); it is not stored, so keep it in the link.
    """
    session.execute(delete(SharedFile).where(col(SharedFile.expires_at) < at))
    token = secrets.token_urlsafe(32)
    session.add(
        SharedFile(
            token_hash=_hash(token),
            filename=filename,
            mime_type=mime_type,
            content=content,
            created_at=at,
            expires_at=at + ttl,
        )
    )
    session.flush()
    return token


def fetch(session: Session, /, *, token: str, filename: str, now: datetime) -> SharedFile | None:
    """The document a link serves, or None: unknown token, other file name, or expired."""
    if not token or len(token) > 100:
        return None
    found = session.exec(select(SharedFile).where(SharedFile.token_hash == _hash(token))).first()
    if found is None or found.filename != filename or found.expires_at <= now:
        return None
    return found
