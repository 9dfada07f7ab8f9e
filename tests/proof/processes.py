"""Real ``motesbot`` processes for the proof tests: start, probe, stop, run a CLI command.

Every process is the real CLI (``bot.cli.main``) in a subprocess with its own
environment; output goes to files so a chatty process never blocks on a full
pipe. Waits poll a condition until a deadline instead of sleeping a fixed time.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp

CLI = [sys.executable, "-c", "from bot.cli import main; main()"]
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port of 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def until(
    condition: Callable[[], Awaitable[bool]], *, timeout: float, what: str, every: float = 0.1
) -> float:
    """Wait until ``condition()`` is true; return the seconds it took.

    Raises:
        AssertionError: not true within ``timeout`` seconds.
    """
    start = time.monotonic()
    while True:
        if await condition():
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise AssertionError(f"not within {timeout} s: {what}")
        await asyncio.sleep(every)


@dataclass
class BotProcess:
    """One ``motesbot run`` on its own port."""

    name: str
    port: int
    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def output(self) -> str:
        """What the process wrote so far (stdout and stderr)."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    async def healthy(self, http: aiohttp.ClientSession) -> bool:
        assert self.proc.poll() is None, f"{self.name} exited:\n{self.output()[-3000:]}"
        try:
            async with http.get(f"{self.base}/healthz") as resp:
                return resp.status == 200
        except aiohttp.ClientError:
            return False

    async def metric(self, http: aiohttp.ClientSession, name: str) -> float | None:
        """One unlabelled sample of ``/metrics``, or None when it cannot be read."""
        try:
            async with http.get(f"{self.base}/metrics") as resp:
                text = await resp.text()
        except aiohttp.ClientError:
            return None
        found = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
        return float(found.group(1)) if found else None

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a crash or an OOM kill."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it does not end."""
        if self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


def start_run(name: str, env: dict[str, str], workdir: Path) -> BotProcess:
    """Start ``motesbot run`` with ``env`` (which must set PORT)."""
    log = workdir / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*CLI, "run"],
            env=env,
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return BotProcess(name, int(env["PORT"]), proc, log)


async def cli(
    *args: str, env: dict[str, str], workdir: Path, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run one CLI command to its end without blocking the event loop (the stubs keep serving)."""

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*CLI, *args],
            env=env,
            cwd=workdir,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )

    result = await asyncio.to_thread(run)
    if check and result.returncode != 0:
        raise AssertionError(f"motesbot {' '.join(args)}: {result.stdout}{result.stderr}")
    return result


def base_env(**values: str) -> dict[str, str]:
    """The test process's environment without Mötesbot/Slack settings, plus ``values``."""
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "MOTESBOT_", "TEAMS_", "MICROSOFT_", "DATABASE_"))
    }
    return {**keep, "HOST": "127.0.0.1", "PYTHONPATH": str(ROOT), **values}
