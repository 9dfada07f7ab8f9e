"""A tiny stand-in for the Slack Web API (and for ``response_url``), for benchmarks.

Run it as ``python -m bench.slack_stub --port N``. It answers every Web API
method with ``ok`` (plausible bodies for the methods a bot calls on a slash
command), records every call, and serves three extra routes:

* ``POST /response/{key}``: a ``response_url``; the arrival time is recorded per key.
* ``POST /floor``: answers at once; the latency floor of the HTTP round trip.
* ``GET /_stub/calls``: what was recorded, as JSON (``?posts=1``: with the arrival times
  of every chat.postMessage).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter, defaultdict
from typing import Any

from aiohttp import web

TEAM_ID = "T0LOAD"

API_CALLS: Counter[str] = Counter()
RESPONSES: defaultdict[str, list[float]] = defaultdict(list)
RESPONSE_BODIES: dict[str, str] = {}
# When each chat.postMessage arrived (wall clock): a fan-out's DMs over time.
POST_TIMES: list[float] = []


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        data = await request.json()
        return dict(data) if isinstance(data, dict) else {}
    form = await request.post()
    params: dict[str, Any] = {k: str(v) for k, v in form.items()}
    params.update(request.query)
    return params


def _user(user_id: str) -> dict[str, Any]:
    name = f"Load User {user_id[-3:]}"
    return {
        "id": user_id,
        "team_id": TEAM_ID,
        "name": user_id.lower(),
        "real_name": name,
        "tz": "Europe/Stockholm",
        "locale": "sv-SE",
        "is_bot": False,
        "profile": {
            "real_name": name,
            "display_name": name,
            "email": f"{user_id.lower()}@example.invalid",
        },
    }


async def api(request: web.Request) -> web.Response:
    """Any Web API method: record it, answer ok."""
    method = request.match_info["method"]
    API_CALLS[method] += 1
    if method == "chat.postMessage":
        POST_TIMES.append(time.time())
    params = await _params(request)
    body: dict[str, Any] = {"ok": True}
    if method == "auth.test":
        body.update(
            url="https://load.example.invalid/",
            team="Load",
            user="motesbot",
            team_id=TEAM_ID,
            user_id="UBOT",
            bot_id="BBOT",
            is_enterprise_install=False,
        )
    elif method == "users.info":
        body["user"] = _user(str(params.get("user", "U0")))
    elif method == "conversations.info":
        body["channel"] = {"id": params.get("channel", "C0"), "name": "kc", "is_channel": True}
    elif method.startswith("chat."):
        body.update(channel=params.get("channel", "C0"), ts=f"{time.time():.6f}", message={})
    elif method == "conversations.open":
        body["channel"] = {"id": "D0LOAD"}
    return web.json_response(body)


async def response_url(request: web.Request) -> web.Response:
    """A slash command's ``response_url``."""
    key = request.match_info["key"]
    RESPONSES[key].append(time.time())
    RESPONSE_BODIES[key] = (await request.text())[:2000]
    return web.Response(text="ok")


async def floor(request: web.Request) -> web.Response:
    """The cheapest possible answer: what HTTP alone costs."""
    await request.read()
    return web.Response(text="")


async def calls(request: web.Request) -> web.Response:
    """Everything recorded so far."""
    body: dict[str, Any] = {"api": dict(API_CALLS), "responses": dict(RESPONSES)}
    if request.query.get("posts"):
        body["post_times"] = POST_TIMES
    return web.json_response(body)


async def reset(request: web.Request) -> web.Response:
    """Forget what was recorded (between runs)."""
    API_CALLS.clear()
    RESPONSES.clear()
    RESPONSE_BODIES.clear()
    POST_TIMES.clear()
    return web.json_response({"ok": True})


def make_app() -> web.Application:
    """The stub's routes."""
    app = web.Application(client_max_size=4 * 1024 * 1024)
    app.router.add_post("/api/{method}", api)
    app.router.add_get("/api/{method}", api)
    app.router.add_post("/response/{key}", response_url)
    app.router.add_post("/floor", floor)
    app.router.add_get("/_stub/calls", calls)
    app.router.add_post("/_stub/reset", reset)
    return app


def serve(argv: list[str] | None = None) -> None:
    """Serve until killed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    web.run_app(make_app(), host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    serve()
