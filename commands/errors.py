"""The one exception handlers raise for bad input."""

from __future__ import annotations

from typing import Any


class CommandError(Exception):
    """Bad input: the message key and its values; the transaction is rolled back."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)
        self.key = key
        self.values = values
