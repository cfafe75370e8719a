"""The right edge of the transparency log's tree, kept per process, so that appending an event
costs one more statement in its transaction instead of four.

Appending leaf n needs only the full subtrees on the tree's right edge (one per one-bit of n:
`(L, (n >> L) - 1)`, RFC 9162 §2.1.1 numbering as in `transparency.log_tree`) and the hash of
leaf n - 1. Reading those from the database under the log's lock is a round trip or two; a
process that wrote the last append already knows them. So each process keeps the edge it
last saw committed (`Frontier`, 32 bytes per level, by database and schema), and the append
is one guarded statement: insert the leaf (and, on PostgreSQL, the subtree rows it completes)
only if leaf n - 1 is the one the cached edge ends with and no leaf n exists yet. If another
process appended in between (or the cache is empty) the statement inserts nothing and the
caller reads the edge from the tables and appends as before (`activities.transparency_store`).

Why this keeps the guarantees: the statement runs under the log's append lock, leaves are
never changed or removed (`activities.append_only`) and have no gaps, so "the last leaf is
n - 1 with this hash" means the stored tree is exactly the one the edge was computed from. An
edge is cached only after the transaction that wrote it commits (a SQLAlchemy `after_commit`
hook), never from a transaction that rolled back, so a cached edge always describes leaves
that are stored.

Shapes: hashes are 32-byte `bytes`; sizes and indexes are counts of leaves.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from transparency.log_tree import nodes_completed_by_append

_PENDING = "transparency_frontiers_pending"


def edge_positions(size: int) -> list[tuple[int, int]]:
    """The full subtrees `(level, index)` on the right edge of a tree of `size` leaves,
    largest first (one per one-bit of `size`)."""
    return [(level, (size >> level) - 1) for level in reversed(range(size.bit_length()))
            if size >> level & 1]


@dataclass(frozen=True)
class Frontier:
    """The tree of `size` leaves as an appender needs it: the hash of its last leaf (None for
    the empty tree) and its right edge's full subtree hashes by `(level, index)`."""

    size: int
    last_leaf: bytes | None
    edge: dict[tuple[int, int], bytes] = field(default_factory=dict)

    def full_subtree_hash(self, level: int, index: int) -> bytes:
        """`transparency.log_tree.SubtreeHashes`, for the subtrees an append reads."""
        if (level, index) == (0, self.size - 1) and self.last_leaf is not None:
            return self.last_leaf
        return self.edge[(level, index)]

    def appended(self, leaf_hashes: Iterable[bytes]) -> tuple[Frontier,
                                                             list[tuple[int, int, bytes]]]:
        """The frontier after appending `leaf_hashes` in order, and the full subtrees of two or
        more leaves those appends complete `(level, index, hash)`, to be stored."""
        known = _Known(self)
        completed: list[tuple[int, int, bytes]] = []
        size, last = self.size, self.last_leaf
        for leaf_hash in leaf_hashes:
            for level, index, node in nodes_completed_by_append(size, leaf_hash, known):
                known.nodes[(level, index)] = node
                if level:
                    completed.append((level, index, node))
            size, last = size + 1, leaf_hash
        edge = {position: known.full_subtree_hash(*position)
                for position in edge_positions(size)}
        return Frontier(size, last, edge), completed


class _Known:
    """The old edge plus everything appended since (what `nodes_completed_by_append` reads)."""

    def __init__(self, frontier: Frontier) -> None:
        self.frontier = frontier
        self.nodes: dict[tuple[int, int], bytes] = {}

    def full_subtree_hash(self, level: int, index: int) -> bytes:
        found = self.nodes.get((level, index))
        return found if found is not None else self.frontier.full_subtree_hash(level, index)


_CACHE: dict[tuple[str, str], Frontier] = {}
_CACHE_LOCK = threading.Lock()


def cache_key(session: Session, leaves: sa.Table) -> tuple[str, str]:
    """Which log a session writes: its database address (without password) and the table."""
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, sa.Connection) else bind
    return (str(engine.url), leaves.fullname)


def cached(key: tuple[str, str]) -> Frontier | None:
    """The edge this process last saw committed for the log `key`, if any."""
    return _CACHE.get(key)


def remember_on_commit(session: Session, key: tuple[str, str], frontier: Frontier) -> None:
    """Cache `frontier` for `key` once `session`'s transaction commits (dropped on rollback)."""
    session.info.setdefault(_PENDING, {})[key] = frontier


def forget(key: tuple[str, str]) -> None:
    """Drop the cached edge of `key` (a guarded append found it stale)."""
    with _CACHE_LOCK:
        _CACHE.pop(key, None)


@sa.event.listens_for(Session, "after_commit")
def _publish(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending:
        with _CACHE_LOCK:
            # Two threads' hooks may run out of commit order: the older edge then fails its
            # guard once and is read again, which costs a read, never a wrong append.
            _CACHE.update(pending)


@sa.event.listens_for(Session, "after_rollback")
def _discard(session: Session) -> None:
    session.info.pop(_PENDING, None)
