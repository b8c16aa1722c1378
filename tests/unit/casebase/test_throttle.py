"""LoginThrottle: failures per user name expire after the window."""

from casebase.throttle import LoginThrottle


def test_blocks_after_limit_and_releases_after_window():
    now = [0.0]
    throttle = LoginThrottle(limit=3, window=60, clock=lambda: now[0])
    for _ in range(3):
        assert not throttle.blocked("a")
        throttle.failed("a")
    assert throttle.blocked("a")
    assert not throttle.blocked("b")
    now[0] = 61
    assert not throttle.blocked("a")


def test_success_clears_failures():
    throttle = LoginThrottle(limit=2)
    throttle.failed("a")
    throttle.succeeded("a")
    throttle.failed("a")
    assert not throttle.blocked("a")
