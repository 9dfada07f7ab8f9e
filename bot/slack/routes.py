"""Bolt mounted on our aiohttp app: POST /slack/events, and the OAuth pages when distributed."""

from __future__ import annotations

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.web import RouteInstaller

EVENTS_PATH = "/slack/events"


class BoltRequestHandler:
    """Hands aiohttp requests to Bolt and Bolt's answers back, using Bolt's aiohttp adapter."""

    def __init__(self, app: AsyncApp) -> None:
        """Serve one Bolt app."""
        self.app = app

    async def events(self, request: web.Request) -> web.StreamResponse:
        """Slash commands, interactivity and events: verified and dispatched by Bolt."""
        bolt_response = await self.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def install(self, request: web.Request) -> web.StreamResponse:
        """The "Add to Slack" page of a distributed app."""
        flow = self.app.oauth_flow
        if flow is None:
            raise web.HTTPNotFound()
        return await to_aiohttp_response(
            await flow.handle_installation(await to_bolt_request(request))
        )

    async def oauth_redirect(self, request: web.Request) -> web.StreamResponse:
        """Where Slack sends the admin back after approving an install."""
        flow = self.app.oauth_flow
        if flow is None:
            raise web.HTTPNotFound()
        return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))


def slack_routes(bolt_app: AsyncApp) -> RouteInstaller:
    """A RouteInstaller mounting a Bolt app on the web app (see bot.web.create_app)."""
    handler = BoltRequestHandler(bolt_app)

    def install(app: web.Application, settings: Settings, engine: Engine) -> None:
        app.router.add_post(EVENTS_PATH, handler.events)
        flow = bolt_app.oauth_flow
        if flow is not None:
            app.router.add_get(flow.install_path, handler.install)
            app.router.add_get(flow.redirect_uri_path, handler.oauth_redirect)

    return install
