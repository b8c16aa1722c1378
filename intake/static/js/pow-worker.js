/* Proof of work in a Web Worker (intake/pow.py): find a decimal counter such that
   SHA-256(challenge "\n" binding "\n" counter) starts with `difficulty` zero bits.
   WebCrypto's digest is native code, so this runs at full speed without wasm or JIT.
   Message in: {challenge, binding, difficulty}; out: {progress: 0..1} …, then {counter}. */
"use strict";
var BATCH = 512;

function leadingZeroBits(bytes) {
  var bits = 0;
  for (var i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0) { bits += 8; continue; }
    return bits + Math.clz32(bytes[i]) - 24;
  }
  return bits;
}

self.onmessage = async function (event) {
  var job = event.data;
  var encoder = new TextEncoder();
  var prefix = job.challenge + "\n" + job.binding + "\n";
  var expected = Math.pow(2, job.difficulty);
  var counter = 0;
  try {
    for (;;) {
      var batch = [];
      for (var i = 0; i < BATCH; i++) {
        batch.push(crypto.subtle.digest("SHA-256", encoder.encode(prefix + (counter + i))));
      }
      var digests = await Promise.all(batch);
      for (var j = 0; j < digests.length; j++) {
        if (leadingZeroBits(new Uint8Array(digests[j])) >= job.difficulty) {
          self.postMessage({counter: String(counter + j)});
          return;
        }
      }
      counter += BATCH;
      self.postMessage({progress: Math.min(0.99, counter / expected)});
    }
  } catch (error) {
    self.postMessage({error: String(error && error.message || error)});
  }
};
