"""A stand-in for the Slack adapter, to check the load harness before the adapter exists.

It is NOT the Slack adapter: no Bolt, no Block Kit, no user look-ups. It does
the minimum a slash-command endpoint must do (verify the v0 signature and its
timestamp, build the neutral request, run ``commands.dispatch.handle`` in a
thread, answer in the HTTP response) inside the real web app of ``bot.web``,
so its figures are the floor the real adapter is compared with.

Run by ``python -m bench.load --server stand-in``; reads DATABASE_URL,
SLACK_SIGNING_SECRET, HOST and PORT.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import signal
import sys
import time
from pathlib import Path

from aiohttp import web
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot import runtime  # noqa: E402
from bot.settings import Settings, load  # noqa: E402
from bot.web import create_app, serve  # noqa: E402
from commands.dispatch import handle  # noqa: E402
from commands.request import Request, UserRef  # noqa: E402


def install(app: web.Application, settings: Settings, engine: Engine) -> None:
    """RouteInstaller: POST /slack/events for slash commands."""
    secret = (settings.slack_signing_secret or "").encode()

    async def slash(request: web.Request) -> web.Response:
        body = await request.read()
        ts = request.headers.get("X-Slack-Request-Timestamp", "0")
        if not ts.isdigit() or abs(time.time() - int(ts)) > 300:
            return web.Response(status=401)
        expected = (
            "v0=" + hmac.new(secret, b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
        )
        if not hmac.compare_digest(expected, request.headers.get("X-Slack-Signature", "")):
            return web.Response(status=401)
        form = await request.post()
        neutral = Request(
            platform="slack",
            workspace=str(form.get("team_id", "")),
            user=UserRef(platform_id=str(form.get("user_id")), name=str(form.get("user_name"))),
            channel=str(form.get("channel_id")),
            command=str(form.get("command", "")).lstrip("/"),
            text=str(form.get("text", "")),
            now=settings.now(),
            idempotency_key=str(form.get("trigger_id")) or None,
        )
        reply = await asyncio.to_thread(handle, neutral, engine=engine)
        return web.json_response({"response_type": "ephemeral", "text": reply.as_text()})

    app.router.add_post("/slack/events", slash)


async def _serve(settings: Settings, engine: Engine) -> None:
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set_result, None)
    await serve(
        create_app(settings, engine, [install]), host=settings.host, port=settings.port, stop=stop
    )


def main() -> None:
    """Serve until SIGTERM."""
    settings = load()
    runtime.configure_logging(settings, default_format="json")
    engine = runtime.open_database(settings)
    asyncio.run(_serve(settings, engine))


if __name__ == "__main__":
    main()
