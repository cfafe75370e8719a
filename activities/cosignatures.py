"""Witnesses' cosignatures of the transparency log's checkpoints, kept beside the checkpoints:
the table `transparency_cosignatures`, append-only like the log's own tables
(`activities.append_only`).

A row: `tree_size` (the checkpoint cosigned), `partner` (the witnessing partner's id),
`key_name` and `key_id` (its cosignature key, C2SP signed-note names), `cosigned_at` (the
cosignature's own timestamp, POSIX seconds), `received_at` (when we stored it), and `line`,
the signature line as the witness wrote it ("— <name> <base64>"), which is appended to the
checkpoint note to publish it cosigned (C2SP tlog-cosignature). One row per checkpoint and key:
a second cosignature of the same checkpoint by the same key is not stored. Only lines that
verified against the registered witness key are ever written (application/witnessing.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from activities.append_only import guard_tables

_TABLES: dict[str | None, sa.Table] = {}


@dataclass(frozen=True)
class StoredCosignature:
    """One witness's cosignature of the checkpoint of `tree_size` leaves."""

    tree_size: int
    partner: str
    key_name: str
    key_id: int
    cosigned_at: int
    received_at: int
    line: str


def cosignatures_table(schema: str | None) -> sa.Table:
    """The cosignatures table in `schema` (one definition per schema per process)."""
    if schema not in _TABLES:
        big = sa.BigInteger().with_variant(sa.Integer, "sqlite")
        _TABLES[schema] = sa.Table(
            "transparency_cosignatures", sa.MetaData(schema=schema),
            sa.Column("tree_size", big, primary_key=True, autoincrement=False),
            sa.Column("key_name", sa.String(200), primary_key=True),
            sa.Column("key_id", sa.BigInteger, primary_key=True, autoincrement=False),
            sa.Column("partner", sa.String(64), nullable=False),
            sa.Column("cosigned_at", sa.BigInteger, nullable=False),
            sa.Column("received_at", sa.BigInteger, nullable=False),
            sa.Column("line", sa.Text, nullable=False),
        )
    return _TABLES[schema]


def create_cosignatures_table(engine: sa.Engine, schema: str | None) -> None:
    """Create the table and its append-only guard if missing (writes nothing otherwise)."""
    table = cosignatures_table(schema)
    table.metadata.create_all(engine, checkfirst=True)
    guard_tables(engine, schema, [table.name])


class Cosignatures:
    """The cosignatures kept in the database `engine` reaches (table made if missing)."""

    def __init__(self, engine: sa.Engine, schema: str | None) -> None:
        self._engine = engine
        self._table = cosignatures_table(schema)
        create_cosignatures_table(engine, schema)

    def add(self, cosignature: StoredCosignature) -> bool:
        """Keep a verified cosignature; False if this key's for that size is kept already."""
        t = self._table
        try:
            with self._engine.begin() as conn:
                exists = conn.execute(sa.select(t.c.tree_size).where(
                    (t.c.tree_size == cosignature.tree_size)
                    & (t.c.key_name == cosignature.key_name)
                    & (t.c.key_id == cosignature.key_id))).first()
                if exists is not None:
                    return False
                conn.execute(sa.insert(t).values(
                    tree_size=cosignature.tree_size, key_name=cosignature.key_name,
                    key_id=cosignature.key_id, partner=cosignature.partner,
                    cosigned_at=cosignature.cosigned_at, received_at=cosignature.received_at,
                    line=cosignature.line))
        except sa.exc.IntegrityError:  # two workers' rounds stored the same one at once
            return False
        return True

    def of_size(self, tree_size: int) -> list[StoredCosignature]:
        """The cosignatures of the checkpoint of `tree_size` leaves, first received first."""
        t = self._table
        with self._engine.connect() as conn:
            rows = conn.execute(sa.select(t).where(t.c.tree_size == tree_size)
                                .order_by(t.c.received_at, t.c.key_name)).all()
        return [StoredCosignature(int(r.tree_size), str(r.partner), str(r.key_name),
                                  int(r.key_id), int(r.cosigned_at), int(r.received_at),
                                  str(r.line)) for r in rows]

    def last_cosigned_size(self, key_name: str, key_id: int) -> int:
        """The largest checkpoint this key cosigned (0 if none): where its next proof starts."""
        t = self._table
        with self._engine.connect() as conn:
            top = conn.execute(sa.select(sa.func.max(t.c.tree_size)).where(
                (t.c.key_name == key_name) & (t.c.key_id == key_id))).scalar()
        return 0 if top is None else int(top)
