"""atheris harness: vault.format.parse_envelope on arbitrary bytes.

The parser is the intake's only check of an envelope it cannot open (SPEC §9 step 3), so on
any input it must either return a parsed envelope or raise a named ``VaultError``; any other
exception, a hang or a crash is a finding. Seeds: every envelope of vault/testdata.

    python tests/security/fuzz/fuzz_envelope.py --write-seeds CORPUS     # the vectors' envelopes
    python tests/security/fuzz/fuzz_envelope.py -max_total_time=600 CORPUS
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import atheris

TESTDATA = Path(__file__).resolve().parents[3] / "vault" / "testdata"

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


def write_seeds(corpus: Path) -> int:
    from vault.canonical import b64decode

    count = 0
    for path in sorted(TESTDATA.glob("*.json")):
        envelope = json.loads(path.read_text())["inputs"].get("envelope")
        if isinstance(envelope, str):
            (corpus / f"seed-{count}").write_bytes(b64decode(envelope))
            count += 1
    return count


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--write-seeds":  # noqa: PLR2004
        write_seeds(Path(sys.argv[2]))
        return
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
