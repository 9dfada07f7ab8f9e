"""The one aiohttp web app: health, and the routes each configured platform adds."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot import observability
from bot.settings import Settings

ENGINE_KEY = web.AppKey("engine", Engine)
SETTINGS_KEY = web.AppKey("settings", Settings)

# Each platform adapter contributes a function that adds its routes (and
# startup/cleanup hooks) to the app; create_app calls them in order.
RouteInstaller = Callable[[web.Application, Settings, Engine], None]


def database_ok(engine: Engine) -> bool:
    """Tell whether the database answers a trivial query."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


async def healthz(request: web.Request) -> web.Response:
    """200 when the database answers, 503 otherwise."""
    engine = request.app[ENGINE_KEY]
    try:
        ok = await asyncio.wait_for(asyncio.to_thread(database_ok, engine), timeout=5)
    except TimeoutError:
        ok = False
    if ok:
        return web.json_response({"status": "ok", "database": "ok"})
    return web.json_response({"status": "unavailable", "database": "down"}, status=503)


def create_app(
    settings: Settings, engine: Engine, installers: list[RouteInstaller] | None = None
) -> web.Application:
    """Build the web app with /healthz and the platforms' routes.

    Args:
        settings: the configuration.
        engine: the database engine.
        installers: functions that add a platform's routes.

    Returns:
        The application, not yet started.
    """
    app = web.Application(client_max_size=1024 * 1024)
    app[ENGINE_KEY] = engine
    app[SETTINGS_KEY] = settings
    app.router.add_get("/healthz", healthz)
    observability.install(app, settings, engine)  # /metrics and the request log, always
    for install in installers or []:
        install(app, settings, engine)
    return app


async def serve(app: web.Application, *, host: str, port: int, stop: Awaitable[None]) -> None:
    """Run the app until ``stop`` completes."""
    observability.prefer_json(app[SETTINGS_KEY])
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    try:
        await stop
    finally:
        await runner.cleanup()
