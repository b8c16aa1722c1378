"""Setting a case base up: administrators, trusted keys, the published seed cases.

Used by ``haven casebase`` commands and the demo. The two administrator keys made by
:func:`bootstrap_admins` live in the instance's keys directory; in production each
administrator keeps their own key and signs trust changes on their own machine.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from nacl.signing import SigningKey
from sqlalchemy.orm import Session

from casebase.errors import VersionConflict
from casebase.ingest import IngestResult, ingest
from casebase.keyfiles import public_key_text, read_signing_key, write_signing_key
from casebase.models import Admin, TrustEntry
from casebase.seed import SEED_ORG, public_case_packages
from casebase.trust import add_admin, apply_change, sign_statement
from vault.release_package import Approver

ADMIN_KEY_NAME = "casebase-admin-{n}.key"


def bootstrap_admins(session: Session, keys_dir: Path, today: str) -> list[tuple[str, Path]]:
    """Create and register two administrator keys when the case base has none."""
    if session.scalar(sa.select(sa.func.count()).select_from(Admin)):
        return []
    made = []
    for n in (1, 2):
        path = keys_dir / ADMIN_KEY_NAME.format(n=n)
        key = read_signing_key(path) if path.exists() else SigningKey.generate()
        if not path.exists():
            write_signing_key(path, key)
        add_admin(session, f"admin-{n}", public_key_text(key), today)
        made.append((f"admin-{n}", path))
    return made


def admin_signers(session: Session, paths: list[Path]) -> list[tuple[str, SigningKey]]:
    """Match administrator key files to registered administrators."""
    by_key = {a.public_key: a.admin_id for a in session.scalars(sa.select(Admin))}
    signers = []
    for path in paths:
        key = read_signing_key(path)
        admin_id = by_key.get(public_key_text(key))
        if admin_id is not None:
            signers.append((admin_id, key))
    return signers


def default_admin_paths(keys_dir: Path) -> list[Path]:
    return sorted(keys_dir.glob(ADMIN_KEY_NAME.format(n="*")))


def change_trust(session: Session, statement: dict, signers: list[tuple[str, SigningKey]],
                 today: str) -> None:
    signatures = [sign_statement(statement, admin_id, key) for admin_id, key in signers]
    apply_change(session, statement, signatures, today)


def trust_key(session: Session, org_id: str, release_pk: str,
              signers: list[tuple[str, SigningKey]], today: str, *,
              not_before: str | None = None, not_after: str | None = None) -> None:
    statement = {"action": "add", "org_id": org_id, "release_pk": release_pk,
                 "not_before": not_before or today, "not_after": not_after, "day": today}
    change_trust(session, statement, signers, today)


def is_trusted(session: Session, release_pk: str) -> bool:
    return session.scalar(sa.select(TrustEntry).where(TrustEntry.release_pk == release_pk)) \
        is not None


def seed_public_cases(
    session: Session, release_sk: SigningKey, today: str, *, org_id: str = SEED_ORG,
    drafter: Approver | None = None, approver: Approver | None = None,
) -> list[IngestResult]:
    """Sign the published cases and put them through ingest. They are already public, so
    they skip the publication delay; a second run finds them already there."""
    drafter = drafter or Approver("seed-drafter", SigningKey.generate())
    approver = approver or Approver("seed-approver", SigningKey.generate())
    results = []
    for package in public_case_packages(release_sk, drafter, approver, today, org_id):
        try:
            results.append(ingest(session, package, today=today, publication_delay_days=0,
                                  publish_now=True))
        except VersionConflict:
            record_id = package["package"]["record_id"]
            results.append(IngestResult("repeat", record_id, 200, "published"))
    return results
