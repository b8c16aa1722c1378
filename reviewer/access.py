"""Least access (S14) as coordinator actions: assignment and re-sealing through signed
grant records (vault.open.grant_access), uploaded through the API; revocation deletes them.

``grant_to`` re-seals the report key to one reviewer key of the VERIFIED bundle.
``reseal_to_current_triage`` grants every current triage key that the envelope's header
does not already carry: what lets a reviewer who joined after a report arrived read it.
"""

from __future__ import annotations

from reviewer.keyring import ReviewerKeys
from reviewer.opening import ReportView
from reviewer.vault_client import VaultClient
from reviewer.vault_types import Grant
from vault.bundle import VerifiedBundle
from vault.canonical import utc_day
from vault.keys import ReviewerKeyPair
from vault.open import grant_access


def grant_to(client: VaultClient, view: ReportView, keys: ReviewerKeys,
             current: VerifiedBundle, grantee_key_id: str) -> Grant:
    granter = ReviewerKeyPair(bytes(keys.private_key()), bytes(keys.signing_key()))
    signed = grant_access(view.detail.envelope, view.key_id,
                          bytes(keys.private_key(view.key_id)), view.bundle, grantee_key_id,
                          granter=granter, day=utc_day(), grantee_bundle=current, grant=view.grant)
    return client.grant(view.report.report_id, signed)


def missing_triage_keys(view: ReportView, current: VerifiedBundle) -> list[str]:
    header = set(view.report.stanza_key_ids)
    granted = {g.key_id for g in view.detail.grants}
    return [k for k in current.triage if k not in header and k not in granted
            and k not in current.revoked]


def reseal_to_current_triage(client: VaultClient, view: ReportView, keys: ReviewerKeys,
                             current: VerifiedBundle) -> list[Grant]:
    return [grant_to(client, view, keys, current, key_id)
            for key_id in missing_triage_keys(view, current)]
