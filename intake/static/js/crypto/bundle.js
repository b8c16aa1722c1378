/*
 * HavenCrypto: the organisation root fingerprint, key ids and the signed reviewer key bundle
 * (vault/SPEC.md §2; S3). The same checks, in the same order and with the same error codes,
 * as vault.bundle.verify_bundle:
 *
 *   fingerprint(rootPk) → "xxxx-…"       fingerprintsEqual(a, b)      keyId(x25519Pk, ed25519Pk)
 *   verifyBundle(doc, {fingerprint, today, minSerial, checkFreshness}) → VerifiedBundle
 *   verifySignature(purpose, payload, signature, publicKey) → boolean  ("haven-<purpose>/1\n" ‖ JCS)
 */
(function (root) {
  "use strict";
  var HC = root.HavenCrypto;
  var _ = HC._;

  var BUNDLE_VERSION = "haven-bundle/1";
  var CERT_VERSION = "haven-subkey/1";
  var MAX_VALIDITY_DAYS = 30;
  var ROLES = ["reviewer", "coordinator"];
  var PAYLOAD_FIELDS = ["expires_at", "issued_at", "keys", "org_id", "revoked", "serial", "triage", "version"];
  var KEY_FIELDS = ["ed25519_pk", "id", "not_after", "role", "x25519_pk"];
  var CERT_FIELDS = ["issued_at", "not_after", "org_id", "public_key", "purpose", "version"];

  function fingerprint(rootPublicKey) {
    var digest = _.toHex(_.H(16, _.concat(_.utf8("haven-root-fingerprint/1"), rootPublicKey)));
    return digest.match(/.{4}/g).join("-");
  }

  function normaliseFingerprint(text) {
    return String(text).toLowerCase().replace(/[^0-9a-f]/g, "");
  }

  function fingerprintsEqual(a, b) {
    var left = normaliseFingerprint(a);
    return left.length === 32 && left === normaliseFingerprint(b);
  }

  function keyId(x25519Pk, ed25519Pk) {
    return _.toHex(_.H(16, _.concat(_.utf8("haven-key-id/1"), x25519Pk, ed25519Pk)));
  }

  function signedMessage(purpose, payload) {
    return _.concat(_.utf8("haven-" + purpose + "/1\n"), HC.canonicalJsonBytes(payload));
  }

  function verifySignature(purpose, payload, signature, publicKey) {
    try {
      return _.S().crypto_sign_verify_detached(signature, signedMessage(purpose, payload), publicKey);
    } catch (e) {
      return false;
    }
  }

  function sameFields(object, fields) {
    if (!object || typeof object !== "object" || Array.isArray(object)) return false;
    var names = Object.keys(object).sort();
    return names.length === fields.length && names.every(function (n, i) { return n === fields[i]; });
  }

  function malformed(message) {
    _.fail("bundle_malformed", "malformed bundle: " + message);
  }

  function parseKey(entry) {
    if (!sameFields(entry, KEY_FIELDS)) malformed("unexpected key entry fields");
    var key = {
      id: entry.id,
      x25519Pk: _.fromB64(entry.x25519_pk, "bundle_malformed"),
      ed25519Pk: _.fromB64(entry.ed25519_pk, "bundle_malformed"),
      role: entry.role,
      notAfter: entry.not_after,
    };
    if (key.x25519Pk.length !== 32 || key.ed25519Pk.length !== 32) malformed("public keys are 32 bytes");
    if (ROLES.indexOf(key.role) < 0) malformed("unknown role");
    if (!_.isDay(key.notAfter)) malformed("not a day");
    if (key.id !== keyId(key.x25519Pk, key.ed25519Pk)) malformed("key id " + key.id + " does not name its keys");
    return Object.freeze(key);
  }

  function isStringList(value) {
    return Array.isArray(value) && value.every(function (v) { return typeof v === "string"; });
  }

  function parse(doc) {
    if (!doc || typeof doc !== "object") malformed("not an object");
    var payload = doc.bundle;
    if (payload === undefined || doc.signature === undefined || doc.root_public_key === undefined) {
      malformed("bundle, signature and root_public_key are required");
    }
    var signature = _.fromB64(doc.signature, "bundle_malformed");
    var rootKey = _.fromB64(doc.root_public_key, "bundle_malformed");
    if (!sameFields(payload, PAYLOAD_FIELDS) || payload.version !== BUNDLE_VERSION) {
      malformed("unexpected bundle fields or version");
    }
    if (signature.length !== 64 || rootKey.length !== 32) malformed("bad signature or root key length");
    if (!Number.isSafeInteger(payload.serial) || payload.serial < 1) malformed("serial is a positive integer");
    if (typeof payload.org_id !== "string" || doc.certificate === undefined) {
      malformed("org_id and certificate are required");
    }
    if (!_.isDay(payload.issued_at) || !_.isDay(payload.expires_at)) malformed("not a day");
    if (!isStringList(payload.revoked) || !isStringList(payload.triage)) malformed("revoked and triage are lists of key ids");
    if (!Array.isArray(payload.keys)) malformed("keys is a list");
    var keys = payload.keys.map(parseKey);
    var ids = keys.map(function (k) { return k.id; });
    if (new Set(ids).size !== ids.length) malformed("duplicate key id");
    return { payload: payload, signature: signature, rootKey: rootKey, keys: keys };
  }

  function parseCertificate(doc) {
    var bad = function (why) { _.fail("subkey_not_certified", "malformed subkey certificate: " + why); };
    if (!doc || typeof doc !== "object" || doc.certificate === undefined) bad("certificate missing");
    var p = doc.certificate;
    var signature = _.fromB64(doc.signature, "subkey_not_certified");
    if (!sameFields(p, CERT_FIELDS) || p.version !== CERT_VERSION) bad("unexpected certificate fields");
    var publicKey = _.fromB64(p.public_key, "subkey_not_certified");
    if (publicKey.length !== 32 || signature.length !== 64) bad("bad key or signature length");
    if (!_.isDay(p.issued_at) || !_.isDay(p.not_after)) bad("not a day");
    if (typeof p.org_id !== "string" || typeof p.purpose !== "string") bad("org_id and purpose are strings");
    return {
      payload: {
        version: CERT_VERSION, org_id: p.org_id, purpose: p.purpose, public_key: _.toB64(publicKey),
        issued_at: p.issued_at, not_after: p.not_after,
      },
      publicKey: publicKey,
      signature: signature,
    };
  }

  function verifyCertificate(doc, rootKey, purpose, moment, orgId) {
    var cert = parseCertificate(doc);
    if (!verifySignature("subkey", cert.payload, cert.signature, rootKey)) {
      _.fail("subkey_not_certified", "the subkey certificate is not signed by the root");
    }
    if (cert.payload.purpose !== purpose) _.fail("subkey_not_certified", "the subkey is certified for another purpose");
    if (cert.payload.org_id !== orgId) _.fail("subkey_not_certified", "the subkey is certified for another organisation");
    if (moment > cert.payload.not_after) _.fail("subkey_expired", "the " + purpose + " subkey expired on " + cert.payload.not_after);
    return cert;
  }

  function checkDates(payload, today, checkFreshness) {
    var issued = payload.issued_at;
    var expires = payload.expires_at;
    if (!(issued <= expires && expires <= _.addDays(issued, MAX_VALIDITY_DAYS))) {
      malformed("a bundle is valid for at most " + MAX_VALIDITY_DAYS + " days");
    }
    if (!checkFreshness) return;
    if (issued > _.addDays(today, 1)) _.fail("bundle_not_yet_valid", "the bundle is issued on " + issued + ", after today");
    if (today > expires) _.fail("bundle_expired", "the bundle expired on " + expires);
  }

  function checkKeys(payload, keys, moment) {
    var byId = new Map(keys.map(function (k) { return [k.id, k]; }));
    var triage = payload.triage;
    if (!triage.length || new Set(triage).size !== triage.length) malformed("the triage set is empty or repeats a key");
    triage.forEach(function (id) {
      var key = byId.get(id);
      if (!key || payload.revoked.indexOf(id) >= 0) malformed("triage key " + id + " is missing or revoked");
      if (moment > key.notAfter) malformed("triage key " + id + " expired on " + key.notAfter);
    });
  }

  function verifyBundle(doc, options) {
    var opts = options || {};
    if (typeof opts.fingerprint !== "string") throw new TypeError("verifyBundle needs the pinned fingerprint");
    var today = opts.today || _.utcDay();
    if (!_.isDay(today)) throw new TypeError("today is a day, YYYY-MM-DD");
    var minSerial = opts.minSerial === undefined ? HC.MIN_BUNDLE_SERIAL : opts.minSerial;
    var fresh = opts.checkFreshness !== false;
    var parsed = parse(doc);
    var payload = parsed.payload;
    if (!fingerprintsEqual(fingerprint(parsed.rootKey), opts.fingerprint)) {
      _.fail("fingerprint_mismatch", "the bundle's root key has fingerprint " + fingerprint(parsed.rootKey) + ", not the pinned one");
    }
    var moment = fresh ? today : payload.issued_at;
    var cert = verifyCertificate(doc.certificate, parsed.rootKey, "bundle", moment, payload.org_id);
    if (!verifySignature("bundle", payload, parsed.signature, cert.publicKey)) {
      _.fail("bundle_signature_bad", "the bundle signature does not verify");
    }
    checkDates(payload, today, fresh);
    if (fresh && payload.serial < minSerial) {
      _.fail("bundle_rolled_back", "bundle serial " + payload.serial + " is below " + minSerial);
    }
    checkKeys(payload, parsed.keys, moment);
    return makeVerified(payload, parsed);
  }

  function makeVerified(payload, parsed) {
    var sha = _.sha256(HC.canonicalJsonBytes(payload));
    var byId = new Map(parsed.keys.map(function (k) { return [k.id, k]; }));
    return Object.freeze({
      bundle: payload,
      serial: payload.serial,
      orgId: payload.org_id,
      sha256: sha,
      sha256Hex: _.toHex(sha),
      rootPublicKey: parsed.rootKey,
      keys: parsed.keys,
      triage: payload.triage.map(function (id) { return byId.get(id); }),
      revoked: payload.revoked.slice(),
      key: function (id) { return byId.get(id) || null; },
      isRevoked: function (id) { return payload.revoked.indexOf(id) >= 0; },
      signer: function (id) {
        var key = byId.get(id);
        if (!key || payload.revoked.indexOf(id) >= 0) _.fail("unknown_signer", "the signer is not a current key of the bundle");
        return key;
      },
    });
  }

  _.register("bundle", {
    fingerprint: fingerprint,
    fingerprintsEqual: fingerprintsEqual,
    keyId: keyId,
    verifyBundle: verifyBundle,
    verifySignature: verifySignature,
  });
  _.signedMessage = signedMessage;
})(self);
