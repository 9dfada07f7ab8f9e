"""Names as people type them: case, accents and Swedish letters."""

from __future__ import annotations

import unicodedata


def fold(text: str, *, keep_swedish: bool = True) -> str:
    """Casefold and drop accents, for matching names as people type them.

    é, è, ü and the like lose their marks (``Helén`` ~ ``helen``). å, ä and ö are
    letters of their own in Swedish and stay, unless ``keep_swedish`` is False
    (the fallback for English keyboards: ``ake`` ~ ``Åke``).
    """
    out = []
    for char in text.casefold():
        if keep_swedish and char in "åäö":
            out.append(char)
            continue
        decomposed = unicodedata.normalize("NFKD", char)
        out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return "".join(out).replace("ø", "o").replace("æ", "ae")


def squash(text: str) -> str:
    """A name reduced to its letters and digits, every accent dropped: ``KC möte`` → ``kcmote``."""
    return "".join(c for c in fold(text, keep_swedish=False) if c.isalnum())
