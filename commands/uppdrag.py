"""/uppdrag (/assignment): the assignments that live for years, and their reports.

/uppdrag ny <text> @grupp … [från B12|från planen] [period 2023-2027]
/uppdrag lista [grupp|status|alla]
/uppdrag visa U7
/uppdrag rapport U7 [status] <text> [status]      a group's report, with a proposed status
/uppdrag bedöm U7 <status> [kommentar]            the KC group's verdict: sets the status
/uppdrag åtgärd U7 #12                            the action is carried out under U7
/uppdrag uppföljning <serie> <datum> | visa | dokument
"""

from __future__ import annotations

import re

from commands import format as fmt
from commands.assignment_text import (
    assignment_line,
    decision_label,
    get_u,
    parse_u,
    parties_text,
    resolve_party,
    status_label,
    status_of_word,
)
from commands.channel import parse_number
from commands.context import Ctx
from commands.errors import CommandError
from commands.i18n import t
from commands.owners import split_owners
from commands.registry import subcommand
from commands.reply import Line, Reply
from storage import actions as action_repo
from storage import assignments as repo
from storage import decisions as decision_repo
from storage.models import Assignment, ReportKind, ResponsibleParty

MAX_TEXT = 4000
LIST_LIMIT = 60
_FROM_RE = re.compile(
    r"(?<!\S)(?:från|fran|from)\s+(?:(?P<b>#?[Bb]\d{1,9})|(?P<plan>planen|plan|the\s+plan))(?=[\s.,;]|$)",
    re.IGNORECASE,
)
_PERIOD_RE = re.compile(r"(?<!\S)period\s+(?P<p>\d{4}(?:\s*[-–]\s*\d{4})?)(?=[\s.,;]|$)", re.I)
ALL_WORDS = frozenset({"alla", "all", "allt"})
PLAN_ORIGIN = "plan"


def _u_arg(ctx: Ctx, sub: str, text: str) -> tuple[Assignment, str]:
    token, _, rest = text.strip().partition(" ")
    number = parse_u(token) if token else None
    if number is None:
        raise CommandError("upd_need_id", sub=sub)
    return get_u(ctx, number), rest.strip()


def _check(text: str) -> None:
    if len(text) > MAX_TEXT:
        raise CommandError("too_long", max=MAX_TEXT)


def _parties(ctx: Ctx, assignment: Assignment) -> list[ResponsibleParty]:
    assert assignment.id is not None
    return repo.parties_of(ctx.session, assignment_ids=[assignment.id]).get(assignment.id, [])


def origin_text(ctx: Ctx, assignment: Assignment) -> str | None:
    """ "från B12", "från Verksamhetsplan 2023-2027" or None."""
    label = decision_label(ctx.session, assignment.decision_id)
    if label:
        return t(ctx.lang, "upd_from", origin=label)
    if assignment.origin == PLAN_ORIGIN:
        return t(ctx.lang, "upd_from", origin=t(ctx.lang, "upd_the_plan"))
    if assignment.origin:
        return t(ctx.lang, "upd_from", origin=assignment.origin)
    return None


def detail_lines(ctx: Ctx, assignment: Assignment) -> list[Line]:
    """The assignment in full: parties, section, origin, period, status, actions, history."""
    assert assignment.id is not None
    parties = _parties(ctx, assignment)
    lines = [Line(assignment.text), Line(parties_text(parties, ctx.lang))]
    if assignment.section:
        from storage.plan_import import title_case

        lines.append(Line(t(ctx.lang, "upd_section", section=title_case(assignment.section))))
    origin = origin_text(ctx, assignment)
    if origin:
        lines.append(Line(origin))
    if assignment.period:
        lines.append(Line(t(ctx.lang, "upd_period", period=assignment.period)))
    lines.append(Line(t(ctx.lang, "upd_status", status=status_label(assignment.status, ctx.lang))))
    acts = repo.actions_of(ctx.session, assignment_id=assignment.id)
    if acts:
        lines.append(Line(t(ctx.lang, "upd_actions_heading"), heading=True))
        lines.extend(fmt.action_lines(ctx.session, acts, ctx.lang, ctx.today, with_buttons=False))
    history = repo.reports_of(ctx.session, assignment_ids=[assignment.id]).get(assignment.id, [])
    if history:
        names = {p.id: p.name for p in repo.parties_in(ctx.session, workspace_id=ctx.ws_id)}
        lines.append(Line(t(ctx.lang, "upd_history_heading"), heading=True))
        for entry in history:
            lines.append(Line(entry_text(ctx.lang, entry, names)))
    return lines


def entry_text(lang: str, entry: object, names: dict[int | None, str]) -> str:
    """One history entry: "2027-11-15 Rapport (Näringslivsgruppen, föreslår utfört): …"."""
    from storage.models import AssignmentReport

    assert isinstance(entry, AssignmentReport)
    status = status_label(entry.status, lang) if entry.status else ""
    if entry.kind == ReportKind.VERDICT.value:
        head = t(lang, "upd_entry_verdict", status=status)
    else:
        who = names.get(entry.party_id) or ""
        proposal = t(lang, "upd_entry_proposes", status=status) if status else ""
        detail = ", ".join(p for p in (who, proposal) if p)
        head = t(lang, "upd_entry_report") + (f" ({detail})" if detail else "")
    body = f": {entry.text}" if entry.text else ""
    return f"{entry.report_date.isoformat()} {head}{body}"


def _show(ctx: Ctx, assignment: Assignment, headline: str) -> Reply:
    return Reply(headline, tuple(detail_lines(ctx, assignment)), lang=ctx.lang)


@subcommand(
    "assignment",
    "add",
    words=("ny", "nytt", "new", "skapa", "lägg", "lägg till", "lagg till", "create"),
)
def add(ctx: Ctx, text: str) -> Reply:
    """Enter an assignment for one or more responsible parties."""
    decision_id: int | None = None
    origin: str | None = None
    found = _FROM_RE.search(text)
    if found is not None:
        text = text[: found.start()] + text[found.end() :]
        if found.group("b"):
            number = parse_number(found.group("b"))
            decision = (
                decision_repo.get_decision(ctx.session, workspace_id=ctx.ws_id, number=number)
                if number is not None
                else None
            )
            if decision is None:
                raise CommandError("upd_decision_not_found", ref=found.group("b").lstrip("#"))
            decision_id = decision.id
        else:
            origin = PLAN_ORIGIN
    period: str | None = None
    found_period = _PERIOD_RE.search(text)
    if found_period is not None:
        text = text[: found_period.start()] + text[found_period.end() :]
        period = "".join(found_period.group("p").split()).replace("–", "-")
    body, tokens = split_owners(text)
    body = body.strip(" -–—,;:")
    if not body or not tokens:
        raise CommandError("upd_add_usage")
    _check(body)
    parties: list[ResponsibleParty] = []
    for token in tokens:
        party = resolve_party(ctx, token)
        if all(p.id != party.id for p in parties):
            parties.append(party)
    assignment = repo.create_assignment(
        ctx.session,
        workspace_id=ctx.ws_id,
        text=body,
        party_ids=[p.id for p in parties if p.id is not None],
        at=ctx.now,
        created_by_id=ctx.caller_id,
        origin=origin,
        period=period,
        decision_id=decision_id,
    )
    return _show(ctx, assignment, t(ctx.lang, "upd_added", number=assignment.number))


@subcommand("assignment", "list", words=("lista", "ls"))
def list_(ctx: Ctx, text: str) -> Reply:
    """List assignments: the active ones, all, one status's or one party's."""
    word = text.strip()
    statuses: tuple[str, ...] | None = repo.ACTIVE
    party: ResponsibleParty | None = None
    headline = t(ctx.lang, "upd_list_active")
    if word.casefold() in ALL_WORDS:
        statuses, headline = None, t(ctx.lang, "upd_list_all")
    elif word and status_of_word(word) is not None:
        status = status_of_word(word)
        assert status is not None
        statuses = (status,)
        headline = t(ctx.lang, "upd_list_status", status=status_label(status, ctx.lang))
    elif word:
        from commands.assignment_text import party_by_text

        party = party_by_text(ctx, word)
        statuses, headline = None, t(ctx.lang, "upd_list_party", name=party.name)
    found = repo.list_assignments(
        ctx.session,
        workspace_id=ctx.ws_id,
        statuses=statuses,
        party_id=party.id if party is not None else None,
    )
    if not found:
        return Reply(headline, (Line(t(ctx.lang, "upd_list_empty")),), lang=ctx.lang)
    parties = repo.parties_of(ctx.session, assignment_ids=[a.id for a in found if a.id])
    lines = [Line(assignment_line(a, parties.get(a.id or 0, []), ctx.lang)) for a in found]
    if len(lines) > LIST_LIMIT:
        lines = [*lines[:LIST_LIMIT], Line(t(ctx.lang, "list_more", count=len(found)))]
    return Reply(headline, tuple(lines), lang=ctx.lang)


@subcommand("assignment", "show", words=("visa", "view"))
def show(ctx: Ctx, text: str) -> Reply:
    """Show one assignment with its actions and history."""
    assignment, _ = _u_arg(ctx, "show", text)
    return _show(ctx, assignment, t(ctx.lang, "upd_show", number=assignment.number))


def reporting_party(ctx: Ctx, assignment: Assignment) -> ResponsibleParty | None:
    """The caller's party among the assignment's: the one they are contact for, or member of."""
    parties = _parties(ctx, assignment)
    for party in parties:
        if party.contact_id == ctx.caller_id:
            return party
    for party in parties:
        assert party.id is not None
        if any(m.id == ctx.caller_id for m in repo.members_of(ctx.session, party_id=party.id)):
            return party
    return parties[0] if len(parties) == 1 else None


@subcommand("assignment", "report", words=("rapport", "rapportera", "avrapportera"))
def report(ctx: Ctx, text: str) -> Reply:
    """A group's report on an assignment, with an optional proposed status."""
    assignment, rest = _u_arg(ctx, "report", text)
    words = rest.split()
    proposed: str | None = None
    if words and status_of_word(words[0]) is not None:
        proposed, words = status_of_word(words[0]), words[1:]
    elif len(words) > 1 and status_of_word(words[-1]) is not None:
        proposed, words = status_of_word(words[-1]), words[:-1]
    body = " ".join(words).strip(" -–—,;:")
    if not body:
        raise CommandError("upd_report_usage")
    _check(body)
    party = reporting_party(ctx, assignment)
    repo.add_report(
        ctx.session,
        assignment=assignment,
        kind=ReportKind.REPORT.value,
        text=body,
        report_date=ctx.today,
        status=proposed,
        actor_id=ctx.caller_id,
        at=ctx.now,
        party_id=party.id if party is not None else None,
    )
    key = "upd_reported_proposed" if proposed else "upd_reported"
    headline = t(
        ctx.lang,
        key,
        number=assignment.number,
        status=status_label(proposed, ctx.lang),
        current=status_label(assignment.status, ctx.lang),
    )
    return _show(ctx, assignment, headline)


@subcommand("assignment", "assess", words=("bedöm", "bedom", "bedömning", "verdict", "judge"))
def assess(ctx: Ctx, text: str) -> Reply:
    """The KC group's verdict: the only way an assignment's status changes."""
    assignment, rest = _u_arg(ctx, "assess", text)
    word, _, comment = rest.partition(" ")
    status = status_of_word(word) if word else None
    if status is None:
        raise CommandError("upd_assess_usage")
    comment = comment.strip()
    _check(comment)
    before = assignment.status
    repo.add_report(
        ctx.session,
        assignment=assignment,
        kind=ReportKind.VERDICT.value,
        text=comment,
        report_date=ctx.today,
        status=status,
        actor_id=ctx.caller_id,
        at=ctx.now,
    )
    headline = t(
        ctx.lang,
        "upd_assessed",
        number=assignment.number,
        status=status_label(status, ctx.lang),
        before=status_label(before, ctx.lang),
    )
    return _show(ctx, assignment, headline)


@subcommand("assignment", "action", words=("åtgärd", "atgard", "åtgärder", "koppla", "link"))
def link(ctx: Ctx, text: str) -> Reply:
    """Make an action part of an assignment: ``/uppdrag åtgärd U7 #12``."""
    assignment, rest = _u_arg(ctx, "action", text)
    tokens = rest.split()
    numbers = [parse_number(tok) for tok in tokens]
    if not tokens or any(
        n is None or tok.casefold().startswith("u") for n, tok in zip(numbers, tokens, strict=True)
    ):
        raise CommandError("upd_link_usage")
    for number in numbers:
        assert number is not None
        action = action_repo.get_action(ctx.session, workspace_id=ctx.ws_id, number=number)
        if action is None:
            raise CommandError("action_not_found", number=number)
        repo.link_action(
            ctx.session, assignment=assignment, action=action, actor_id=ctx.caller_id, at=ctx.now
        )
    listed = ", ".join(f"#{n}" for n in numbers)
    return _show(
        ctx, assignment, t(ctx.lang, "upd_linked", actions=listed, number=assignment.number)
    )


@subcommand("assignment", "followup", words=("uppföljning", "uppfoljning", "follow-up", "följupp"))
def followup(ctx: Ctx, text: str) -> Reply:
    """Set the series' follow-up meeting, show who has not reported, or give the document."""
    from commands import assignment_followup

    return assignment_followup.command(ctx, text)
