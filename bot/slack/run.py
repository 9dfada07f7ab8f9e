"""``motesbot run`` with Slack: the web app on PORT, or Socket Mode, until SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.slack.app import Mode, build_app, mode_of
from bot.slack.routes import slack_routes
from bot.web import create_app, serve

log = logging.getLogger("motesbot.slack")


def run_slack(settings: Settings, engine: Engine) -> None:
    """Serve Slack until the process is asked to stop.

    HTTP modes listen on ``PORT`` for ``/slack/events`` (and the OAuth pages). Socket
    Mode connects out to Slack and still serves ``/healthz`` on ``PORT``.
    """
    asyncio.run(serve_slack(settings, engine))


async def serve_slack(
    settings: Settings, engine: Engine, stop: asyncio.Event | None = None
) -> None:
    """The asynchronous body of :func:`run_slack`; ``stop`` ends it (signals set it too)."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        # Not available off the main thread (tests) or on some platforms.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    bolt_app, service = build_app(settings, engine)
    mode = mode_of(settings)
    installers = [] if mode == Mode.SOCKET else [slack_routes(bolt_app)]
    web_app = create_app(settings, engine, installers)
    socket: AsyncSocketModeHandler | None = None
    if mode == Mode.SOCKET:
        socket = AsyncSocketModeHandler(bolt_app, settings.slack_app_token)
        await socket.connect_async()  # type: ignore[no-untyped-call]
    log.warning("Mötesbot is serving Slack (%s) on port %s", mode, settings.port)
    try:
        await serve(web_app, host=settings.host, port=settings.port, stop=_wait(stop))
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)
        if socket is not None:
            await socket.close_async()  # type: ignore[no-untyped-call]
        # Answers already acknowledged still go out before the process ends.
        try:
            await asyncio.wait_for(service.drain(), timeout=10)
        except TimeoutError:
            log.warning("stopped with background Slack work unfinished")
        await service.close()


async def _wait(event: asyncio.Event) -> None:
    await event.wait()
