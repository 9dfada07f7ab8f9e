"""How assignments (``U7``) and responsible parties are read from text and shown.

Shared by /uppdrag, /arbetsgrupp, /action add … uppdrag U7, the follow-up DMs and the digest.
"""

from __future__ import annotations

import re

from sqlmodel import Session

from commands.context import Ctx
from commands.errors import CommandError
from commands.i18n import t
from commands.owners import OwnerToken
from storage import assignments as repo
from storage.models import Assignment, AssignmentStatus, ResponsibleParty

_U_RE = re.compile(r"^#?[Uu](\d{1,9})$")
_ACTION_REF_RE = re.compile(
    r"(?<!\S)(?:uppdrag|uppdraget|assignment)\s+#?[Uu](\d{1,9})(?=[\s.,;:]|$)", re.IGNORECASE
)
SHORT = 110
MAX_PARTY_NAME = 200

STATUS_WORDS: dict[str, str] = {
    "pågår": AssignmentStatus.ONGOING.value,
    "pagar": AssignmentStatus.ONGOING.value,
    "pågående": AssignmentStatus.ONGOING.value,
    "ongoing": AssignmentStatus.ONGOING.value,
    "progress": AssignmentStatus.ONGOING.value,
    "in-progress": AssignmentStatus.ONGOING.value,
    "utfört": AssignmentStatus.DONE.value,
    "utfort": AssignmentStatus.DONE.value,
    "utförd": AssignmentStatus.DONE.value,
    "utförda": AssignmentStatus.DONE.value,
    "klart": AssignmentStatus.DONE.value,
    "klar": AssignmentStatus.DONE.value,
    "klara": AssignmentStatus.DONE.value,
    "färdigt": AssignmentStatus.DONE.value,
    "done": AssignmentStatus.DONE.value,
    "completed": AssignmentStatus.DONE.value,
    "avslutat": AssignmentStatus.CLOSED.value,
    "avslutad": AssignmentStatus.CLOSED.value,
    "avslutade": AssignmentStatus.CLOSED.value,
    "closed": AssignmentStatus.CLOSED.value,
    "ended": AssignmentStatus.CLOSED.value,
    "ändrat": AssignmentStatus.CHANGED.value,
    "andrat": AssignmentStatus.CHANGED.value,
    "ändras": AssignmentStatus.CHANGED.value,
    "ändrad": AssignmentStatus.CHANGED.value,
    "ändrade": AssignmentStatus.CHANGED.value,
    "changed": AssignmentStatus.CHANGED.value,
    "vilande": AssignmentStatus.DORMANT.value,
    "vilar": AssignmentStatus.DORMANT.value,
    "dormant": AssignmentStatus.DORMANT.value,
    "paused": AssignmentStatus.DORMANT.value,
}

_STATUS_KEYS = {
    AssignmentStatus.ONGOING.value: "upd_status_ongoing",
    AssignmentStatus.DONE.value: "upd_status_done",
    AssignmentStatus.CLOSED.value: "upd_status_closed",
    AssignmentStatus.CHANGED.value: "upd_status_changed",
    AssignmentStatus.DORMANT.value: "upd_status_dormant",
}


def status_of_word(word: str) -> str | None:
    """The status a word names ("utfört", "done", …), or None."""
    return STATUS_WORDS.get(word.casefold().strip(".,;:!"))


def status_label(status: str | None, lang: str) -> str:
    """A status in the user's language."""
    key = _STATUS_KEYS.get(status or "")
    return t(lang, key) if key else (status or "")


def parse_u(token: str) -> int | None:
    """Read "U7" (or "#U7") as 7; anything else is None."""
    match = _U_RE.match(token.strip())
    return int(match.group(1)) if match else None


def is_u(token: str) -> bool:
    """True for "U7": an assignment, never an action number."""
    return parse_u(token) is not None


def take_assignment_ref(text: str) -> tuple[str, int | None]:
    """Take "uppdrag U7" out of an action's text; return the rest and 7 (or None)."""
    match = _ACTION_REF_RE.search(text)
    if match is None:
        return text, None
    rest = text[: match.start()] + text[match.end() :]
    return " ".join(rest.split()), int(match.group(1))


def get_u(ctx: Ctx, number: int) -> Assignment:
    """The workspace's assignment U<number>, or a short error."""
    found = repo.get_assignment(ctx.session, workspace_id=ctx.ws_id, number=number)
    if found is None:
        raise CommandError("upd_not_found", number=number)
    return found


def short(text: str, limit: int = SHORT) -> str:
    """A long plan text cut at a word for lists."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def parties_text(parties: list[ResponsibleParty], lang: str) -> str:
    """ "ansvarig: Näringslivsgruppen, Kanslichef" or "ansvarig: Ej angivet"."""
    names = ", ".join(p.name for p in parties) or t(lang, "upd_no_party")
    return t(lang, "upd_responsible", names=names)


def assignment_line(
    assignment: Assignment, parties: list[ResponsibleParty], lang: str, *, full: bool = False
) -> str:
    """ "U7 Rally VM — ansvarig: Näringslivsgruppen — pågår"."""
    body = assignment.text if full else short(assignment.text)
    return " — ".join(
        (
            f"U{assignment.number} {body}",
            parties_text(parties, lang),
            status_label(assignment.status, lang),
        )
    )


def resolve_party(ctx: Ctx, token: OwnerToken) -> ResponsibleParty:
    """Turn "@Näringslivsgruppen" or "@\"Arbetsgrupp för X\"" into a stored party.

    A quoted name that is new becomes a new party (like a quoted owner); a word must match
    a known party's name or the start of one of its words.

    Raises:
        CommandError: unknown or ambiguous.
    """
    if token.kind == "platform":
        raise CommandError("upd_party_is_person", name=token.label or token.value)
    if token.kind == "quoted":
        if len(token.value) > MAX_PARTY_NAME:
            raise CommandError("too_long", max=MAX_PARTY_NAME)
        party, _ = repo.get_or_create_party(
            ctx.session,
            workspace_id=ctx.ws_id,
            name=token.value,
            at=ctx.now,
            actor_id=ctx.caller_id,
        )
        return party
    found = repo.match_party(ctx.session, workspace_id=ctx.ws_id, query=token.value)
    if not found:
        raise CommandError("upd_party_unknown", name=token.value[:80])
    if len(found) > 1:
        raise CommandError(
            "upd_party_ambiguous",
            name=token.value[:80],
            candidates=", ".join(p.name for p in found[:8]),
        )
    return found[0]


def party_by_text(ctx: Ctx, text: str) -> ResponsibleParty:
    """A party named in plain words (``/arbetsgrupp visa Näringslivsgruppen``)."""
    name = " ".join(text.strip().lstrip("@").strip('"“”').split())
    if not name:
        raise CommandError("grp_need_name")
    return resolve_party(ctx, OwnerToken("word", name))


def decision_label(session: Session, decision_id: int | None) -> str | None:
    """ "B12" for a decision id."""
    if decision_id is None:
        return None
    from storage.models import Decision

    decision = session.get(Decision, decision_id)
    return f"B{decision.number}" if decision is not None else None
