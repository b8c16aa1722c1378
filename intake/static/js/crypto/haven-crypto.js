/*
 * Haven's envelope in the browser (vault/SPEC.md, haven-envelope/1) — global HavenCrypto.
 *
 * Load order (classic scripts, no inline script, no eval; see README.md in this folder):
 *   /static/vendor/sri.js, sodium-loader.js, wordlist-en.js, haven-crypto.js, canonical.js,
 *   bundle.js, receipt.js, envelope.js, blake2b.js, attachments.js, events.js
 *   (+ envelope-open.js only where envelopes are opened: tests and tools, never the intake)
 *
 * API (bytes are Uint8Array; JSON binary is base64url without padding; ids lowercase hex):
 *   await HavenCrypto.ready()                    → {backend: "wasm" | "js"}; call first
 *   HavenCrypto.HavenCryptoError                 err.code = the vault.errors code
 *   HavenCrypto.MIN_BUNDLE_SERIAL, CHUNK_SIZE, MAX_FILE_SIZE
 *   HavenCrypto.fingerprint(rootPk)              → "xxxx-xxxx-…"
 *   HavenCrypto.verifyBundle(doc, {fingerprint, today, minSerial, checkFreshness})
 *                                                → VerifiedBundle {bundle, sha256, sha256Hex,
 *                                                   triage, key(id), isRevoked(id)}
 *   HavenCrypto.generateReceipt()                → {text, words, indices, digits}
 *   HavenCrypto.normaliseReceipt(text)           → 17 canonical bytes
 *   await HavenCrypto.deriveReceiptKeys(text, instanceId, {worker}) → ReceiptKeys {lookupId,
 *            lookupIdB64, replyPublicKey, replySecretKey, signingPublicKey, signingSecretKey,
 *            wipe()}
 *   HavenCrypto.canonicalJson(value) / canonicalJsonBytes(value)
 *   HavenCrypto.pad(bytes) / unpad(bytes) / padme(length)
 *   await HavenCrypto.prepareAttachment(file, {name, type, onProgress})
 *            → {entry, declaration, upload(async (index, chunk) => …, {onProgress})}
 *   await HavenCrypto.sealAttachment(file, {onChunk, name, type, onProgress})
 *            → {entry, declaration}
 *   await HavenCrypto.sealReport(fields, attachments, bundle, receiptKeys, {day, reportId})
 *            → {envelope, envelopeB64, reportId, envelopeHash, blobIds, day}
 *   await HavenCrypto.sealEvent(type, payload, {reportId, seq, prevEventHash, bundle,
 *            receiptKeys, day}) → {envelope, envelopeB64, eventHash, eventHashHex, seq, reportId}
 *   HavenCrypto.openReviewerEvent(sealed, receiptKeys, bundle, {reportId})
 *            → {type, seq, prevEventHash, eventHash, payload, signer: {id, role}, verified}
 *   HavenCrypto.verifyReviewerChain(openedEvents)
 *
 * This file holds the namespace, the error type, ready() and the byte helpers the other
 * files share (HavenCrypto._).
 */
(function (root) {
  "use strict";

  class HavenCryptoError extends Error {
    constructor(code, message) {
      super(message || code);
      this.name = "HavenCryptoError";
      this.code = code;
    }
  }

  // Parts each file registers; ready() refuses to run with one missing (a page that forgot
  // a script tag fails loudly instead of half-working).
  var PARTS = ["canonical", "bundle", "receipt", "envelope", "blake2b", "attachments", "events"];
  var sodium = null;
  var backend = null;
  var readying = null;
  var registered = {};

  function fail(code, message) {
    throw new HavenCryptoError(code, message);
  }

  function ready() {
    if (!readying) {
      readying = (async function () {
        var missing = PARTS.filter(function (p) { return !registered[p]; });
        if (missing.length) fail("crypto_unavailable", "scripts not loaded: " + missing.join(", "));
        if (!root.HavenSodiumLoader) fail("crypto_unavailable", "sodium-loader.js is not loaded");
        var loaded = await root.HavenSodiumLoader.load();
        sodium = loaded.sodium;
        backend = loaded.backend;
        // Every part is registered: nothing may replace a function from here on.
        Object.freeze(api._);
        Object.freeze(api);
        return { backend: backend };
      })();
      readying.catch(function () { readying = null; });
    }
    return readying;
  }

  function S() {
    if (!sodium) fail("crypto_unavailable", "call `await HavenCrypto.ready()` first");
    return sodium;
  }

  var encoder = new TextEncoder();
  var decoder = new TextDecoder("utf-8", { fatal: true });
  var HEX = /^(?:[0-9a-f]{2})*$/;
  var B64URL = /^[A-Za-z0-9_-]*$/;
  var DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

  function utf8(text) {
    return encoder.encode(text);
  }

  function fromUtf8(bytes, code) {
    try {
      return decoder.decode(bytes);
    } catch (e) {
      return fail(code || "bad_encoding", "not valid UTF-8");
    }
  }

  function concat() {
    var parts = Array.prototype.slice.call(arguments);
    var total = parts.reduce(function (n, p) { return n + p.length; }, 0);
    var out = new Uint8Array(total);
    var offset = 0;
    parts.forEach(function (p) { out.set(p, offset); offset += p.length; });
    return out;
  }

  function toHex(bytes) {
    var out = "";
    for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return out;
  }

  function fromHex(text, code, length) {
    if (typeof text !== "string" || !HEX.test(text)) fail(code || "bad_encoding", "expected lowercase hex");
    var out = new Uint8Array(text.length / 2);
    for (var i = 0; i < out.length; i++) out[i] = parseInt(text.substr(2 * i, 2), 16);
    if (length !== undefined && out.length !== length) fail(code || "bad_encoding", "expected " + length + " bytes");
    return out;
  }

  function toB64(bytes) {
    var s = S();
    return s.to_base64(bytes, s.base64_variants.URLSAFE_NO_PADDING);
  }

  function fromB64(text, code, length) {
    var s = S();
    if (typeof text !== "string" || !B64URL.test(text) || text.length % 4 === 1) {
      fail(code || "bad_encoding", "expected unpadded base64url text");
    }
    var out;
    try {
      out = s.from_base64(text, s.base64_variants.URLSAFE_NO_PADDING);
    } catch (e) {
      fail(code || "bad_encoding", "invalid base64url");
    }
    if (length !== undefined && out.length !== length) fail(code || "bad_encoding", "expected " + length + " bytes");
    return out;
  }

  function bytesFrom(value, code, length) {
    if (value instanceof Uint8Array) {
      if (length !== undefined && value.length !== length) fail(code, "expected " + length + " bytes");
      return value;
    }
    if (typeof value === "string" && value.length === 2 * (length || -1) && HEX.test(value)) {
      return fromHex(value, code, length);
    }
    return fromB64(value, code, length);
  }

  function u32(n) {
    return new Uint8Array([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
  }

  function readU32(bytes, offset) {
    return ((bytes[offset] << 24) >>> 0) + (bytes[offset + 1] << 16) + (bytes[offset + 2] << 8) + bytes[offset + 3];
  }

  // BLAKE2b (crypto_generichash): unkeyed when key is omitted.
  function H(size, message, key) {
    return S().crypto_generichash(size, message, key || null);
  }

  // crypto_kdf_derive_from_key; every KDF use in Haven is (32 bytes, id 1) (SPEC §1).
  function kdf(context, key, size, subkeyId) {
    var id = subkeyId === undefined ? 1 : subkeyId;
    // libsodium.js takes ids above 32 bits only as BigInt (the id is a u64).
    return S().crypto_kdf_derive_from_key(size || 32, id > 0xffffffff ? BigInt(id) : id, context, key);
  }

  function sha256(bytes) {
    return S().crypto_hash_sha256(bytes);
  }

  function isDay(value) {
    if (typeof value !== "string") return false;
    var m = DAY.exec(value);
    if (!m) return false;
    var date = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    return date.getUTCFullYear() === +m[1] && date.getUTCMonth() === +m[2] - 1 && date.getUTCDate() === +m[3];
  }

  function addDays(day, days) {
    var m = DAY.exec(day);
    var date = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3] + days));
    return date.toISOString().slice(0, 10);
  }

  function utcDay() {
    return new Date().toISOString().slice(0, 10);
  }

  function equalBytes(a, b) {
    return a.length === b.length && S().memcmp(a, b);
  }

  function register(part, members) {
    Object.keys(members).forEach(function (name) { api[name] = members[name]; });
    registered[part] = true;
  }

  var api = {
    HavenCryptoError: HavenCryptoError,
    ready: ready,
    backend: function () { return backend; },
    MIN_BUNDLE_SERIAL: 1,
    CHUNK_SIZE: 65536,
    MAX_FILE_SIZE: 524288000,
    _: {
      S: S, fail: fail, register: register, utf8: utf8, fromUtf8: fromUtf8, concat: concat,
      toHex: toHex, fromHex: fromHex, toB64: toB64, fromB64: fromB64, bytesFrom: bytesFrom,
      u32: u32, readU32: readU32, H: H, kdf: kdf, sha256: sha256, isDay: isDay,
      addDays: addDays, utcDay: utcDay, equalBytes: equalBytes,
    },
  };
  root.HavenCrypto = api;
})(self);
