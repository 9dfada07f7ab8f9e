"""/meeting beslutande|deltagare|övriga|frånvarande|ersättare|ordförande|sekreterare|justerare.

Records who took part in a meeting, with municipality and role, as the minutes'
header shows them::

    /meeting beslutande @Håkan (Bjurholm) @"Magnus Haglund" (Örnsköldsvik, ordförande)
    /meeting frånvarande @Karin
    /meeting justerare @Jonas
    /meeting beslutande ta bort @Håkan
    /meeting deltagare                      (shows the whole header)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from commands.context import Ctx
from commands.errors import CommandError
from commands.i18n import t
from commands.owners import MENTION_RE, OwnerToken, known_names, resolve
from commands.registry import subcommand
from commands.reply import Line, Reply
from commands.target import record_meeting, refuse_if_locked
from storage import participants as repo
from storage.models import Meeting, ParticipantRole, Person

REMOVE_WORDS = ("ta bort", "bort", "stryk", "remove", "delete", "radera")
_FUNCTION_WORDS = {
    "ordförande": repo.CHAIR,
    "ordforande": repo.CHAIR,
    "chair": repo.CHAIR,
    "vice ordförande": repo.VICE_CHAIR,
    "vice ordforande": repo.VICE_CHAIR,
    "vice chair": repo.VICE_CHAIR,
    "sekreterare": repo.SECRETARY,
    "secretary": repo.SECRETARY,
    "justerare": repo.ADJUSTER,
    "adjuster": repo.ADJUSTER,
    "approver": repo.ADJUSTER,
}
_FILLER = frozenset({"och", "and", "samt", "&", ",", ";"})
_TRAILING = ".,;:!?"
# (role, catalogue key of its heading), in the minutes' order.
ROLE_HEADINGS = (
    (ParticipantRole.VOTING.value, "rec_role_beslutande"),
    (ParticipantRole.SUBSTITUTE.value, "rec_role_ersattare"),
    (ParticipantRole.OTHER.value, "rec_role_ovriga"),
    (ParticipantRole.ABSENT.value, "rec_role_franvaro"),
    (ParticipantRole.PARTICIPANT.value, "rec_role_deltagare"),
    (ParticipantRole.ORGANIZER.value, "rec_role_organisator"),
)
FUNCTION_HEADINGS = (
    (repo.CHAIR, "rec_fn_ordforande"),
    (repo.VICE_CHAIR, "rec_fn_vice"),
    (repo.SECRETARY, "rec_fn_sekreterare"),
    (repo.ADJUSTER, "rec_fn_justerare"),
)


@dataclass
class Named:
    """One person as written, with what the parentheses after them said."""

    token: OwnerToken
    municipality: str | None = None
    title: str | None = None
    functions: tuple[str, ...] = ()


def _extras(named: Named, inside: str) -> None:
    functions = list(named.functions)
    titles = []
    for part in (p.strip() for p in inside.split(",")):
        if not part:
            continue
        function = _FUNCTION_WORDS.get(" ".join(part.casefold().split()))
        if function is not None:
            functions.append(function)
        elif named.municipality is None and part[:1].isupper():
            # Place names are capitalised; "tf kommunchef" is a title.
            named.municipality = part
        else:
            titles.append(part)
    named.functions = tuple(functions)
    named.title = ", ".join(titles) or None


def parse_people(text: str) -> list[Named]:
    """Read ``@a (Vännäs) @"B C" (Umeå, ordförande), @d`` into people with extras.

    Raises:
        CommandError: text that is neither a mention nor its parentheses.
    """
    text = text.replace("(", " (")
    people: list[Named] = []
    pos = 0

    def between(chunk: str) -> None:
        rest = chunk.strip()
        while rest:
            if rest.startswith("("):
                close = rest.find(")")
                if close < 0:
                    raise CommandError("rec_unclosed_paren")
                if not people:
                    raise CommandError("rec_junk", text=rest[: close + 1][:60])
                _extras(people[-1], rest[1:close])
                rest = rest[close + 1 :].strip()
                continue
            word, _, rest = rest.partition(" ")
            rest = rest.strip()
            if word.strip(_TRAILING).casefold() in _FILLER or not word.strip(_TRAILING):
                continue
            raise CommandError("rec_junk", text=word[:60])

    for match in MENTION_RE.finditer(text):
        between(text[pos : match.start()])
        pos = match.end()
        if match.group("id"):
            token = OwnerToken("platform", match.group("id"), match.group("label"))
        elif match.group("quoted"):
            token = OwnerToken("quoted", match.group("quoted").strip())
        else:
            word = match.group("word").rstrip(_TRAILING)
            if not word:
                raise CommandError("rec_junk", text=match.group(0)[:60])
            token = OwnerToken("word", word)
        people.append(Named(token))
    between(text[pos:])
    return people


def _strip_remove(text: str) -> tuple[bool, str]:
    low = text.casefold()
    for word in REMOVE_WORDS:
        if low == word or low.startswith(word + " "):
            return True, text[len(word) :].strip()
    return False, text


def person_line(person: Person, municipality: str | None, title: str | None) -> str:
    """ "Magnus Haglund, Örnsköldsviks kommun, ordförande"."""
    return ", ".join(b for b in (person.display_name, municipality, title) if b)


def rank(title: str | None) -> int:
    """0 for the chair, 1 for the vice chair, 2 for everyone else."""
    found = repo.functions_in(title)
    return 0 if repo.CHAIR in found else 1 if repo.VICE_CHAIR in found else 2


def header_lines(ctx: Ctx, meeting: Meeting) -> list[Line]:
    """The participants and roles of a meeting, in the user's language."""
    assert meeting.id is not None
    rows = repo.participants_of(ctx.session, meeting_id=meeting.id)
    # The chair first, then the vice chair, then by name, as the minutes list them.
    rows.sort(key=lambda r: (rank(r[0].title), r[1].display_name))
    lines: list[Line] = []
    for role, key in ROLE_HEADINGS:
        names = [
            person_line(p, part.municipality, part.title) for part, p in rows if part.role == role
        ]
        if names:
            lines.append(Line(f"{t(ctx.lang, key)}: " + "; ".join(names)))
    for function, key in FUNCTION_HEADINGS:
        who = repo.holders(ctx.session, meeting_id=meeting.id, function=function)
        if who:
            lines.append(Line(f"{t(ctx.lang, key)}: " + ", ".join(p.display_name for p in who)))
    return lines


def _title(ctx: Ctx, meeting: Meeting) -> str:
    from commands.meeting import title_of

    return title_of(ctx, meeting)


def _record(ctx: Ctx, text: str, *, role: str | None, function: str | None, usage: str) -> Reply:
    meeting, text = record_meeting(ctx, text)
    title = _title(ctx, meeting)
    remove, text = _strip_remove(text)
    heading_key = dict(ROLE_HEADINGS).get(role or "") or dict(FUNCTION_HEADINGS)[function or ""]
    heading = t(ctx.lang, heading_key)
    if not text:
        if remove:
            raise CommandError(usage)
        lines = header_lines(ctx, meeting) or [Line(t(ctx.lang, "rec_nobody"))]
        return Reply(t(ctx.lang, "rec_header_for", title=title), tuple(lines), lang=ctx.lang)
    refuse_if_locked(meeting, title)
    named = parse_people(known_names(ctx, text))
    if not named:
        raise CommandError(usage)
    resolved = [(n, resolve(ctx, n.token)) for n in named]
    notes: list[Line] = []
    done: list[str] = []
    for n, person in resolved:
        if remove:
            if function is not None:
                changed = repo.remove_function(
                    ctx.session,
                    meeting=meeting,
                    person=person,
                    function=function,
                    actor_id=ctx.caller_id,
                    at=ctx.now,
                )
            else:
                assert role is not None
                changed = repo.remove_role(
                    ctx.session,
                    meeting=meeting,
                    person=person,
                    role=role,
                    actor_id=ctx.caller_id,
                    at=ctx.now,
                )
            if changed:
                done.append(person.display_name)
            else:
                notes.append(
                    Line(t(ctx.lang, "rec_not_in_role", name=person.display_name, role=heading))
                )
            continue
        functions = list(n.functions)
        if function is not None and function not in functions:
            functions.insert(0, function)
        if role is not None:
            moved = repo.set_role(
                ctx.session,
                meeting=meeting,
                person=person,
                role=role,
                municipality=n.municipality,
                title=n.title,
                actor_id=ctx.caller_id,
                at=ctx.now,
            )
            if moved is not None:
                notes.append(
                    Line(
                        t(
                            ctx.lang,
                            "rec_moved",
                            name=person.display_name,
                            old=t(ctx.lang, dict(ROLE_HEADINGS)[moved]),
                            new=heading,
                        )
                    )
                )
        for fn in functions:
            replaced = repo.set_function(
                ctx.session,
                meeting=meeting,
                person=person,
                function=fn,
                actor_id=ctx.caller_id,
                at=ctx.now,
            )
            fn_name = t(ctx.lang, dict(FUNCTION_HEADINGS)[fn])
            for old in replaced:
                notes.append(
                    Line(
                        t(
                            ctx.lang,
                            "rec_replaced",
                            old=old.display_name,
                            new=person.display_name,
                            function=fn_name.lower(),
                        )
                    )
                )
        if role is None and (n.municipality or n.title):
            _set_extras(ctx, meeting, person, n)
        done.append(person.display_name)
    key = "rec_removed" if remove else "rec_recorded"
    headline = t(ctx.lang, key, role=heading, names=", ".join(done) or "–", title=title)
    lines = [*notes, Line(t(ctx.lang, "rec_header"), heading=True), *header_lines(ctx, meeting)]
    return Reply(headline, tuple(lines), lang=ctx.lang)


def _set_extras(ctx: Ctx, meeting: Meeting, person: Person, named: Named) -> None:
    assert meeting.id is not None
    for part, p in repo.participants_of(ctx.session, meeting_id=meeting.id):
        if p.id == person.id and part.role in repo.ATTENDANCE:
            repo.set_role(
                ctx.session,
                meeting=meeting,
                person=person,
                role=part.role,
                municipality=named.municipality,
                title=named.title,
                actor_id=ctx.caller_id,
                at=ctx.now,
            )
            return


@subcommand("meeting", "voting", words=("beslutande", "ledamöter", "ledamoter", "members"))
def voting(ctx: Ctx, text: str) -> Reply:
    """Record the voting members (beslutande), with municipality and role."""
    return _record(ctx, text, role=ParticipantRole.VOTING.value, function=None, usage="rec_usage")


@subcommand("meeting", "participants", words=("deltagare", "närvarande", "narvarande", "attendees"))
def participants(ctx: Ctx, text: str) -> Reply:
    """Record the participants (the invitation list), or show the whole header."""
    return _record(
        ctx, text, role=ParticipantRole.PARTICIPANT.value, function=None, usage="rec_usage"
    )


@subcommand("meeting", "others", words=("övriga", "ovriga", "gäster", "gaster", "guests"))
def others(ctx: Ctx, text: str) -> Reply:
    """Record others present (övriga närvarande)."""
    return _record(ctx, text, role=ParticipantRole.OTHER.value, function=None, usage="rec_usage")


@subcommand("meeting", "absent", words=("frånvarande", "franvarande", "frånvaro", "franvaro"))
def absent(ctx: Ctx, text: str) -> Reply:
    """Record those absent with notice (anmäld frånvaro)."""
    return _record(ctx, text, role=ParticipantRole.ABSENT.value, function=None, usage="rec_usage")


@subcommand("meeting", "substitute", words=("ersättare", "ersattare", "substitutes"))
def substitute(ctx: Ctx, text: str) -> Reply:
    """Record substitutes (ersättare)."""
    return _record(
        ctx, text, role=ParticipantRole.SUBSTITUTE.value, function=None, usage="rec_usage"
    )


@subcommand("meeting", "chair", words=("ordförande", "ordforande", "ordf"))
def chair(ctx: Ctx, text: str) -> Reply:
    """Record the chair (ordförande)."""
    return _record(ctx, text, role=None, function=repo.CHAIR, usage="rec_usage_function")


@subcommand("meeting", "vice", words=("vice-ordförande", "vice-chair"))
def vice(ctx: Ctx, text: str) -> Reply:
    """Record the vice chair (``/meeting vice ordförande @x``)."""
    text = re.sub(r"^(ordförande|ordforande|chair)\b", "", text.strip(), flags=re.I).strip()
    return _record(ctx, text, role=None, function=repo.VICE_CHAIR, usage="rec_usage_function")


@subcommand("meeting", "secretary", words=("sekreterare",))
def secretary(ctx: Ctx, text: str) -> Reply:
    """Record the secretary (sekreterare)."""
    return _record(ctx, text, role=None, function=repo.SECRETARY, usage="rec_usage_function")


@subcommand("meeting", "adjuster", words=("justerare", "approver", "approvers", "adjusters"))
def adjuster(ctx: Ctx, text: str) -> Reply:
    """Record who approves the minutes with the chair (justerare)."""
    return _record(ctx, text, role=None, function=repo.ADJUSTER, usage="rec_usage_function")


@subcommand("meeting", "organizer", words=("organisatör", "organisator", "organiser"))
def organizer(ctx: Ctx, text: str) -> Reply:
    """Record the organizer (organisatör), who may approve the minutes."""
    return _record(
        ctx, text, role=ParticipantRole.ORGANIZER.value, function=None, usage="rec_usage"
    )
