"""Replicas started at the same moment on an empty PostgreSQL: each one's migration succeeds."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import inspect

from storage.db import make_engine
from tests.proof.processes import base_env, cli


async def test_concurrent_upgrades_of_an_empty_database_all_succeed(
    postgres_url: str, tmp_path: Path
) -> None:
    env = base_env(DATABASE_URL=postgres_url)
    results = await asyncio.gather(
        *(cli("db", "upgrade", env=env, workdir=tmp_path, check=False) for _ in range(3))
    )
    failed = [r.stdout + r.stderr for r in results if r.returncode != 0]
    assert failed == []
    engine = make_engine(postgres_url)
    try:
        assert "action" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
