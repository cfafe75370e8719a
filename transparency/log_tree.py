"""The log's Merkle tree as the server sees it: roots, inclusion proofs and consistency proofs
generated from stored hashes of full subtrees (RFC 9162 §2.1.1, §2.1.3.1, §2.1.4.1).

Shapes: a *full subtree* `(level, index)` covers leaves `[index * 2**level,
(index + 1) * 2**level)`; level 0 is a leaf hash. Once its last leaf is appended its hash never
changes, so it can be stored beside the leaf, in the same transaction, and read back for ever.
Every subtree the RFC's recursion visits is either full or lies on the tree's right edge and
splits into at most log2(n) full subtrees, so:

- with every full subtree stored (`MemoryLog`, `nodes_completed_by_append`): a root or a proof
  costs O(log n) node reads and O(log n) hashes; appending a leaf writes 1 + (trailing one-bits
  of its index) nodes, 2 amortised;
- from leaf hashes only (`LeafHashTree`): the first use of a full subtree of 2**L leaves reads
  2**L leaf hashes and makes 2**L - 1 hashes; its hash is then cached (32 bytes plus the key
  per subtree of two or more leaves, fewer than n entries), so later proofs cost O(log n)
  leaf reads.

Errors: a size or index out of range raises `ValueError`; a store missing a node raises what
the store raises (`KeyError` for `MemoryLog`).
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Protocol

from transparency.merkle import EMPTY_ROOT, hash_children, hash_leaf, split_point


class SubtreeHashes(Protocol):
    """A source of hashes of full subtrees (see the module docstring for the numbering)."""

    def full_subtree_hash(self, level: int, index: int) -> bytes:
        """The 32-byte hash of full subtree `(level, index)`; its leaves must all exist."""
        ...


def range_hash(tree: SubtreeHashes, start: int, end: int) -> bytes:
    """MTH(D[start:end]) (RFC 9162 §2.1.1) for a range the RFC's recursion produces: `start` a
    multiple of the smallest power of two >= `end - start`. Costs one node read per one-bit of
    `end - start`. The empty range [0, 0) is the empty tree."""
    if start == end == 0:
        return EMPTY_ROOT
    if not 0 <= start < end:
        raise ValueError(f"[{start}, {end}) is not a non-empty range of leaves")
    parts: list[bytes] = []
    position = start
    while position < end:
        level = (end - position).bit_length() - 1
        if position % (1 << level):
            raise ValueError(f"[{start}, {end}) is not a subtree of an RFC 9162 tree")
        parts.append(tree.full_subtree_hash(level, position >> level))
        position += 1 << level
    # The right edge of the tree nests to the right: MTH = H(full, H(next full, ...)).
    result = parts.pop()
    while parts:
        result = hash_children(parts.pop(), result)
    return result


def root_hash(tree: SubtreeHashes, size: int) -> bytes:
    """The root hash MTH(D[0:size]) of the tree's first `size` leaves (RFC 9162 §2.1.1)."""
    _check_size(size)
    return range_hash(tree, 0, size)


def inclusion_proof(tree: SubtreeHashes, index: int, size: int) -> list[bytes]:
    """PATH(index, D[0:size]) (RFC 9162 §2.1.3.1): the sibling hashes from leaf `index` up to
    the root of the tree of `size` leaves, lowest first. Needs 0 <= index < size."""
    _check_size(size)
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is not in a tree of {size} leaves")
    return _path(tree, index, 0, size)


def consistency_proof(tree: SubtreeHashes, old_size: int, new_size: int) -> list[bytes]:
    """PROOF(old_size, D[0:new_size]) = SUBPROOF(old_size, D[0:new_size], true) (RFC 9162
    §2.1.4.1). Needs 0 < old_size <= new_size; equal sizes give the empty proof."""
    _check_size(new_size)
    if not 0 < old_size <= new_size:
        raise ValueError(
            f"no consistency proof from {old_size} leaves to {new_size} leaves "
            "(needs 0 < old size <= new size)")
    return _subproof(tree, old_size, 0, new_size, True)


def _path(tree: SubtreeHashes, m: int, start: int, end: int) -> list[bytes]:
    # m is relative to start, as in the RFC's PATH(m, D[start:end]).
    n = end - start
    if n == 1:
        return []
    k = split_point(n)
    if m < k:
        return [*_path(tree, m, start, start + k), range_hash(tree, start + k, end)]
    return [*_path(tree, m - k, start + k, end), range_hash(tree, start, start + k)]


def _subproof(tree: SubtreeHashes, m: int, start: int, end: int, b: bool) -> list[bytes]:
    n = end - start
    if m == n:
        return [] if b else [range_hash(tree, start, end)]
    k = split_point(n)
    if m <= k:
        return [*_subproof(tree, m, start, start + k, b), range_hash(tree, start + k, end)]
    return [*_subproof(tree, m - k, start + k, end, False), range_hash(tree, start, start + k)]


def nodes_completed_by_append(size: int, leaf_hash: bytes,
                              tree: SubtreeHashes) -> list[tuple[int, int, bytes]]:
    """The full subtrees `(level, index, hash)` that appending leaf number `size` (the tree's
    size before the append) completes: the leaf itself, then one parent per trailing one-bit
    of `size`. Storing them with the leaf keeps every full subtree stored; reads the left
    siblings from `tree`."""
    _check_size(size)
    nodes = [(0, size, leaf_hash)]
    level, index, node = 0, size, leaf_hash
    while index & 1:
        node = hash_children(tree.full_subtree_hash(level, index - 1), node)
        level, index = level + 1, index >> 1
        nodes.append((level, index, node))
    return nodes


class MemoryLog:
    """An append-only log holding every full subtree hash in memory: the reference for a
    stored log, which keeps the same `(level, index) -> hash` rows in its database."""

    def __init__(self) -> None:
        self.size = 0
        self._nodes: dict[tuple[int, int], bytes] = {}

    def append(self, entry: bytes) -> int:
        """Add `entry` (the leaf's data, hashed as `H(0x00 || entry)`); returns its index."""
        return self.append_leaf_hash(hash_leaf(entry))

    def append_leaf_hash(self, leaf_hash: bytes) -> int:
        """Add a leaf by its 32-byte leaf hash; returns its index."""
        index = self.size
        for level, position, node in nodes_completed_by_append(index, leaf_hash, self):
            self._nodes[(level, position)] = node
        self.size = index + 1
        return index

    def full_subtree_hash(self, level: int, index: int) -> bytes:
        """The stored hash of full subtree `(level, index)`; `KeyError` if not yet full."""
        return self._nodes[(level, index)]


class LeafHashTree:
    """Full subtree hashes computed from `leaf_hash(i)` (the 32-byte hash of leaf i), cached
    in `cache` (a dict by default) once computed: for a log whose store holds leaf hashes
    only. Costs are in the module docstring."""

    def __init__(self, leaf_hash: Callable[[int], bytes],
                 cache: MutableMapping[tuple[int, int], bytes] | None = None) -> None:
        self._leaf_hash = leaf_hash
        self._cache: MutableMapping[tuple[int, int], bytes] = {} if cache is None else cache

    def full_subtree_hash(self, level: int, index: int) -> bytes:
        """The hash of full subtree `(level, index)`, computed once then cached."""
        if level == 0:
            return self._leaf_hash(index)
        key = (level, index)
        cached = self._cache.get(key)
        if cached is None:
            cached = hash_children(self.full_subtree_hash(level - 1, 2 * index),
                                   self.full_subtree_hash(level - 1, 2 * index + 1))
            self._cache[key] = cached
        return cached


def _check_size(size: int) -> None:
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise ValueError(f"a tree size must be a non-negative integer, not {size!r}")
