"""A local stand-in for the Slack Web API and response_urls, recording every call.

It answers like Slack (``ok: true`` payloads) for the methods Mötesbot uses, and can be told
to fail a method a number of times: with an error code (``not_in_channel``) or an HTTP status
such as 429 with ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
from aiohttp import web

BOT_USER = "UBOT"
TEAM = "T0KOMMUN"


@dataclass
class Call:
    """One request the stub received."""

    method: str
    args: dict[str, Any]
    token: str | None = None


@dataclass
class Failure:
    """How to answer a method instead of succeeding."""

    error: str | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


def default_users() -> dict[str, dict[str, Any]]:
    """The people of the fake workspace."""

    def user(uid: str, name: str, locale: str, tz: str = "Europe/Stockholm") -> dict[str, Any]:
        return {
            "id": uid,
            "name": name.split()[0].lower(),
            "real_name": name,
            "tz": tz,
            "locale": locale,
            "profile": {"real_name": name, "display_name": name.split()[0]},
        }

    return {
        "U0SEK": user("U0SEK", "Sara Sekreterare", "sv-SE"),
        "U0LISA": user("U0LISA", "Lisa Andersson", "sv-SE"),
        "U0JOHN": user("U0JOHN", "John Smith", "en-US", "Europe/London"),
    }


class SlackStub:
    """The fake Slack: start it, point SLACK_API_URL at ``api_url``, read ``calls``."""

    def __init__(self) -> None:
        """An empty recorder with the default users."""
        self.calls: list[Call] = []
        self.users = default_users()
        self.failures: dict[str, list[Failure]] = {}
        self._ts = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.base = ""
        self.socket: web.WebSocketResponse | None = None
        # files.getUploadURLExternal: file id → the file name asked for, and the bytes posted.
        self.file_names: dict[str, str] = {}
        self.file_bytes: dict[str, bytes] = {}
        # Successful files.completeUploadExternal calls: (channel, file ids).
        self.completed: list[tuple[str | None, list[str]]] = []

    @property
    def api_url(self) -> str:
        """The Web API base URL (ends in /api/)."""
        return f"{self.base}/api/"

    def response_url(self, name: str = "r1") -> str:
        """A response_url that lands on the stub."""
        return f"{self.base}/response/{name}"

    def fail(
        self,
        method: str,
        *,
        error: str | None = None,
        status: int = 200,
        times: int = 1,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Make the next ``times`` calls of a method fail."""
        self.failures.setdefault(method, []).extend(
            Failure(error, status, headers or {}) for _ in range(times)
        )

    def of(self, method: str) -> list[Call]:
        """The calls of one method (``response_url`` for response_url posts)."""
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Wait until a method was called ``count`` times; return its calls."""
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: len(self.of(method)) >= count), timeout
            )
        return self.of(method)

    async def start(self) -> None:
        """Listen on a random port of 127.0.0.1."""
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{name}", self._response)
        app.router.add_get("/socket", self._socket)
        app.router.add_post("/upload/{file_id}", self._upload)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()

    async def send_envelope(self, envelope: dict[str, Any]) -> None:
        """Push a Socket Mode envelope to the connected app."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self.socket is not None), 10)
        assert self.socket is not None
        await self.socket.send_json(envelope)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1})
        async with self._changed:
            self.socket = ws
            self._changed.notify_all()
        async for message in ws:
            if message.type == aiohttp.WSMsgType.TEXT:
                await self._record(Call("socket_ack", json.loads(message.data)))
        return ws

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    async def _args(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        raw = await request.text()
        if raw:
            if request.content_type == "application/json":
                args.update(json.loads(raw))
            else:
                for key, value in parse_qsl(raw, keep_blank_values=True):
                    args[key] = value
        for key in ("blocks", "view"):
            if isinstance(args.get(key), str):
                with contextlib.suppress(json.JSONDecodeError):
                    args[key] = json.loads(args[key])
        return args

    def uploaded(self, channel: str | None = None) -> dict[str, bytes]:
        """File name → bytes of every upload completed (into ``channel`` if given)."""
        found: dict[str, bytes] = {}
        for into, file_ids in self.completed:
            if channel is not None and into != channel:
                continue
            for file_id in file_ids:
                found[self.file_names[file_id]] = self.file_bytes.get(file_id, b"")
        return found

    async def _upload(self, request: web.Request) -> web.Response:
        # The upload URL Slack hands out takes the raw bytes (or a multipart form).
        file_id = request.match_info["file_id"]
        if file_id not in self.file_names:
            return web.Response(status=404, text="unknown upload")
        data = await request.read()
        self.file_bytes[file_id] = data
        await self._record(Call("upload", {"file_id": file_id, "length": len(data)}))
        return web.Response(text=f"OK - {len(data)}")

    async def _response(self, request: web.Request) -> web.Response:
        body = await request.json()
        await self._record(Call("response_url", {**body, "_name": request.match_info["name"]}))
        queue = self.failures.get("response_url")
        if queue:
            failure = queue.pop(0)
            return web.Response(status=failure.status, headers=failure.headers, text="error")
        return web.Response(text="ok")

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._args(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ") or None
        await self._record(Call(method, args, token))
        queue = self.failures.get(method)
        if queue:
            failure = queue.pop(0)
            if failure.status != 200:
                return web.json_response(
                    {"ok": False, "error": failure.error or "ratelimited"},
                    status=failure.status,
                    headers=failure.headers,
                )
            answer: dict[str, Any] = {"ok": False, "error": failure.error}
            if failure.error == "missing_scope":
                answer["needed"] = {
                    "users.info": "users:read",
                    "files.getUploadURLExternal": "files:write",
                    "files.completeUploadExternal": "files:write",
                }.get(method, "chat:write")
            return web.json_response(answer)
        return web.json_response(self._answer(method, args))

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        ts = f"1790000000.{next(self._ts):06d}"
        if method == "auth.test":
            return {
                "ok": True,
                "user_id": BOT_USER,
                "bot_id": "BBOT",
                "team_id": TEAM,
                "user": "motesbot",
                "team": "Umeåregionen",
                "url": "https://umea.example/",
            }
        if method == "oauth.v2.access":
            return {
                "ok": True,
                "access_token": "xoxb-installed-token",
                "token_type": "bot",
                "scope": "commands,chat:write,users:read",
                "bot_user_id": "UBOT2",
                "app_id": "A0MOTE",
                "team": {"id": "T0OTHER", "name": "Vännäs kommun"},
                "enterprise": None,
                "is_enterprise_install": False,
                "authed_user": {"id": "U0ADMIN"},
            }
        if method == "users.info":
            user = self.users.get(str(args.get("user")))
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        if method == "chat.postMessage":
            return {
                "ok": True,
                "channel": args.get("channel"),
                "ts": ts,
                "message": {"text": args.get("text"), "ts": ts},
            }
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        if method == "chat.update":
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}
        if method in ("views.open", "views.publish", "views.update"):
            return {"ok": True, "view": {"id": f"V{next(self._ts)}", **(args.get("view") or {})}}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(args.get("users"))}}
        if method == "chat.getPermalink":
            return {
                "ok": True,
                "channel": args.get("channel"),
                "permalink": f"https://umea.example/archives/{args.get('channel')}/p{ts.replace('.', '')}",
            }
        if method == "apps.connections.open":
            return {"ok": True, "url": self.base.replace("http://", "ws://") + "/socket"}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts):06d}"
            self.file_names[file_id] = str(args.get("filename"))
            return {"ok": True, "file_id": file_id, "upload_url": f"{self.base}/upload/{file_id}"}
        if method == "files.completeUploadExternal":
            entries = json.loads(args.get("files") or "[]")
            self.completed.append((args.get("channel_id"), [f["id"] for f in entries]))
            return {
                "ok": True,
                "files": [
                    {"id": f["id"], "title": f.get("title"), "name": self.file_names.get(f["id"])}
                    for f in entries
                ],
            }
        if method == "users.conversations":
            return {"ok": True, "channels": [{"id": "CKC"}]}
        return {"ok": True}
