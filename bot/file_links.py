"""Download links for generated documents: ``GET /files/<token>/<filename>``.

Used where a chat platform cannot take a file from a bot (Teams channels): the reply
carries buttons that open these links. Install with
``create_app(settings, engine, [install_file_routes])``.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from urllib.parse import quote

from aiohttp import web
from sqlalchemy.engine import Engine

from bot.settings import Settings
from commands.reply import ReplyFile
from storage import shared_files
from storage.db import transaction

ENGINE = web.AppKey("file_links_engine", Engine)
SETTINGS = web.AppKey("file_links_settings", Settings)
TTL = shared_files.DEFAULT_TTL


def share_files(
    engine: Engine,
    files: tuple[ReplyFile, ...],
    *,
    base_url: str,
    at: datetime,
    ttl: timedelta = TTL,
) -> list[tuple[ReplyFile, str]]:
    """Store the files and return each with its download link.

    Args:
        engine: the database.
        files: the reply's documents.
        base_url: where users reach our web app (``PUBLIC_URL``).
        at: now (aware).
        ttl: how long the links work.
    """
    base = base_url.rstrip("/")
    links: list[tuple[ReplyFile, str]] = []
    with transaction(engine) as session:
        for file in files:
            token = shared_files.share(
                session,
                filename=file.filename,
                mime_type=file.mime_type,
                content=file.as_bytes(),
                at=at,
                ttl=ttl,
            )
            links.append((file, f"{base}/files/{token}/{quote(file.filename)}"))
    return links


def _load(engine: Engine, token: str, filename: str, now: datetime) -> tuple[str, bytes] | None:
    with transaction(engine) as session:
        found = shared_files.fetch(session, token=token, filename=filename, now=now)
        return (found.mime_type, found.content) if found is not None else None


async def file_handler(request: web.Request) -> web.Response:
    """The document, as a download; 404 for an unknown, mismatched or expired link."""
    engine, settings = request.app[ENGINE], request.app[SETTINGS]
    token, filename = request.match_info["token"], request.match_info["filename"]
    found = await asyncio.to_thread(_load, engine, token, filename, settings.now())
    if found is None:
        raise web.HTTPNotFound(text="Länken är okänd eller har gått ut. Be om filen igen.\n")
    mime_type, content = found
    return web.Response(
        body=content,
        content_type=mime_type,
        charset="utf-8" if mime_type.startswith("text/") else None,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def install_file_routes(app: web.Application, settings: Settings, engine: Engine) -> None:
    """A RouteInstaller for bot.web.create_app: adds GET /files/{token}/{filename}."""
    app[ENGINE] = engine
    app[SETTINGS] = settings
    app.router.add_get("/files/{token}/{filename}", file_handler)
