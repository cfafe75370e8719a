"""Properties of the log's proofs over random trees: every proof the log generates verifies,
and flipping any single bit of what the verifier is given makes it refuse, except where the
flipped value is one the proof does not carry (a tree size whose path has the same shape,
which the signed checkpoint fixes instead)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

from transparency.log_tree import MemoryLog, consistency_proof, inclusion_proof, root_hash
from transparency.merkle import ProofError, hash_leaf, verify_consistency, verify_inclusion

BITS_OF_A_SIZE = 64


def _log(size: int) -> MemoryLog:
    log = MemoryLog()
    for i in range(size):
        log.append(b"entry %d" % i)
    return log


def _flips(value: bytes) -> Iterator[bytes]:
    for bit in range(len(value) * 8):
        flipped = bytearray(value)
        flipped[bit // 8] ^= 1 << (bit % 8)
        yield bytes(flipped)


def _refused(check: Callable[[], None]) -> bool:
    try:
        check()
    except ProofError:
        return True
    return False


def _inclusion_shape(index: int, size: int) -> tuple[str, ...] | None:
    """The sequence of sides (RFC 9162 §2.1.3.2 step 4b) leaf `index` takes up a tree of
    `size` leaves, or None if it has no path. Two sizes with the same shape are the same
    hash computation, so an inclusion proof cannot tell them apart."""
    if index >= size:
        return None
    fn, sn, sides = index, size - 1, []
    while sn:
        if fn & 1 or fn == sn:
            sides.append("left sibling")
            while fn != 0 and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            sides.append("right sibling")
        fn, sn = fn >> 1, sn >> 1
    return tuple(sides)


def _consistency_shape(old: int, new: int) -> tuple[str, ...] | None:
    """The same for RFC 9162 §2.1.4.2: whether the old root is prepended, then the sides."""
    if not 0 < old < new:
        return None
    fn, sn = old - 1, new - 1
    sides = ["old root first" if old & (old - 1) == 0 else "old root in proof"]
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    while sn:
        if fn & 1 or fn == sn:
            sides.append("both")
            while fn != 0 and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            sides.append("new only")
        fn, sn = fn >> 1, sn >> 1
    return tuple(sides)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 300).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1))))
def test_every_inclusion_proof_verifies_and_every_single_bit_flip_is_refused(
        case: tuple[int, int]) -> None:
    size, index = case
    log = _log(size)
    leaf, root = hash_leaf(b"entry %d" % index), root_hash(log, size)
    proof = inclusion_proof(log, index, size)
    verify_inclusion(leaf_hash=leaf, index=index, size=size, proof=proof, root=root)

    def check(leaf_hash: bytes = leaf, idx: int = index, n: int = size,
              path: list[bytes] = proof, r: bytes = root) -> Callable[[], None]:
        return lambda: verify_inclusion(leaf_hash=leaf_hash, index=idx, size=n, proof=path,
                                        root=r)

    for position, node in enumerate(proof):
        for flipped in _flips(node):
            assert _refused(check(path=[*proof[:position], flipped, *proof[position + 1:]]))
    assert all(_refused(check(r=flipped)) for flipped in _flips(root))
    assert all(_refused(check(leaf_hash=flipped)) for flipped in _flips(leaf))
    for bit in range(BITS_OF_A_SIZE):
        assert _refused(check(idx=index ^ (1 << bit))), bit
        other_size = size ^ (1 << bit)
        if _inclusion_shape(index, other_size) != _inclusion_shape(index, size):
            assert _refused(check(n=other_size)), bit


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 300).flatmap(lambda n: st.tuples(st.integers(1, n - 1), st.just(n))))
def test_every_consistency_proof_verifies_and_every_single_bit_flip_is_refused(
        case: tuple[int, int]) -> None:
    old, new = case
    log = _log(new)
    old_root, new_root = root_hash(log, old), root_hash(log, new)
    proof = consistency_proof(log, old, new)
    verify_consistency(old_size=old, new_size=new, old_root=old_root, new_root=new_root,
                       proof=proof)

    def check(m: int = old, n: int = new, r1: bytes = old_root, r2: bytes = new_root,
              path: list[bytes] = proof) -> Callable[[], None]:
        return lambda: verify_consistency(old_size=m, new_size=n, old_root=r1, new_root=r2,
                                          proof=path)

    for position, node in enumerate(proof):
        for flipped in _flips(node):
            assert _refused(check(path=[*proof[:position], flipped, *proof[position + 1:]]))
    assert all(_refused(check(r1=flipped)) for flipped in _flips(old_root))
    assert all(_refused(check(r2=flipped)) for flipped in _flips(new_root))
    for bit in range(BITS_OF_A_SIZE):
        for other_old, other_new in ((old ^ (1 << bit), new), (old, new ^ (1 << bit))):
            if _consistency_shape(other_old, other_new) != _consistency_shape(old, new):
                assert _refused(check(m=other_old, n=other_new)), (other_old, other_new)
