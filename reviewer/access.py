"""Least access (S14) as coordinator actions: assignment and re-sealing through signed
grant records (vault.open.grant_access), uploaded through the API; revocation deletes them.

``grant_to`` re-seals the report key to one reviewer key of the VERIFIED bundle, and the key
of every reporter event envelope that key cannot already open (vault/SPEC.md §5: an assignee
outside the triage set needs one grant per event envelope).
``reseal_to_current_triage`` grants every current triage key that the envelope's header
does not already carry: what lets a reviewer who joined after a report arrived read it.
``regrant_events`` is run when a coordinator opens a report: events that arrived after an
assignment are granted to the assignees then (reviewer/README.md).
"""

from __future__ import annotations

from reviewer.keyring import ReviewerKeys
from reviewer.opening import ReportView
from reviewer.trust import BundleCache
from reviewer.vault_client import VaultClient
from reviewer.vault_types import Grant
from vault.bundle import VerifiedBundle
from vault.canonical import utc_day
from vault.format import parse_envelope
from vault.keys import ReviewerKeyPair
from vault.open import grant_access


def _granter(keys: ReviewerKeys) -> ReviewerKeyPair:
    return ReviewerKeyPair(bytes(keys.private_key()), bytes(keys.signing_key()))


def grant_to(client: VaultClient, view: ReportView, keys: ReviewerKeys,
             current: VerifiedBundle, grantee_key_id: str, *,
             bundles: BundleCache | None = None) -> Grant:
    signed = grant_access(view.detail.envelope, view.key_id,
                          bytes(keys.private_key(view.key_id)), view.bundle, grantee_key_id,
                          granter=_granter(keys), day=utc_day(), grantee_bundle=current,
                          grant=view.grant)
    granted = client.grant(view.report.report_id, signed)
    if bundles is not None:
        grant_events(client, view, keys, bundles, grantee_key_id)
    return granted


def ungranted_events(view: ReportView, grantee_key_id: str) -> list[bytes]:
    """Reporter event envelopes the grantee can open neither by stanza nor by grant."""
    granted = {g.header_hash for g in view.detail.event_grants if g.key_id == grantee_key_id}
    missing = []
    for event in view.detail.events:
        if event.direction != "from_reporter":
            continue
        info = parse_envelope(event.sealed)
        in_header = grantee_key_id in {s.key_id.hex() for s in info.stanzas}
        if not in_header and info.header_hash.hex() not in granted:
            missing.append(event.sealed)
    return missing


def grant_events(client: VaultClient, view: ReportView, keys: ReviewerKeys,
                 bundles: BundleCache, grantee_key_id: str) -> int:
    """One signed grant per reporter event the grantee cannot open yet; returns how many.
    Events this reviewer cannot open either are skipped (they stay named on the page)."""
    current = bundles.current().bundle
    sk = bytes(keys.private_key(view.key_id))
    made = 0
    for envelope in ungranted_events(view, grantee_key_id):
        info = parse_envelope(envelope)
        mine = view.event_grants.get(info.header_hash.hex())
        if mine is None and view.key_id not in {s.key_id.hex() for s in info.stanzas}:
            continue
        signed = grant_access(envelope, view.key_id, sk, bundles.for_envelope(
            info.bundle_sha256), grantee_key_id, granter=_granter(keys), day=utc_day(),
            grantee_bundle=current, grant=mine)
        client.grant(view.report.report_id, signed)
        made += 1
    return made


def regrant_events(client: VaultClient, view: ReportView, keys: ReviewerKeys,
                   bundles: BundleCache) -> int:
    """Grant events that arrived after an assignment to every current assignee key."""
    current = bundles.current().bundle
    made = 0
    for grant in view.detail.grants:
        if grant.reason != "assignment" or grant.key_id in current.revoked:
            continue
        if current.key(grant.key_id) is None:
            continue
        made += grant_events(client, view, keys, bundles, grant.key_id)
    return made


def missing_triage_keys(view: ReportView, current: VerifiedBundle) -> list[str]:
    header = set(view.report.stanza_key_ids)
    granted = {g.key_id for g in view.detail.grants}
    return [k for k in current.triage if k not in header and k not in granted
            and k not in current.revoked]


def reseal_to_current_triage(client: VaultClient, view: ReportView, keys: ReviewerKeys,
                             current: VerifiedBundle, *,
                             bundles: BundleCache | None = None) -> list[Grant]:
    return [grant_to(client, view, keys, current, key_id, bundles=bundles)
            for key_id in missing_triage_keys(view, current)]
