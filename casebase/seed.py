"""The five cases already made public (haven/data/public-cases.json) as signed packages.

They enter through :func:`casebase.ingest.ingest` like any release. Their record ids are
derived from the release key and the published subject (not from any vault id), so
seeding twice finds the same records instead of duplicating them.
"""

from __future__ import annotations

import hashlib
from typing import Any, Mapping

from nacl.signing import SigningKey

from casebase.countries import code_for_name
from haven.taxonomy import load_public_cases, load_taxonomy
from vault.release_package import Approver, build_release, sign_package

SEED_ORG = "haven-public-cases"

# Published follow-up texts -> the taxonomy event they report (first match wins).
_EVENT_WORDS = (
    ("cited by states", "raised_by_states"),
    ("secretary-general", "cited_sg_report_follow_up"),
    ("committee review", "raised_by_un_official"),
    ("charged", "situation_worsened"),
    ("indicted", "situation_worsened"),
    ("sentenced", "situation_worsened"),
)


def seed_record_id(release_pk: bytes, subject: str) -> str:
    return hashlib.blake2b(subject.encode("utf-8"), key=release_pk[:32], digest_size=16,
                           person=b"haven-seed-case").hexdigest()


def case_to_record(case: Mapping[str, Any]) -> dict[str, Any]:
    subject = case["subject"]
    kind = "situation" if subject.endswith("civil society") else (
        "group" if " and " in subject else "individual")
    taxonomy = load_taxonomy()
    follow_up = [_event(item) for item in case.get("follow_up", [])]
    worsened = any(e["event"] == "situation_worsened" for e in follow_up)
    return {
        "kind": kind,
        "title": subject if kind == "situation" else f"{subject} ({case['country']})",
        "name": None if kind == "situation" else subject,
        "country": code_for_name(case["country"]),
        "year": case["year"],
        "year_to": None,
        "gender": case["gender"],
        "role": case["role"],
        "acts": list(case["acts"]),
        "perpetrators": list(case["perpetrators"]),
        "mechanisms": list(case["mechanisms"]),
        "engagement": case["engagement"],
        "verification": "confirmed",
        "anonymity_requested": False,
        "named": kind != "situation",
        "detained": "detention" in case["acts"],
        "narrative": case["summary"],
        "un_actors": [taxonomy.label("mechanisms", m) for m in case["mechanisms"]],
        "follow_up": follow_up,
        "outcome": "worsened" if worsened else "ongoing",
        "sg_citations": [],
    }


def _event(item: Mapping[str, Any]) -> dict[str, Any]:
    text = item["event"]
    lowered = text.casefold()
    event = next((e for words, e in _EVENT_WORDS if words in lowered), "other")
    return {"date": str(item["year"]), "event": event, "note": text}


def public_case_packages(
    release_sk: SigningKey, drafter: Approver, approver: Approver, issued_at: str,
    org_id: str = SEED_ORG,
) -> list[dict[str, Any]]:
    """Signed release packages (tier public, version 1) of the published cases."""
    release_pk = bytes(release_sk.verify_key)
    packages = []
    for case in load_public_cases():
        body = build_release(
            org_id=org_id,
            record_id=seed_record_id(release_pk, case["subject"]),
            version=1,
            issued_at=issued_at,
            tier="public",
            consent_snapshot={"scopes": ["casebase_anonymized", "casebase_named",
                                         "public_advocacy"],
                              "given_by": "victim", "confirmed": issued_at[:7]},
            record=case_to_record(case),
            release_pk=release_pk,
            drafter=drafter.public(),
            approver=approver.public(),
        )
        packages.append(sign_package(body, release_sk, drafter.signing_key,
                                     approver.signing_key))
    return packages
