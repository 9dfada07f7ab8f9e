"""``motesbot teams package``: the zip (manifest + icons) a Teams admin uploads."""

from __future__ import annotations

import json
import re
import uuid
import zipfile
from pathlib import Path
from typing import Any

from bot.teams.icons import color_icon, outline_icon

MANIFEST = "manifest.json"
# teams/ beside the source tree (a checkout); the current directory wins.
SOURCE_DIRS = (Path("teams"), Path(__file__).resolve().parents[2] / "teams")
_HOST_RE = re.compile(
    r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$"
)


class PackageError(ValueError):
    """The package cannot be built; the message says why."""


def _guid(value: str, what: str) -> str:
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError as err:
        raise PackageError(
            f"{what} måste vara ett GUID, t.ex. 00000000-0000-0000-0000-000000000000 (fick ”{value}”)."
        ) from err


def _host(value: str) -> str:
    host = value.strip().lower().removeprefix("https://").removeprefix("http://").rstrip("/")
    if not _HOST_RE.match(host):
        raise PackageError(
            f"--domain ska vara botens värdnamn, t.ex. motesbot.kommun.se (fick ”{value}”)."
        )
    return host


def find_source(source: Path | None = None) -> Path:
    """The folder holding manifest.json (and the icons)."""
    for folder in (source,) if source else SOURCE_DIRS:
        if folder is not None and (folder / MANIFEST).is_file():
            return folder
    raise PackageError(
        "Hittar inte teams/manifest.json. Kör i projektets katalog eller ange --source."
    )


def render_manifest(template: str, *, app_id: str, bot_id: str, domain: str) -> dict[str, Any]:
    """Fill the placeholders of the manifest template and parse it."""
    text = (
        template.replace("{{APP_ID}}", app_id)
        .replace("{{BOT_ID}}", bot_id)
        .replace("{{DOMAIN}}", domain)
    )
    left = re.findall(r"\{\{[A-Z_]+\}\}", text)
    if left:
        raise PackageError(f"Okända platshållare i manifestet: {', '.join(sorted(set(left)))}")
    manifest: dict[str, Any] = json.loads(text)
    return manifest


def build_package(
    *,
    app_id: str,
    bot_id: str | None,
    domain: str,
    output: Path,
    source: Path | None = None,
) -> Path:
    """Write the app package zip.

    Args:
        app_id: the Teams app id (a GUID of your choosing; keep it for updates).
        bot_id: the Azure bot's Microsoft App ID (client id); defaults to ``app_id``.
        domain: the public host name the bot answers on.
        output: where to write the zip.
        source: the folder with manifest.json and the icons (default: teams/).

    Returns:
        The written path.

    Raises:
        PackageError: an id or the domain is malformed, or the template is missing.
    """
    app = _guid(app_id, "--app-id")
    bot = _guid(bot_id, "--bot-id") if bot_id else app
    folder = find_source(source)
    manifest = render_manifest(
        (folder / MANIFEST).read_text(encoding="utf-8"),
        app_id=app,
        bot_id=bot,
        domain=_host(domain),
    )
    icons = {
        "color.png": (folder / "color.png").read_bytes()
        if (folder / "color.png").is_file()
        else color_icon(),
        "outline.png": (folder / "outline.png").read_bytes()
        if (folder / "outline.png").is_file()
        else outline_icon(),
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # Teams wants the three files at the root of the zip, not in a folder.
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        for name, data in icons.items():
            archive.writestr(name, data)
    return output
