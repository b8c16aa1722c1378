"""atheris harness: the case base's release-package parsing and checks on arbitrary input.

``casebase.validation.parse_package`` + ``validate_package`` (schema and field rules) and
``vault.release_package.verify_package_signatures`` run on every ingest before anything is
stored (S19). On any input they must accept a package or raise a named error
(``CasebaseError`` / ``VaultError``); anything else — a KeyError, a TypeError, a crash, a
hang — is a finding. A mutated JSON document that still verifies would be a forgery:
``check`` asserts that nothing but the seeds' exact bodies can pass the signature check.

    python tests/security/fuzz/fuzz_release_package.py --write-seeds CORPUS
    python tests/security/fuzz/fuzz_release_package.py -runs=100000 CORPUS
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import atheris
from nacl.signing import SigningKey

with atheris.instrument_imports(include=["vault", "casebase"]):
    from casebase.errors import CasebaseError
    from casebase.synthetic import SigningOrganisation, synthetic_record
    from casebase.validation import parse_package, validate_package
    from vault.canonical import canonical_json
    from vault.errors import VaultError
    from vault.release_package import Approver, verify_package_signatures

TODAY = "2026-11-23"


def seeds() -> list[bytes]:
    """A release and a tombstone, signed by fixed test keys (the same in every process)."""
    org = SigningOrganisation(
        "org-fuzz", release_key=SigningKey(bytes([1]) * 32),
        drafter=Approver("drafter-1", SigningKey(bytes([2]) * 32)),
        approver=Approver("approver-1", SigningKey(bytes([3]) * 32)))
    rng = random.Random(7)
    release = org.release(synthetic_record(rng, year=2023), record_id="0f" * 16)
    tombstone = org.tombstone(release["package"]["record_id"], version=2)
    return [json.dumps(release).encode(), json.dumps(tombstone).encode()]


SEEDS = seeds()
SIGNED_BODIES = {canonical_json(json.loads(s)["package"]) for s in SEEDS}


def check(data: bytes) -> None:
    try:
        signed = parse_package(data)
        validate_package(signed, TODAY)
        verify_package_signatures(signed)
    except (CasebaseError, VaultError):
        return
    # It verified: then it must be one of the bodies the test organisation signed.
    assert canonical_json(signed["package"]) in SIGNED_BODIES, "forged package"  # noqa: S101


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--write-seeds":  # noqa: PLR2004
        for number, seed in enumerate(SEEDS):
            (Path(sys.argv[2]) / f"seed-{number}").write_bytes(seed)
        return
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
