/*
 * HavenCrypto: canonical JSON (RFC 8785 JCS, strings NFC-normalised first, as
 * vault.canonical does), size buckets and Padmé (vault/SPEC.md §4.3, §4.6).
 *
 *   canonicalJson(value) → string        canonicalJsonBytes(value) → UTF-8 bytes
 *   pad(bytes) / unpad(bytes)            bucketFor(length), isBucket(length), padme(length)
 *
 * JCS rules: numbers as ES2015 Number.prototype.toString (what JSON.stringify writes; -0 is
 * "0"); strings escaped as JSON.stringify does (\b \f \n \r \t \" \\, other controls as
 * lowercase \u00xx, everything else literal); object members sorted by UTF-16 code units.
 * Only JSON values are accepted: no undefined, functions, NaN, Infinity, lone surrogates,
 * integers beyond ±(2^53 − 1) (I-JSON).
 */
(function (root) {
  "use strict";
  var HC = root.HavenCrypto;
  var _ = HC._;

  var MIN_BUCKET = 1024;
  var MAX_BUCKET = 1 << 22;
  var LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/;

  function jsonString(text) {
    if (LONE_SURROGATE.test(text)) _.fail("fields_malformed", "a string holds a lone surrogate");
    return JSON.stringify(text.normalize("NFC"));
  }

  function serialise(value, depth) {
    if (depth > 100) _.fail("fields_malformed", "JSON nested too deeply");
    if (value === null) return "null";
    switch (typeof value) {
      case "boolean":
        return value ? "true" : "false";
      case "number":
        if (!isFinite(value)) _.fail("fields_malformed", "NaN and Infinity are not JSON");
        // Written without exponent, such a number reads back as an integer beyond 2^53,
        // which RFC 8785 (and Python's opener) refuse: refuse it here too.
        if (Number.isInteger(value) && !Number.isSafeInteger(value) && Math.abs(value) < 1e21) {
          _.fail("fields_malformed", "integers beyond ±(2^53 − 1) cannot be encoded exactly");
        }
        return JSON.stringify(value);
      case "string":
        return jsonString(value);
      case "object":
        if (Array.isArray(value)) {
          return "[" + value.map(function (v) { return serialise(v, depth + 1); }).join(",") + "]";
        }
        if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
          _.fail("fields_malformed", "only plain objects, arrays and JSON scalars can be encoded");
        }
        return serialiseObject(value, depth);
      default:
        return _.fail("fields_malformed", "a " + typeof value + " is not a JSON value");
    }
  }

  function serialiseObject(value, depth) {
    var members = {};
    Object.keys(value).forEach(function (key) {
      if (value[key] === undefined) _.fail("fields_malformed", "member " + key + " is undefined");
      var name = key.normalize("NFC");
      if (Object.prototype.hasOwnProperty.call(members, name)) {
        _.fail("fields_malformed", "two member names are equal after NFC normalisation");
      }
      members[name] = value[key];
    });
    var names = Object.keys(members).sort(); // default sort = UTF-16 code unit order
    return "{" + names.map(function (name) {
      return jsonString(name) + ":" + serialise(members[name], depth + 1);
    }).join(",") + "}";
  }

  function canonicalJson(value) {
    return serialise(value, 0);
  }

  function canonicalJsonBytes(value) {
    return _.utf8(canonicalJson(value));
  }

  function bucketFor(length) {
    var bucket = MIN_BUCKET;
    while (bucket < length + 1) bucket *= 2;
    if (bucket > MAX_BUCKET) {
      _.fail("fields_too_large", length + " bytes exceed the largest bucket (" + MAX_BUCKET + " bytes)");
    }
    return bucket;
  }

  function isBucket(length) {
    return length >= MIN_BUCKET && length <= MAX_BUCKET && (length & (length - 1)) === 0;
  }

  // ISO/IEC 7816-4 to the bucket: data ‖ 0x80 ‖ zeros (the same bytes as sodium.pad).
  function pad(data) {
    var out = new Uint8Array(bucketFor(data.length));
    out.set(data);
    out[data.length] = 0x80;
    return out;
  }

  function unpad(padded) {
    if (!isBucket(padded.length)) _.fail("bad_padding", "padded length is not a bucket");
    var end = padded.length;
    while (end > 0 && padded[end - 1] === 0) end--;
    if (end === 0 || padded[end - 1] !== 0x80) _.fail("bad_padding", "padding marker 0x80 missing");
    return padded.subarray(0, end - 1);
  }

  function padme(length) {
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError("length must be ≥ 0");
    if (length < 2) return length;
    if (length >= 4294967296) throw new RangeError("length must be < 2^32");
    var e = 31 - Math.clz32(length); // floor(log2(L))
    var s = 32 - Math.clz32(e); // floor(log2(E)) + 1
    var mask = Math.pow(2, e - s) - 1;
    // (L + mask) & ~mask without 32-bit truncation: round up to a multiple of mask + 1.
    return Math.ceil(length / (mask + 1)) * (mask + 1);
  }

  // Parse JSON text that must already be canonical (SPEC §4.3) → the value.
  function parseCanonical(bytes, code) {
    var text = _.fromUtf8(bytes, code);
    var value;
    try {
      value = JSON.parse(text);
    } catch (e) {
      _.fail(code, "not JSON");
    }
    var again;
    try {
      again = canonicalJson(value);
    } catch (e) {
      _.fail(code, "JSON that cannot be canonical");
    }
    if (again !== text) _.fail(code, "JSON is not in canonical form");
    return value;
  }

  _.register("canonical", {
    canonicalJson: canonicalJson,
    canonicalJsonBytes: canonicalJsonBytes,
    pad: pad,
    unpad: unpad,
    padme: padme,
    bucketFor: bucketFor,
    isBucket: isBucket,
  });
  _.parseCanonical = parseCanonical;
})(self);
