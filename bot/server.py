"""``motesbot run`` with a chat platform: one web app, every platform, and the scheduler.

Slack (HTTP or Socket Mode), Teams, the calendar feeds, /healthz and /metrics share
one aiohttp app on ``PORT``; the scheduler runs as a task in the same event loop and
sends only while this process holds the leader lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from typing import Any

from sqlalchemy.engine import Engine

from bot.calendar_feed import install_calendar_routes
from bot.file_links import install_file_routes
from bot.messengers import build_messengers
from bot.settings import Settings
from bot.teams.run import teams_installers
from bot.web import RouteInstaller, create_app, serve
from scheduler.runtime import run_scheduler
from storage.db import WalCheckpointer

log = logging.getLogger("motesbot.server")


def platforms_configured(settings: Settings) -> bool:
    """True when Slack or Teams is configured, so the web app should run.

    Raises:
        TeamsConfigError: contradictory Teams settings.
    """
    return settings.slack_configured or bool(teams_installers())


async def serve_all(settings: Settings, engine: Engine, stop: asyncio.Event | None = None) -> None:
    """Serve every configured platform and run the scheduler until ``stop`` (or a signal).

    Args:
        settings: the configuration.
        engine: the database.
        stop: set it to shut down; SIGTERM and SIGINT set it too.
    """
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)

    installers: list[RouteInstaller] = [install_calendar_routes, install_file_routes]
    slack_service: Any = None
    socket: Any = None
    if settings.slack_configured:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        from bot.slack.app import Mode, build_app, mode_of
        from bot.slack.routes import slack_routes

        bolt_app, slack_service = build_app(settings, engine)
        if mode_of(settings) == Mode.SOCKET:
            socket = AsyncSocketModeHandler(bolt_app, settings.slack_app_token)
        else:
            installers.append(slack_routes(bolt_app, slack_service.work.arriving))
    installers.extend(teams_installers())
    app = create_app(settings, engine, installers)
    messengers = build_messengers(settings, engine, sys.stdout)
    if socket is not None:
        await socket.connect_async()
    if slack_service is not None and slack_service.resumer is not None:
        slack_service.resumer.start()
    scheduler = (
        asyncio.create_task(
            run_scheduler(
                engine,
                messengers,
                settings.now,
                stop,
                reconcile_every=settings.motesbot_reconcile_seconds,
                follower_retry=settings.motesbot_follower_retry_seconds,
                debounce=settings.motesbot_replan_debounce_seconds,
                send_concurrency=settings.motesbot_send_concurrency,
                # Scheduled sends go in the gaps between people's Slack commands.
                quiet=slack_service.work.quiet if slack_service is not None else None,
            )
        )
        if settings.scheduler_enabled
        else None
    )
    log.warning(
        "Mötesbot serving %s on port %s",
        ", ".join(sorted(set(messengers) - {"console"})) or "web",
        settings.port,
    )
    try:
        await serve(app, host=settings.host, port=settings.port, stop=_wait(stop))
    finally:
        stop.set()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)
        if socket is not None:
            await socket.close_async()
        if scheduler is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(scheduler, timeout=10)
        if slack_service is not None:
            if slack_service.resumer is not None:
                await slack_service.resumer.stop()
            # Answers already acknowledged still go out before the process ends.
            try:
                await asyncio.wait_for(slack_service.drain(), timeout=10)
            except TimeoutError:
                log.warning("stopped with background Slack work unfinished")
            await slack_service.close()


async def _wait(event: asyncio.Event) -> None:
    await event.wait()


def run_server(settings: Settings, engine: Engine) -> None:
    """Blocking entry point for ``motesbot run``."""
    # Commits on the answer's path never wait for SQLite's log to be copied into the file.
    checkpointer = WalCheckpointer(engine)
    checkpointer.start()
    try:
        asyncio.run(serve_all(settings, engine))
    finally:
        checkpointer.stop()
