"""What an insider who owns the tables does to edit the record past the database's refusal
(activities/append_only.py): lift the triggers, edit, put them back, in one transaction, so
nothing but the edit is left to see."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session

GUARDED = ("casestore_events", "staffdirectory_events", "transparency_leaves",
           "transparency_nodes", "transparency_checkpoints")


@contextlib.contextmanager
def guards_lifted(session: Session | sa.Connection, schema: str | None) -> Iterator[None]:
    """Inside `session`'s (or a connection's) transaction: the append-only triggers are off
    until the block ends, then back exactly as they were (SQLite: dropped and re-created
    from their own SQL; PostgreSQL: `ALTER TABLE ... DISABLE TRIGGER USER`, then ENABLE)."""
    bind = session.get_bind() if isinstance(session, Session) else session
    if bind.dialect.name == "sqlite":
        kept = session.execute(sa.text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
        for name, _ in kept:
            session.execute(sa.text(f'DROP TRIGGER "{name}"'))
        yield
        for _, sql in kept:
            session.execute(sa.text(sql))
        return
    where = schema or "public"
    present = sa.inspect(bind).get_table_names(schema=where)
    tables = [f'"{where}"."{t}"' for t in GUARDED if t in present]
    for table in tables:
        session.execute(sa.text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
    yield
    for table in tables:
        session.execute(sa.text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
