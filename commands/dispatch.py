"""The older entry point, kept for callers that only want the reply: see :mod:`commands.pipeline`."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from commands.context import Config, build_ctx
from commands.pipeline import MAX_TEXT, error_reply, help_reply, route, run
from commands.reply import Reply
from commands.request import Request

__all__ = ["MAX_TEXT", "build_ctx", "error_reply", "handle", "help_reply", "route", "run"]


def handle(request: Request, *, engine: Engine, config: Config | None = None) -> Reply:
    """Run one command through :func:`commands.pipeline.run` and return only its reply.

    Args:
        request: the neutral request.
        engine: the database engine.
        config: settings the commands need.

    Returns:
        The neutral reply.
    """
    return run(request, engine=engine, config=config).reply
