"""Errors of the vault: every reject rule of vault/SPEC.md has its own class.

Each class carries a stable ``code`` (the name used in the test vectors' ``expect``
field and in API error bodies). Add new classes below the section they belong to.
"""


class VaultError(Exception):
    """Base class of every vault error."""

    code = "vault_error"


# --- encodings and signatures (vault.canonical) ---------------------------------------


class BadEncoding(VaultError):
    code = "bad_encoding"


class BadSignature(VaultError):
    code = "bad_signature"


# --- envelope format, sealing and opening (vault.format, vault.seal, vault.open) -------
# Codes are those of vault/SPEC.md §10 and of the vectors' "expect" field.


class EnvelopeError(VaultError):
    code = "envelope_error"


class UnknownVersion(EnvelopeError):
    code = "unknown_version"


class UnknownType(EnvelopeError):
    code = "unknown_type"


class BadLength(EnvelopeError):
    code = "bad_length"


class Truncated(EnvelopeError):
    code = "truncated"


class TrailingData(EnvelopeError):
    code = "trailing_data"


class MalformedHeader(EnvelopeError):
    code = "malformed_header"


class BundleMismatch(EnvelopeError):
    """The envelope names another bundle than the one given to open it."""

    code = "bundle_mismatch"


class StanzaSetMismatch(EnvelopeError):
    code = "stanza_set_mismatch"


class NoStanzaForKey(EnvelopeError):
    code = "no_stanza_for_key"


class StanzaOpenFailed(EnvelopeError):
    code = "stanza_open_failed"


class HeaderMacMismatch(EnvelopeError):
    code = "header_mac_mismatch"


class FieldsAuthFailed(EnvelopeError):
    code = "fields_auth_failed"


class BadPadding(EnvelopeError):
    code = "bad_padding"


class FieldsMalformed(EnvelopeError):
    code = "fields_malformed"


class FieldsTooLarge(EnvelopeError):
    code = "fields_too_large"


class ManifestMismatch(EnvelopeError):
    """Missing, extra, swapped or altered blob, wrong ct_len or chunk_count."""

    code = "manifest_mismatch"


class GrantInvalid(EnvelopeError):
    code = "grant_invalid"


class ChunkAuthFailed(EnvelopeError):
    """A stream chunk did not authenticate: reordered, altered or spliced."""

    code = "chunk_auth_failed"


class StreamTruncated(EnvelopeError):
    code = "stream_truncated"


class StreamExtended(EnvelopeError):
    code = "stream_extended"


class PlaintextHashMismatch(EnvelopeError):
    code = "plaintext_hash_mismatch"


class UploadChunkInvalid(EnvelopeError):
    code = "upload_chunk_invalid"


class BundleError(VaultError):
    code = "bundle_error"


class BundleMalformed(BundleError):
    code = "bundle_malformed"


class FingerprintMismatch(BundleError):
    code = "fingerprint_mismatch"


class SubkeyNotCertified(BundleError):
    code = "subkey_not_certified"


class SubkeyExpired(BundleError):
    code = "subkey_expired"


class BundleSignatureBad(BundleError):
    code = "bundle_signature_bad"


class BundleNotYetValid(BundleError):
    code = "bundle_not_yet_valid"


class BundleExpired(BundleError):
    code = "bundle_expired"


class BundleRolledBack(BundleError):
    code = "bundle_rolled_back"


class KeyFileInvalid(VaultError):
    code = "key_file_invalid"


class ReceiptInvalid(VaultError):
    code = "receipt_invalid"


class EventError(VaultError):
    code = "event_error"


class EventSignatureBad(EventError):
    code = "event_signature_bad"


class EventSequenceGap(EventError):
    code = "event_sequence_gap"


class EventReplay(EventError):
    code = "event_replay"


class EventReordered(EventError):
    code = "event_reordered"


class EventFork(EventError):
    code = "event_fork"


class EventMalformed(EventError):
    code = "event_malformed"


class UnknownSigner(EventError):
    code = "unknown_signer"


# --- storage, blobs, audit (vault.store, vault.blobs, vault.audit) ---------------------


class StoreError(VaultError):
    code = "store_error"


class UnknownReport(StoreError):
    code = "unknown_report"


class DuplicateReport(StoreError):
    code = "duplicate_report"


class DuplicateLookup(StoreError):
    code = "duplicate_lookup"


class InvalidRecord(StoreError):
    """A value given to the store is malformed (bad id, day, direction, state)."""

    code = "invalid_record"


class EventConflict(StoreError):
    """An event with this (report, direction, seq) exists already (a fork or a replay)."""

    code = "event_conflict"


class ReportNotActive(StoreError):
    code = "report_not_active"


class StaleStatus(StoreError):
    """The reporter status update carries an epoch not above the stored one."""

    code = "stale_status"


class UnknownBlob(StoreError):
    code = "unknown_blob"


class BlobIncomplete(StoreError):
    code = "blob_incomplete"


class BlobAlreadyAttached(StoreError):
    code = "blob_already_attached"


class BlobCorrupt(StoreError):
    """A stored blob's bytes no longer hash to its id."""

    code = "blob_corrupt"


class UploadError(StoreError):
    code = "upload_error"


class UnknownUpload(UploadError):
    code = "unknown_upload"


class UploadExpired(UploadError):
    code = "upload_expired"


class ChunkOutOfOrder(UploadError):
    code = "chunk_out_of_order"


class ChunkMismatch(UploadError):
    """A resent last chunk differs from the one already accepted."""

    code = "chunk_mismatch"


class BadChunk(UploadError):
    """The chunk's length or index breaks the upload rules (vault/SPEC.md)."""

    code = "bad_chunk"


class UploadTooLarge(UploadError):
    code = "upload_too_large"


class UploadIncomplete(UploadError):
    code = "upload_incomplete"


class DiskFull(StoreError):
    """Free space is below the high-water mark: refuse new bytes (the intake answers 503)."""

    code = "disk_full"


class AuditError(VaultError):
    code = "audit_error"


class AuditTampered(AuditError):
    """The audit log does not match itself, its signed heads or a saved head.

    ``first_bad_seq`` is the first entry known to be wrong (or missing); when an edit was
    hidden by recomputing hashes, it is the start of the range between the last head that
    still matches and the first that does not.
    """

    code = "audit_tampered"

    def __init__(self, message: str, *, first_bad_seq: int | None = None,
                 head_size: int | None = None) -> None:
        super().__init__(message)
        self.first_bad_seq = first_bad_seq
        self.head_size = head_size


class AuditHeadForged(AuditTampered):
    code = "audit_head_forged"


class BadProof(AuditError):
    code = "bad_proof"


class BackupError(VaultError):
    code = "backup_error"


# --- reviewer accounts, keys, records (vault.accounts, vault.reviewer_store) -----------


class AccountError(VaultError):
    code = "account_error"


class InvalidCredentials(AccountError):
    """Login refused; the API never says which factor was wrong."""

    code = "invalid_credentials"


class Unauthenticated(AccountError):
    """No bearer token, or one that is unknown, expired or revoked."""

    code = "unauthenticated"


class AccountLocked(AccountError):
    code = "locked"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class WeakPassword(AccountError):
    code = "weak_password"


class BadKdfParams(AccountError):
    code = "bad_kdf_params"


class BadPassphrase(AccountError):
    """A wrapped reviewer key does not open with this passphrase."""

    code = "bad_passphrase"


class DuplicateAccount(AccountError):
    code = "conflict"


class UnknownAccount(AccountError):
    code = "not_found"


class KeyStateError(AccountError):
    """A reviewer key is unknown, not the caller's, or not in a state that allows this."""

    code = "key_state"


class NoAccess(AccountError):
    """The report or record is not visible to this account (unknown ids look the same)."""

    code = "no_access"


class QuotaExceeded(AccountError):
    code = "quota_exceeded"


class InvalidReviewerRecord(AccountError):
    code = "bad_request"


class BundleRejected(AccountError):
    code = "invalid_bundle"


class StaleBundle(AccountError):
    code = "stale_bundle"


class TotpSecretUnreadable(AccountError):
    """A stored TOTP secret does not open under the instance's totp-wrap key."""

    code = "totp_unreadable"


# --- signed reviewer actions in the audit log (vault.action_signature, S17) ------------


class ActionSignatureError(VaultError):
    """A ``Haven-Action-Signature`` that cannot be read (vault/SPEC.md §14)."""

    code = "action_signature_malformed"


class ActionSignatureBad(ActionSignatureError):
    """The statement does not verify under the key it names."""

    code = "action_signature_bad"
