"""Owners in command text: platform mentions, @name prefixes and @"Full Name"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from babel.lists import format_list

from commands.confirm import ask, command_line, offer
from commands.context import Ctx
from commands.errors import CommandError
from commands.i18n import t
from storage import people
from storage.models import Person

_QUOTES = '"“”„«»'
MENTION_RE = re.compile(
    r"<@(?P<id>[A-Za-z0-9:_.\-]+)(?:\|(?P<label>[^>]*))?>"
    rf"|(?<!\S)@[{_QUOTES}](?P<quoted>[^{_QUOTES}]+)[{_QUOTES}]"
    rf"|(?<!\S)@(?P<word>[^\s@<>{_QUOTES}]+)"
)
_OPEN_QUOTE_RE = re.compile(rf"(?<!\S)@\s*[{_QUOTES}]")
_TRAILING_PUNCT = ".,;:!?)"
SELF_WORDS = frozenset({"me", "mig", "jag", "myself"})


@dataclass(frozen=True)
class OwnerToken:
    """One owner as written: a platform id, a quoted full name, or a word."""

    kind: str  # "platform" | "quoted" | "word"
    value: str
    label: str | None = None


def split_owners(text: str) -> tuple[str, list[OwnerToken]]:
    """Take the owner mentions out of a text.

    Returns:
        The text without them (spaces tidied) and the tokens in order.
    """
    tokens: list[OwnerToken] = []

    def take(match: re.Match[str]) -> str:
        if match.group("id"):
            tokens.append(OwnerToken("platform", match.group("id"), match.group("label")))
            return " "
        if match.group("quoted"):
            if "@" in match.group("quoted"):
                raise CommandError("quote_unbalanced")
            tokens.append(OwnerToken("quoted", match.group("quoted").strip()))
            return " "
        word = match.group("word")
        stripped = word.rstrip(_TRAILING_PUNCT)
        if not stripped:
            return match.group(0)
        tokens.append(OwnerToken("word", stripped))
        return " " + word[len(stripped) :]

    rest = MENTION_RE.sub(take, text)
    if _OPEN_QUOTE_RE.search(rest):
        # @"Helen Andersson senast 15/1: the name would swallow the date; ask instead.
        raise CommandError("quote_unbalanced")
    return " ".join(rest.split()), tokens


def resolve(ctx: Ctx, token: OwnerToken) -> Person:
    """Turn an owner token into a stored person.

    Raises:
        CommandError: unknown or ambiguous name.
    """
    if token.kind == "platform":
        found = ctx.known_people.get(token.value) or people.by_platform_id(
            ctx.session, workspace_id=ctx.ws_id, platform_user_id=token.value
        )
        if found is not None:
            return found
        info = ctx.request.mentions.get(token.value)
        return people.upsert_chat_user(
            ctx.session,
            workspace_id=ctx.ws_id,
            platform_user_id=token.value,
            display_name=(info.name if info else None) or token.label or token.value,
            timezone=info.timezone if info else None,
            locale=info.locale if info else None,
            email=info.email if info else None,
            at=ctx.now,
        )
    if token.kind == "quoted":
        name = " ".join(token.value.split())
        if (
            not ctx.confirmed
            and people.find_by_name(ctx.session, workspace_id=ctx.ws_id, name=name) is None
        ):
            alikes = people.look_alikes(ctx.session, workspace_id=ctx.ws_id, name=name)
            if alikes:
                raise _ask_new_person(ctx, token, name, alikes[0])
        return people.get_or_create_by_name(
            ctx.session, workspace_id=ctx.ws_id, name=name, at=ctx.now
        )
    if token.value.casefold() in SELF_WORDS:
        return ctx.caller
    matches = people.match_name(ctx.session, workspace_id=ctx.ws_id, query=token.value)
    if not matches:
        raise CommandError("person_unknown", name=token.value)
    if len(matches) > 1:
        raise CommandError(
            "person_ambiguous",
            name=token.value,
            candidates=", ".join(p.display_name for p in matches[:8]),
        )
    return matches[0]


def _ask_new_person(ctx: Ctx, token: OwnerToken, name: str, existing: Person) -> Exception:
    """ "Menade du Helén …?": offer the existing person, or a new one with the name as typed."""
    written = re.compile(rf"@[{_QUOTES}]\s*{re.escape(token.value)}\s*[{_QUOTES}]")
    fixed = written.sub(lambda _: f'@"{existing.display_name}"', ctx.request.text.strip(), count=1)
    return ask(
        ctx,
        t(ctx.lang, "confirm_person", name=name, existing=existing.display_name),
        yes_label=t(ctx.lang, "confirm_person_new", name=name),
        alternatives=(
            (
                t(ctx.lang, "confirm_person_use", name=existing.display_name),
                command_line(ctx, fixed),
            ),
        ),
    )


def resolve_all(ctx: Ctx, tokens: list[OwnerToken]) -> list[Person]:
    """Resolve every token, keeping order and dropping repeats."""
    result: list[Person] = []
    for token in tokens:
        person = resolve(ctx, token)
        if all(p.id != person.id for p in result):
            result.append(person)
    return result


# "@Per Ek" (no quotes) and "ansvarig: Per Ek" name a person as people write it.
_AT_TWO_WORDS_RE = re.compile(r"(?<!\S)@(?P<name>[^\s@<>\"“”„«»]+(?:\s+[^\s@<>\"“”„«»#]+){1,2})")
_OWNER_PHRASE_RE = re.compile(
    r"(?:[,;]\s*|(?<!\S))(?:ansvarig|ansvariga|ansv\.?|owner):?\s+"
    r"(?P<name>[^\s,;@<>]+(?:\s+[^\s,;@<>]+)?)"
    # Only where the name ends a part of the text: "Utse ansvarig Anna för X" is a text.
    r"(?=\s*(?:[,;]|$|@|<@|(?:senast|till|klart?|färdigt?|innan|före|by|due)\b))\s*[,;]?",
    re.IGNORECASE,
)


def owners_as_written(ctx: Ctx, text: str) -> str:
    """Mark names written without quotes as owners, when they are known people.

    "@Per Ek" becomes @"Per Ek" if someone has that full name (otherwise "@Per" alone is
    the owner and "Ek" stays text), and "ansvarig: Per" / ", ansvarig Per Ek," become the
    owner if exactly one person goes by that name. A name after the label that nobody has
    is taken as an owner all the same, as written with @: "ansvarig: Anna Berg" as
    @"Anna Berg" (someone without an account), "ansvarig: Anna" as @Anna (which asks when
    several or nobody go by it). Anything else is left as typed.
    """
    if "@" not in text and not _OWNER_PHRASE_RE.search(text):
        return text

    def full(match: re.Match[str]) -> str:
        words = match.group("name").split()
        for k in range(len(words), 1, -1):
            written = " ".join(words[:k])
            name = written.rstrip(_TRAILING_PUNCT)
            if people.find_by_name(ctx.session, workspace_id=ctx.ws_id, name=name):
                return " ".join([f'@"{name}"{written[len(name) :]}', *words[k:]])
        new = _new_person(ctx, words)
        if new is None:
            return match.group(0)
        name, used = new
        if not ctx.confirmed:
            raise _offer_new_person(ctx, name, words[:used])
        return " ".join([f'@"{name}"{words[used - 1][len(name.split()[-1]) :]}', *words[used:]])

    def phrase(match: re.Match[str]) -> str:
        words = match.group("name").split()
        for k in range(len(words), 0, -1):
            name = " ".join(words[:k])
            found = people.match_name(ctx.session, workspace_id=ctx.ws_id, query=name)
            if len(found) == 1:
                # A comma after the name still ends that part: "…, klart till 15/12".
                comma = "," if match.group(0).rstrip().endswith((",", ";")) else ""
                return " ".join(["", f'@"{found[0].display_name}"', *words[k:], comma])
        if all(w[:1].isupper() for w in words):
            comma = "," if match.group(0).rstrip().endswith((",", ";")) else ""
            named = f'@"{" ".join(words)}"' if len(words) > 1 else f"@{words[0]}"
            return " ".join(["", named, comma])
        return match.group(0)

    text = _AT_TWO_WORDS_RE.sub(full, text)
    return _OWNER_PHRASE_RE.sub(phrase, text)


def _new_person(ctx: Ctx, words: list[str]) -> tuple[str, int] | None:
    """ "@Lisa Ek" when nobody goes by Lisa: the name of someone new, and its words used."""
    surname = []
    for word in words[1:]:
        bare = word.rstrip(_TRAILING_PUNCT)
        if not bare[:1].isupper() or not bare.replace("-", "").isalpha():
            break
        surname.append(bare)
        if bare != word:
            break  # "@Lisa Ek, senast fredag": the comma ends the name
    first = words[0]
    if not surname or people.match_name(ctx.session, workspace_id=ctx.ws_id, query=first):
        return None
    return " ".join([first, *surname]), 1 + len(surname)


def _offer_new_person(ctx: Ctx, name: str, words: list[str]) -> Exception:
    """Ask whether "@Lisa Ek" is someone new, offering the command with @"Lisa Ek"."""
    fixed = _quoted_in_command(ctx, [name], lead=r"(?<!\S)@")
    return offer(
        ctx,
        t(ctx.lang, "confirm_new_person", first=name.split()[0], name=name),
        [(t(ctx.lang, "confirm_person_new", name=name), command_line(ctx, fixed))],
    )


def _quoted_in_command(ctx: Ctx, names: list[str], *, lead: str) -> str:
    """The typed command with each name (after ``lead``, a regex) written as @"name"."""
    fixed = ctx.request.text.strip()
    for name in names:
        words = r"\s+".join(re.escape(w) for w in name.split())
        # Escaped: whatever the name holds stays literal in the replacement.
        quoted = f'@"{name}"'.replace("\\", "\\\\")
        fixed = re.sub(rf"{lead}{words}(?!\w)", quoted, fixed, count=1)
    return fixed


def split_top(text: str) -> list[str]:
    """Split at commas and "och"/"and" outside parentheses."""
    parts, depth, current = [], 0, ""
    for word in re.split(r"(\s+|,)", text):
        depth += word.count("(") - word.count(")")
        if depth == 0 and (word == "," or word.strip().casefold() in ("och", "and")):
            parts.append(current)
            current = ""
        else:
            current += word
    return [p.strip() for p in [*parts, current] if p.strip()]


def known_names(ctx: Ctx, text: str) -> str:
    """Names typed without @, each marked as the one known person it names.

    "/möte ordförande Anna Berg", "deltagare Anna, Per Ek och Lisa (Vännäs)", "tilldela #4
    Lisa Ek och Per": text that is not a list of names is left as it is, for the caller's
    parser to refuse as before.

    Raises:
        CommandError: a name that nobody, or several people, go by (named in the message).
    """
    if "@" in text or not text.strip():
        return text
    marked, new = [], []
    for part in split_top(text):
        name, paren, extras = part.partition("(")
        name = name.strip()
        if (
            not name
            or len(name.split()) > 4
            or not name.replace(" ", "").replace("-", "").isalpha()
        ):
            return text
        if name.casefold() in SELF_WORDS:
            marked.append(f"@{name} {paren}{extras}".strip())
            continue
        found = people.match_name(ctx.session, workspace_id=ctx.ws_id, query=name)
        if not found and _full_name(name):
            new.append(name)  # "Anna Berg" whom nobody has met: asked about below
            marked.append(f'@"{name}" {paren}{extras}'.strip())
            continue
        if not found:
            raise CommandError("person_unknown", name=name[:60])
        if len(found) > 1:
            candidates = ", ".join(p.display_name for p in found[:8])
            raise CommandError("person_ambiguous", name=name[:60], candidates=candidates)
        marked.append(f'@"{found[0].display_name}" {paren}{extras}'.strip())
    if new and not ctx.confirmed:
        raise _offer_new_people(ctx, new)
    return " ".join(marked)


def _full_name(name: str) -> bool:
    """ "Anna Berg", "Per-Olof Ek": first name and surname, each capitalised."""
    words = name.split()
    return 2 <= len(words) <= 3 and all(w[:1].isupper() for w in words)


def _offer_new_people(ctx: Ctx, names: list[str]) -> Exception:
    """Ask before adding people nobody has met, offering the command with each as @"…"."""
    fixed = _quoted_in_command(ctx, names, lead=r"(?<![@\w\"])")
    listed = format_list(names, locale=ctx.lang)
    key = "confirm_new_people" if len(names) > 1 else "confirm_new_person_named"
    return offer(
        ctx,
        t(ctx.lang, key, names=listed),
        [(t(ctx.lang, "confirm_people_new", names=listed), command_line(ctx, fixed))],
    )
