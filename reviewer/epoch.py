"""Key epochs (S6) in the reviewer app: re-seal every live report this coordinator can open
to the current bundle, so a retired key — found later in a backup — opens nothing current.

The bundle itself changes with the CLI (``haven keys republish|retire``, or the admin's
offline signing and ``PUT /bundle``); this is the step after it. For each visible active
report sealed to an older bundle: open it here (every S1/S2 check), re-seal the report and
each reporter event envelope with ``vault.open.reseal_envelope`` (same K, same report id,
day, manifest commitment; new stanzas, nonce and header MAC), open the results here with
this coordinator's own key (the API cannot check a header MAC, so nothing that does not open
is uploaded), upload them in one request (``POST /reports/{id}/reseal``: the API drops the
old stanzas and every grant naming an old header), open the report again from the API and
grant the report and its events again to each assignee still in the bundle. The
coordinator's own key must be in the current triage set, or the new envelopes would lock
them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reviewer.access import grant_to
from reviewer.errors import ReviewerError
from reviewer.keyring import ReviewerKeys
from reviewer.opening import ReportUnreadable, ReportView, open_for_review
from reviewer.trust import BundleCache
from reviewer.vault_client import QuotaExceeded, VaultApiError, VaultClient
from vault.bundle import VerifiedBundle
from vault.canonical import b64decode, b64encode
from vault.errors import VaultError
from vault.format import parse_envelope
from vault.open import open_report, reseal_envelope
from vault.unwrap import unwrap_report_key


class NotInTriage(ReviewerError):
    code = "not_in_triage"


@dataclass
class EpochResult:
    serial: int
    resealed: list[str] = field(default_factory=list)
    regranted: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (report id, code)
    stopped: str | None = None  # why the run stopped early (e.g. quota_exceeded)


def stale_reports(client: VaultClient, current: VerifiedBundle) -> list[str]:
    """Visible active reports sealed to a bundle older than the current one."""
    return [r.report_id for r in client.reports()
            if r.state == "active" and (r.bundle_serial or 0) < current.serial]


def resealed_events(view: ReportView, keys: ReviewerKeys, bundles: BundleCache,
                    current: VerifiedBundle) -> list[dict]:
    sk = bytes(keys.private_key(view.key_id))
    out = []
    for event in sorted(view.detail.events, key=lambda e: e.seq):
        if event.direction != "from_reporter":
            continue
        info = parse_envelope(event.sealed)
        sealed = reseal_envelope(event.sealed, view.key_id, sk,
                                 bundles.for_envelope(info.bundle_sha256), current,
                                 grant=view.event_grants.get(info.header_hash.hex()))
        out.append({"seq": event.seq, "sealed_b64": b64encode(sealed)})
    return out


def _check_before_upload(envelope: bytes, events: list[dict], keys: ReviewerKeys,
                         current: VerifiedBundle) -> None:
    """Open what is about to replace the stored envelopes with this coordinator's own key
    (in the current triage set): the API cannot check a header MAC, so nothing that does
    not open is ever uploaded."""
    sk = bytes(keys.private_key())
    open_report(envelope, keys.key_id, sk, current)
    for event in events:
        unwrap_report_key(parse_envelope(b64decode(event["sealed_b64"])), keys.key_id, sk,
                          current)


def reseal_report(client: VaultClient, report_id: str, keys: ReviewerKeys,
                  bundles: BundleCache, current: VerifiedBundle) -> int:
    """Re-seal one report and its events; grant the assignees again. Returns the grants made."""
    view = open_for_review(client, report_id, keys, bundles)
    assignees = [g.key_id for g in view.detail.grants
                 if g.reason == "assignment" and current.key(g.key_id) is not None
                 and g.key_id not in current.revoked and g.key_id not in current.triage]
    envelope = reseal_envelope(view.detail.envelope, view.key_id,
                               bytes(keys.private_key(view.key_id)), view.bundle, current,
                               grant=view.grant)
    events = resealed_events(view, keys, bundles, current)
    _check_before_upload(envelope, events, keys, current)
    client.reseal(report_id, envelope, events)
    fresh = open_for_review(client, report_id, keys, bundles)  # checks the new header MAC
    for key_id in assignees:
        grant_to(client, fresh, keys, current, key_id, bundles=bundles)
    return len(assignees)


def reseal_live_reports(client: VaultClient, keys: ReviewerKeys, bundles: BundleCache
                        ) -> EpochResult:
    current = bundles.current(refresh=True).bundle
    if keys.key_id not in current.triage:
        raise NotInTriage("your key is not in the current triage set: ask an admin to put "
                          "you on duty and republish the bundle first")
    result = EpochResult(current.serial)
    for report_id in stale_reports(client, current):
        try:
            result.regranted += reseal_report(client, report_id, keys, bundles, current)
        except QuotaExceeded:
            result.stopped = "quota_exceeded"
            break
        except ReportUnreadable as exc:
            result.failed.append((report_id, exc.reason))
            continue
        except (VaultError, VaultApiError) as exc:
            result.failed.append((report_id, getattr(exc, "api_code", None) or exc.code))
            continue
        result.resealed.append(report_id)
    return result
