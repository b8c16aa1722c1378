/*
 * Haven: a generic proof-of-work solver — global HavenPow (page or Web Worker).
 *
 *   await HavenPow.solve({prefix, difficulty, hash, nonce, onProgress, signal, start}, sodium)
 *     → {nonce, counter, attempts, hashHex}
 *
 * Finds the first counter ≥ start such that HASH(prefix ‖ encode(counter)) begins with
 * `difficulty` zero bits. prefix: bytes or text (UTF-8); hash: "sha256" (default) or
 * "blake2b" (BLAKE2b-256); nonce: "decimal" (ASCII digits, the default) or "u64be"
 * (8 bytes big-endian; the result's nonce is then hex). The intake's challenge format
 * (intake/pow.py) is prefix = challenge + "\n" + binding + "\n", sha256, decimal.
 * onProgress(attempts) is called about every 100 ms; the loop yields to the event loop
 * then, so an AbortSignal (or a worker's terminate) stops it. `sodium` is a ready
 * libsodium.js (window.sodium on a page; pow-worker.js loads it in a worker).
 */
(function (root) {
  "use strict";

  var MAX_DIFFICULTY = 64;
  var SLICE_MS = 100;

  function leadingZeroBits(hash) {
    var bits = 0;
    for (var i = 0; i < hash.length; i++) {
      if (hash[i] === 0) { bits += 8; continue; }
      return bits + Math.clz32(hash[i]) - 24;
    }
    return bits;
  }

  function toBytes(prefix) {
    if (prefix instanceof Uint8Array) return prefix;
    if (typeof prefix === "string") return new TextEncoder().encode(prefix);
    throw new TypeError("prefix is bytes or text");
  }

  function writeNonce(buffer, offset, counter, encoding) {
    if (encoding === "u64be") {
      var high = Math.floor(counter / 4294967296);
      var low = counter >>> 0;
      buffer[offset] = high >>> 24; buffer[offset + 1] = (high >>> 16) & 255;
      buffer[offset + 2] = (high >>> 8) & 255; buffer[offset + 3] = high & 255;
      buffer[offset + 4] = low >>> 24; buffer[offset + 5] = (low >>> 16) & 255;
      buffer[offset + 6] = (low >>> 8) & 255; buffer[offset + 7] = low & 255;
      return 8;
    }
    var digits = String(counter);
    for (var i = 0; i < digits.length; i++) buffer[offset + i] = digits.charCodeAt(i);
    return digits.length;
  }

  function hasher(name, sodium) {
    if (name === "blake2b") return function (m) { return sodium.crypto_generichash(32, m, null); };
    if (name === "sha256") return function (m) { return sodium.crypto_hash_sha256(m); };
    throw new TypeError("hash is sha256 or blake2b");
  }

  function toHex(bytes) {
    var out = "";
    for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return out;
  }

  function yieldToLoop() {
    return new Promise(function (resolve) { setTimeout(resolve, 0); });
  }

  async function solve(options, sodium) {
    var o = options || {};
    var s = sodium || root.sodium;
    if (!s || typeof s.crypto_hash_sha256 !== "function") throw new TypeError("a ready libsodium is required");
    var difficulty = o.difficulty;
    if (!Number.isInteger(difficulty) || difficulty < 0 || difficulty > MAX_DIFFICULTY) {
      throw new RangeError("difficulty is 0 to " + MAX_DIFFICULTY + " bits");
    }
    var encoding = o.nonce || "decimal";
    if (encoding !== "decimal" && encoding !== "u64be") throw new TypeError("nonce is decimal or u64be");
    var hash = hasher(o.hash || "sha256", s);
    var prefix = toBytes(o.prefix);
    var buffer = new Uint8Array(prefix.length + 20);
    buffer.set(prefix);
    var counter = o.start || 0;
    var attempts = 0;
    for (;;) {
      var until = Date.now() + SLICE_MS;
      do {
        var used = writeNonce(buffer, prefix.length, counter, encoding);
        var digest = hash(buffer.subarray(0, prefix.length + used));
        attempts++;
        if (leadingZeroBits(digest) >= difficulty) {
          var nonce = encoding === "decimal" ? String(counter) : toHex(buffer.subarray(prefix.length, prefix.length + 8));
          return { nonce: nonce, counter: counter, attempts: attempts, hashHex: toHex(digest) };
        }
        counter++;
      } while ((attempts & 255) !== 0 || Date.now() < until);
      if (o.onProgress) o.onProgress(attempts);
      await yieldToLoop();
      if (o.signal && o.signal.aborted) throw new DOMException("proof of work aborted", "AbortError");
      if (!Number.isSafeInteger(counter)) throw new RangeError("no solution below 2^53");
    }
  }

  root.HavenPow = Object.freeze({ solve: solve, leadingZeroBits: leadingZeroBits });
})(self);
