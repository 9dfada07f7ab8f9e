"""Run every benchmark in ``bench/``, print one table, write ``bench/results.json``.

A benchmark is a module of this directory with ``main(argv) -> dict``; it is
called with no arguments (its defaults: for answer_latency the issue's full set,
about an hour), or with ``--quick`` with its ``QUICK_ARGS`` (small and short,
for development). Nested dictionaries are shown as dotted figure names.
``make bench`` runs this file (``make bench BENCH_ARGS="--quick --only answer_latency"``).
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Benchmarks the project expects; the ones still missing are named, not silently skipped.
EXPECTED = ("answer_latency", "slack_latency", "fanout", "load")
NOT_BENCHMARKS = {
    "__init__",
    "run_all",
    "slack_stub",
    "stand_in",
    "harness",
    "register",
    "floor_app",
}


def discover() -> list[str]:
    """Expected benchmarks first, in order, then any other module of bench/."""
    found = sorted(p.stem for p in HERE.glob("*.py") if p.stem not in NOT_BENCHMARKS)
    return [n for n in EXPECTED if n in found] + [n for n in found if n not in EXPECTED]


def flatten(prefix: str, value: Any, out: dict[str, Any]) -> None:
    """Nested dicts become dotted keys."""
    if isinstance(value, dict):
        for key, sub in value.items():
            flatten(f"{prefix}.{key}" if prefix else str(key), sub, out)
    else:
        out[prefix] = value


def run(names: list[str], console: Console, *, quick: bool = False) -> dict[str, Any]:
    """Run the benchmarks; a failing one is recorded, never fatal.

    With ``quick``, a benchmark gets its ``QUICK_ARGS``; one without them is skipped.
    """
    results: dict[str, Any] = {}
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        main = getattr(module, "main", None)
        if not callable(main):
            continue
        argv: list[str] = []
        if quick:
            quick_args = getattr(module, "QUICK_ARGS", None)
            if quick_args is None:
                console.print(f"[yellow]skipped in --quick: {name}[/yellow]")
                continue
            argv = list(quick_args)
        console.print(f"[bold]▶ {name}[/bold]")
        started = time.perf_counter()
        try:
            figures = main(argv)
            if not isinstance(figures, dict):
                raise TypeError(f"main() returned {type(figures).__name__}, not dict")
        except Exception as err:
            traceback.print_exc()
            figures = {"status": "failed", "reason": f"{type(err).__name__}: {err}"}
        figures["duration_s"] = round(time.perf_counter() - started, 1)
        results[name] = figures
    return results


def table(results: dict[str, Any]) -> Table:
    """One table of every figure."""
    out = Table(title="Mötesbot benchmarks", show_lines=False)
    out.add_column("benchmark", style="bold")
    out.add_column("figure", no_wrap=True)
    out.add_column("value", justify="right", max_width=60, overflow="fold")
    for name, figures in results.items():
        flat: dict[str, Any] = {}
        flatten("", figures, flat)
        for i, (key, value) in enumerate(flat.items()):
            shown = f"{value:g}" if isinstance(value, float) else str(value)
            if key.endswith("reason"):
                shown = shown[:160]
            out.add_row(name if i == 0 else "", key, shown)
        out.add_section()
    return out


def main(argv: list[str] | None = None) -> int:
    """Run, print, write; the exit code is 1 if any benchmark failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="run just these (repeatable)")
    parser.add_argument("--output", type=Path, default=HERE / "results.json")
    parser.add_argument("--quick", action="store_true", help="each benchmark's QUICK_ARGS")
    args = parser.parse_args(argv)
    # Piped output (CI logs, files) gets a readable width instead of the 80-column default.
    console = Console() if sys.stdout.isatty() else Console(width=160)
    names = discover()
    for missing in (n for n in EXPECTED if n not in names):
        console.print(f"[yellow]skipped: bench/{missing}.py is not there yet[/yellow]")
    if args.only:
        names = [n for n in names if n in args.only]
    results = run(names, console, quick=args.quick)
    console.print(table(results))
    document = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}",
        "quick": args.quick,
        "results": results,
    }
    args.output.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    console.print(f"Wrote {args.output}")
    flat: dict[str, Any] = {}
    flatten("", results, flat)
    failed = [k for k, v in flat.items() if k.endswith("status") and v == "failed"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
