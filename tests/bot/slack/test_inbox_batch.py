"""Slack's inbox rows answered close together are marked answered in one write."""

from __future__ import annotations

import asyncio

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.slack.inbox import Held
from storage.models import InboxItem
from tests.storage.test_inbox_renew import AT, _record


async def test_answers_of_a_burst_are_marked_in_one_write(engine: Engine) -> None:
    held = Held("alive", engine)
    rows = [_record(engine, f"cmd:burst{i}", "alive") for i in range(20)]
    held.ids.update(rows)
    updates: list[str] = []

    def seen(_conn: object, _cur: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("UPDATE INBOX"):
            updates.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        await asyncio.gather(*(held.answered(r, AT) for r in rows))
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert len(updates) == 1
    assert held.ids == set()
    with Session(engine) as session:
        marked = session.exec(
            select(InboxItem).where(col(InboxItem.answered_at).is_not(None))
        ).all()
    assert sorted(i.id for i in marked if i.id is not None) == sorted(rows)
