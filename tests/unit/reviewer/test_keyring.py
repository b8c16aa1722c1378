import pytest

from reviewer.errors import KeyLocked
from reviewer.keyring import KeyHolder


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _secrets(fill: int) -> dict[str, tuple[bytes, bytes]]:
    return {"k1": (bytes([fill]) * 32, bytes([fill + 1]) * 32)}


def test_unlock_then_keys_returns_the_active_key():
    holder = KeyHolder(idle_seconds=60, clock=Clock())
    holder.unlock("s1", reviewer_id="r", key_id="k1", secrets=_secrets(7))
    keys = holder.keys("s1")
    assert keys.key_id == "k1"
    assert bytes(keys.private_key()) == bytes([7]) * 32
    assert bytes(keys.signing_key()) == bytes([8]) * 32


def test_other_sessions_see_nothing():
    holder = KeyHolder(idle_seconds=60, clock=Clock())
    holder.unlock("s1", reviewer_id="r", key_id="k1", secrets=_secrets(7))
    with pytest.raises(KeyLocked):
        holder.keys("s2")


def test_idle_slot_is_wiped_and_locked():
    clock = Clock()
    holder = KeyHolder(idle_seconds=60, clock=clock)
    holder.unlock("s1", reviewer_id="r", key_id="k1", secrets=_secrets(7))
    slot = holder._slots["s1"]
    buffers = slot.secrets["k1"]
    clock.now += 61
    with pytest.raises(KeyLocked, match="inactivity"):
        holder.keys("s1")
    assert buffers[0] == bytearray(32)
    assert buffers[1] == bytearray(32)
    assert len(holder) == 0


def test_use_keeps_the_slot_alive():
    clock = Clock()
    holder = KeyHolder(idle_seconds=60, clock=clock)
    holder.unlock("s1", reviewer_id="r", key_id="k1", secrets=_secrets(7))
    for _ in range(5):
        clock.now += 50
        holder.keys("s1")
    assert holder.is_unlocked("s1")


def test_lock_wipes_and_move_follows_rotation():
    holder = KeyHolder(idle_seconds=60, clock=Clock())
    holder.unlock("s1", reviewer_id="r", key_id="k1", secrets=_secrets(7))
    holder.move("s1", "s2")
    assert not holder.is_unlocked("s1")
    buffers = holder._slots["s2"].secrets["k1"]
    holder.lock("s2")
    assert buffers[0] == bytearray(32)
    assert not holder.is_unlocked("s2")


def test_sweep_and_wipe_all():
    clock = Clock()
    holder = KeyHolder(idle_seconds=60, clock=clock)
    holder.unlock("old", reviewer_id="r", key_id="k1", secrets=_secrets(1))
    clock.now += 61
    holder.unlock("new", reviewer_id="r", key_id="k1", secrets=_secrets(3))
    assert holder.sweep() == 1
    assert holder.is_unlocked("new")
    holder.wipe_all()
    assert len(holder) == 0


def test_rejects_wrong_sizes_and_missing_active_key():
    holder = KeyHolder(idle_seconds=60)
    with pytest.raises(ValueError, match="32 bytes"):
        holder.unlock("s", reviewer_id="r", key_id="k1", secrets={"k1": (b"x", b"y" * 32)})
    with pytest.raises(ValueError, match="active key"):
        holder.unlock("s", reviewer_id="r", key_id="k2", secrets=_secrets(1))


def test_retired_key_is_usable_by_id():
    holder = KeyHolder(idle_seconds=60)
    secrets = {**_secrets(1), "old": (bytes([9]) * 32, bytes([10]) * 32)}
    holder.unlock("s", reviewer_id="r", key_id="k1", secrets=secrets)
    keys = holder.keys("s")
    assert bytes(keys.private_key("old")) == bytes([9]) * 32
    assert set(keys.key_ids) == {"k1", "old"}
    with pytest.raises(KeyLocked):
        keys.private_key("unknown")
