"""The log's Merkle tree (RFC 9162 §2.1): roots and proofs match the published Certificate
Transparency test vectors and a naive transcription of the RFC, and the verifier refuses the
transparency-dev/merkle probe set of falsified proofs.

Published values are from transparency-dev/merkle (Apache-2.0): `testonly/constants.go` (the
eight leaf inputs, node hashes and roots) and `cmd/proofgen/main.go` (inclusion and
consistency proofs of that tree); `vectors/merkle_probes.json` is its `testdata/` directory.
"""

from __future__ import annotations

import base64
import json
import math
from pathlib import Path
from typing import Any

import pytest

from tests.unit.transparency import rfc9162_reference as rfc
from transparency.log_tree import (
    LeafHashTree,
    MemoryLog,
    consistency_proof,
    inclusion_proof,
    nodes_completed_by_append,
    root_hash,
)
from transparency.merkle import (
    EMPTY_ROOT,
    ConsistencyProofError,
    InclusionProofError,
    ProofError,
    hash_leaf,
    verify_consistency,
    verify_inclusion,
)

LEAF_INPUTS = [bytes.fromhex(h) for h in (
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
    "606162636465666768696a6b6c6d6e6f")]

# RootHashes() of testonly/constants.go, indexed by tree size.
PUBLISHED_ROOTS = [bytes.fromhex(h) for h in (
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")]

# NodeHashes() of testonly/constants.go: [level][index] of every full subtree of the 8 leaves.
PUBLISHED_NODES = [[bytes.fromhex(h) for h in level] for level in (
    ("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
     "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
     "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
     "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
     "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
     "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
     "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
     "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"),
    ("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
     "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
     "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
     "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
    ("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
     "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
    ("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",),
)]


def _hex(*hashes: str) -> list[bytes]:
    return [bytes.fromhex(h) for h in hashes]


# inclusionProofs of cmd/proofgen/main.go, with its 1-based leaf numbers made 0-based indices.
PUBLISHED_INCLUSION = [
    (0, 1, []),
    (0, 8, _hex("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
    (5, 8, _hex("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
    (2, 3, _hex("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
    (1, 5, _hex("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")),
]

# consistencyProofs of cmd/proofgen/main.go: (old size, new size, proof).
PUBLISHED_CONSISTENCY = [
    (1, 1, []),
    (1, 8, _hex("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
    (6, 8, _hex("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
    (2, 5, _hex("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")),
    (6, 7, _hex("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
]

PROBES = json.loads((Path(__file__).parent / "vectors" / "merkle_probes.json").read_text())

# The one probe this verifier decides differently, on purpose: its "roots" are 12-byte
# placeholders that the Go verifier never looks at when sizes are equal. Here no hash of the
# wrong length is ever compared, so it is refused; the same case with real roots is accepted in
# `test_equal_sizes_with_equal_roots_and_no_proof_are_consistent`.
STRICTER_THAN_PROBE = {
    "testdata/consistency/additional/sizes-are-equal-one-and-proof-is-empty.json":
        "the old root must be 32 bytes",
}


def _log(entries: list[bytes]) -> MemoryLog:
    log = MemoryLog()
    for entry in entries:
        log.append(entry)
    return log


def _leaf_hash_tree(entries: list[bytes]) -> LeafHashTree:
    hashes = [hash_leaf(e) for e in entries]
    return LeafHashTree(hashes.__getitem__)


def test_roots_of_the_eight_leaf_tree_are_the_published_ones_and_the_rfc_definition() -> None:
    log = _log(LEAF_INPUTS)
    tree = _leaf_hash_tree(LEAF_INPUTS)
    for size, published in enumerate(PUBLISHED_ROOTS):
        assert rfc.mth(LEAF_INPUTS[:size]) == published, size
        assert root_hash(log, size) == published, size
        assert root_hash(tree, size) == published, size
    assert PUBLISHED_ROOTS[0] == EMPTY_ROOT


def test_every_full_subtree_of_the_eight_leaf_tree_is_the_published_node_hash() -> None:
    log = _log(LEAF_INPUTS)
    for level, nodes in enumerate(PUBLISHED_NODES):
        for index, published in enumerate(nodes):
            assert log.full_subtree_hash(level, index) == published
            first = index << level
            assert rfc.mth(LEAF_INPUTS[first:first + (1 << level)]) == published


@pytest.mark.parametrize(("index", "size", "published"), PUBLISHED_INCLUSION)
def test_inclusion_proofs_are_the_published_ones_and_verify(
        index: int, size: int, published: list[bytes]) -> None:
    log = _log(LEAF_INPUTS)
    assert inclusion_proof(log, index, size) == published
    assert rfc.path(index, LEAF_INPUTS[:size]) == published
    verify_inclusion(leaf_hash=hash_leaf(LEAF_INPUTS[index]), index=index, size=size,
                     proof=published, root=PUBLISHED_ROOTS[size])


@pytest.mark.parametrize(("old_size", "new_size", "published"), PUBLISHED_CONSISTENCY)
def test_consistency_proofs_are_the_published_ones_and_verify(
        old_size: int, new_size: int, published: list[bytes]) -> None:
    log = _log(LEAF_INPUTS)
    assert consistency_proof(log, old_size, new_size) == published
    assert rfc.proof(old_size, LEAF_INPUTS[:new_size]) == published
    verify_consistency(old_size=old_size, new_size=new_size, old_root=PUBLISHED_ROOTS[old_size],
                       new_root=PUBLISHED_ROOTS[new_size], proof=published)


def _b64(value: str | None) -> bytes:
    return base64.b64decode(value or "")


@pytest.mark.parametrize("probe", PROBES["inclusion"], ids=lambda p: p["file"])
def test_inclusion_probe_is_accepted_only_when_genuine(probe: dict[str, Any]) -> None:
    def verify() -> None:
        verify_inclusion(leaf_hash=_b64(probe["leafHash"]), index=probe["leafIdx"],
                         size=probe["treeSize"], proof=[_b64(p) for p in probe["proof"]],
                         root=_b64(probe["root"]))
    if probe["wantErr"]:
        with pytest.raises(InclusionProofError):
            verify()
    else:
        verify()


@pytest.mark.parametrize("probe", PROBES["consistency"], ids=lambda p: p["file"])
def test_consistency_probe_is_accepted_only_when_genuine(probe: dict[str, Any]) -> None:
    def verify() -> None:
        verify_consistency(old_size=probe["size1"], new_size=probe["size2"],
                           old_root=_b64(probe["root1"]), new_root=_b64(probe["root2"]),
                           proof=[_b64(p) for p in probe["proof"]])
    if probe["file"] in STRICTER_THAN_PROBE:
        with pytest.raises(ConsistencyProofError, match=STRICTER_THAN_PROBE[probe["file"]]):
            verify()
    elif probe["wantErr"]:
        with pytest.raises(ConsistencyProofError):
            verify()
    else:
        verify()


def test_equal_sizes_with_equal_roots_and_no_proof_are_consistent() -> None:
    verify_consistency(old_size=1, new_size=1, old_root=PUBLISHED_ROOTS[1],
                       new_root=PUBLISHED_ROOTS[1], proof=[])


def test_the_probe_set_holds_genuine_and_falsified_proofs_of_both_kinds() -> None:
    for kind in ("inclusion", "consistency"):
        outcomes = [p["wantErr"] for p in PROBES[kind]]
        assert outcomes.count(False) >= 5 and outcomes.count(True) >= 90, kind


def test_generated_roots_and_proofs_equal_the_rfc_definitions_for_every_small_tree() -> None:
    entries = [f"event {i}".encode() for i in range(40)]
    log = _log(entries)
    tree = _leaf_hash_tree(entries)
    for size in range(1, len(entries) + 1):
        prefix = entries[:size]
        root = rfc.mth(prefix)
        assert root_hash(log, size) == root_hash(tree, size) == root
        for index in range(size):
            proof = inclusion_proof(log, index, size)
            assert proof == rfc.path(index, prefix) == inclusion_proof(tree, index, size)
            verify_inclusion(leaf_hash=hash_leaf(entries[index]), index=index, size=size,
                             proof=proof, root=root)
        for old_size in range(1, size + 1):
            proof = consistency_proof(log, old_size, size)
            assert proof == rfc.proof(old_size, prefix) == consistency_proof(tree, old_size, size)
            verify_consistency(old_size=old_size, new_size=size, old_root=rfc.mth(
                entries[:old_size]), new_root=root, proof=proof)


class _CountingLog(MemoryLog):
    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def full_subtree_hash(self, level: int, index: int) -> bytes:
        self.reads += 1
        return super().full_subtree_hash(level, index)


def test_a_proof_from_a_stored_log_reads_logarithmically_many_nodes() -> None:
    log = _CountingLog()
    for i in range(5000):
        log.append(i.to_bytes(4, "big"))
    bound = 2 * math.ceil(math.log2(log.size)) + 2
    for index in (0, 1, 2047, 2048, 4095, 4999):
        log.reads = 0
        inclusion_proof(log, index, log.size)
        assert log.reads <= bound, index
    for old_size in (1, 1000, 2048, 4097, 4999):
        log.reads = 0
        consistency_proof(log, old_size, log.size)
        assert log.reads <= bound, old_size
    log.reads = 0
    root_hash(log, log.size)
    assert log.reads <= bound


def test_a_tree_over_leaf_hashes_reads_each_leaf_once_then_logarithmically_few() -> None:
    hashes = [hash_leaf(i.to_bytes(4, "big")) for i in range(1024)]
    reads: list[int] = []

    def leaf_hash(index: int) -> bytes:
        reads.append(index)
        return hashes[index]

    tree = LeafHashTree(leaf_hash)
    root = root_hash(tree, 1024)
    assert sorted(reads) == list(range(1024))
    reads.clear()
    assert root_hash(tree, 1024) == root
    proof = inclusion_proof(tree, 700, 1024)
    verify_inclusion(leaf_hash=hashes[700], index=700, size=1024, proof=proof, root=root)
    consistency_proof(tree, 1000, 1024)
    assert len(reads) <= 3 * 10


def test_appending_a_leaf_stores_its_newly_full_parents_and_no_more() -> None:
    log = _log(LEAF_INPUTS[:7])
    nodes = nodes_completed_by_append(7, hash_leaf(LEAF_INPUTS[7]), log)
    assert [(level, index) for level, index, _ in nodes] == [(0, 7), (1, 3), (2, 1), (3, 0)]
    assert nodes[-1][2] == PUBLISHED_ROOTS[8]
    assert [(lv, ix) for lv, ix, _ in nodes_completed_by_append(4, b"\x00" * 32, log)] == [(0, 4)]


def test_proofs_are_refused_for_leaves_and_sizes_the_tree_does_not_have() -> None:
    log = _log(LEAF_INPUTS)
    with pytest.raises(ValueError, match="leaf index 8 is not in a tree of 8 leaves"):
        inclusion_proof(log, 8, 8)
    with pytest.raises(ValueError, match="needs 0 < old size <= new size"):
        consistency_proof(log, 0, 8)
    with pytest.raises(ValueError, match="needs 0 < old size <= new size"):
        consistency_proof(log, 5, 4)
    with pytest.raises(KeyError):
        root_hash(log, 9)


def test_a_proof_error_is_a_value_error_that_names_the_rfc_step() -> None:
    with pytest.raises(ProofError, match=r"RFC 9162 §2.1.3.2 step 1") as caught:
        verify_inclusion(leaf_hash=EMPTY_ROOT, index=3, size=3, proof=[], root=EMPTY_ROOT)
    assert isinstance(caught.value, ValueError)
