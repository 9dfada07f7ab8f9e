"""/arbetsgrupp (/workgroup): the parties that carry assignments.

/arbetsgrupp ny [roll|organisation] <namn> [@kontakt]
/arbetsgrupp lista
/arbetsgrupp visa <namn>
/arbetsgrupp kontakt <namn> @person
/arbetsgrupp medlem <namn> @person …
/arbetsgrupp ordförande <namn> <år> [kommun] [@person]
"""

from __future__ import annotations

import re

from commands.assignment_text import assignment_line, party_by_text
from commands.context import Ctx
from commands.errors import CommandError
from commands.i18n import t
from commands.owners import resolve_all, split_owners
from commands.registry import subcommand
from commands.reply import Line, Reply
from storage import assignments as repo
from storage.models import PartyKind, Person, ResponsibleParty

MAX_NAME = 200
KIND_WORDS = {
    "grupp": PartyKind.GROUP.value,
    "arbetsgrupp": PartyKind.GROUP.value,
    "group": PartyKind.GROUP.value,
    "roll": PartyKind.ROLE.value,
    "role": PartyKind.ROLE.value,
    "organisation": PartyKind.ORGANISATION.value,
    "organization": PartyKind.ORGANISATION.value,
    "org": PartyKind.ORGANISATION.value,
    "extern": PartyKind.ORGANISATION.value,
}
_KIND_KEYS = {
    PartyKind.GROUP.value: "grp_kind_group",
    PartyKind.ROLE.value: "grp_kind_role",
    PartyKind.ORGANISATION.value: "grp_kind_organisation",
}
_YEAR_RE = re.compile(r"^(19|20)\d\d$")


def kind_label(kind: str, lang: str) -> str:
    """ "arbetsgrupp", "roll" or "organisation"."""
    return t(lang, _KIND_KEYS.get(kind, "grp_kind_group"))


def _person(ctx: Ctx, person_id: int | None) -> Person | None:
    return ctx.session.get(Person, person_id) if person_id is not None else None


def _one_person(ctx: Ctx, text: str, usage: str) -> tuple[str, Person]:
    rest, tokens = split_owners(text)
    if len(tokens) != 1:
        raise CommandError(usage)
    return rest, resolve_all(ctx, tokens)[0]


def _detail(ctx: Ctx, party: ResponsibleParty, headline: str) -> Reply:
    assert party.id is not None
    contact = _person(ctx, party.contact_id)
    lines = [Line(t(ctx.lang, "grp_kind", kind=kind_label(party.kind, ctx.lang)))]
    lines.append(
        Line(
            t(ctx.lang, "grp_contact", name=contact.display_name)
            if contact
            else t(ctx.lang, "grp_no_contact")
        )
    )
    members = repo.members_of(ctx.session, party_id=party.id)
    if members:
        lines.append(
            Line(t(ctx.lang, "grp_members", names=", ".join(m.display_name for m in members)))
        )
    for chair in repo.chairs_of(ctx.session, party_id=party.id):
        person = _person(ctx, chair.person_id)
        bits = [b for b in (person.display_name if person else None, chair.municipality) if b]
        lines.append(Line(t(ctx.lang, "grp_chair", year=chair.year, who=", ".join(bits))))
    found = repo.list_assignments(ctx.session, workspace_id=ctx.ws_id, party_id=party.id)
    lines.append(Line(t(ctx.lang, "grp_assignments_heading"), heading=True))
    if found:
        parties = repo.parties_of(ctx.session, assignment_ids=[a.id for a in found if a.id])
        lines.extend(Line(assignment_line(a, parties.get(a.id or 0, []), ctx.lang)) for a in found)
    else:
        lines.append(Line(t(ctx.lang, "grp_no_assignments")))
    return Reply(headline, tuple(lines), lang=ctx.lang)


@subcommand("workgroup", "add", words=("ny", "nytt", "new", "skapa", "create"))
def add(ctx: Ctx, text: str) -> Reply:
    """Enter a working group (or a role, or an outside organisation) with its contact."""
    rest, tokens = split_owners(text)
    words = rest.split()
    kind = PartyKind.GROUP.value
    if words and words[0].casefold() in KIND_WORDS and len(words) > 1:
        kind, words = KIND_WORDS[words[0].casefold()], words[1:]
    name = " ".join(words).strip('"“”').strip()
    if not name or len(tokens) > 1:
        raise CommandError("grp_add_usage")
    if len(name) > MAX_NAME:
        raise CommandError("too_long", max=MAX_NAME)
    existing = repo.get_party_by_name(ctx.session, workspace_id=ctx.ws_id, name=name)
    if existing is not None:
        raise CommandError("grp_exists", name=existing.name)
    contact = resolve_all(ctx, tokens)[0] if tokens else None
    party = repo.create_party(
        ctx.session,
        workspace_id=ctx.ws_id,
        name=name,
        kind=kind,
        at=ctx.now,
        actor_id=ctx.caller_id,
        contact_id=contact.id if contact else None,
    )
    return _detail(ctx, party, t(ctx.lang, "grp_added", name=party.name))


@subcommand("workgroup", "list", words=("lista", "ls"))
def list_(ctx: Ctx, text: str) -> Reply:
    """Every responsible party with its contact and number of active assignments."""
    parties = repo.parties_in(ctx.session, workspace_id=ctx.ws_id)
    if not parties:
        return Reply(t(ctx.lang, "grp_list"), (Line(t(ctx.lang, "grp_list_empty")),), lang=ctx.lang)
    lines = []
    for party in parties:
        contact = _person(ctx, party.contact_id)
        active = repo.list_assignments(
            ctx.session, workspace_id=ctx.ws_id, statuses=repo.ACTIVE, party_id=party.id
        )
        lines.append(
            Line(
                t(
                    ctx.lang,
                    "grp_list_line",
                    name=party.name,
                    kind=kind_label(party.kind, ctx.lang),
                    contact=contact.display_name if contact else t(ctx.lang, "grp_contact_none"),
                    count=len(active),
                )
            )
        )
    return Reply(t(ctx.lang, "grp_list"), tuple(lines), lang=ctx.lang)


@subcommand("workgroup", "show", words=("visa", "view"))
def show(ctx: Ctx, text: str) -> Reply:
    """One party: kind, contact, members, chairs and assignments."""
    party = party_by_text(ctx, text)
    return _detail(ctx, party, party.name)


@subcommand("workgroup", "contact", words=("kontakt", "kontaktperson", "sammankallande"))
def contact(ctx: Ctx, text: str) -> Reply:
    """Set who is asked for the party's yearly report."""
    rest, person = _one_person(ctx, text, "grp_contact_usage")
    party = party_by_text(ctx, rest)
    repo.update_party(
        ctx.session,
        party=party,
        op="contact",
        actor_id=ctx.caller_id,
        at=ctx.now,
        contact_id=person.id,
    )
    return _detail(ctx, party, t(ctx.lang, "grp_contact_set", name=party.name))


@subcommand("workgroup", "members", words=("medlem", "medlemmar", "member"))
def members(ctx: Ctx, text: str) -> Reply:
    """Add members to a group."""
    rest, tokens = split_owners(text)
    if not tokens:
        raise CommandError("grp_members_usage")
    people = resolve_all(ctx, tokens)
    party = party_by_text(ctx, rest)
    repo.update_party(
        ctx.session,
        party=party,
        op="members",
        actor_id=ctx.caller_id,
        at=ctx.now,
        member_ids=[p.id for p in people if p.id is not None],
    )
    return _detail(ctx, party, t(ctx.lang, "grp_members_set", name=party.name))


@subcommand("workgroup", "chair", words=("ordförande", "ordforande", "ordf"))
def chair(ctx: Ctx, text: str) -> Reply:
    """The group's chair for a year: the host municipality's representative."""
    rest, tokens = split_owners(text)
    words = rest.split()
    years = [i for i, w in enumerate(words) if _YEAR_RE.match(w)]
    if not years or len(tokens) > 1:
        raise CommandError("grp_chair_usage")
    at = years[-1]
    name, year = " ".join(words[:at]), int(words[at])
    municipality = " ".join(words[at + 1 :]) or None
    if not name or (municipality is None and not tokens):
        raise CommandError("grp_chair_usage")
    person = resolve_all(ctx, tokens)[0] if tokens else None
    party = party_by_text(ctx, name)
    repo.update_party(
        ctx.session,
        party=party,
        op="chair",
        actor_id=ctx.caller_id,
        at=ctx.now,
        chair=(year, municipality, person.id if person else None),
    )
    return _detail(ctx, party, t(ctx.lang, "grp_chair_set", name=party.name, year=year))
