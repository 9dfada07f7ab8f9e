"""``POST /api/messages`` on our web app, behind the SDK's JWT validation."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta

from aiohttp import web
from microsoft_agents.hosting.aiohttp import jwt_authorization_decorator, start_agent_process
from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.teams.agent import TeamsBot
from bot.teams.config import TeamsConfig, warn_anonymous
from bot.teams.inbox import Intake
from bot.teams.messenger import TeamsMessenger
from bot.teams.resume import Resumer
from bot.teams.service_url import service_url_refused
from bot.web import RouteInstaller
from scheduler.tick import node_id

log = logging.getLogger("motesbot.teams")

MESSAGES_PATH = "/api/messages"
TEAMS_BOT_KEY = web.AppKey("teams_bot", TeamsBot)
TEAMS_RESUMER_KEY = web.AppKey("teams_resumer", Resumer)
# The key the SDK's aiohttp JWT middleware reads the auth configuration from.
SDK_AUTH_CONFIG_KEY = "agent_configuration"
AUTHORIZED_KEY = web.RequestKey("motesbot_authorized", bool)
# Where the SDK's JWT middleware leaves the validated ClaimsIdentity on the request.
SDK_CLAIMS_KEY = "claims_identity"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def messages_handler(bot: TeamsBot, intake: Intake) -> Handler:
    """The request handler: validate the JWT (SDK), record the activity in the inbox,
    then let the adapter run the turn."""

    async def process(request: web.Request) -> web.StreamResponse:
        identity = request.get(SDK_CLAIMS_KEY)
        claims = getattr(identity, "claims", None) or {}
        try:
            body = await request.json()
        except ValueError:
            body = None
        service_url = body.get("serviceUrl") if isinstance(body, dict) else None
        if service_url_refused(claims, service_url):
            # Bot Framework's rules answer a token that fails a requirement with 403.
            log.warning("refused a Teams request whose token names another serviceUrl")
            return web.json_response({"error": "Forbidden"}, status=403)
        request[AUTHORIZED_KEY] = True
        # Authenticated: record it before the turn does anything (see bot/teams/inbox.py).
        ticket = await intake.admit(body, identity)
        response = await start_agent_process(request, bot.app, bot.adapter)
        if ticket is not None:
            await intake.finish(ticket)
        return response if response is not None else web.Response(status=202)

    validated: Handler = jwt_authorization_decorator(process)  # type: ignore[no-untyped-call]

    async def handler(request: web.Request) -> web.StreamResponse:
        try:
            return await validated(request)
        except Exception:
            if request.get(AUTHORIZED_KEY):
                raise
            # A token the validator chokes on (not just rejects) is still a bad token.
            log.warning("rejected a Teams request whose token could not be validated")
            return web.json_response({"error": "Unauthorized"}, status=401)

    return handler


def teams_installer(config: TeamsConfig) -> RouteInstaller:
    """A RouteInstaller adding the Teams endpoint (see bot/web.py).

    Args:
        config: credentials, or the explicit anonymous development mode.
    """

    def install(app: web.Application, settings: Settings, engine: Engine) -> None:
        if config.anonymous:
            warn_anonymous()
        bot = TeamsBot(
            engine=engine,
            config=config,
            clock=settings.now,
            public_url=settings.public_url,
            zone=settings.default_timezone,
        )
        app[TEAMS_BOT_KEY] = bot
        node = node_id()
        intake = Intake(
            engine=engine,
            clock=settings.now,
            node=node,
            lease=timedelta(seconds=settings.motesbot_inbox_lease_seconds),
        )
        resumer = Resumer(
            bot=bot,
            messenger=TeamsMessenger(engine=engine, adapter=bot.adapter, clock=settings.now),
            intake=intake,
            engine=engine,
            settings=settings,
            node=node,
        )
        app[TEAMS_RESUMER_KEY] = resumer

        async def start_resumer(_app: web.Application) -> None:
            resumer.start()

        async def stop_resumer(_app: web.Application) -> None:
            await resumer.stop()

        app.on_startup.append(start_resumer)
        app.on_cleanup.append(stop_resumer)
        with warnings.catch_warnings():
            # The SDK middleware looks its configuration up under a plain string key.
            warnings.simplefilter("ignore", web.NotAppKeyWarning)
            app[SDK_AUTH_CONFIG_KEY] = bot.auth_configuration
        app.router.add_post(MESSAGES_PATH, messages_handler(bot, intake))

    return install
