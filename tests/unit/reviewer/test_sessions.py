from reviewer.sessions import SessionStore


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _store(clock, ended):
    return SessionStore(idle_seconds=100, absolute_seconds=1000, on_end=ended.append,
                        clock=clock)


def test_unknown_ids_are_not_adopted():
    ended: list[str] = []
    store = _store(Clock(), ended)
    assert store.load("attacker-chosen") is None
    assert "attacker-chosen" not in store


def test_rotate_moves_data_and_kills_the_old_id():
    ended: list[str] = []
    store = _store(Clock(), ended)
    sid = store.rotate(None)
    store.save(sid, {"a": 1})
    new = store.rotate(sid)
    assert new != sid
    assert store.load(sid) is None
    assert store.load(new) == {"a": 1}


def test_idle_expiry_ends_the_session_and_notifies():
    clock, ended = Clock(), []
    store = _store(clock, ended)
    sid = store.rotate(None)
    clock.now = 101
    assert store.load(sid) is None
    assert ended == [sid]


def test_absolute_lifetime_holds_even_when_active_and_across_rotation():
    clock, ended = Clock(), []
    store = _store(clock, ended)
    sid = store.rotate(None)
    for _ in range(9):
        clock.now += 99
        assert store.load(sid) is not None
    sid = store.rotate(sid)  # rotation keeps the start time
    clock.now += 99  # 990 in all
    assert store.load(sid) is not None
    clock.now += 20
    assert store.load(sid) is None
    assert ended == [sid]


def test_sweep_and_delete():
    clock, ended = Clock(), []
    store = _store(clock, ended)
    first = store.rotate(None)
    clock.now = 50
    second = store.rotate(None)
    clock.now = 120
    assert store.sweep() == 1
    assert ended == [first]
    store.delete(second)
    assert ended == [first, second]
    assert second not in store
