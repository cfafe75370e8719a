"""Falsified Merkle proofs are refused: the classic failure of a transparency log is a
verifier that accepts a proof for the wrong leaf, the wrong tree or a doctored path.

The tree has 13 leaves, so it has full subtrees, a ragged right edge and leaves whose paths
skip levels (RFC 9162 §2.1.3.2 step 4b.ii)."""

from __future__ import annotations

import pytest

from transparency.log_tree import MemoryLog, consistency_proof, inclusion_proof, root_hash
from transparency.merkle import (
    EMPTY_ROOT,
    ConsistencyProofError,
    InclusionProofError,
    hash_children,
    hash_leaf,
    verify_consistency,
    verify_inclusion,
)

ENTRIES = [f"case event {i}".encode() for i in range(13)]
LOG = MemoryLog()
for _entry in ENTRIES:
    LOG.append(_entry)
SIZE = LOG.size
ROOT = root_hash(LOG, SIZE)
INDEX = 5
LEAF = hash_leaf(ENTRIES[INDEX])
PROOF = inclusion_proof(LOG, INDEX, SIZE)


def _refuse_inclusion(match: str, *, leaf_hash: bytes = LEAF, index: int = INDEX,
                      size: int = SIZE, proof: object = PROOF, root: bytes = ROOT) -> None:
    with pytest.raises(InclusionProofError, match=match):
        verify_inclusion(leaf_hash=leaf_hash, index=index, size=size,
                         proof=proof,  # type: ignore[arg-type]
                         root=root)


def test_the_genuine_proof_is_accepted() -> None:
    verify_inclusion(leaf_hash=LEAF, index=INDEX, size=SIZE, proof=PROOF, root=ROOT)
    assert len(PROOF) == 4


@pytest.mark.parametrize("size", [6, 7, 8, 17, 26, 2**63])
def test_an_inclusion_proof_checked_against_another_tree_size_is_refused(size: int) -> None:
    _refuse_inclusion("RFC 9162 §2.1.3.2", size=size)


def test_an_inclusion_proof_does_not_fix_the_tree_size_so_it_must_come_from_the_checkpoint(
) -> None:
    """Leaf 5 climbs the same left/right path in every tree of 9 to 16 leaves, so its proof
    cannot tell those sizes apart (RFC 9162 proofs authenticate the leaf's hash and position
    under a root, not the size). The size is what the signed checkpoint binds to the root;
    `transparency.checkpoint.verify_included` takes both from the checkpoint."""
    accepted = []
    for size in range(1, 40):
        try:
            verify_inclusion(leaf_hash=LEAF, index=INDEX, size=size, proof=PROOF, root=ROOT)
        except InclusionProofError:
            continue
        accepted.append(size)
    assert accepted == list(range(9, 17))


@pytest.mark.parametrize(("index", "size"), [(13, 13), (14, 13), (0, 0), (2**64 - 1, 13)])
def test_a_leaf_index_at_or_past_the_tree_size_is_refused(index: int, size: int) -> None:
    _refuse_inclusion(rf"leaf index {index} is not below tree size {size} .*step 1",
                      index=index, size=size)


def test_swapped_or_reversed_siblings_are_refused() -> None:
    swapped = [PROOF[1], PROOF[0], *PROOF[2:]]
    _refuse_inclusion("does not lead from the leaf to the root", proof=swapped)
    _refuse_inclusion("does not lead from the leaf to the root", proof=PROOF[::-1])


def test_a_truncated_path_is_refused() -> None:
    _refuse_inclusion("shorter than the path", proof=PROOF[:-1])
    _refuse_inclusion("shorter than the path", proof=PROOF[1:])
    _refuse_inclusion("shorter than the path", proof=[])


def test_an_extended_path_is_refused() -> None:
    _refuse_inclusion("longer than the path", proof=[*PROOF, EMPTY_ROOT])
    _refuse_inclusion("longer than the path", proof=[*PROOF, PROOF[-1]])
    _refuse_inclusion("longer than the path", proof=[EMPTY_ROOT, *PROOF])


def test_a_proof_for_another_leaf_is_refused() -> None:
    other = inclusion_proof(LOG, 4, SIZE)
    _refuse_inclusion("does not lead", proof=other)
    _refuse_inclusion("does not lead", leaf_hash=hash_leaf(ENTRIES[4]))
    _refuse_inclusion("does not lead", leaf_hash=hash_leaf(ENTRIES[4]), index=4)
    _refuse_inclusion("does not lead", leaf_hash=hash_leaf(ENTRIES[INDEX] + b" altered"))


def test_a_proof_against_another_root_is_refused() -> None:
    _refuse_inclusion("does not lead", root=root_hash(LOG, 12))
    _refuse_inclusion("does not lead", root=EMPTY_ROOT)


def test_an_interior_node_cannot_pass_for_a_leaf_of_the_checkpointed_tree() -> None:
    """Leaves 0-1 hash to node (1, 0); presented as "leaf 0" of the 13-leaf tree with the
    proof of leaf 1 minus its first sibling, the path is one level short; and a log entry
    whose bytes are the two leaf hashes does not hash to the node (0x00 vs 0x01 prefix)."""
    node = LOG.full_subtree_hash(1, 0)
    shortened = inclusion_proof(LOG, 1, SIZE)[1:]
    _refuse_inclusion("RFC 9162 §2.1.3.2", leaf_hash=node, index=0, proof=shortened)
    assert hash_leaf(LOG.full_subtree_hash(0, 0) + LOG.full_subtree_hash(0, 1)) != node
    assert hash_children(LOG.full_subtree_hash(0, 0), LOG.full_subtree_hash(0, 1)) == node


@pytest.mark.parametrize("bad", [
    pytest.param(PROOF[0][:31], id="31-byte hash"),
    pytest.param(PROOF[0] + b"\x00", id="33-byte hash"),
    pytest.param(PROOF[0].hex(), id="hex string"),
])
def test_a_proof_holding_something_other_than_a_32_byte_hash_is_refused(bad: object) -> None:
    _refuse_inclusion("proof hash at position 1 must be 32 bytes", proof=[PROOF[0], bad])


def test_arguments_of_the_wrong_shape_are_refused_before_any_hashing() -> None:
    _refuse_inclusion("proof must be a sequence", proof=b"".join(PROOF))
    _refuse_inclusion("leaf index must be an integer", index=-1)
    _refuse_inclusion("tree size must be an integer", size=2**64)
    _refuse_inclusion("tree size must be an integer", size=True)
    _refuse_inclusion("root must be 32 bytes", root=ROOT[:16])
    _refuse_inclusion("leaf hash must be 32 bytes", leaf_hash=ENTRIES[INDEX])


OLD = 6
OLD_ROOT = root_hash(LOG, OLD)
CONSISTENCY = consistency_proof(LOG, OLD, SIZE)


def _refuse_consistency(match: str, *, old_size: int = OLD, new_size: int = SIZE,
                        old_root: bytes = OLD_ROOT, new_root: bytes = ROOT,
                        proof: list[bytes] = CONSISTENCY) -> None:
    with pytest.raises(ConsistencyProofError, match=match):
        verify_consistency(old_size=old_size, new_size=new_size, old_root=old_root,
                           new_root=new_root, proof=proof)


def test_the_genuine_consistency_proof_is_accepted() -> None:
    verify_consistency(old_size=OLD, new_size=SIZE, old_root=OLD_ROOT, new_root=ROOT,
                       proof=CONSISTENCY)


def test_an_old_size_larger_than_the_new_is_refused() -> None:
    _refuse_consistency("old tree size 13 is larger than new tree size 6", old_size=SIZE,
                        new_size=OLD, old_root=ROOT, new_root=OLD_ROOT)


def test_equal_sizes_with_a_non_empty_proof_or_different_roots_are_refused() -> None:
    _refuse_consistency("equal tree sizes need an empty proof", new_size=OLD, new_root=OLD_ROOT)
    _refuse_consistency("equal tree sizes need an empty proof", old_size=SIZE, old_root=ROOT,
                        proof=[ROOT])
    _refuse_consistency("equal tree sizes with different roots", new_size=OLD, proof=[])


def test_a_consistency_proof_from_the_empty_tree_is_refused() -> None:
    _refuse_consistency("from the empty tree proves nothing", old_size=0, old_root=EMPTY_ROOT)
    _refuse_consistency("from the empty tree proves nothing", old_size=0, old_root=EMPTY_ROOT,
                        new_size=0, new_root=EMPTY_ROOT, proof=[])


def test_an_empty_truncated_or_extended_consistency_proof_is_refused() -> None:
    _refuse_consistency("proof is empty .*step 1", proof=[])
    _refuse_consistency("shorter than the path", proof=CONSISTENCY[:-1])
    _refuse_consistency("longer than the path", proof=[*CONSISTENCY, EMPTY_ROOT])


def test_swapped_hashes_or_swapped_roots_are_refused() -> None:
    _refuse_consistency("does not lead", proof=[CONSISTENCY[1], CONSISTENCY[0],
                                                *CONSISTENCY[2:]])
    _refuse_consistency("larger than", old_size=SIZE, new_size=OLD)
    _refuse_consistency("does not lead", old_root=ROOT, new_root=OLD_ROOT)


def test_a_rewritten_history_is_refused() -> None:
    """The log rewrote leaf 2 after the old checkpoint: its new tree does not extend it."""
    rewritten = MemoryLog()
    for i, entry in enumerate(ENTRIES):
        rewritten.append(entry + b" (rewritten)" if i == 2 else entry)
    forged = consistency_proof(rewritten, OLD, SIZE)
    _refuse_consistency("does not lead to the old root", new_root=root_hash(rewritten, SIZE),
                        proof=forged)
    _refuse_consistency("does not lead", proof=forged)


@pytest.mark.parametrize("other_old", [5, 7, 8, 4])
def test_a_proof_from_another_old_size_is_refused(other_old: int) -> None:
    _refuse_consistency("RFC 9162 §2.1.4.2", proof=consistency_proof(LOG, other_old, SIZE))
