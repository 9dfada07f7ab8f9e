"""The platform-neutral reply every handler returns and every adapter renders."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Visibility(StrEnum):
    """Who sees a reply."""

    CALLER = "caller"
    CHANNEL = "channel"


class ButtonKind(StrEnum):
    """What pressing a button does."""

    RUN = "run"  # run ``command`` as if the user typed it
    PICK_DATE = "pick_date"  # ask for a date, then run ``command`` + " <date>"
    NOTE = "note"  # ask for a text, then run ``command`` + " <text>"


@dataclass(frozen=True)
class Button:
    """An intent such as "mark #12 done", expressed as the command it runs."""

    label: str
    command: str
    kind: ButtonKind = ButtonKind.RUN
    primary: bool = False


@dataclass(frozen=True)
class Line:
    """One line of a reply, optionally about one action with its buttons."""

    text: str
    buttons: tuple[Button, ...] = ()
    action_number: int | None = None
    heading: bool = False


@dataclass(frozen=True)
class ReplyFile:
    """A document that goes with a reply (minutes as Markdown or Word).

    Adapters deliver it their way: the console writes it to the current directory,
    Slack uploads it, Teams attaches it.
    """

    filename: str
    mime_type: str
    content: bytes | str

    def as_bytes(self) -> bytes:
        """The content as bytes (text is UTF-8)."""
        return self.content.encode("utf-8") if isinstance(self.content, str) else self.content


@dataclass(frozen=True)
class Reply:
    """What the bot answers."""

    headline: str
    lines: tuple[Line, ...] = ()
    visibility: Visibility = Visibility.CALLER
    error: bool = False
    lang: str = "sv"
    files: tuple[ReplyFile, ...] = ()

    def as_text(self) -> str:
        """Render as plain text (console, notifications, fallbacks)."""
        parts = [self.headline]
        for line in self.lines:
            parts.append(line.text if line.heading else f"  {line.text}")
        return "\n".join(p for p in parts if p)
