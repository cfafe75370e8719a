"""RFC 9162 §2.1 Merkle tree hashing (SHA-256) and the verification of its proofs.

This is the part an outside auditor runs: given a leaf hash, a proof and a signed tree head,
it decides whether the log has proven what it claims. It follows RFC 9162 §2.1.3.2 (inclusion)
and §2.1.4.2 (consistency) step by step, so that every check the RFC makes is made here.

Shapes and units:
- a hash is exactly 32 bytes (`bytes`, SHA-256); a leaf hash is `H(0x00 || data)` and an
  interior node `H(0x01 || left || right)` (§2.1.1), so a leaf can never pass for a node;
- tree sizes and leaf indices are counts of leaves, ints in [0, 2**64) (the RFC's uint64),
  indices 0-based;
- a proof is a sequence of hashes, lowest level first, exactly as §2.1.3.1/§2.1.4.1 build it.

Errors: a proof that fails raises `InclusionProofError` or `ConsistencyProofError` (both
`ProofError`, a `ValueError`) naming the check and the RFC step. Verification never returns a
boolean, so a caller cannot accept a false proof by forgetting to test a result.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
MAX_TREE_SIZE = 2**64 - 1
# MTH({}) = SHA-256() (§2.1.1): the root of the empty tree.
EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A Merkle proof, or what it is checked against, does not prove the claim."""


class InclusionProofError(ProofError):
    """An inclusion proof (RFC 9162 §2.1.3) failed verification."""


class ConsistencyProofError(ProofError):
    """A consistency proof (RFC 9162 §2.1.4) failed verification."""


def hash_leaf(data: bytes) -> bytes:
    """The leaf hash `SHA-256(0x00 || data)` of one log entry (RFC 9162 §2.1.1)."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def hash_children(left: bytes, right: bytes) -> bytes:
    """The interior node hash `SHA-256(0x01 || left || right)` (RFC 9162 §2.1.1)."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def split_point(size: int) -> int:
    """The largest power of two strictly below `size` (the RFC's `k`, with k < n <= 2k), for
    `size` >= 2: where §2.1.1 splits a tree into its left and right subtrees."""
    if size < 2:
        raise ValueError(f"a tree of {size} leaves has no split point")
    return 1 << ((size - 1).bit_length() - 1)


def verify_inclusion(*, leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes],
                     root: bytes) -> None:
    """Check that the leaf with hash `leaf_hash` is leaf number `index` of the tree of `size`
    leaves whose root is `root` (RFC 9162 §2.1.3.2, step by step).

    The proof authenticates the leaf's hash and index under `root`; it does not fix `size`
    (leaf 5 climbs the same path in every tree of 9 to 16 leaves), so `size` and `root` must
    both come from one signed checkpoint, never from the party presenting the proof.

    Raises `InclusionProofError` when the index is not below the size, the path is longer or
    shorter than the leaf's path to the root, a sibling is misplaced or altered, or the
    computed root differs; `ProofError` when an argument has the wrong shape.
    """
    _check_hash("leaf hash", leaf_hash, InclusionProofError)
    _check_hash("root", root, InclusionProofError)
    _check_count("leaf index", index, InclusionProofError)
    _check_count("tree size", size, InclusionProofError)
    path = _check_path(proof, InclusionProofError)
    # Step 1.
    if index >= size:
        raise InclusionProofError(
            f"leaf index {index} is not below tree size {size} (RFC 9162 §2.1.3.2 step 1)")
    # Steps 2 and 3.
    fn, sn = index, size - 1
    r = leaf_hash
    # Step 4.
    for p in path:
        if sn == 0:
            raise InclusionProofError(
                "the proof is longer than the path from the leaf to the root "
                "(RFC 9162 §2.1.3.2 step 4a)")
        if fn & 1 or fn == sn:
            r = hash_children(p, r)
            if not fn & 1:
                while fn != 0 and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = hash_children(r, p)
        fn >>= 1
        sn >>= 1
    # Step 5.
    if sn != 0:
        raise InclusionProofError(
            "the proof is shorter than the path from the leaf to the root "
            "(RFC 9162 §2.1.3.2 step 5)")
    if not hmac.compare_digest(r, root):
        raise InclusionProofError(
            "the proof does not lead from the leaf to the root (RFC 9162 §2.1.3.2 step 5)")


def verify_consistency(*, old_size: int, new_size: int, old_root: bytes, new_root: bytes,
                       proof: Sequence[bytes]) -> None:
    """Check that the tree of `new_size` leaves with root `new_root` extends the tree of
    `old_size` leaves with root `old_root`: the first `old_size` leaves are unchanged
    (RFC 9162 §2.1.4.2, step by step, for 0 < old_size < new_size).

    Two cases lie outside the RFC's algorithm and are decided as RFC 9162 §2.1.4.1 implies:
    equal sizes are consistent only with an empty proof and equal roots (SUBPROOF(n, D[n],
    true) is empty); an old size of 0 is refused, since every tree extends the empty tree and
    such a "proof" would prove nothing about what was checkpointed.

    Raises `ConsistencyProofError` when the old size exceeds the new, either size is 0, the
    proof is empty, too long or too short, a hash is misplaced or altered, or either computed
    root differs; `ProofError` when an argument has the wrong shape.
    """
    _check_count("old tree size", old_size, ConsistencyProofError)
    _check_count("new tree size", new_size, ConsistencyProofError)
    _check_hash("old root", old_root, ConsistencyProofError)
    _check_hash("new root", new_root, ConsistencyProofError)
    path = _check_path(proof, ConsistencyProofError)
    if old_size > new_size:
        raise ConsistencyProofError(
            f"old tree size {old_size} is larger than new tree size {new_size}")
    if old_size == 0:
        raise ConsistencyProofError(
            "a consistency proof from the empty tree proves nothing (old tree size is 0)")
    if old_size == new_size:
        if path:
            raise ConsistencyProofError("equal tree sizes need an empty proof")
        if not hmac.compare_digest(old_root, new_root):
            raise ConsistencyProofError("equal tree sizes with different roots")
        return
    # Step 1.
    if not path:
        raise ConsistencyProofError("the proof is empty (RFC 9162 §2.1.4.2 step 1)")
    # Step 2: a complete old tree is itself a node of the new tree, so the proof omits it.
    if old_size & (old_size - 1) == 0:
        path = [old_root, *path]
    # Steps 3 and 4.
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # Step 5.
    fr = sr = path[0]
    # Step 6.
    for c in path[1:]:
        if sn == 0:
            raise ConsistencyProofError(
                "the proof is longer than the path between the two trees "
                "(RFC 9162 §2.1.4.2 step 6a)")
        if fn & 1 or fn == sn:
            fr = hash_children(c, fr)
            sr = hash_children(c, sr)
            if not fn & 1:
                while fn != 0 and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = hash_children(sr, c)
        fn >>= 1
        sn >>= 1
    # Step 7.
    if sn != 0:
        raise ConsistencyProofError(
            "the proof is shorter than the path between the two trees "
            "(RFC 9162 §2.1.4.2 step 7)")
    if not hmac.compare_digest(fr, old_root):
        raise ConsistencyProofError(
            "the proof does not lead to the old root (RFC 9162 §2.1.4.2 step 7)")
    if not hmac.compare_digest(sr, new_root):
        raise ConsistencyProofError(
            "the proof does not lead to the new root (RFC 9162 §2.1.4.2 step 7)")


def _check_hash(what: str, value: object, error: type[ProofError]) -> None:
    # Wrong-length hashes are refused before any hashing: a 31- or 33-byte "root" can never be
    # a SHA-256 output, and accepting one would let a caller compare against garbage.
    if not isinstance(value, bytes) or len(value) != HASH_SIZE:
        raise error(f"the {what} must be {HASH_SIZE} bytes")


def _check_count(what: str, value: object, error: type[ProofError]) -> None:
    # `bool` is an `int` in Python; True as a tree size is a caller's mistake, not a size.
    if (not isinstance(value, int) or isinstance(value, bool)
            or not 0 <= value <= MAX_TREE_SIZE):
        raise error(f"the {what} must be an integer in [0, 2**64)")


def _check_path(proof: object, error: type[ProofError]) -> list[bytes]:
    if isinstance(proof, bytes | str) or not isinstance(proof, Sequence):
        raise error("the proof must be a sequence of hashes")
    path = list(proof)
    for position, node in enumerate(path):
        _check_hash(f"proof hash at position {position}", node, error)
    return path
