/*
 * HavenCrypto: the reviewer side of the envelope in JavaScript (vault/SPEC.md §4.4–4.6, §5,
 * §6.2) — what vault.open, vault.unwrap and vault.attachments do, with the same error codes.
 * It proves the format in the browser (every vector of vault/testdata runs through it);
 * the intake never serves it on its pages (the intake cannot decrypt, S9).
 *
 *   openReport(envelope, keyId, reviewerSk, bundle, {blobs, storedBlobIds, grant, grantBundle})
 *   openReporterEvents(envelopes, keyId, reviewerSk, bundle, reporterSigningPk, {reportId, grants, start})
 *   openAttachment(entry, blob) → plaintext bytes
 *   unwrapReportKey(info, keyId, reviewerSk, bundle, {grant, grantBundle}) → K
 *   checkBlobDeclaration(ctLen, chunkCount) → padded size;  checkUploadChunk(index, length, count)
 */
(function (root) {
  "use strict";
  var HC = root.HavenCrypto;
  var _ = HC._;

  var CHUNK = HC.CHUNK_SIZE;
  var CHUNK_CT = CHUNK + 17;
  var HEADER = 24;
  var GRANT_FIELDS = ["day", "granted_by", "header_hash", "key_id", "report_id", "sealed_key", "version"];

  function verifyGrant(grant, info, keyId, bundle) {
    var bad = function (why) { _.fail("grant_invalid", "the grant does not verify: " + why); };
    if (!grant || typeof grant !== "object" || !grant.grant || typeof grant.grant !== "object") bad("malformed");
    var g = grant.grant;
    if (Object.keys(g).sort().join() !== GRANT_FIELDS.join() || g.version !== "haven-grant/1") bad("unexpected grant fields");
    var signature = _.fromB64(grant.signature, "grant_invalid");
    var sealedKey = _.fromB64(g.sealed_key, "grant_invalid");
    var signer = null;
    try {
      signer = bundle.signer(g.granted_by);
    } catch (e) {
      bad("unknown granter");
    }
    if (!HC.verifySignature("reviewer-record", g, signature, signer.ed25519Pk)) bad("bad signature");
    if (g.header_hash !== _.toHex(info.headerHash) || g.report_id !== info.reportId) {
      _.fail("grant_invalid", "the grant names another envelope");
    }
    if (g.key_id !== keyId) _.fail("grant_invalid", "the grant is for another key");
    return sealedKey;
  }

  function unwrapReportKey(info, keyId, reviewerSk, bundle, options) {
    var o = options || {};
    var s = _.S();
    if (!_.equalBytes(info.bundleSha256, bundle.sha256)) _.fail("bundle_mismatch", "the envelope was sealed to another bundle");
    var stanzaIds = info.stanzas.map(function (st) { return st.keyIdHex; }).sort();
    var triageIds = bundle.triage.map(function (k) { return k.id; }).sort();
    if (Array.from(new Set(stanzaIds)).join() !== Array.from(new Set(triageIds)).join()) {
      _.fail("stanza_set_mismatch", "the stanzas are not the bundle's triage set");
    }
    var sealedKey;
    if (o.grant) {
      sealedKey = verifyGrant(o.grant, info, keyId, o.grantBundle || bundle);
    } else {
      var mine = info.stanzas.filter(function (st) { return st.keyIdHex === keyId; })[0];
      if (!mine) _.fail("no_stanza_for_key", "no stanza for this key: ask for a grant");
      sealedKey = mine.sealedKey;
    }
    var key;
    try {
      key = s.crypto_box_seal_open(sealedKey, s.crypto_scalarmult_base(reviewerSk), reviewerSk);
    } catch (e) {
      _.fail("stanza_open_failed", "the sealed key does not open with this key");
    }
    if (!_.equalBytes(_.H(32, info.header, _.kdf("hv-hdmac", key)), info.headerMac)) {
      _.fail("header_mac_mismatch", "the header MAC does not match: header or key tampered");
    }
    return key;
  }

  function decryptBody(key, info) {
    try {
      return _.S().crypto_aead_xchacha20poly1305_ietf_decrypt(null, info.body, info.header, info.nonce, _.kdf("hv-field", key));
    } catch (e) {
      return _.fail("fields_auth_failed", "the fields do not authenticate");
    }
  }

  function decodeReport(plaintext) {
    var value = _.parseCanonical(HC.unpad(plaintext), "fields_malformed");
    var bad = function (why) { _.fail("fields_malformed", "the report plaintext is malformed: " + why); };
    if (!value || typeof value !== "object" || Array.isArray(value)) bad("not an object");
    if (Object.keys(value).sort().join() !== "attachments,fields,reporter") bad("unexpected top-level members");
    if (!value.fields || typeof value.fields !== "object" || Array.isArray(value.fields) || !Array.isArray(value.attachments)) {
      bad("fields is an object and attachments a list");
    }
    var reporter = value.reporter;
    if (!reporter || typeof reporter !== "object" || Object.keys(reporter).sort().join() !== "reply_pk,signing_pk") bad("reporter keys");
    var signingPk = _.fromB64(reporter.signing_pk, "fields_malformed", 32);
    var replyPk = _.fromB64(reporter.reply_pk, "fields_malformed", 32);
    return { value: value, signingPk: signingPk, replyPk: replyPk };
  }

  function checkManifest(key, info, manifest) {
    if (!_.equalBytes(_.manifestCommitment(key, manifest), info.manifestCommitment)) {
      _.fail("manifest_mismatch", "the manifest does not match the header's commitment");
    }
    var entries = manifest.map(function (m) { return HC.checkManifestEntry(m); });
    var ids = entries.map(function (e) { return e.blob_id; });
    if (new Set(ids).size !== ids.length) _.fail("manifest_mismatch", "a blob is listed twice");
    entries.forEach(function (e) {
      var layout;
      try {
        layout = HC.streamLayout(e.size);
      } catch (err) {
        _.fail("manifest_mismatch", "an attachment is too large");
      }
      if (layout.chunkCount !== e.chunk_count || layout.ctLen !== e.ct_len) {
        _.fail("manifest_mismatch", "ct_len or chunk_count does not match the file size");
      }
    });
    return entries;
  }

  function verifyBlob(entry, blob) {
    if (!(blob instanceof Uint8Array)) _.fail("manifest_mismatch", "blob " + entry.blob_id + " is missing");
    if (blob.length !== entry.ct_len || _.toHex(_.H(32, blob)) !== entry.blob_id) {
      _.fail("manifest_mismatch", "blob " + entry.blob_id + " is altered, swapped or of the wrong length");
    }
  }

  function openReport(envelope, keyId, reviewerSk, bundle, options) {
    var o = options || {};
    var info = HC.parseEnvelope(envelope);
    if (info.type !== HC.TYPE_REPORT) _.fail("unknown_type", "this envelope is an event, not a report");
    var key = unwrapReportKey(info, keyId, reviewerSk, bundle, o);
    var decoded = decodeReport(decryptBody(key, info));
    var entries = checkManifest(key, info, decoded.value.attachments);
    if (o.storedBlobIds) {
      var stored = Array.from(new Set(o.storedBlobIds)).sort().join();
      if (stored !== entries.map(function (e) { return e.blob_id; }).sort().join()) {
        _.fail("manifest_mismatch", "the stored blobs differ from the manifest (missing or extra)");
      }
    }
    if (o.blobs) entries.forEach(function (e) { verifyBlob(e, o.blobs[e.blob_id]); });
    key.fill(0);
    return {
      reportId: info.reportId, day: info.day, serverSealed: info.serverSealed,
      fields: decoded.value.fields, attachments: entries,
      reporterSigningPk: decoded.signingPk, reporterReplyPk: decoded.replyPk,
      envelopeHash: info.envelopeHash, headerHash: _.toHex(info.headerHash),
      stanzaKeyIds: info.stanzas.map(function (st) { return st.keyIdHex; }),
    };
  }

  function pull(state, chunk) {
    var s = _.S();
    if (chunk.length < 17) _.fail("chunk_auth_failed", "a chunk is shorter than its tag");
    var out = null;
    try {
      out = s.crypto_secretstream_xchacha20poly1305_pull(state, chunk, null);
    } catch (e) {
      out = null;
    }
    if (!out) _.fail("chunk_auth_failed", "a chunk does not authenticate (reordered or altered)");
    if (out.tag !== s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE && out.tag !== s.crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
      _.fail("chunk_auth_failed", "unexpected chunk tag " + out.tag);
    }
    return out;
  }

  // The whole file in memory: for vectors and tests; the reviewer app streams in Python.
  function openAttachment(entry, blob) {
    var s = _.S();
    verifyBlob(entry, blob);
    if (blob.length < HEADER) _.fail("stream_truncated", "the blob ends inside the stream header");
    var state = s.crypto_secretstream_xchacha20poly1305_init_pull(blob.subarray(0, HEADER), _.fromB64(entry.key, "fields_malformed", 32));
    var sha = s.crypto_hash_sha256_init();
    var parts = [];
    var position = 0;
    var chunks = 0;
    var final = false;
    for (var at = HEADER; at < blob.length; at += CHUNK_CT) {
      if (final) _.fail("stream_extended", "data follows the final chunk");
      var out = pull(state, blob.subarray(at, Math.min(at + CHUNK_CT, blob.length)));
      chunks++;
      final = out.tag === s.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
      var useful = out.message.subarray(0, Math.max(0, Math.min(out.message.length, entry.size - position)));
      for (var i = useful.length; i < out.message.length; i++) {
        if (out.message[i] !== 0) _.fail("bad_padding", "the padding after the file is not zero");
      }
      position += out.message.length;
      s.crypto_hash_sha256_update(sha, useful);
      parts.push(useful);
    }
    if (!final) _.fail("stream_truncated", "the stream ends without a final chunk");
    var layout = HC.streamLayout(entry.size);
    if (chunks !== entry.chunk_count || chunks !== layout.chunkCount || position !== layout.padded) {
      _.fail("manifest_mismatch", "the stream's chunk count or length differs from the manifest");
    }
    if (_.toHex(s.crypto_hash_sha256_final(sha)) !== entry.sha256) {
      _.fail("plaintext_hash_mismatch", "the file's SHA-256 differs from the manifest");
    }
    return _.concat.apply(null, parts);
  }

  function openReporterEvents(envelopes, keyId, reviewerSk, bundle, reporterSigningPk, options) {
    var o = options || {};
    var events = envelopes.map(function (envelope) {
      var info = HC.parseEnvelope(envelope);
      if (info.type !== HC.TYPE_EVENT) _.fail("unknown_type", "this envelope is a report, not an event");
      var grant = (o.grants || {})[_.toHex(info.headerHash)];
      var key = unwrapReportKey(info, keyId, reviewerSk, bundle, { grant: grant });
      var event = HC.parseSignedEvent(decryptBody(key, info), reporterSigningPk);
      if (event.reportId !== info.reportId || info.reportId !== o.reportId) {
        _.fail("event_replay", "the event belongs to another report");
      }
      var manifest = event.payload.attachments === undefined ? [] : event.payload.attachments;
      if (!Array.isArray(manifest)) _.fail("fields_malformed", "an event's attachments is a list");
      checkManifest(key, info, manifest);
      key.fill(0);
      return event;
    });
    HC.verifyChain(events, { reportId: o.reportId, direction: "reporter", start: o.start });
    return events;
  }

  function checkBlobDeclaration(ctLen, chunkCount) {
    var bad = function (why) { _.fail("upload_chunk_invalid", why); };
    if (!Number.isSafeInteger(ctLen) || !Number.isSafeInteger(chunkCount) || chunkCount < 1) {
      bad("ct_len and chunk_count are positive integers");
    }
    var padded = ctLen - HEADER - 17 * chunkCount;
    var fits = (chunkCount - 1) * CHUNK < padded && padded <= chunkCount * CHUNK;
    if (!(fits || (padded === 0 && chunkCount === 1))) bad("ct_len does not match chunk_count");
    if (HC.padme(padded) !== padded || padded > HC.padme(HC.MAX_FILE_SIZE)) {
      bad("the padded size is not a Padmé length within the limit");
    }
    return padded;
  }

  function checkUploadChunk(index, length, declaredCount) {
    var ok;
    if (index === 0) ok = length === HEADER;
    else if (index >= 1 && index < declaredCount) ok = length === CHUNK_CT;
    else if (index === declaredCount) ok = length >= 17 && length <= CHUNK_CT;
    else _.fail("upload_chunk_invalid", "chunk index " + index + " is outside 0…" + declaredCount);
    if (!ok) _.fail("upload_chunk_invalid", "chunk " + index + " has a wrong length (" + length + " bytes)");
  }

  HC.openReport = openReport;
  HC.openReporterEvents = openReporterEvents;
  HC.openAttachment = openAttachment;
  HC.unwrapReportKey = unwrapReportKey;
  HC.checkBlobDeclaration = checkBlobDeclaration;
  HC.checkUploadChunk = checkUploadChunk;
})(self);
