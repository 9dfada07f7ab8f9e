"""The benchmark harness: signing, percentiles, open-loop schedules and the figures it reports.

Pure parts only; the benchmarks themselves run under ``make bench``, never in CI.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs

from slack_sdk.signature import SignatureVerifier

from bench.answer_latency import Window, command_body, summarise, target
from bench.harness import (
    SIGNING_SECRET,
    median,
    open_loop_offsets,
    percentile,
    ratio,
    sign,
)
from bench.load import slash_body
from bench.register import Size
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


def test_a_timed_command_names_its_answer_address_and_register_people() -> None:
    form = parse_qs(command_body("ours3", 41, people=1000, response_url="http://h/answer/ours3/41"))
    assert form["response_url"] == ["http://h/answer/ours3/41"]
    assert form["text"][0].startswith("add Svar ours3 41 <@U")
    assert form["user_id"][0].startswith("U") and int(form["user_id"][0][1:]) <= 1000


def test_percentiles_by_nearest_rank_including_p99_9() -> None:
    assert percentile([0.1] * 99 + [2.0], 50) == 100.0
    assert percentile([0.1] * 99 + [2.0], 99) == 100.0
    assert percentile([0.1] * 99 + [2.0], 99.9) == 2000.0
    assert percentile([], 99) is None


def test_a_percentile_that_falls_on_an_unanswered_command_does_not_exist() -> None:
    answered = [0.01] * 98
    assert percentile([*answered, float("inf"), float("inf")], 50) == 10.0
    assert percentile([*answered, float("inf"), float("inf")], 99) is None


def test_the_open_loop_schedule_is_fixed_intervals() -> None:
    offsets = open_loop_offsets(40, 20)
    assert len(offsets) == 800
    assert offsets[0] == 0.0 and offsets[1] == 0.025 and offsets[-1] == 799 / 40
    assert open_loop_offsets(0, 20) == []


def test_ratio_and_median_refuse_missing_figures() -> None:
    assert ratio(30.0, 10.0) == 3.0
    assert ratio(None, 10.0) is None and ratio(5.0, 0.0) is None
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert median([3.0, None, 2.0]) is None


def _window(ms: list[float | None]) -> Window:
    seconds = [float("inf") if v is None else v / 1000 for v in ms]
    answered = sum(1 for v in ms if v is not None)
    return Window(sent=len(ms), acked=len(ms), answered=answered, seconds=seconds)


def test_the_summary_is_the_median_of_repetitions_against_the_floor() -> None:
    ours = [_window([20.0] * 100), _window([30.0] * 100), _window([25.0] * 100)]
    floor = [_window([10.0] * 100)] * 3
    out = summarise(ours, floor, target(40, fanout=False))
    assert out["ours"]["p99_ms"] == 25.0
    assert out["ratio_p99"] == 2.5
    assert out["meets_target"] is True  # at most 3x and under 100 ms
    assert summarise(ours, floor, target(10, fanout=False))["meets_target"] is False


def test_an_unanswered_command_fails_the_target() -> None:
    ours = [_window([5.0] * 99 + [None])] * 3
    floor = [_window([5.0] * 100)] * 3
    out = summarise(ours, floor, target(10, fanout=False))
    assert out["ours"]["answered"] == 297 and out["ours"]["p999_ms"] is None
    assert out["meets_target"] is False
    assert summarise(ours, floor, target(100, fanout=False))["meets_target"] is None


def test_register_templates_are_named_by_size() -> None:
    small, large = Size(1_000, 50_000, 1_000), Size(100_000, 1_000_000, 10_000)
    assert small.key() != large.key() and small.key() == Size(1_000, 50_000, 1_000).key()
    assert large.label == "1000000a-100000p"


def test_figures() -> None:
    out: dict[str, object] = {}
    flatten("", {"load": {"sqlite": {"p50_ms": 1.0}}, "x": 2}, out)
    assert out == {"load.sqlite.p50_ms": 1.0, "x": 2}
