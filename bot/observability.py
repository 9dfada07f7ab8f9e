"""Structured logs, secret redaction, request logging and Prometheus ``/metrics``.

* :func:`setup_logging` puts one handler on the root logger: JSON lines
  (``LOG_FORMAT=json``, the default of the web app) or plain text (the default
  of the console shell), always behind :class:`RedactingFilter`.
* :func:`install` is a ``RouteInstaller`` (see ``bot.web``): it adds ``GET
  /metrics`` and the middleware that logs one JSON line per request and
  times it. ``create_app`` always calls it.
* The command layer and the scheduler report through the neutral hooks of
  ``commands.metrics``; :class:`PrometheusObserver` turns them into metrics.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError

from bot.settings import Settings, environment
from commands import metrics as hooks

# Re-exported so that callers outside commands/ find every hook in one place.
record_scheduled_send = hooks.record_scheduled_send
set_leader = hooks.set_leader

REDACTED = "***"
# Settings or environment variables whose names look like these hold secrets.
SECRET_NAME = re.compile(r"(?i)(token|secret|password|passwd|api_?key|private_?key|credential)")
_MIN_SECRET_LEN = 8

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Slack tokens: bot, user, app-level, refresh, configuration.
    (re.compile(r"\b(xox[a-z]|xapp|xoxe\.xox[a-z])-[A-Za-z0-9-]+"), r"\1-" + REDACTED),
    # "Authorization: Bearer x", "'authorization': 'Basic x'", ...
    (
        re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?)([^\"'\r\n,}]+)"),
        r"\1" + REDACTED,
    ),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{4,}"), r"\1 " + REDACTED),
    # The password part of any URL: scheme://user:password@host
    (re.compile(r"([a-z][a-z0-9+.-]*://[^:/@\s\"']*:)([^@\s\"'/]+)(@)"), r"\1" + REDACTED + r"\3"),
    # key=value / "key": "value" where the key names a secret.
    (
        re.compile(
            r"(?i)([\w-]*(?:secret|token|password|passwd|api_?key)[\w-]*[\"']?\s*[:=]\s*[\"']?)"
            r"(?![\"']?\*\*\*)([^\s\"'&,;}]+)"
        ),
        r"\1" + REDACTED,
    ),
    # Slack request signatures.
    (re.compile(r"\bv0=[0-9a-f]{16,}"), "v0=" + REDACTED),
)


# Text with none of these has nothing any pattern above could match: one scan instead of six
# (every request's log line passes here twice).
_MAY_HOLD_SECRET = re.compile(
    r"(?i)xox|xapp|authorization|bearer|basic|://|secret|token|passw|api_?key|v0="
)


class Redactor:
    """Removes secrets from text: known values exactly, and anything that looks like one."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets: list[str] = []
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        """Add exact values to hide (short values are ignored: they would mangle text)."""
        known = set(self.secrets)
        known.update(s for s in secrets if s and len(s) >= _MIN_SECRET_LEN)
        # Longest first, so that a secret containing another is hidden whole.
        self.secrets = sorted(known, key=len, reverse=True)

    def redact(self, text: str) -> str:
        """Return ``text`` with every secret replaced by ``***``."""
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        if _MAY_HOLD_SECRET.search(text) is None:
            return text
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text

    def redact_value(self, value: Any) -> Any:
        """Redact strings, and strings inside lists, tuples and dicts."""
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, dict):
            return {k: self.redact_value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self.redact_value(v) for v in value)
        return value


def secrets_from(settings: Settings | None, environ: dict[str, str] | None = None) -> list[str]:
    """Collect the secret values this process knows: settings, environment, database password."""
    found: list[str] = []
    env = environment(environ)
    for name, value in env.items():
        if SECRET_NAME.search(name) and value:
            found.append(value)
    urls = [env.get("DATABASE_URL", "")]
    if settings is not None:
        for name, value in settings.model_dump().items():
            if isinstance(value, str) and SECRET_NAME.search(name):
                found.append(value)
        urls.append(settings.database_url)
    for url in urls:
        try:
            password = make_url(url).password if url else None
        except (ArgumentError, ValueError):
            password = None
        if password:
            found.append(str(password))
    return found


# The attributes every LogRecord has; anything else was passed with ``extra=``.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


def extras(record: logging.LogRecord) -> dict[str, Any]:
    """The ``extra=`` fields of a record."""
    return {
        k: v for k, v in record.__dict__.items() if k not in _STANDARD and not k.startswith("_")
    }


class RedactingFilter(logging.Filter):
    """Rewrites each record so that no secret reaches any output.

    Installed on the root handler, it sees every record of every library that
    propagates to the root (Bolt, aiohttp, SQLAlchemy, ...).
    """

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor
        self._exc_formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact message, arguments, extra fields and traceback in place."""
        r = self.redactor
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = r.redact(message), None
        for key, value in extras(record).items():
            setattr(record, key, r.redact_value(value))
        if record.exc_info and not record.exc_text:
            record.exc_text = self._exc_formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = r.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = r.redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, msg, the extra fields, and exc if any."""

    def __init__(self, redactor: Redactor | None = None) -> None:
        super().__init__()
        self.redactor = redactor

    def format(self, record: logging.LogRecord) -> str:
        """Render the record as one line of JSON."""
        doc: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in extras(record).items():
            doc.setdefault(key, value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            doc["exc"] = record.exc_text
        if record.stack_info:
            doc["stack"] = record.stack_info
        line = json.dumps(doc, ensure_ascii=False, default=str)
        # A second pass: the filter may be missing (a handler added by someone else).
        return self.redactor.redact(line) if self.redactor else line


class TextFormatter(logging.Formatter):
    """The human format of the console, with the same final redaction pass."""

    def __init__(self, redactor: Redactor | None = None) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")
        self.redactor = redactor

    def format(self, record: logging.LogRecord) -> str:
        """Render the record as text."""
        line = super().format(record)
        return self.redactor.redact(line) if self.redactor else line


HANDLER_NAME = "motesbot"
ALWAYS_LOGGED = ("motesbot.http", "motesbot.scheduler.send")


def _our_handler() -> logging.Handler | None:
    for handler in logging.getLogger().handlers:
        if handler.get_name() == HANDLER_NAME:
            return handler
    return None


def setup_logging(
    settings: Settings, *, default_format: str = "text", stream: TextIO | None = None
) -> logging.Handler:
    """Install the one root handler (replacing an earlier one of ours).

    Args:
        settings: ``log_level`` and ``log_format`` (``json``/``text``; unset = the default).
        default_format: the format when ``LOG_FORMAT`` is not set.
        stream: where to write (default: standard error).

    Returns:
        The handler, e.g. for tests that read what it wrote.
    """
    root = logging.getLogger()
    old = _our_handler()
    if old is not None:
        root.removeHandler(old)
    redactor = Redactor(secrets_from(settings))
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(HANDLER_NAME)
    handler.addFilter(RedactingFilter(redactor))
    fmt = (settings.log_format or default_format).strip().lower()
    handler.setFormatter(JsonFormatter(redactor) if fmt == "json" else TextFormatter(redactor))
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    if fmt == "json":
        _log_operations()
    else:
        for name in ALWAYS_LOGGED:
            logging.getLogger(name).setLevel(logging.NOTSET)
    return handler


def _log_operations() -> None:
    # In the server's JSON log, one line per request and per scheduled send is the audit
    # trail of operations: written whatever LOG_LEVEL says (that level governs the rest).
    # Terminal commands (shell, tick) print their own report and stay quiet.
    for name in ALWAYS_LOGGED:
        logging.getLogger(name).setLevel(logging.INFO)


def prefer_json(settings: Settings) -> None:
    """Switch our root handler to JSON unless ``LOG_FORMAT`` chose explicitly (web app default)."""
    handler = _our_handler()
    if handler is None or settings.log_format:
        return
    formatter = handler.formatter
    redactor = getattr(formatter, "redactor", None)
    handler.setFormatter(JsonFormatter(redactor))
    _log_operations()


# --- Prometheus ---------------------------------------------------------------------------

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)

COMMANDS_TOTAL = Counter(
    "motesbot_commands", "Commands handled, by command and outcome.", ["command", "outcome"]
)
COMMAND_SECONDS = Histogram(
    "motesbot_command_duration_seconds",
    "Time to handle one command (database transaction included).",
    ["command"],
    buckets=LATENCY_BUCKETS,
)
SCHEDULED_SENDS_TOTAL = Counter(
    "motesbot_scheduled_sends", "Scheduled messages, by kind and outcome.", ["kind", "outcome"]
)
SCHEDULED_SEND_SECONDS = Histogram(
    "motesbot_scheduled_send_duration_seconds",
    "Time to send one scheduled message.",
    ["kind"],
    buckets=LATENCY_BUCKETS,
)
LEADER = Gauge("motesbot_leader", "1 when this process sends the scheduled messages, else 0.")
HTTP_REQUESTS_TOTAL = Counter(
    "motesbot_http_requests",
    "HTTP requests, by method, route and status.",
    ["method", "route", "status"],
)
HTTP_SECONDS = Histogram(
    "motesbot_http_request_duration_seconds",
    "Time to answer one HTTP request.",
    ["route"],
    buckets=LATENCY_BUCKETS,
)


class PrometheusObserver:
    """Feeds the neutral hooks of ``commands.metrics`` into the Prometheus metrics."""

    def command(self, command: str, outcome: str, seconds: float) -> None:
        """Count a command and its latency."""
        COMMANDS_TOTAL.labels(command, outcome).inc()
        COMMAND_SECONDS.labels(command).observe(seconds)

    def scheduled_send(self, kind: str, outcome: str, seconds: float | None) -> None:
        """Count a scheduled send."""
        SCHEDULED_SENDS_TOTAL.labels(kind, outcome).inc()
        if seconds is not None:
            SCHEDULED_SEND_SECONDS.labels(kind).observe(seconds)

    def leader(self, is_leader: bool) -> None:
        """Mirror the leadership."""
        LEADER.set(1 if is_leader else 0)


OBSERVER = PrometheusObserver()
hooks.subscribe(OBSERVER)
# Show every outcome from the start, so that rate() and alerts work before the first error.
for _cmd in ("action", "decision", "meeting", "agenda"):
    for _kind in hooks.Outcome:
        COMMANDS_TOTAL.labels(_cmd, _kind.value)
LEADER.set(1 if hooks.is_leader() else 0)


async def metrics_view(request: web.Request) -> web.Response:
    """``GET /metrics`` in the Prometheus text format."""
    body = generate_latest()
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


# --- Request logging ------------------------------------------------------------------------

access_log = logging.getLogger("motesbot.http")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _route(request: web.Request) -> str:
    """The route template ("/slack/events"), never the raw path: bounded metric labels."""
    info = request.match_info
    resource = info.route.resource if info is not None and info.route is not None else None
    return resource.canonical if resource is not None else "unmatched"


def _outcome(status: int) -> str:
    if status >= 500:
        return "server_error"
    if status >= 400:
        return "client_error"
    return "ok"


@web.middleware
async def observe_requests(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Log one JSON line per request and time it (query strings are never logged)."""
    started = time.perf_counter()
    status = 500
    outcome: str | None = None
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    except Exception:
        outcome = "exception"
        raise
    finally:
        seconds = time.perf_counter() - started
        route = _route(request)
        HTTP_REQUESTS_TOTAL.labels(request.method, route, str(status)).inc()
        HTTP_SECONDS.labels(route).observe(seconds)
        outcome = outcome or _outcome(status)
        access_log.log(
            logging.WARNING if status >= 500 else logging.INFO,
            "%s %s %s",
            request.method,
            request.path,
            status,
            extra={
                "method": request.method,
                "path": request.path,
                "status": status,
                "latency_ms": round(seconds * 1000, 1),
                "outcome": outcome,
            },
        )


def install(app: web.Application, settings: Settings, engine: Engine) -> None:
    """RouteInstaller: ``GET /metrics`` and the request middleware."""
    hooks.subscribe(OBSERVER)
    if observe_requests not in app.middlewares:
        app.middlewares.append(observe_requests)
    app.router.add_get("/metrics", metrics_view)
