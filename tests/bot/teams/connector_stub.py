"""A local stand-in for the Bot Connector REST API Teams exposes at an activity's serviceUrl.

It speaks the wire protocol (the v3 endpoints the SDK's connector client calls)
and records every call, so tests assert on what Teams would have received.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Call:
    """One request the bot made to the connector."""

    method: str
    path: str
    conversation_id: str | None
    activity_id: str | None
    body: dict[str, Any]
    authorization: str | None


@dataclass
class ConnectorStub:
    """Records calls; ``fail_status`` makes activity posts fail (to test errors)."""

    calls: list[Call] = field(default_factory=list)
    fail_status: int | None = None
    fail_headers: dict[str, str] | None = None
    # Teams ids ("29:…") → the TeamsChannelAccount the members endpoint returns.
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Tokens handed out by the managed-identity endpoint (``IDENTITY_ENDPOINT``), in order.
    issued_tokens: list[str] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def app(self) -> web.Application:
        """The aiohttp application serving the v3 endpoints."""
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create_conversation)
        app.router.add_post("/v3/conversations/{cid}/activities", self._activity)
        app.router.add_post("/v3/conversations/{cid}/activities/{aid}", self._activity)
        app.router.add_put("/v3/conversations/{cid}/activities/{aid}", self._activity)
        app.router.add_get("/v3/conversations/{cid}/members/{mid}", self._member)
        app.router.add_get("/msi/token", self._managed_identity_token)
        return app

    async def _record(self, request: web.Request) -> Call:
        body = await request.json() if request.can_read_body else {}
        call = Call(
            method=request.method,
            path=request.path,
            conversation_id=request.match_info.get("cid"),
            activity_id=request.match_info.get("aid"),
            body=body,
            authorization=request.headers.get("Authorization"),
        )
        self.calls.append(call)
        return call

    async def _activity(self, request: web.Request) -> web.Response:
        await self._record(request)
        if self.fail_status is not None:
            return web.json_response(
                {"error": {"code": "ConversationBlockedByUser", "message": "blocked"}},
                status=self.fail_status,
                headers=self.fail_headers,
            )
        return web.json_response({"id": f"stub-{next(self._ids)}"})

    async def _member(self, request: web.Request) -> web.Response:
        await self._record(request)
        member = self.members.get(request.match_info["mid"])
        if member is None:
            return web.json_response(
                {"error": {"code": "MemberNotFoundInConversation"}}, status=404
            )
        return web.json_response(member)

    async def _managed_identity_token(self, request: web.Request) -> web.Response:
        # App Service's managed-identity endpoint: the bot's outbound token for a resource.
        if request.headers.get("X-IDENTITY-HEADER") is None:
            return web.json_response({"statusCode": 400, "message": "no header"}, status=400)
        issued = f"stub-outbound-token-{len(self.issued_tokens) + 1}"
        self.issued_tokens.append(issued)
        return web.json_response(
            {
                "access_token": issued,
                "expires_on": str(int(time.time()) + 3600),
                "resource": request.query.get("resource"),
                "token_type": "Bearer",
            }
        )

    async def _create_conversation(self, request: web.Request) -> web.Response:
        await self._record(request)
        n = next(self._ids)
        return web.json_response({"id": f"a:stub-conversation-{n}", "activityId": f"stub-{n}"})

    # What tests look at -------------------------------------------------------

    def messages(self) -> list[Call]:
        """The message activities the bot sent (typing and the like left out)."""
        return [c for c in self.calls if c.body.get("type") == "message"]

    def texts(self) -> list[str]:
        """The plain-text fallbacks of the messages, in order."""
        return [str(c.body.get("text") or "") for c in self.messages()]

    def cards(self) -> list[dict[str, Any]]:
        """The Adaptive Cards of the messages, in order."""
        result = []
        for call in self.messages():
            for attachment in call.body.get("attachments") or []:
                if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
                    result.append(attachment["content"])
        return result
