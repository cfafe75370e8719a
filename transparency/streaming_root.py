"""The RFC 9162 root of a log read leaf by leaf, in O(log n) memory (the verifier streams a
million leaves through it)."""

from __future__ import annotations

from transparency.merkle import EMPTY_ROOT, hash_children


class StreamingRoot:
    """The RFC 9162 root of leaves appended one by one, in O(log n) memory: a stack of the
    full subtrees of the leaves so far, largest first, merged as they fill."""

    def __init__(self) -> None:
        self._stack: list[tuple[int, bytes]] = []  # (level, hash)
        self.size = 0

    def append(self, leaf_hash: bytes) -> None:
        level, node = 0, leaf_hash
        while self._stack and self._stack[-1][0] == level:
            node = hash_children(self._stack.pop()[1], node)
            level += 1
        self._stack.append((level, node))
        self.size += 1

    def root(self) -> bytes:
        """MTH of every leaf appended (the right edge nests to the right)."""
        if not self._stack:
            return EMPTY_ROOT
        result = self._stack[-1][1]
        for _, node in reversed(self._stack[:-1]):
            result = hash_children(node, result)
        return result


def stack_root(stack: list[tuple[int, bytes]]) -> bytes:
    """MTH of the leaves whose full subtrees are `stack` (the right edge nests right)."""
    if not stack:
        return EMPTY_ROOT
    result = stack[-1][1]
    for _, node in reversed(stack[:-1]):
        result = hash_children(node, result)
    return result
