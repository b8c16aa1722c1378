/*
 * HavenCrypto: streaming BLAKE2b (RFC 7693), unkeyed, in plain 32-bit JavaScript.
 *
 *   var h = HavenCrypto.blake2bInit(32); HavenCrypto.blake2bUpdate(h, bytes); … ;
 *   HavenCrypto.blake2bFinal(h) → digest (equal to sodium.crypto_generichash(32, data))
 *
 * Why: libsodium.js's pure-JS build (used where wasm is missing: Tor Browser "Safer",
 * --jitless, CSP without 'wasm-unsafe-eval') emulates 64-bit arithmetic and hashes at well
 * under 1 MiB/s, which made the blob id of a large attachment the slowest step. This is
 * the usual 32-bit-pair formulation; attachments.js uses it only when libsodium runs
 * without wasm. Tests compare it with libsodium on many lengths and with Python's blob ids.
 */
(function (root) {
  "use strict";
  var HC = root.HavenCrypto;
  var _ = HC._;

  var IV = new Uint32Array([
    0xf3bcc908, 0x6a09e667, 0x84caa73b, 0xbb67ae85, 0xfe94f82b, 0x3c6ef372, 0x5f1d36f1, 0xa54ff53a,
    0xade682d1, 0x510e527f, 0x2b3e6c1f, 0x9b05688c, 0xfb41bd6b, 0x1f83d9ab, 0x137e2179, 0x5be0cd19,
  ]);
  var SIGMA = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3,
    11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4,
    7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8,
    9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13,
    2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9,
    12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11,
    13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10,
    6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5,
    10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0,
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3,
  ].map(function (i) { return 2 * i; }); // word index → index of the low half
  var v = new Uint32Array(32);
  var m = new Uint32Array(32);

  // v[a] += v[b] (64-bit, as low/high halves)
  function add(a, b) {
    var lo = v[a] + v[b];
    v[a + 1] = v[a + 1] + v[b + 1] + (lo >= 0x100000000 ? 1 : 0);
    v[a] = lo;
  }

  // v[a] += m[i]
  function addM(a, i) {
    var lo = v[a] + m[i];
    v[a + 1] = v[a + 1] + m[i + 1] + (lo >= 0x100000000 ? 1 : 0);
    v[a] = lo;
  }

  function G(a, b, c, d, ix, iy) {
    add(a, b); addM(a, ix);
    var x0 = v[d] ^ v[a], x1 = v[d + 1] ^ v[a + 1];
    v[d] = x1; v[d + 1] = x0; // rotr 32
    add(c, d);
    x0 = v[b] ^ v[c]; x1 = v[b + 1] ^ v[c + 1];
    v[b] = (x0 >>> 24) ^ (x1 << 8); v[b + 1] = (x1 >>> 24) ^ (x0 << 8); // rotr 24
    add(a, b); addM(a, iy);
    x0 = v[d] ^ v[a]; x1 = v[d + 1] ^ v[a + 1];
    v[d] = (x0 >>> 16) ^ (x1 << 16); v[d + 1] = (x1 >>> 16) ^ (x0 << 16); // rotr 16
    add(c, d);
    x0 = v[b] ^ v[c]; x1 = v[b + 1] ^ v[c + 1];
    v[b] = (x1 >>> 31) ^ (x0 << 1); v[b + 1] = (x0 >>> 31) ^ (x1 << 1); // rotr 63
  }

  function compress(state, last) {
    var i;
    for (i = 0; i < 16; i++) { v[i] = state.h[i]; v[i + 16] = IV[i]; }
    v[24] ^= state.t >>> 0;
    v[25] ^= Math.floor(state.t / 0x100000000);
    if (last) { v[28] = ~v[28]; v[29] = ~v[29]; }
    var b = state.b;
    for (i = 0; i < 32; i++) m[i] = b[4 * i] | (b[4 * i + 1] << 8) | (b[4 * i + 2] << 16) | (b[4 * i + 3] << 24);
    for (var r = 0; r < 12; r++) {
      var s = r * 16;
      G(0, 8, 16, 24, SIGMA[s], SIGMA[s + 1]);
      G(2, 10, 18, 26, SIGMA[s + 2], SIGMA[s + 3]);
      G(4, 12, 20, 28, SIGMA[s + 4], SIGMA[s + 5]);
      G(6, 14, 22, 30, SIGMA[s + 6], SIGMA[s + 7]);
      G(0, 10, 20, 30, SIGMA[s + 8], SIGMA[s + 9]);
      G(2, 12, 22, 24, SIGMA[s + 10], SIGMA[s + 11]);
      G(4, 14, 16, 26, SIGMA[s + 12], SIGMA[s + 13]);
      G(6, 8, 18, 28, SIGMA[s + 14], SIGMA[s + 15]);
    }
    for (i = 0; i < 16; i++) state.h[i] ^= v[i] ^ v[i + 16];
  }

  function blake2bInit(outlen) {
    if (!(outlen >= 1 && outlen <= 64)) throw new RangeError("BLAKE2b output is 1 to 64 bytes");
    var h = new Uint32Array(IV);
    h[0] ^= 0x01010000 ^ outlen;
    return { h: h, b: new Uint8Array(128), c: 0, t: 0, outlen: outlen };
  }

  function blake2bUpdate(state, input) {
    for (var i = 0; i < input.length;) {
      if (state.c === 128) {
        state.t += 128;
        compress(state, false);
        state.c = 0;
      }
      var take = Math.min(128 - state.c, input.length - i);
      state.b.set(input.subarray(i, i + take), state.c);
      state.c += take;
      i += take;
    }
  }

  function blake2bFinal(state) {
    state.t += state.c;
    state.b.fill(0, state.c);
    compress(state, true);
    var out = new Uint8Array(state.outlen);
    for (var i = 0; i < state.outlen; i++) out[i] = state.h[i >> 2] >>> (8 * (i & 3));
    return out;
  }

  _.register("blake2b", { blake2bInit: blake2bInit, blake2bUpdate: blake2bUpdate, blake2bFinal: blake2bFinal });
})(self);
