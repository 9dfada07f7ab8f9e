"""Hostile and careless input through the one entry point every adapter uses.

Property-based: hypothesis builds command lines from every command word and
subcommand word in both languages, with ids, owners, dates, times, unicode junk
and huge text. Whatever comes in, the reply is short, human, never a traceback,
never empty, and an error reply leaves the register exactly as it was.
"""

from __future__ import annotations

import builtins
import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine, make_url

from commands import Outcome, registry, run
from commands.dispatch import handle
from commands.i18n import t
from commands.reply import Reply
from commands.request import Request, UserRef
from storage.backup import export_data
from storage.db import make_engine, transaction
from storage.migrate import upgrade
from tests.conftest import NOW

COMMAND_WORDS = sorted(registry.COMMAND_WORDS)
SUB_WORDS = sorted(
    {w for subs in registry.SUBCOMMANDS.values() for sub in subs for w in (sub.name, *sub.words)}
    | {"help", "hjälp", "?"}
)
# Exception class names that must never reach a user: every built-in one, plus the
# database layers'.
EXCEPTION_NAMES = sorted(
    {
        name
        for name, value in vars(builtins).items()
        if isinstance(value, type) and issubclass(value, BaseException) and len(name) > 8
    }
    | {"OperationalError", "IntegrityError", "DBAPIError", "ProgrammingError", "DateError"}
    | {"CommandError", "StatementError", "PendingRollbackError", "psycopg", "sqlalchemy"}
)
# The answer to a bug: "Något gick fel … (fel-id 7f3a)", or the old id-less wording.
INTERNAL = re.compile(r"fel-id|error id|Något gick fel hos|Something went wrong in")
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"|line \d+, in ")

ids = st.one_of(
    st.integers(min_value=-3, max_value=12).map(lambda n: f"#{n}"),
    st.integers(min_value=0, max_value=10**30).map(str),
    st.sampled_from(["#", "##1", "#1.5", "#٣", "#1e9", "B1", "B0", "b2", "B-1", "B99999999999"]),
)
owners = st.one_of(
    st.sampled_from(['@"Karin Berg"', "@Anna", "@", '@"', '@""', "<@U123>", "<@>", "@@x"]),
    st.text(min_size=1, max_size=20).map(lambda s: f'@"{s}"'),
)
dates = st.sampled_from(
    [
        "till fredag",
        "by friday",
        "2026-12-05",
        "2026-13-45",
        "31/2",
        "5/12",
        "v. 50",
        "week 99",
        "imorgon",
        "tomorrow",
        "till nästa möte",
        "until next meeting",
        "2025-01-01",
        "inget",
        "none",
        "9999-12-31",
        "0001-01-01",
        "den 30 februari",
    ]
)
times = st.sampled_from(["08:30-12:00", "25:99", "12:00-08:00", "kl 9", "9-", "-", "24:00"])
junk = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=60)
# Characters that databases, terminals and chat clients treat specially.
special = st.sampled_from(
    [
        "Ring\x00Anna",
        "\x00",
        "\x1b[31mröd",
        "\u202eabc",
        "\ufeffBOM",
        "a\u0301",
        "😀👩‍👩‍👧",
        "\r\n",
        "'; DROP TABLE action; --",
        "%s %(x)s {0}",
        "<script>",
        "*bold* _it_ `c`",
    ]
)
tokens = st.one_of(ids, owners, dates, times, junk, special, st.sampled_from(SUB_WORDS))
huge = st.sampled_from([4001, 2500, 10_000]).map(lambda n: "Å" * n)
argument_text = st.one_of(
    st.lists(tokens, max_size=6).map(" ".join),
    huge,
    st.tuples(st.sampled_from(SUB_WORDS), huge).map(" ".join),
)
command_lines = st.tuples(
    st.one_of(st.sampled_from(COMMAND_WORDS), st.from_regex(r"[^\s/]{1,12}", fullmatch=True)),
    st.one_of(st.sampled_from(SUB_WORDS), junk),
    argument_text,
    st.sampled_from(["sv", "en"]),
)

SEED = [
    "/action add Ring Anna om budgeten",
    '/action add Skriv PM @"Karin Berg" till 2026-12-04',
    "/action add Boka lokal",
    "/action done #3",
    "/meeting new KC-möte 2026-12-10 08:30-12:00",
    "/decision add Protokollet justeras av Karin",
]


def request(command: str, text: str, *, lang: str | None = None, workspace: str = "T1") -> Request:
    """A request as an adapter would build it."""
    return Request(
        platform="slack",
        workspace=workspace,
        user=UserRef(platform_id=f"{workspace}-U1", name="Sekreterare"),
        channel="C-kc",
        command=command,
        text=text,
        now=NOW,
        lang=lang,
    )


def send(engine: Engine, line: str, **kwargs: Any) -> Reply:
    command, _, text = line.lstrip("/").partition(" ")
    return handle(request(command, text, **kwargs), engine=engine)


def snapshot(engine: Engine) -> str:
    """The whole register as exported (processed_event rows are not part of it)."""
    with transaction(engine) as session:
        data = export_data(session, exported_at=datetime(2026, 1, 1, tzinfo=UTC))
    return json.dumps(data, sort_keys=True, default=str)


def seed(url: str) -> Engine:
    """An upgraded register with actions, a meeting and a decision."""
    engine = make_engine(url)
    upgrade(engine)
    for line in SEED:
        reply = send(engine, line)
        assert not reply.error, (line, reply.as_text())
    return engine


@pytest.fixture(scope="module")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A seeded SQLite register shared by the fuzzing examples of this module."""
    engine = seed(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'motesbot.db'}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def seeded_postgresql(postgres_server_url: str) -> Iterator[Engine]:
    """A seeded PostgreSQL register shared by the fuzzing examples of this module."""
    server = make_url(postgres_server_url)
    name = f"motesbot_fuzz_{uuid.uuid4().hex[:10]}"
    conninfo = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    engine = seed(server.set(database=name).render_as_string(hide_password=False))
    yield engine
    engine.dispose()
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def check_reply(reply: Reply, text_in: str) -> None:
    """What every reply must be, whatever the input."""
    out = reply.as_text()
    assert out.strip(), "empty reply"
    assert reply.lang in ("sv", "en")
    assert not TRACEBACK.search(out), out
    for name in EXCEPTION_NAMES:
        assert name not in out or name in text_in, (name, out)
    # An internal error means an exception escaped a handler: a bug, whatever the input.
    assert not INTERNAL.search(reply.headline), text_in
    # The database is up: blaming it would send the user (and the alerts) the wrong way.
    assert reply.headline != t(reply.lang, "db_unavailable"), text_in


def fuzz_one(engine: Engine, command: str, text: str, lang: str) -> Reply:
    """Run one generated command; check the reply, and that an error changed nothing."""
    before = snapshot(engine)
    result = run(request(command, text, lang=lang), engine=engine)
    # No input is a bug or a database outage; bad input is the user's error, nothing else.
    assert result.outcome in (Outcome.OK, Outcome.USER_ERROR), (command, text, result)
    reply = result.reply
    check_reply(reply, f"{command} {text}")
    if reply.error:
        assert snapshot(engine) == before, f"/{command} {text} → {reply.as_text()}"
    return reply


SUBCOMMAND_NAMES = [(c, s.name) for c, subs in registry.SUBCOMMANDS.items() for s in subs]
FAST = settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# The PostgreSQL runs see the same strategies; fewer examples keep the suite fast.
FEWER = settings(FAST, max_examples=60)


@FAST
@given(command_lines)
def test_any_command_line_sqlite(seeded_sqlite: Engine, line: tuple[str, str, str, str]) -> None:
    command, sub, args, lang = line
    reply = fuzz_one(seeded_sqlite, command, f"{sub} {args}", lang)
    event("error" if reply.error else "ok")


@FEWER
@given(command_lines)
def test_any_command_line_postgresql(
    seeded_postgresql: Engine, line: tuple[str, str, str, str]
) -> None:
    command, sub, args, lang = line
    fuzz_one(seeded_postgresql, command, f"{sub} {args}", lang)


@FAST
@given(st.sampled_from(SUBCOMMAND_NAMES), argument_text, st.sampled_from(["sv", "en"]))
def test_every_subcommand_sqlite(
    seeded_sqlite: Engine, sub: tuple[str, str], args: str, lang: str
) -> None:
    reply = fuzz_one(seeded_sqlite, sub[0], f"{sub[1]} {args}", lang)
    event(f"{sub[0]} {sub[1]}: {'error' if reply.error else 'ok'}")


@FEWER
@given(st.sampled_from(SUBCOMMAND_NAMES), argument_text, st.sampled_from(["sv", "en"]))
def test_every_subcommand_postgresql(
    seeded_postgresql: Engine, sub: tuple[str, str], args: str, lang: str
) -> None:
    fuzz_one(seeded_postgresql, sub[0], f"{sub[1]} {args}", lang)


# --- Workspace isolation --------------------------------------------------------------------

ACTION_ID_COMMANDS = [
    "show {id}",
    "done {id}",
    "reopen {id}",
    "note {id} En anteckning",
    "due {id} 2026-12-04",
    'assign {id} @"Karin Berg"',
    "edit {id} Ny text",
    "cancel {id}",
    # The same in Swedish: buttons and typed commands share these handlers.
    "visa {id}",
    "klar {id}",
    "stryk {id}",
]


def test_an_action_of_another_workspace_is_not_found(engine: Engine) -> None:
    for line in ("/action add Ring Anna", "/action add Boka lokal", "/action add Skriv PM"):
        assert not send(engine, line, workspace="TA").error
    assert not send(engine, "/action done #2", workspace="TA").error
    # Workspace B has one action of its own: #1. Numbers 2 and 3 exist only in A.
    assert not send(engine, "/action add B:s egen", workspace="TB").error
    before = snapshot(engine)
    for template in ACTION_ID_COMMANDS:
        for lang in ("sv", "en"):
            for number in (2, 3):
                line = "/action " + template.format(id=f"#{number}")
                reply = send(engine, line, workspace="TB", lang=lang)
                assert reply.error, (line, reply.as_text())
                assert reply.headline == t(lang, "action_not_found", number=number), line
    assert snapshot(engine) == before


@pytest.mark.parametrize("word", ["show", "visa"])
def test_a_decision_of_another_workspace_is_not_found(engine: Engine, word: str) -> None:
    assert not send(engine, "/decision add Budgeten fastställs", workspace="TA").error
    assert not send(engine, "/decision add Protokollet justeras", workspace="TA").error
    assert not send(engine, "/decision add B:s beslut", workspace="TB").error
    reply = send(engine, f"/decision {word} B2", workspace="TB", lang="en")
    assert reply.error and reply.headline == t("en", "decision_not_found", number=2)
    reply = send(engine, "/decision show B1", workspace="TB", lang="en")
    assert not reply.error and "B:s beslut" in reply.as_text()
    found = send(engine, "/decision search Budgeten", workspace="TB").as_text()
    assert "Budgeten fastställs" not in found


# --- Characters that break databases, terminals and chat clients ----------------------------

SPECIAL_TEXTS = [
    "Ring\x00Anna",
    "Ring\x1b[31mAnna",
    "Ring\x07Anna\x7f",
    "Ring \u202eannA",
    "\ufeffRing Anna",
    "Ring Anna 😀👩‍👩‍👧",
    "'; DROP TABLE action; --",
    "%s %(x)s {0} {number}",
    "Å" * 250,
    "Å" * 600,
    "Å" * 3000,
]
WRITING_COMMANDS = [
    "/action add {text}",
    "/action note #1 {text}",
    "/action edit #1 {text}",
    "/decision add {text}",
    "/agenda add {text}",
    '/action add {text} @"Karin {text}"',
    "/meeting new {text} 2026-12-10 08:30-12:00",
    "/meeting new KC 2026-12-10 08:30-12:00 {text}",
    '/agenda add {text} @"{text}"',
]


def test_special_characters_are_stored_or_refused_cleanly(engine: Engine) -> None:
    assert not send(engine, "/action add Första").error
    for template in WRITING_COMMANDS:
        for text in SPECIAL_TEXTS:
            line = template.format(text=text)
            before = snapshot(engine)
            reply = send(engine, line)
            check_reply(reply, text)
            if reply.error:
                assert snapshot(engine) == before, line[:80]
    # Whatever was stored can be listed and exported again, and holds no NUL.
    check_reply(send(engine, "/action list alla"), "")
    assert "\\u0000" not in snapshot(engine)
