"""Bolt mounted on our aiohttp app: POST /slack/events, and the OAuth pages when distributed."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.web import RouteInstaller

EVENTS_PATH = "/slack/events"

log = logging.getLogger("motesbot.slack")


# Fields Bolt's matchers index without checking their type, and the type Slack sends.
_SHAPES: dict[str, type] = {
    "actions": list,
    "event": dict,
    "view": dict,
    "team": dict,
    "user": dict,
    "channel": dict,
}


def well_formed(body: object) -> bool:
    """Tell whether a parsed Slack body has the shape Bolt relies on (else: 400, not a 500)."""
    if not isinstance(body, dict):
        return False
    for key, kind in _SHAPES.items():
        if key in body and body[key] is not None and not isinstance(body[key], kind):
            return False
    actions = body.get("actions")
    return not isinstance(actions, list) or all(isinstance(a, dict) for a in actions)


class BoltRequestHandler:
    """Hands aiohttp requests to Bolt and Bolt's answers back, using Bolt's aiohttp adapter."""

    def __init__(
        self, app: AsyncApp, busy: Callable[[], AbstractContextManager[None]] | None = None
    ) -> None:
        """Serve one Bolt app; ``busy`` marks a request as worked on while Bolt has it."""
        self.app = app
        self.busy = busy or contextlib.nullcontext

    async def events(self, request: web.Request) -> web.StreamResponse:
        """Slash commands, interactivity and events: verified and dispatched by Bolt."""
        try:
            # Bolt parses the body (JSON, or JSON in the ``payload`` form field) here,
            # before any signature check; a body that is not what Slack sends is refused.
            bolt_request = await to_bolt_request(request)
            payload = bolt_request.body
        except (ValueError, TypeError, AttributeError, KeyError) as err:
            log.warning("malformed Slack request refused: %s", type(err).__name__)
            raise web.HTTPBadRequest(text="malformed request") from err
        if not well_formed(payload):
            raise web.HTTPBadRequest(text="malformed request")
        with self.busy():
            bolt_response = await self.app.async_dispatch(bolt_request)
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


def slack_routes(
    bolt_app: AsyncApp, busy: Callable[[], AbstractContextManager[None]] | None = None
) -> RouteInstaller:
    """A RouteInstaller mounting a Bolt app on the web app (see bot.web.create_app).

    Args:
        bolt_app: the app.
        busy: marks a request as worked on until its listener has it
            (``SlackService.work.arriving``), so scheduled sends wait for it.
    """
    handler = BoltRequestHandler(bolt_app, busy)

    def install(app: web.Application, settings: Settings, engine: Engine) -> None:
        app.router.add_post(EVENTS_PATH, handler.events)
        flow = bolt_app.oauth_flow
        if flow is not None:
            app.router.add_get(flow.install_path, handler.install)
            app.router.add_get(flow.redirect_uri_path, handler.oauth_redirect)

    return install
