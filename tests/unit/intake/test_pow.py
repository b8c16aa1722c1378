"""Proof of work (S12): cheap to verify, bound to what it pays for, single use, expiring,
and harder under load up to a cap."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from limits.storage import MemoryStorage

from intake.errors import ProofOfWorkError
from intake.pow import ProofOfWork, SpentStore, leading_zero_bits, solve


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def make(clock=None, base=6, cap=10, load=4) -> ProofOfWork:
    storage = MemoryStorage()
    return ProofOfWork(SpentStore(lambda: storage), base_difficulty=base, max_difficulty=cap,
                       load_per_minute=load, ttl=600, clock=clock or Clock())


def test_a_solution_is_accepted_once():
    pow_ = make()
    challenge = pow_.issue("submit")
    counter = solve(challenge.token, "ab" * 32, challenge.difficulty)
    pow_.verify(challenge.token, counter, scope="submit", binding="ab" * 32)
    with pytest.raises(ProofOfWorkError, match="already used"):
        pow_.verify(challenge.token, counter, scope="submit", binding="ab" * 32)


def test_a_solution_is_bound_to_its_binding_and_scope():
    from intake.pow import leading_zero_bits, solution_hash

    pow_ = make(base=12, cap=12)
    while True:  # not one of the 1 in 4096 solutions that pay for "bb…" as well
        challenge = pow_.issue("upload")
        counter = solve(challenge.token, "aa" * 32, challenge.difficulty)
        if leading_zero_bits(solution_hash(challenge.token, "bb" * 32, counter)) < 12:  # noqa: PLR2004
            break
    with pytest.raises(ProofOfWorkError, match="another action"):
        pow_.verify(challenge.token, counter, scope="submit", binding="aa" * 32)
    with pytest.raises(ProofOfWorkError, match="difficulty"):
        pow_.verify(challenge.token, counter, scope="upload", binding="bb" * 32)


def test_forged_and_expired_challenges_are_refused():
    clock = Clock()
    pow_ = make(clock)
    challenge = pow_.issue("receipt")
    forged = challenge.token.replace(f".{challenge.difficulty}.", ".0.", 1)
    with pytest.raises(ProofOfWorkError, match="not issued here"):
        pow_.verify(forged, "0", scope="receipt", binding="x")
    with pytest.raises(ProofOfWorkError, match="not issued here"):
        make().verify(challenge.token, "0", scope="receipt", binding="x")
    counter = solve(challenge.token, "cd" * 32, challenge.difficulty)
    clock.now += 601
    with pytest.raises(ProofOfWorkError, match="expired"):
        pow_.verify(challenge.token, counter, scope="receipt", binding="cd" * 32)


@pytest.mark.parametrize("token", ["", "v1.a.b", "v2.a.submit.1.2.mac", None])
def test_malformed_challenges_are_refused(token):
    with pytest.raises(ProofOfWorkError):
        make().verify(token, "1", scope="submit", binding="x")


def test_difficulty_rises_with_load_and_stops_at_the_cap():
    clock = Clock()
    pow_ = make(clock, base=6, cap=9, load=4)
    assert pow_.current_difficulty() == 6
    for _ in range(8):
        pow_.count_submission()
    assert pow_.current_difficulty() == 7  # twice the load: one more bit
    for _ in range(100):
        pow_.count_submission()
    assert pow_.current_difficulty() == 9
    clock.now += 180  # two minutes later the load has gone
    assert pow_.current_difficulty() == 6


@settings(max_examples=50, deadline=None)
@given(st.binary(min_size=32, max_size=32))
def test_leading_zero_bits_counts_bits(digest):
    as_int = int.from_bytes(digest, "big")
    expected = 256 - as_int.bit_length()
    assert leading_zero_bits(digest) == expected


def test_the_nojs_queue_waits_longer_as_load_rises():
    from types import SimpleNamespace

    from intake.config import IntakeConfig
    from intake.nojs_seal import queue_delay

    clock = Clock()
    pow_ = make(clock, base=6, cap=9, load=4)
    services = SimpleNamespace(pow=pow_, intake_config=IntakeConfig(
        pow_difficulty=6, pow_max_difficulty=9, nojs_delay_seconds=2.0))
    assert queue_delay(services) == 2.0
    for _ in range(16):
        pow_.count_submission()
    assert queue_delay(services) == 8.0  # two more bits of difficulty: four times the wait


def test_workers_of_one_instance_accept_each_others_challenges(tmp_path):
    from intake.pow import shared_pow_key

    storage = MemoryStorage()
    spent = SpentStore(lambda: storage)
    workers = [
        ProofOfWork(spent, base_difficulty=6, max_difficulty=10, load_per_minute=4, ttl=600,
                    clock=Clock(), key=shared_pow_key(tmp_path))
        for _ in range(2)
    ]
    challenge = workers[0].issue("submit")
    counter = solve(challenge.token, "cd" * 32, challenge.difficulty)

    workers[1].verify(challenge.token, counter, scope="submit", binding="cd" * 32)

    assert (tmp_path / "pow-secret.key").stat().st_mode & 0o777 == 0o600
    stranger = make()  # another instance's key: its challenges mean nothing here
    with pytest.raises(ProofOfWorkError):
        stranger.verify(challenge.token, counter, scope="submit", binding="cd" * 32)
