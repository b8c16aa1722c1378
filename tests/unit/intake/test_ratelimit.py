"""Rate-limit keys (S12): an opaque HMAC of the client network, rotating hourly with a
ratchet, IPv6 grouped by /64."""

from __future__ import annotations

from intake.ratelimit import RotatingAddressKey, client_network


class Clock:
    def __init__(self) -> None:
        self.now = 7200.0

    def __call__(self) -> float:
        return self.now


def test_the_key_is_stable_within_the_hour_and_changes_after():
    clock = Clock()
    key = RotatingAddressKey(clock)
    first = key("192.0.2.10")
    assert key("192.0.2.10") == first
    assert key("192.0.2.11") != first
    assert "192.0.2.10" not in first
    clock.now += 3600
    assert key("192.0.2.10") != first


def test_two_processes_never_share_keys():
    assert RotatingAddressKey()("192.0.2.10") != RotatingAddressKey()("192.0.2.10")


def test_ipv6_is_grouped_by_64():
    assert client_network("2001:db8:1:2:aaaa::1") == client_network("2001:db8:1:2:bbbb::9")
    assert client_network("2001:db8:1:2::1") != client_network("2001:db8:1:3::1")
    assert client_network("::ffff:192.0.2.1") == "192.0.2.1"
    assert client_network(None) == client_network("garbage") == "unknown"
