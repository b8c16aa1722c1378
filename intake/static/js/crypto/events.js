/*
 * HavenCrypto: signed events (vault/SPEC.md §6; S1), as vault.events and vault.seal do.
 *
 *   await sealEvent(type, payload, {reportId, seq, prevEventHash, bundle, receiptKeys, day})
 *       → {envelope, envelopeB64, eventHash, eventHashHex, seq, reportId}
 *     Reporter → reviewers: signed with the receipt's Ed25519 key, then sealed in a type
 *     0x02 envelope to the bundle's triage set.
 *   openReviewerEvent(sealed, receiptKeys, bundle, {reportId}) → OpenedEvent (verified)
 *     Reviewers → reporter: crypto_box_seal(key_id ‖ signature ‖ signed_message, reply_pk);
 *     the signer must be a current key of the verified bundle, the signature must check.
 *   verifyChain(events, {reportId, direction, start}) /
 *   verifyReviewerChain(events, {reportId, fromFirstPresent})
 *   buildSignedMessage(reportId, seq, prevHash, type, payload); decodeSignedEvent(...)
 *
 * signed_message = "haven-event/1" 0x00 ‖ report_id ‖ u32 seq ‖ prev_event_hash ‖ u8 type ‖
 *                  Pad(JCS(payload));  event_hash = BLAKE2b-256(signed_message).
 */
(function (root) {
  "use strict";
  var HC = root.HavenCrypto;
  var _ = HC._;

  var LABEL = _.concat(_.utf8("haven-event/1"), new Uint8Array([0]));
  var FIXED = LABEL.length + 16 + 4 + 32 + 1;
  var REPORTER_TYPES = { message: 0x01, file_added: 0x02, consent_change: 0x03, withdrawal: 0x04, reconfirmation: 0x05, status_ack: 0x06, receipt_burned: 0x07 };
  var REVIEWER_TYPES = { reply: 0x11, acknowledgement: 0x12, status: 0x13, withdrawal_ack: 0x14 };
  var NAMES = {};
  Object.keys(REPORTER_TYPES).forEach(function (n) { NAMES[REPORTER_TYPES[n]] = n; });
  Object.keys(REVIEWER_TYPES).forEach(function (n) { NAMES[REVIEWER_TYPES[n]] = n; });
  var ZERO_HASH = new Uint8Array(32);

  function directionOf(type) {
    return Object.prototype.hasOwnProperty.call(REPORTER_TYPES, type) ? "reporter" : "reviewer";
  }

  function buildSignedMessage(reportId, seq, prevHash, type, payload) {
    var code = REPORTER_TYPES[type] || REVIEWER_TYPES[type];
    if (!code) throw new TypeError("unknown event type " + type);
    if (!Number.isSafeInteger(seq) || seq < 1 || seq >= 4294967296) throw new TypeError("seq is an integer ≥ 1");
    if (!(prevHash instanceof Uint8Array) || prevHash.length !== 32) throw new TypeError("the previous event hash is 32 bytes");
    if (!payload || typeof payload !== "object" || Array.isArray(payload)) throw new TypeError("payload is a JSON object");
    return _.concat(LABEL, _.uuidBytes(reportId), _.u32(seq), prevHash, new Uint8Array([code]),
      HC.pad(HC.canonicalJsonBytes(payload)));
  }

  function previousHash(value, seq) {
    if (value === null || value === undefined) {
      if (seq !== 1) throw new TypeError("prevEventHash is required after the first event");
      return ZERO_HASH;
    }
    return value instanceof Uint8Array ? value : _.fromHex(value, "event_malformed", 32);
  }

  async function sealEvent(type, payload, ctx) {
    if (!Object.prototype.hasOwnProperty.call(REPORTER_TYPES, type)) throw new TypeError("not a reporter event type: " + type);
    var c = ctx || {};
    _.checkBundle(c.bundle);
    if (!c.receiptKeys || !(c.receiptKeys.signingSecretKey instanceof Uint8Array)) throw new TypeError("receiptKeys are required");
    var seq = c.seq;
    var message = buildSignedMessage(c.reportId, seq, previousHash(c.prevEventHash, seq), type, payload);
    var s = _.S();
    var signature = s.crypto_sign_detached(message, c.receiptKeys.signingSecretKey);
    var manifest = (payload.attachments || []).map(function (m) { return HC.checkManifestEntry(m); });
    var envelope = _.sealEnvelope(HC.TYPE_EVENT, c.reportId, _.concat(signature, message), manifest, c.bundle, _.dayOf(c));
    var eventHash = _.H(32, message);
    return {
      envelope: envelope, envelopeB64: _.toB64(envelope), eventHash: eventHash,
      eventHashHex: _.toHex(eventHash), seq: seq, reportId: c.reportId,
    };
  }

  // signed_message (already authenticated) → the event's fields (vault.events._decode).
  function decodeSignedEvent(message, signature, signer, signerKeyId) {
    for (var i = 0; i < LABEL.length; i++) {
      if (message[i] !== LABEL[i]) _.fail("event_malformed", "not a haven-event/1 message");
    }
    var pos = LABEL.length;
    var seq = _.readU32(message, pos + 16);
    var code = message[pos + 52];
    if (!NAMES[code] || seq === 0) _.fail("event_malformed", "unknown event type " + code + " or sequence 0");
    var payload = _.parseCanonical(HC.unpad(message.subarray(FIXED)), "fields_malformed");
    if (!payload || typeof payload !== "object" || Array.isArray(payload)) _.fail("fields_malformed", "event payload is not a JSON object");
    return {
      reportId: _.uuidText(message.subarray(pos, pos + 16)),
      seq: seq,
      prevEventHash: _.toHex(message.subarray(pos + 20, pos + 52)),
      type: NAMES[code],
      direction: directionOf(NAMES[code]),
      payload: payload,
      eventHash: _.toHex(_.H(32, message)),
      signature: signature,
      signer: signer,
      signerKeyId: signerKeyId || null,
    };
  }

  // signature ‖ signed_message, checked under `publicKey` (vault.events.parse_signed_event).
  function parseSignedEvent(data, publicKey, signerKeyId) {
    if (data.length < 64 + FIXED) _.fail("event_malformed", "an event is shorter than its fixed fields");
    var signature = data.slice(0, 64);
    var message = data.slice(64);
    var ok = false;
    try {
      ok = _.S().crypto_sign_verify_detached(signature, message, publicKey);
    } catch (e) {
      ok = false;
    }
    if (!ok) _.fail("event_signature_bad", "the event signature does not verify");
    return decodeSignedEvent(message, signature, publicKey, signerKeyId);
  }

  function openReviewerEvent(sealed, receiptKeys, bundle, options) {
    _.checkBundle(bundle);
    var reportId = options && options.reportId;
    var data = sealed instanceof Uint8Array ? sealed : _.fromB64(sealed, "event_malformed");
    var plain;
    try {
      plain = _.S().crypto_box_seal_open(data, receiptKeys.replyPublicKey, receiptKeys.replySecretKey);
    } catch (e) {
      _.fail("event_signature_bad", "a reply does not open with this receipt");
    }
    if (plain.length < 16 + 64 + FIXED) _.fail("event_malformed", "a reply is shorter than its fixed fields");
    var keyId = _.toHex(plain.subarray(0, 16));
    var signer = bundle.signer(keyId);
    var event = parseSignedEvent(plain.subarray(16), signer.ed25519Pk, keyId);
    if (event.direction !== "reviewer") _.fail("event_malformed", "a " + event.direction + " event where a reviewer event was expected");
    if (reportId !== undefined && event.reportId !== String(reportId).toLowerCase()) {
      _.fail("event_replay", "an event of another report was replayed here");
    }
    event.signer = { id: keyId, role: signer.role, ed25519Pk: signer.ed25519Pk };
    event.verified = true;
    return event;
  }

  function verifyChain(events, options) {
    var o = options || {};
    events.forEach(function (e) {
      if (e.reportId !== String(o.reportId).toLowerCase()) _.fail("event_replay", "an event of another report was replayed here");
      if (e.direction !== o.direction) _.fail("event_malformed", "a " + e.direction + " event in the " + o.direction + " chain");
    });
    var hashes = events.map(function (e) { return e.eventHash; });
    if (new Set(hashes).size !== hashes.length) _.fail("event_replay", "the same event appears twice");
    var seqs = events.map(function (e) { return e.seq; });
    if (new Set(seqs).size !== seqs.length) _.fail("event_fork", "two different events share a sequence number");
    for (var i = 1; i < seqs.length; i++) {
      if (seqs[i] < seqs[i - 1]) _.fail("event_reordered", "events are out of order");
    }
    var start = o.start || [0, _.toHex(ZERO_HASH)];
    var lastSeq = start[0];
    var lastHash = start[1];
    events.forEach(function (e) {
      if (e.seq !== lastSeq + 1) _.fail("event_sequence_gap", "sequence jumps from " + lastSeq + " to " + e.seq);
      if (e.prevEventHash !== lastHash) _.fail("event_fork", "event " + e.seq + " does not follow the previous event");
      lastSeq = e.seq;
      lastHash = e.eventHash;
    });
  }

  // {fromFirstPresent: true}: replies the reporter read were deleted (vault.reply_store), so
  // the chain is checked from the first reply given on; a gap or fork after it still fails.
  function verifyReviewerChain(events, options) {
    var reportId = options && options.reportId;
    if (typeof reportId !== "string") throw new TypeError("verifyReviewerChain needs {reportId}");
    var start = options && options.start;
    if (options && options.fromFirstPresent && events.length) {
      start = [events[0].seq - 1, events[0].prevEventHash];
    }
    verifyChain(events, { reportId: reportId, direction: "reviewer", start: start });
  }

  _.register("events", {
    sealEvent: sealEvent,
    openReviewerEvent: openReviewerEvent,
    verifyChain: verifyChain,
    verifyReviewerChain: verifyReviewerChain,
    buildSignedMessage: buildSignedMessage,
    parseSignedEvent: parseSignedEvent,
    REPORTER_TYPES: REPORTER_TYPES,
    REVIEWER_TYPES: REVIEWER_TYPES,
  });
})(self);
