"""The platform-neutral command language; every way in goes through :func:`run`."""

from commands.pipeline import run
from commands.request import Request, UserRef
from commands.result import Changes, Outcome, Result

__all__ = ["Changes", "Outcome", "Request", "Result", "UserRef", "run"]
