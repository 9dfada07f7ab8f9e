"""The exceptions handlers raise: bad input, or a question that needs a yes first."""

from __future__ import annotations

from typing import Any

from commands.reply import Reply


class CommandError(Exception):
    """Bad input: the message key and its values; the transaction is rolled back."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


class NeedsConfirmation(Exception):
    """The command would do something surprising: ask first, roll back, store nothing."""

    def __init__(self, reply: Reply) -> None:
        super().__init__("needs confirmation")
        self.reply = reply
