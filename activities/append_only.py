"""The database refuses to edit the record: triggers on the events tables and the
transparency log's tables that abort any UPDATE or DELETE (and, on PostgreSQL, TRUNCATE).

Issue 15 scope 5, "corrections, not edits": a wrong entry is corrected by a new event that
points at it (aggregates/corrections.py); nothing in the code updates or deletes a stored
event, and these triggers make the storage refuse it too, so a slip in code or at a SQL prompt
cannot rewrite history. An insider who owns the tables can still drop a trigger; that is what
the transparency log and its signed checkpoints catch (application/log_verifier.py).

Guarded: an application's events table (`casestore_events`, `staffdirectory_events`) and
`transparency_leaves`, `transparency_nodes`, `transparency_checkpoints`. Not guarded: the
snapshots tables. Snapshots are derived from the events, are not logged, and are what an
operator must be able to drop when one is in doubt (`activities/case_replay.py` rebuilds a case
without them); the library itself only ever inserts them (eventsourcing_sqlalchemy issues no
UPDATE or DELETE on any of its tables).

- SQLite: `BEFORE UPDATE` / `BEFORE DELETE` triggers running `RAISE(ABORT, ...)`, and a
  `BEFORE INSERT` trigger refusing a row whose key (primary or unique) is already stored:
  `INSERT OR REPLACE` (and `REPLACE`, `ON CONFLICT REPLACE`) deletes the old row without
  firing DELETE triggers unless `recursive_triggers` is on, which a SQL prompt need not set;
- PostgreSQL: one plpgsql function per schema, `append_only_refuse()`, raising SQLSTATE 55000
  (object_not_in_prerequisite_state), run `BEFORE UPDATE OR DELETE ... FOR EACH ROW` and
  `BEFORE TRUNCATE ... FOR EACH STATEMENT`.

Created with the tables and on every start if missing (stores made before them); a process
that finds them all present writes nothing, so a role without DDL rights may still start.
Errors: whatever the database raises (the caller retries a race to create them:
`casework.wiring._creating_tables`).
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

REFUSAL = "is append-only: a stored record is corrected by a new event, never edited"
_FUNCTION = "append_only_refuse"


def trigger_names(table: str) -> tuple[str, ...]:
    """The names of the triggers guarding `table` (the same on both databases)."""
    return (f"{table}_refuse_update", f"{table}_refuse_delete", f"{table}_refuse_truncate")


def guard_tables(engine: sa.Engine, schema: str | None, tables: Iterable[str]) -> None:
    """Make the database refuse UPDATE and DELETE on each of `tables` (idempotent)."""
    names = list(tables)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            _guard_postgresql(conn, schema, names)
        elif conn.dialect.name == "sqlite":
            _guard_sqlite(conn, names)
        else:
            # Only the two databases we support can refuse edits; any other is refused outright.
            raise RuntimeError(f"the event store must be SQLite or PostgreSQL, not "
                               f"{conn.dialect.name}: no append-only guard for it")


def _guard_sqlite(conn: sa.Connection, tables: list[str]) -> None:
    present = set(conn.execute(sa.text(
        "SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
    for table in tables:
        update, delete, _ = trigger_names(table)
        message = f"{table} {REFUSAL}".replace("'", "''")
        for name, operation in ((update, "UPDATE"), (delete, "DELETE")):
            if name not in present:
                conn.execute(sa.text(
                    f'CREATE TRIGGER IF NOT EXISTS "{name}" BEFORE {operation} ON "{table}" '
                    f"BEGIN SELECT RAISE(ABORT, '{message}'); END"))
        replace = f"{table}_refuse_replace"
        if replace not in present:
            taken = " OR ".join(
                f'EXISTS (SELECT 1 FROM "{table}" WHERE '
                + " AND ".join(f'"{c}" = NEW."{c}"' for c in key) + ")"
                for key in _sqlite_keys(conn, table))
            if taken:
                conn.execute(sa.text(
                    f'CREATE TRIGGER IF NOT EXISTS "{replace}" BEFORE INSERT ON "{table}" '
                    f"WHEN {taken} BEGIN SELECT RAISE(ABORT, '{message}'); END"))


def _sqlite_keys(conn: sa.Connection, table: str) -> list[list[str]]:
    """The column lists of `table`'s primary key and unique indexes: what REPLACE matches."""
    info = conn.execute(sa.text(f'PRAGMA table_info("{table}")')).all()
    primary = [row[1] for row in sorted(info, key=lambda r: r[5]) if row[5]]
    keys = [primary] if primary else []
    for index in conn.execute(sa.text(f'PRAGMA index_list("{table}")')).all():
        if index[2]:  # unique
            columns = [row[2] for row in conn.execute(
                sa.text(f'PRAGMA index_info("{index[1]}")')).all()]
            if columns and columns not in keys:
                keys.append(columns)
    return keys


def _guard_postgresql(conn: sa.Connection, schema: str | None, tables: list[str]) -> None:
    where = schema or str(conn.execute(sa.text("SELECT current_schema()")).scalar())
    present = set(conn.execute(sa.text(
        "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :schema"),
        {"schema": where}).scalars())
    missing = [t for t in tables if not set(trigger_names(t)) <= present]
    if not missing:
        return
    function = f'"{where}".{_FUNCTION}'
    conn.execute(sa.text(
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '% % refused: % {REFUSAL}', TG_OP, TG_TABLE_NAME, "
        "TG_TABLE_NAME USING ERRCODE = '55000'; END $$"))
    for table in missing:
        update, delete, truncate = trigger_names(table)
        target = f'"{where}"."{table}"'
        for name, when in ((update, "BEFORE UPDATE ON {t} FOR EACH ROW"),
                           (delete, "BEFORE DELETE ON {t} FOR EACH ROW"),
                           (truncate, "BEFORE TRUNCATE ON {t} FOR EACH STATEMENT")):
            conn.execute(sa.text(f'CREATE OR REPLACE TRIGGER "{name}" '
                                 f"{when.format(t=target)} EXECUTE FUNCTION {function}()"))
