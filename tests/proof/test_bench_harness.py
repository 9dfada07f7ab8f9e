"""The load harness signs and encodes slash commands exactly as Slack does."""

from __future__ import annotations

import time
from urllib.parse import parse_qs

from slack_sdk.signature import SignatureVerifier

from bench.load import SIGNING_SECRET, percentile, sign, slash_body
from bench.run_all import flatten


def test_signatures_verify_with_slacks_own_verifier() -> None:
    body = slash_body(17, user=3, stub="http://127.0.0.1:9")
    ts = int(time.time())
    verifier = SignatureVerifier(SIGNING_SECRET)
    assert verifier.is_valid(body=body, timestamp=str(ts), signature=sign(body, ts))
    assert not verifier.is_valid(body=body + "x", timestamp=str(ts), signature=sign(body, ts))


def test_the_body_is_a_slash_command_form() -> None:
    form = parse_qs(slash_body(17, user=3, stub="http://127.0.0.1:9"))
    assert form["command"] == ["/action"]
    assert form["text"][0].startswith("add Load test 17 ")
    assert form["response_url"] == ["http://127.0.0.1:9/response/17"]
    assert form["user_id"] == ["U0LOAD003"]


def test_figures() -> None:
    assert percentile([0.1] * 99 + [2.0], 50) == 100.0
    assert percentile([], 99) is None
    out: dict[str, object] = {}
    flatten("", {"load": {"sqlite": {"p50_ms": 1.0}}, "x": 2}, out)
    assert out == {"load.sqlite.p50_ms": 1.0, "x": 2}
