/*
 * HavenCrypto: receipts and the keys derived from them (vault/SPEC.md §3; S4), as
 * vault.receipts does:
 *
 *   generateReceipt() → {text: "1 w1 … w8", words, indices, digits: "1 0412 …"}
 *   normaliseReceipt(text) → 17 bytes: 0x01 ‖ u16 index × 8     (receipt_invalid)
 *   receiptAsDigits(text) → "1 0412 1999 …"
 *   receiptSalt(instanceId) → BLAKE2b-128("haven-receipt/1" ‖ instance_id)
 *   await deriveReceiptKeys(text, instanceId, {worker}) → ReceiptKeys
 *       master = Argon2id(32, canonical, salt, ops 2, mem 16 MiB); lookup id, reply X25519
 *       pair and Ed25519 signing pair from crypto_kdf_derive_from_key contexts
 *       hv-lookp / hv-reply / hv-signk.  Only lookupId leaves the browser.
 *
 * Argon2id runs one at a time in this page (S4: bounded concurrent runs). It runs in
 * receipt-worker.js, so the page stays responsive, when {worker: true} is given and by
 * default where libsodium has no wasm; {worker: false} keeps it on the page's thread. Where
 * a worker cannot start it falls back to the page's thread.
 */
(function (root) {
  "use strict";
  var HC = root.HavenCrypto;
  var _ = HC._;

  var VERSION = 1;
  var WORDS = 8;
  var OPSLIMIT = 2;
  var MEMLIMIT = 16 * 1024 * 1024;
  var exact = null;
  var prefixes = null;
  var queue = Promise.resolve();
  var workerUrl = (function () {
    try {
      var script = root.document && root.document.currentScript;
      return script && script.src ? new URL("receipt-worker.js", script.src).href : null;
    } catch (e) {
      return null;
    }
  })();

  function wordlist() {
    var list = root.HavenWordlistEn;
    if (!list || list.length !== 2048) _.fail("crypto_unavailable", "wordlist-en.js is not loaded");
    if (!exact) {
      exact = new Map();
      prefixes = new Map();
      list.forEach(function (word, i) {
        exact.set(word, i);
        prefixes.set(word.slice(0, 4), i);
      });
    }
    return list;
  }

  function tokens(text) {
    var stripped = text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
    return stripped.replace(/[^a-z0-9]/g, " ").split(" ").filter(function (t) { return t.length > 0; });
  }

  function indexOf(token) {
    wordlist();
    if (/^[0-9]+$/.test(token)) {
      if (token.length === 4 && +token < 2048) return +token;
      return _.fail("receipt_invalid", "a number in a receipt is 4 digits from 0000 to 2047");
    }
    if (exact.has(token)) return exact.get(token);
    if (token.length >= 4 && /^[a-z]+$/.test(token) && prefixes.has(token.slice(0, 4))) {
      return prefixes.get(token.slice(0, 4));
    }
    return _.fail("receipt_invalid", "a word of this receipt is not in the list");
  }

  function receiptIndices(text) {
    if (typeof text !== "string") _.fail("receipt_invalid", "a receipt is text");
    var list = tokens(text);
    if (list.length && list[0].length === 1 && /^[0-9]$/.test(list[0])) {
      if (list[0] !== String(VERSION)) _.fail("receipt_invalid", "this receipt version is not supported");
      list = list.slice(1);
    }
    if (list.length !== WORDS) _.fail("receipt_invalid", "a receipt has " + WORDS + " words");
    return list.map(indexOf);
  }

  function normaliseReceipt(text) {
    var indices = receiptIndices(text);
    var out = new Uint8Array(1 + 2 * WORDS);
    out[0] = VERSION;
    indices.forEach(function (index, i) {
      out[1 + 2 * i] = index >> 8;
      out[2 + 2 * i] = index & 255;
    });
    return out;
  }

  function pad4(n) {
    return ("000" + n).slice(-4);
  }

  function receiptAsDigits(text) {
    return [String(VERSION)].concat(receiptIndices(text).map(pad4)).join(" ");
  }

  function generateReceipt() {
    var list = wordlist();
    var raw = _.S().randombytes_buf(11); // 88 bits = 8 × 11
    var indices = [];
    for (var i = 0; i < WORDS; i++) {
      var index = 0;
      for (var bit = 11 * i; bit < 11 * (i + 1); bit++) {
        index = (index << 1) | ((raw[bit >> 3] >> (7 - (bit & 7))) & 1);
      }
      indices.push(index);
    }
    raw.fill(0);
    var words = indices.map(function (n) { return list[n]; });
    return {
      text: [String(VERSION)].concat(words).join(" "),
      words: words,
      indices: indices,
      digits: [String(VERSION)].concat(indices.map(pad4)).join(" "),
    };
  }

  function receiptSalt(instanceId) {
    if (typeof instanceId !== "string" || !/^[\x20-\x7e]+$/.test(instanceId)) {
      throw new TypeError("instanceId is the instance's ASCII id");
    }
    return _.H(16, _.concat(_.utf8("haven-receipt/1"), _.utf8(instanceId)));
  }

  function keysFromMaster(master) {
    var s = _.S();
    var lookupId = _.kdf("hv-lookp", master);
    var replySeed = _.kdf("hv-reply", master);
    var signSeed = _.kdf("hv-signk", master);
    var reply = s.crypto_box_seed_keypair(replySeed);
    var signing = s.crypto_sign_seed_keypair(signSeed);
    replySeed.fill(0);
    signSeed.fill(0);
    var keys = {
      lookupId: lookupId,
      lookupIdB64: _.toB64(lookupId),
      replyPublicKey: reply.publicKey,
      replySecretKey: reply.privateKey,
      signingPublicKey: signing.publicKey,
      signingSecretKey: signing.privateKey,
      wipe: function () {
        [keys.lookupId, keys.replySecretKey, keys.signingSecretKey].forEach(function (b) { b.fill(0); });
      },
      toJSON: function () { return "ReceiptKeys(<secret>)"; },
    };
    return keys;
  }

  function deriveMaster(text, instanceId) {
    var s = _.S();
    var canonical = normaliseReceipt(text);
    var salt = receiptSalt(instanceId);
    var master = s.crypto_pwhash(32, canonical, salt, OPSLIMIT, MEMLIMIT, s.crypto_pwhash_ALG_ARGON2ID13);
    canonical.fill(0);
    return master;
  }

  // argon2id in receipt-worker.js; resolves null when no worker can be started here
  // (no Worker, a CSP or Trusted Types refusing it), so the caller runs it on the page.
  function masterInWorker(text, instanceId) {
    var canonical = normaliseReceipt(text);
    var salt = receiptSalt(instanceId);
    var worker;
    try {
      worker = new root.Worker(workerUrl);
    } catch (e) {
      return Promise.resolve(null);
    }
    return new Promise(function (resolve, reject) {
      worker.onmessage = function (event) {
        worker.terminate();
        if (event.data.master) resolve(new Uint8Array(event.data.master));
        else reject(new HC.HavenCryptoError("crypto_unavailable", "argon2id failed: " + event.data.error));
      };
      worker.onerror = function (event) {
        event.preventDefault();
        worker.terminate();
        resolve(null);
      };
      worker.postMessage({ canonical: canonical, salt: salt }, [canonical.buffer]);
    });
  }

  function deriveReceiptKeys(text, instanceId, options) {
    // Default: a worker only where libsodium runs without wasm (seconds to tens of seconds);
    // with wasm argon2id takes a tenth of a second and the worker would cost a download.
    var wanted = options && options.worker !== undefined ? !!options.worker : HC.backend() === "js";
    var useWorker = wanted && typeof root.Worker === "function" && !!workerUrl;
    try {
      normaliseReceipt(text); // refuse a bad receipt before queueing anything
    } catch (e) {
      return Promise.reject(e);
    }
    // Chained so two calls never hold 2 × 16 MiB at once; a failure does not block the next.
    var run = queue.then(async function () {
      var master = useWorker ? await masterInWorker(text, instanceId) : null;
      if (!master) master = deriveMaster(text, instanceId);
      try {
        return keysFromMaster(master);
      } finally {
        master.fill(0);
      }
    });
    queue = run.catch(function () {});
    return run;
  }

  _.register("receipt", {
    generateReceipt: generateReceipt,
    normaliseReceipt: normaliseReceipt,
    receiptAsDigits: receiptAsDigits,
    receiptSalt: receiptSalt,
    deriveReceiptKeys: deriveReceiptKeys,
    keysFromMaster: keysFromMaster,
  });
  _.deriveMaster = deriveMaster;
})(self);
