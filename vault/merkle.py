"""Merkle tree hashing and proofs as in RFC 9162 (Certificate Transparency v2) §2.1.

Leaves and nodes are domain-separated: leaf = SHA-256(0x00 ‖ data), node =
SHA-256(0x01 ‖ left ‖ right); the root of an empty tree is SHA-256(""). Functions work on
the list of leaf hashes; proofs are lists of 32-byte hashes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from vault.errors import BadProof

HASH_LENGTH = 32


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two strictly below ``size`` (size >= 2)."""
    return 1 << ((size - 1).bit_length() - 1)


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) over leaf hashes, computed bottom-up (no deep recursion)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    level = list(leaves)
    while len(level) > 1:
        nxt = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 §2.1.3.1."""
    if not 0 <= index < len(leaves):
        raise BadProof("leaf index outside the tree")
    return _path(index, leaves)


def _path(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    if len(leaves) <= 1:
        return []
    k = _split(len(leaves))
    if index < k:
        return [*_path(index, leaves[:k]), root(leaves[k:])]
    return [*_path(index - k, leaves[k:]), root(leaves[:k])]


def consistency_proof(old_size: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 9162 §2.1.4.1."""
    if not 0 < old_size <= len(leaves):
        raise BadProof("old size must be 1..new size")
    return _subproof(old_size, leaves, complete=True)


def _subproof(m: int, leaves: Sequence[bytes], *, complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [root(leaves)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], complete=complete), root(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], complete=False), root(leaves[:k])]


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes],
                     expected_root: bytes) -> None:
    """RFC 9162 §2.1.3.2; raise BadProof unless ``leaf`` is at ``index`` of the tree."""
    if not 0 <= index < size:
        raise BadProof("leaf index outside the tree")
    fn, sn, result = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            raise BadProof("inclusion proof too long")
        if fn & 1 or fn == sn:
            result = node_hash(sibling, result)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            result = node_hash(result, sibling)
        fn >>= 1
        sn >>= 1
    if sn != 0 or result != expected_root:
        raise BadProof("inclusion proof does not lead to the root")


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes,
                       proof: Sequence[bytes]) -> None:
    """RFC 9162 §2.1.4.2; raise BadProof unless the old tree is a prefix of the new one."""
    if not 0 < old_size <= new_size:
        raise BadProof("sizes must satisfy 0 < old <= new")
    if old_size == new_size:
        if proof or old_root != new_root:
            raise BadProof("same size, different roots (or a needless proof)")
        return
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # exact power of two: the old root is a node
        path.insert(0, old_root)
    if not path:
        raise BadProof("empty consistency proof")
    fr, sr, sn = _walk_consistency(path, old_size - 1, new_size - 1)
    if sn != 0 or fr != old_root or sr != new_root:
        raise BadProof("consistency proof does not match the two roots")


def _walk_consistency(path: list[bytes], fn: int, sn: int) -> tuple[bytes, bytes, int]:
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise BadProof("consistency proof too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr, sr, sn
