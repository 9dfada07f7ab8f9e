"""Process start-up shared by every entry point: logging, engine, migrations."""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from bot.observability import setup_logging
from bot.settings import Settings
from storage.db import make_engine
from storage.migrate import upgrade


class StartupError(RuntimeError):
    """The process cannot start; the message says why in plain words."""


def configure_logging(settings: Settings, *, default_format: str = "text") -> None:
    """Log to standard error at the configured level, secrets redacted.

    Args:
        settings: ``LOG_LEVEL`` and ``LOG_FORMAT``.
        default_format: used when ``LOG_FORMAT`` is unset ("text" for the shell, "json" for
            the web app, which also switches to JSON when it starts serving).
    """
    setup_logging(settings, default_format=default_format)
    # Migration chatter is noise in a terminal session; warnings still show.
    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.getLogger().level))


def open_database(settings: Settings, *, migrate: bool = True) -> Engine:
    """Create the engine and bring the schema up to date.

    Raises:
        StartupError: the database cannot be reached or migrated.
    """
    engine = make_engine(settings.database_url)
    if migrate:
        try:
            upgrade(engine)
        except OperationalError as err:
            raise StartupError(
                f"Kan inte nå databasen ({engine.url.render_as_string(hide_password=True)}): "
                f"{err.orig}"
            ) from err
    return engine
