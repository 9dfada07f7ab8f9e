"""The terminal adapter: one command a line in, the rendered reply out.

Like errbot's text backend, it runs every command with no chat service, so it
is the fastest way to try a change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TextIO

from sqlalchemy.engine import Engine

from commands import run
from commands.context import Config
from commands.reply import Reply, Visibility
from commands.request import Request, UserRef

PLATFORM = "console"
WORKSPACE = "console"
QUIT_WORDS = frozenset({"quit", "exit", "avsluta", "sluta", ":q"})


def parse_line(line: str) -> tuple[str, str] | None:
    """Split "/action add x" (the slash is optional) into ("action", "add x")."""
    text = line.strip()
    if not text or text.startswith("//"):
        return None
    command, _, rest = text.lstrip("/").partition(" ")
    return command, rest.strip()


def render(reply: Reply) -> str:
    """Plain text for the terminal; replies to the whole channel are marked."""
    text = reply.as_text()
    if reply.visibility == Visibility.CHANNEL:
        return "[kanal] " + text if reply.lang == "sv" else "[channel] " + text
    return text


def save_files(reply: Reply, directory: Path | None = None) -> list[Path]:
    """Write a reply's documents to a directory (default: the current one); return the paths."""
    target = directory or Path.cwd()
    written = []
    for doc in reply.files:
        path = target / Path(doc.filename).name
        path.write_bytes(doc.as_bytes())
        written.append(path)
    return written


def user_ref(name: str) -> UserRef:
    """The console user: identified by name, with no time zone of their own."""
    return UserRef(platform_id=f"console:{name.casefold()}", name=name)


def run_line(
    engine: Engine,
    line: str,
    *,
    user: str,
    channel: str,
    now: datetime,
    lang: str | None = None,
    config: Config | None = None,
) -> Reply | None:
    """Run one console line through the pipeline and return the reply (None for blank lines)."""
    parsed = parse_line(line)
    if parsed is None:
        return None
    command, text = parsed
    request = Request(
        platform=PLATFORM,
        workspace=WORKSPACE,
        user=user_ref(user),
        channel=channel,
        command=command,
        text=text,
        now=now,
        lang=lang,
    )
    return run(request, engine=engine, config=config).reply


def run_shell(
    engine: Engine,
    lines: Iterable[str],
    out: TextIO,
    *,
    user: str,
    channel: str,
    clock: Callable[[], datetime],
    lang: str | None = None,
    prompt: str | None = None,
    files_dir: Path | None = None,
    config: Config | None = None,
) -> int:
    """Read commands until the input ends or the user quits.

    Returns:
        How many commands got an error reply (for scripts).
    """
    errors = 0
    if prompt:
        out.write(prompt)
        out.flush()
    for line in lines:
        if line.strip().casefold() in QUIT_WORDS:
            break
        reply = run_line(
            engine, line, user=user, channel=channel, now=clock(), lang=lang, config=config
        )
        if reply is not None:
            errors += reply.error
            out.write(render(reply) + "\n")
            for path in save_files(reply, files_dir):
                out.write(f"  📄 {path}\n")
        if prompt:
            out.write(prompt)
        out.flush()
    return errors
