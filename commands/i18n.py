"""Every sentence the bot says, read from the gettext catalogues in ``commands/locale``.

Swedish is the default language and English the second. The catalogues are
ordinary ``.po`` files so that a translator can work on them with standard
tools: ``commands/locale/<lang>/LC_MESSAGES/<domain>.po``, one domain per area
(``motesbot`` for the core, others beside it), all read at first use. A message
id is a stable key such as ``action_added``; the Swedish text sits beside it in
the English file as a comment. Plural forms use gettext's ``msgid_plural`` and
are picked with :func:`tn`. A key defined in two domains is an error.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

LANGUAGES = ("sv", "en")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def catalogue_paths(lang: str) -> list[Path]:
    """The ``.po`` files of a language, one per domain."""
    return sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po"))


@cache
def catalogue(lang: str) -> Catalog:
    """Read (and keep) one language's catalogue: every domain's file, merged.

    Raises:
        ValueError: a message id is defined in two files.
    """
    merged = Catalog(locale=lang)
    for path in catalogue_paths(lang):
        with path.open("rb") as handle:
            part = read_po(handle, locale=lang, domain=path.stem)
        for message in part:
            if not message.id:
                continue
            if message.id in merged:
                raise ValueError(f"{path.name}: message id {message.id!r} defined twice")
            merged[message.id] = message
    return merged


@cache
def _singular(lang: str) -> dict[str, str]:
    return {
        str(m.id): str(m.string)
        for m in catalogue(lang)
        if m.id and isinstance(m.id, str) and m.string
    }


@cache
def _plural(lang: str) -> dict[str, tuple[str, ...]]:
    return {
        str(m.id[0]): tuple(str(s) for s in m.string)
        for m in catalogue(lang)
        if isinstance(m.id, tuple) and isinstance(m.string, tuple) and all(m.string)
    }


def _lang(lang: str) -> str:
    return lang if lang in LANGUAGES else "sv"


def t(lang: str, key: str, **values: object) -> str:
    """Return a message in a language, with its values filled in.

    Args:
        lang: "sv" or "en"; anything else falls back to Swedish.
        key: the message id.
        **values: values for the message's placeholders.

    Returns:
        The message.

    Raises:
        KeyError: the key is in no catalogue (a test finds every such call).
    """
    lang = _lang(lang)
    text = _singular(lang).get(key)
    if text is None:
        text = _singular("sv")[key]
    return text.format(**values) if values else text


def tn(lang: str, key: str, count: int, **values: object) -> str:
    """Return the singular or plural form of a message for ``count``.

    ``{count}`` is filled in with the number, next to ``values``.

    Args:
        lang: "sv" or "en".
        key: the singular message id (a ``msgid`` that has a ``msgid_plural``).
        count: the number that decides the form.
        **values: the other placeholders.

    Returns:
        The message.
    """
    lang = _lang(lang)
    entry = _plural(lang).get(key) or _plural("sv")[key]
    # Swedish and English both have two forms: index 0 for 1, index 1 otherwise.
    text = entry[0] if count == 1 else entry[-1]
    return text.format(count=count, **values)


def has(key: str) -> bool:
    """True if the key is in the Swedish catalogue."""
    return key in _singular("sv") or key in _plural("sv")


def lang_of(locale: str | None, default: str = "sv") -> str:
    """Pick our language from a platform locale ("sv-SE", "en-US", ...)."""
    if locale:
        code = locale.replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return default


def messages_missing_translation() -> list[str]:
    """Return the ids that one language has and the other lacks, for the tests."""
    keys = {lang: set(_singular(lang)) | set(_plural(lang)) for lang in LANGUAGES}
    return sorted(keys["sv"] ^ keys["en"])
