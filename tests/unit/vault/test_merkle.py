"""vault.merkle: RFC 9162 roots and proofs, checked against a recursive definition."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vault import merkle
from vault.errors import BadProof


def _mth(leaves):
    """RFC 9162's recursive MTH, as written in the RFC."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return merkle.node_hash(_mth(leaves[:k]), _mth(leaves[k:]))


def _leaves(n):
    return [merkle.leaf_hash(str(i).encode()) for i in range(n)]


def test_known_values():
    assert merkle.root([]).hex() == hashlib.sha256(b"").hexdigest()
    one = merkle.leaf_hash(b"")
    assert one.hex() == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    assert merkle.root([one]) == one


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=70), st.data())
def test_proofs_verify_and_roots_match_the_rfc(size, data):
    leaves = _leaves(size)
    tree_root = merkle.root(leaves)
    assert tree_root == _mth(leaves)
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    proof = merkle.inclusion_proof(index, leaves)
    merkle.verify_inclusion(index, size, leaves[index], proof, tree_root)
    old = data.draw(st.integers(min_value=1, max_value=size))
    consistency = merkle.consistency_proof(old, leaves)
    merkle.verify_consistency(old, size, merkle.root(leaves[:old]), tree_root, consistency)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=2, max_value=40), st.data())
def test_wrong_proofs_are_refused(size, data):
    leaves = _leaves(size)
    tree_root = merkle.root(leaves)
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    proof = merkle.inclusion_proof(index, leaves)
    with pytest.raises(BadProof):
        merkle.verify_inclusion(index, size, merkle.leaf_hash(b"other"), proof, tree_root)
    if proof:
        bad = [*proof[:-1], bytes(32)]
        with pytest.raises(BadProof):
            merkle.verify_inclusion(index, size, leaves[index], bad, tree_root)
    old = data.draw(st.integers(min_value=1, max_value=size - 1))
    forked = [*leaves[: old - 1], merkle.leaf_hash(b"fork"), *leaves[old:]]
    consistency = merkle.consistency_proof(old, leaves)
    with pytest.raises(BadProof):
        merkle.verify_consistency(old, size, merkle.root(forked[:old]), tree_root, consistency)
    with pytest.raises(BadProof):
        merkle.verify_consistency(old, size, merkle.root(leaves[:old]), merkle.root(forked),
                                  consistency)


def test_out_of_range_is_refused():
    leaves = _leaves(4)
    with pytest.raises(BadProof):
        merkle.inclusion_proof(4, leaves)
    with pytest.raises(BadProof):
        merkle.consistency_proof(0, leaves)
    with pytest.raises(BadProof):
        merkle.verify_consistency(5, 4, b"", b"", [])
