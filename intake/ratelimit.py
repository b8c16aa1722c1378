"""Rate limits without tracking people (S12).

Counters are keyed by ``HMAC(hourly key, client network)``: the key lives only in this
process's memory and is ratcheted forward every hour (``key_next = BLAKE2b(key_now)``, the old
one forgotten), so once an hour has passed nobody, not even whoever seizes the server, can tell
which address a stored counter belonged to. Counters live in memory or in Redis (run with
``save ''`` and ``appendonly no``) and expire within one rotation. IPv6 clients are grouped by
/64, the block one subscriber usually gets. The address itself is never written anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import threading
import time
from collections.abc import Callable

ROTATION_SECONDS = 3600
IPV6_PREFIX = 64


class RotatingAddressKey:
    """Maps a client address to an opaque, hourly-rotating counter key."""

    def __init__(
        self, clock: Callable[[], float] = time.time, rotation: int = ROTATION_SECONDS
    ) -> None:
        self._clock = clock
        self._rotation = rotation
        self._lock = threading.Lock()
        self._epoch = self._current_epoch()
        self._key = secrets.token_bytes(32)

    def _current_epoch(self) -> int:
        return int(self._clock() // self._rotation)

    def _key_for_now(self) -> bytes:
        with self._lock:
            epoch = self._current_epoch()
            while self._epoch < epoch:  # ratchet: the previous hour's key is gone for good
                self._key = hashlib.blake2b(self._key, digest_size=32,
                                            person=b"haven-rl-ratchet").digest()
                self._epoch += 1
            return self._key

    def __call__(self, address: str | None) -> str:
        network = client_network(address)
        digest = hmac.new(self._key_for_now(), network.encode("ascii"), hashlib.sha256)
        return digest.hexdigest()[:32]


def client_network(address: str | None) -> str:
    """The unit that is rate-limited: the IPv4 address or the IPv6 /64."""
    if not address:
        return "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return str(ip)


class SharedRotatingAddressKey(RotatingAddressKey):
    """The same hourly key for every intake process that shares one Redis.

    Limits must hold per deployment, not per worker, so the processes agree on the hour's
    key: the first one to need it stores a random key in Redis (``SET NX``) and every process
    reads that one. The key exists only in Redis's memory (run without persistence) and in the
    processes' memory, and expires shortly after its hour, so past hours' counters can no
    longer be linked to an address, as with the per-process ratchet.
    """

    KEY_PREFIX = "haven:ratelimit-key:"

    def __init__(
        self,
        redis_client,
        namespace: str,
        clock: Callable[[], float] = time.time,
        rotation: int = ROTATION_SECONDS,
    ) -> None:
        super().__init__(clock, rotation)
        self._redis = redis_client
        self._namespace = namespace
        self._cached_epoch: int | None = None

    @classmethod
    def from_url(cls, url: str, namespace: str) -> SharedRotatingAddressKey:
        import redis

        return cls(redis.Redis.from_url(url), namespace)

    def _key_for_now(self) -> bytes:
        with self._lock:
            epoch = self._current_epoch()
            if self._cached_epoch != epoch:
                name = f"{self.KEY_PREFIX}{self._namespace}:{epoch}"
                # Expire a little after the hour so requests at its very end still find it.
                self._redis.set(name, secrets.token_bytes(32), nx=True,
                                ex=self._rotation + 300)
                shared = self._redis.get(name)
                if not isinstance(shared, bytes) or len(shared) != 32:  # noqa: PLR2004
                    raise RuntimeError("the shared rate-limit key in Redis is malformed")
                self._key, self._cached_epoch = shared, epoch
            return self._key


def address_key_for(storage_url: str, namespace: str) -> RotatingAddressKey:
    """Redis storage: one key for the whole deployment; memory storage: per process."""
    if storage_url.startswith(("redis://", "rediss://")):
        return SharedRotatingAddressKey.from_url(storage_url, namespace)
    return RotatingAddressKey()
