"""Envelope vectors: success, every structural reject, key commitment, stanza sets,
manifests and blobs, grants and re-sealing (vault/SPEC.md §4, §5)."""

from __future__ import annotations

from typing import Any

from vectors_collision import colliding_body
from vectors_common import Context, case, raw_envelope, report_plaintext

from vault.access import grant_access, reseal_envelope
from vault.attachments import seal_attachment_bytes
from vault.bundle import verify_bundle
from vault.canonical import b64encode, canonical_json, sign
from vault.crypto import header_mac, manifest_commitment, seal_box
from vault.format import TYPE_REPORT, Stanza, assemble, build_header
from vault.kdf import Rng
from vault.padding import bucket_for, pad
from vault.seal import new_report_id, seal_report

DAY = "2026-01-10"
FIELDS = {"narrative": "Détenu après son témoignage à Genève.", "un_link": "yes",
          "consent": {"scopes": {"contact": "grant"}, "given_by": "victim",
                      "risks_explained": True, "day": DAY, "how": "form"}}


def _expected(sealed: Any, fields: dict[str, Any], files: list[tuple[Any, bytes]],
              ctx: Context, server_sealed: bool = False) -> dict[str, Any]:
    return {
        "report_id": sealed.report_id, "day": DAY, "server_sealed": server_sealed,
        "fields": fields, "reporter": ctx.reporter(),
        "attachments": [{"blob_id": e.blob_id, "name": e.name, "type": e.type, "size": e.size,
                         "sha256": e.sha256, "content": b64encode(data)} for e, data in files],
    }


def _inputs(ctx: Context, envelope: bytes, blobs: dict[str, bytes] | None = None,
            index: int = 0, **extra: Any) -> dict[str, Any]:
    return {**ctx.opener(index), "envelope": b64encode(envelope),
            "blobs": {k: b64encode(v) for k, v in (blobs or {}).items()}, **extra}


def _mutate(envelope: bytes, offset: int, value: bytes) -> bytes:
    return envelope[:offset] + value + envelope[offset + len(value):]


def envelope_cases(ctx: Context) -> list[dict[str, Any]]:
    rng = ctx.rng("envelope-success")
    data = "Témoignage — pièce jointe.\n".encode() * 4
    blob, entry = seal_attachment_bytes("note.txt", "text/plain", data, rng=rng)
    sealed = seal_report(FIELDS, [entry], ctx.bundle, ctx.receipt_keys, day=DAY,
                         server_sealed=False, rng=rng)
    env, blobs = sealed.envelope, {entry.blob_id: blob}
    out = [case("envelope-success", "envelope", "a report with one attachment",
                _inputs(ctx, env, blobs, stored_blob_ids=[entry.blob_id]), "success",
                _expected(sealed, FIELDS, [(entry, data)], ctx))]
    plain = seal_report({"narrative": "x"}, [], ctx.bundle, ctx.receipt_keys, day=DAY,
                        server_sealed=True, rng=ctx.rng("envelope-server"))
    out.append(case("envelope-success-server-sealed", "envelope",
                    "sealed by the server (no-JS path), opened by the second triage key",
                    _inputs(ctx, plain.envelope, index=1), "success",
                    _expected(plain, {"narrative": "x"}, [], ctx, server_sealed=True)))
    out += _structural(ctx, env, blobs)
    out += _commitment_and_stanzas(ctx)
    out += _manifest(ctx, env, blob, entry)
    out += _grants(ctx, sealed, blobs, _expected(sealed, FIELDS, [(entry, data)], ctx))
    return out


def _structural(ctx: Context, env: bytes, blobs: dict[str, bytes]) -> list[dict[str, Any]]:
    body_len_at = 77 + 96 * 2 + 33 + 32
    rows = [
        ("envelope-unknown-version", "version line haven-envelope/2",
         _mutate(env, 15, b"2"), "unknown_version"),
        ("envelope-unknown-type", "type byte 0x03", _mutate(env, 17, b"\x03"), "unknown_type"),
        ("envelope-truncated", "the last 10 bytes are missing", env[:-10], "truncated"),
        ("envelope-truncated-header", "cut inside the stanzas", env[:120], "truncated"),
        ("envelope-trailing-data", "one byte after the body", env + b"\x00", "trailing_data"),
        ("envelope-zero-stanzas", "stanza count 0", _mutate(env, 76, b"\x00"), "bad_length"),
        ("envelope-bad-body-length", "body_len not a padded size",
         _mutate(env, body_len_at, (1000).to_bytes(4, "big")), "bad_length"),
        ("envelope-bad-day", "day 2026-02-30", _mutate(env, 66, b"2026-02-30"),
         "malformed_header"),
        ("envelope-report-id-not-v4", "UUID version nibble 1",
         _mutate(env, 24, bytes([(env[24] & 0x0F) | 0x10])), "malformed_header"),
        ("envelope-header-tampered", "the day changed after sealing",
         _mutate(env, 66, b"2026-01-11"), "header_mac_mismatch"),
        ("envelope-server-sealed-flipped", "server_sealed flag flipped",
         _mutate(env, 77 + 96 * 2 + 32, b"\x01"), "header_mac_mismatch"),
        ("envelope-fields-tampered", "last ciphertext byte flipped",
         env[:-1] + bytes([env[-1] ^ 1]), "fields_auth_failed"),
    ]
    return [case(n, "envelope", d, _inputs(ctx, e, blobs), x) for n, d, e, x in rows]


def _recipients(ctx: Context, indices: list[int]) -> list[tuple[bytes, bytes]]:
    keys = [ctx.keyset.reviewers[i] for i in indices]
    return sorted((bytes.fromhex(k.key_id), k.x25519_pk) for k in keys)


def _triage_indices(ctx: Context) -> list[int]:
    return [i for i, r in enumerate(ctx.keyset.reviewers) if r.key_id in ctx.keyset.triage]


def _commitment_and_stanzas(ctx: Context) -> list[dict[str, Any]]:
    triage = _triage_indices(ctx)
    plain = report_plaintext(ctx, {"narrative": "two keys"}, [])
    common = {"day": DAY, "bundle_sha256": ctx.bundle.sha256}
    rng = ctx.rng("envelope-two-key")
    k1, k2 = rng(32), rng(32)
    recips = _recipients(ctx, triage)
    two_key = _two_key_envelope(rng, recips, (k1, k2), report_id=new_report_id(rng),
                                length=len(plain), bundle_sha256=ctx.bundle.sha256)
    second = next(i for i in triage if bytes.fromhex(ctx.keyset.reviewers[i].key_id)
                  == recips[1][0])
    rng = ctx.rng("envelope-stanzas")
    rid = new_report_id(rng)
    stripped = raw_envelope(rng, _recipients(ctx, triage[:1]), plain, report_id=rid, **common)
    added = raw_envelope(rng, _recipients(ctx, [0, 1, 2]), plain, report_id=rid, **common)
    wrong_pk = [(kid, ctx.outsider.x25519_pk) for kid, _pk in recips]
    misdirected = raw_envelope(rng, wrong_pk, plain, report_id=rid, **common)
    outsider_idx = next(i for i in range(3) if i not in triage)
    doc2 = ctx.keyset.rebundle(serial=2, issued_at=DAY)
    b2 = verify_bundle(doc2, ctx.keyset.fingerprint, today=DAY, min_serial=1)
    other_bundle = raw_envelope(rng, recips, plain, report_id=rid, day=DAY,
                                bundle_sha256=b2.sha256)
    bad_pad = bytearray(bucket_for(100))
    bad_pad[:5] = b'{"a":'
    canonical = canonical_json({"fields": {}, "attachments": [], "reporter": ctx.reporter()})
    not_canonical = pad(canonical.replace(b'"attachments":[]', b'"attachments": []'))
    return [
        case("envelope-two-key-collision", "envelope",
             "a body crafted to authenticate under two keys (a real Poly1305 collision), "
             "each stanza wrapping one of them; the header MAC holds for the first only",
             _inputs(ctx, two_key, index=second, collision_keys=[k1.hex(), k2.hex()]),
             "header_mac_mismatch"),
        case("envelope-stanza-stripped", "envelope", "a triage stanza removed (MAC recomputed)",
             _inputs(ctx, stripped, index=triage[0]), "stanza_set_mismatch"),
        case("envelope-stanza-added", "envelope", "a stanza for a non-triage key added",
             _inputs(ctx, added, index=triage[0]), "stanza_set_mismatch"),
        case("envelope-no-stanza-for-key", "envelope", "opened by a key outside the triage set",
             _inputs(ctx, two_key, index=outsider_idx),
             "no_stanza_for_key"),
        case("envelope-stanza-wrong-key", "envelope", "stanzas sealed to an attacker's key",
             _inputs(ctx, misdirected, index=triage[0]), "stanza_open_failed"),
        case("envelope-bundle-mismatch", "envelope", "sealed to another bundle than given",
             _inputs(ctx, other_bundle, index=triage[0]), "bundle_mismatch"),
        case("envelope-bad-padding", "envelope", "no 0x80 marker in the padded fields",
             _inputs(ctx, raw_envelope(rng, recips, bytes(bad_pad), report_id=rid, **common),
                     index=triage[0]), "bad_padding"),
        case("envelope-fields-not-canonical", "envelope", "fields JSON is not RFC 8785",
             _inputs(ctx, raw_envelope(rng, recips, not_canonical, report_id=rid, **common),
                     index=triage[0]), "fields_malformed"),
    ]


def _two_key_envelope(rng: Rng, recipients: list[tuple[bytes, bytes]], keys: tuple[bytes, bytes],
                      *, report_id: str, length: int, bundle_sha256: bytes) -> bytes:
    """Stanza i wraps K_i; the header MAC is under K1; the body opens under both keys."""
    k1, k2 = keys
    stanzas = [Stanza(kid, seal_box(k, pk, rng))
               for (kid, pk), k in zip(recipients, keys, strict=True)]
    header = build_header(TYPE_REPORT, report_id, bundle_sha256, DAY, stanzas,
                          manifest_commitment=manifest_commitment(k1, []), server_sealed=False)
    nonce = rng(24)
    body = colliding_body(k1, k2, nonce, header, length=length, rng=rng)
    return assemble(header, header_mac(k1, header), nonce, body)


def _manifest(ctx: Context, env: bytes, blob: bytes, entry: Any) -> list[dict[str, Any]]:
    rng = ctx.rng("envelope-manifest")
    other_blob, other_entry = seal_attachment_bytes("b.txt", "text/plain", b"other", rng=rng)
    manifest = [entry.to_manifest()]
    triage = _triage_indices(ctx)
    lying = raw_envelope(rng, _recipients(ctx, triage),
                         report_plaintext(ctx, {"narrative": "x"}, manifest),
                         report_id=new_report_id(rng), day=DAY, bundle_sha256=ctx.bundle.sha256,
                         manifest=[])
    return [
        case("envelope-manifest-commitment-mismatch", "envelope",
             "the header commits to an empty manifest; the fields list one file",
             _inputs(ctx, lying, {entry.blob_id: blob}, index=triage[0]), "manifest_mismatch"),
        case("envelope-blob-swapped", "envelope", "the store returns another report's blob",
             _inputs(ctx, env, {entry.blob_id: other_blob}), "manifest_mismatch"),
        case("envelope-blob-missing", "envelope", "the manifest's blob is not stored",
             _inputs(ctx, env, {}), "manifest_mismatch"),
        case("envelope-extra-blob", "envelope", "the store holds a blob the manifest lacks",
             _inputs(ctx, env, {entry.blob_id: blob, other_entry.blob_id: other_blob},
                     stored_blob_ids=[entry.blob_id, other_entry.blob_id]),
             "manifest_mismatch"),
    ]


def _grants(
    ctx: Context, sealed: Any, blobs: dict[str, bytes], expected: dict[str, Any]
) -> list[dict[str, Any]]:
    ks, triage = ctx.keyset, _triage_indices(ctx)
    granter = ks.reviewers[triage[0]]
    grantee_idx = next(i for i in range(3) if i not in triage)
    grantee = ks.reviewers[grantee_idx]
    rng = ctx.rng("envelope-grants")
    grant = grant_access(sealed.envelope, granter.key_id, granter.x25519_sk, ctx.bundle,
                         grantee.key_id, granter=granter, day=DAY, rng=rng)
    forged_payload = dict(grant["grant"])
    forged = {"grant": forged_payload,
              "signature": b64encode(sign("reviewer-record", forged_payload,
                                          ctx.outsider.signing_key))}
    other = seal_report({"narrative": "other"}, [], ctx.bundle, ctx.receipt_keys, day=DAY,
                        server_sealed=False, rng=rng)
    doc2 = ks.rebundle(serial=2, issued_at=DAY, triage=(grantee.key_id,))
    b2 = verify_bundle(doc2, ks.fingerprint, today=DAY, min_serial=1)
    resealed = reseal_envelope(sealed.envelope, granter.key_id, granter.x25519_sk, ctx.bundle,
                               b2, rng=rng)
    return [
        case("envelope-grant-success", "envelope", "a non-triage reviewer opens through a grant",
             _inputs(ctx, sealed.envelope, blobs, index=grantee_idx, grant=grant), "success",
             expected),
        case("envelope-grant-forged", "envelope", "a grant signed by a key outside the bundle",
             _inputs(ctx, sealed.envelope, blobs, index=grantee_idx, grant=forged),
             "grant_invalid"),
        case("envelope-grant-other-envelope", "envelope", "a grant made for another report",
             _inputs(ctx, other.envelope, index=grantee_idx, grant=grant), "grant_invalid"),
        case("envelope-resealed-success", "envelope",
             "re-sealed to a new bundle whose triage set is the third key (S6)",
             {**_inputs(ctx, resealed, blobs, index=grantee_idx), "bundle": doc2},
             "success", expected),
    ]

