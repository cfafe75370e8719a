"""The right edge an appender caches (activities/log_frontier.py) is the tree's: appending
from it completes the same subtrees, with the same hashes, as the reference log that keeps
every subtree (RFC 9162 §2.1.1), at every size and in batches of every length."""

from __future__ import annotations

import hashlib

import pytest

from activities.log_frontier import Frontier, edge_positions
from transparency.log_tree import MemoryLog, root_hash


def leaf(n: int) -> bytes:
    return hashlib.sha256(n.to_bytes(4, "big")).digest()


def test_the_edge_of_a_tree_is_one_full_subtree_per_one_bit_of_its_size() -> None:
    """13 = 0b1101: [0, 8), [8, 12), [12, 13)."""
    assert edge_positions(13) == [(3, 0), (2, 2), (0, 12)]
    assert edge_positions(16) == [(4, 0)]
    assert edge_positions(0) == []


@pytest.mark.parametrize("batch", [1, 2, 3, 7, 64])
def test_appending_from_the_edge_completes_the_reference_trees_subtrees(batch: int) -> None:
    reference = MemoryLog()
    frontier = Frontier(0, None)
    n = 0
    while n < 300:
        hashes = [leaf(i) for i in range(n, n + batch)]
        frontier, completed = frontier.appended(hashes)
        for leaf_hash in hashes:
            reference.append_leaf_hash(leaf_hash)
        for level, index, node in completed:
            assert level > 0
            assert node == reference.full_subtree_hash(level, index)
        # Every subtree of two or more leaves the batch completed is reported, none twice.
        expected = {(level, index) for level in range(1, 10)
                    for index in range((n + batch) >> level) if (index + 1) << level > n}
        assert sorted((lv, ix) for lv, ix, _ in completed) == sorted(expected)
        n += batch
        assert frontier.size == n and frontier.last_leaf == hashes[-1]
        assert set(frontier.edge) == set(edge_positions(n))
        # The edge alone gives the root of the whole tree.
        assert root_hash(frontier, n) == root_hash(reference, n)


def test_an_edge_lacking_a_subtree_is_a_key_error_not_a_wrong_hash() -> None:
    frontier = Frontier(2, leaf(1), {})
    with pytest.raises(KeyError):
        frontier.appended([leaf(2), leaf(3)])
