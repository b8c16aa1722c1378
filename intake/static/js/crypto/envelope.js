/*
 * HavenCrypto: the envelope layout, keyless parsing and sealing (vault/SPEC.md §4), as
 * vault.format and vault.seal do:
 *
 *   await sealReport(fields, attachments, bundle, receiptKeys, {day, reportId})
 *       → {envelope, envelopeB64, reportId, envelopeHash, day}
 *   parseEnvelope(bytes) → EnvelopeInfo (the keyless checks of §4.5, same error codes)
 *   newReportId() → UUIDv4 string
 *
 * Layout: "haven-envelope/1\n" ‖ type ‖ report_id ‖ bundle_sha256 ‖ day ‖ n ‖ stanzas
 * (key_id ‖ crypto_box_seal(K)) sorted by key id ‖ manifest_commitment ‖ server_sealed
 * = header; then BLAKE2b(header, key = KDF(K, "hv-hdmac")) ‖ u32 body_len ‖ nonce ‖
 * XChaCha20-Poly1305(KDF(K, "hv-field"), nonce, plaintext, ad = header).
 */
(function (root) {
  "use strict";
  var HC = root.HavenCrypto;
  var _ = HC._;

  var VERSION_LINE = "haven-envelope/1\n";
  var TYPE_REPORT = 0x01;
  var TYPE_EVENT = 0x02;
  var STANZA_SIZE = 96;
  var MAX_STANZAS = 32;
  var EVENT_OVERHEAD = 131;
  var UUID = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i;

  function newReportId() {
    var raw = _.S().randombytes_buf(16);
    raw[6] = (raw[6] & 0x0f) | 0x40;
    raw[8] = (raw[8] & 0x3f) | 0x80;
    return uuidText(raw);
  }

  function uuidText(raw) {
    var h = _.toHex(raw);
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  function uuidBytes(text) {
    var m = typeof text === "string" && UUID.exec(text);
    if (!m) throw new TypeError("reportId is a UUID");
    return _.fromHex(m.slice(1).join("").toLowerCase());
  }

  function isUuid4(raw) {
    return (raw[6] >> 4) === 4 && (raw[8] & 0xc0) === 0x80;
  }

  function checkBundle(bundle) {
    if (!bundle || !(bundle.sha256 instanceof Uint8Array) || !Array.isArray(bundle.triage)) {
      throw new TypeError("bundle is the result of HavenCrypto.verifyBundle");
    }
  }

  function buildHeader(type, reportId, bundleSha256, day, stanzas, commitment, serverSealed) {
    var ordered = stanzas.slice().sort(function (a, b) { return _.toHex(a.keyId) < _.toHex(b.keyId) ? -1 : 1; });
    var parts = [_.utf8(VERSION_LINE), new Uint8Array([type]), uuidBytes(reportId), bundleSha256,
      _.utf8(day), new Uint8Array([ordered.length])];
    ordered.forEach(function (s) { parts.push(s.keyId, s.sealedKey); });
    parts.push(commitment, new Uint8Array([serverSealed ? 1 : 0]));
    return _.concat.apply(null, parts);
  }

  function manifestCommitment(key, attachments) {
    var macKey = _.kdf("hv-manif", key);
    return _.H(32, HC.canonicalJsonBytes(attachments), macKey);
  }

  // Seal `plaintext` under a fresh key K to the bundle's triage set (vault.seal.seal_envelope).
  function sealEnvelope(type, reportId, plaintext, attachments, bundle, day) {
    var s = _.S();
    var key = s.randombytes_buf(32);
    try {
      var stanzas = bundle.triage.map(function (k) {
        return { keyId: _.fromHex(k.id), sealedKey: s.crypto_box_seal(key, k.x25519Pk) };
      });
      var header = buildHeader(type, reportId, bundle.sha256, day, stanzas, manifestCommitment(key, attachments), false);
      var nonce = s.randombytes_buf(24);
      var body = s.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, header, null, nonce, _.kdf("hv-field", key));
      var mac = _.H(32, header, _.kdf("hv-hdmac", key));
      return _.concat(header, mac, _.u32(body.length), nonce, body);
    } finally {
      key.fill(0);
    }
  }

  function dayOf(options) {
    var day = (options && options.day) || _.utcDay();
    if (!_.isDay(day)) throw new TypeError("day is YYYY-MM-DD");
    return day;
  }

  function isPlainObject(value) {
    return !!value && typeof value === "object" && !Array.isArray(value);
  }

  async function sealReport(fields, attachments, bundle, receiptKeys, options) {
    if (!isPlainObject(fields)) throw new TypeError("fields is a JSON object");
    checkBundle(bundle);
    var manifest = (attachments || []).map(function (a) { return HC.checkManifestEntry(a && a.entry ? a.entry : a); });
    var day = dayOf(options);
    var reportId = (options && options.reportId) || newReportId();
    uuidBytes(reportId);
    var plaintext = HC.pad(HC.canonicalJsonBytes({
      fields: fields,
      attachments: manifest,
      reporter: { signing_pk: _.toB64(receiptKeys.signingPublicKey), reply_pk: _.toB64(receiptKeys.replyPublicKey) },
    }));
    var envelope = sealEnvelope(TYPE_REPORT, reportId, plaintext, manifest, bundle, day);
    plaintext.fill(0);
    return {
      envelope: envelope,
      envelopeB64: _.toB64(envelope),
      reportId: reportId,
      envelopeHash: _.toHex(_.H(32, envelope)),
      blobIds: manifest.map(function (m) { return m.blob_id; }),
      day: day,
    };
  }

  function Reader(data) {
    this.data = data;
    this.pos = 0;
  }
  Reader.prototype.take = function (size, what) {
    if (this.pos + size > this.data.length) _.fail("truncated", "the envelope ends inside the " + what);
    var chunk = this.data.subarray(this.pos, this.pos + size);
    this.pos += size;
    return chunk;
  };

  function checkVersion(data) {
    var line = _.utf8(VERSION_LINE);
    var n = Math.min(data.length, line.length);
    for (var i = 0; i < n; i++) {
      if (data[i] !== line[i]) _.fail("unknown_version", "not a haven-envelope/1 envelope");
    }
    if (data.length < line.length) _.fail("truncated", "the envelope ends inside the version line");
  }

  function parseStanzas(raw) {
    var stanzas = [];
    for (var i = 0; i < raw.length; i += STANZA_SIZE) {
      var keyId = raw.slice(i, i + 16);
      stanzas.push({ keyId: keyId, keyIdHex: _.toHex(keyId), sealedKey: raw.slice(i + 16, i + STANZA_SIZE) });
    }
    for (var j = 1; j < stanzas.length; j++) {
      if (!(stanzas[j - 1].keyIdHex < stanzas[j].keyIdHex)) _.fail("malformed_header", "stanzas are not strictly ordered by key id");
    }
    return stanzas;
  }

  function parseEnvelope(input) {
    var data = input instanceof Uint8Array ? input : _.fromB64(input);
    checkVersion(data);
    var r = new Reader(data);
    r.take(VERSION_LINE.length, "version line");
    var type = r.take(1, "type")[0];
    if (type !== TYPE_REPORT && type !== TYPE_EVENT) _.fail("unknown_type", "unknown envelope type " + type);
    var rawId = r.take(16, "report id");
    if (!isUuid4(rawId)) _.fail("malformed_header", "report_id is not a UUIDv4");
    var bundleSha = r.take(32, "bundle hash").slice();
    var dayBytes = r.take(10, "day");
    var day = String.fromCharCode.apply(null, dayBytes);
    if (!_.isDay(day)) _.fail("malformed_header", "the day is not a YYYY-MM-DD calendar day");
    var count = r.take(1, "stanza count")[0];
    if (count < 1 || count > MAX_STANZAS) _.fail("bad_length", "an envelope has 1 to 32 stanzas, not " + count);
    var stanzas = parseStanzas(r.take(STANZA_SIZE * count, "stanzas"));
    var commitment = r.take(32, "manifest commitment").slice();
    var flag = r.take(1, "server_sealed flag")[0];
    if (flag > 1) _.fail("malformed_header", "server_sealed is 0 or 1");
    var header = data.slice(0, r.pos);
    var headerMac = r.take(32, "header MAC").slice();
    var bodyLen = _.readU32(r.take(4, "body length"), 0);
    var plain = bodyLen - 16 - (type === TYPE_EVENT ? EVENT_OVERHEAD : 0);
    if (!HC.isBucket(plain)) _.fail("bad_length", "body length " + bodyLen + " is not a padded size");
    var nonce = r.take(24, "nonce").slice();
    var body = r.take(bodyLen, "body").slice();
    if (r.pos !== data.length) _.fail("trailing_data", (data.length - r.pos) + " bytes follow the envelope");
    return {
      type: type, reportId: uuidText(rawId), bundleSha256: bundleSha, day: day, stanzas: stanzas,
      manifestCommitment: commitment, serverSealed: flag === 1, header: header, headerMac: headerMac,
      nonce: nonce, body: body, envelopeHash: _.toHex(_.H(32, data)),
      headerHash: _.H(32, _.concat(header, headerMac)),
    };
  }

  _.register("envelope", {
    sealReport: sealReport,
    parseEnvelope: parseEnvelope,
    newReportId: newReportId,
    TYPE_REPORT: TYPE_REPORT,
    TYPE_EVENT: TYPE_EVENT,
  });
  _.sealEnvelope = sealEnvelope;
  _.manifestCommitment = manifestCommitment;
  _.uuidBytes = uuidBytes;
  _.uuidText = uuidText;
  _.dayOf = dayOf;
  _.checkBundle = checkBundle;
})(self);
