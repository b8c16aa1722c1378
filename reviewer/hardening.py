"""Process hardening for the only process that holds unwrapped reviewer keys (S13).

- ``PR_SET_DUMPABLE = 0``: no core dump and no ptrace attach by other processes of the same
  user (root can still read the memory: a compromised host gets the unlocked keys).
- ``RLIMIT_CORE = 0``: no core file even if dumpable were set again.
Both are best effort on non-Linux systems; ``harden_process`` reports what it achieved.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import resource
import sys
from dataclasses import dataclass

PR_SET_DUMPABLE = 4
PR_GET_DUMPABLE = 3


@dataclass(frozen=True)
class Hardening:
    not_dumpable: bool
    no_core_files: bool


def harden_process() -> Hardening:
    return Hardening(not_dumpable=_set_not_dumpable(), no_core_files=_disable_core_files())


def is_dumpable() -> bool | None:
    """The current PR_GET_DUMPABLE value (None where prctl does not exist)."""
    libc = _libc()
    if libc is None:
        return None
    return bool(libc.prctl(PR_GET_DUMPABLE, 0, 0, 0, 0))


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c") or "libc.so.6"
    try:
        return ctypes.CDLL(name, use_errno=True)
    except OSError:
        return None


def _set_not_dumpable() -> bool:
    libc = _libc()
    if libc is None:
        return False
    return libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0


def _disable_core_files() -> bool:
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):
        return False
    return True
