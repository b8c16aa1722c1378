"""atheris harness: vault.format.parse_envelope on arbitrary bytes.

The parser is the intake's only check of an envelope it cannot open (SPEC §9 step 3), so on
any input it must either return a parsed envelope or raise a named ``VaultError``; any other
exception, a hang or a crash is a finding. Seeds: every envelope of vault/testdata.

    python tests/security/fuzz/fuzz_envelope.py -runs=100000           # longer, locally
    python tests/security/fuzz/fuzz_envelope.py -max_total_time=600
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["vault"]):
    from vault.errors import VaultError
    from vault.format import parse_envelope


def check(data: bytes) -> None:
    try:
        info = parse_envelope(data)
    except VaultError:
        return
    # Whatever parses must be self-consistent: the parts the intake relies on are present.
    assert info.report_id  # noqa: S101
    assert len(info.bundle_sha256) == 32  # noqa: PLR2004, S101
    assert all(len(s.key_id) > 0 for s in info.stanzas)  # noqa: S101


def main() -> None:
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
