"""Remove characters from typed text that no register should keep.

PostgreSQL refuses NUL in text (and SQLite keeps it), terminal escape sequences
and bell characters end up in exports and console output, and bidirectional
overrides make a stored text read differently from what it is ("Trojan
Source"). None of them is typed on purpose; they are dropped before parsing.
Line breaks and tabs stay; so do zero-width joiners, which emoji need.
"""

from __future__ import annotations

import re

_UNWANTED = re.compile(
    "["
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f"  # C0 controls except tab, line feed, carriage return; DEL
    "\x80-\x9f"  # C1 controls
    "\u202a-\u202e\u2066-\u2069"  # bidirectional embeddings, overrides and isolates
    "\ufeff"  # byte order mark
    "]"
)


def clean(text: str) -> str:
    """Return ``text`` without control characters, bidi overrides and byte order marks."""
    return _UNWANTED.sub("", text)
