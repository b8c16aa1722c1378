/*
 * Haven: proof of work in a Web Worker.
 *   const worker = new Worker("/static/js/crypto/pow-worker.js");
 *   worker.postMessage({prefix, difficulty, hash, nonce});   // the options of HavenPow.solve
 *   worker.onmessage = (e) => e.data.progress (attempts) | e.data.result | e.data.error
 * Stop it with worker.terminate(). Loads the one-file libsodium bundle (works with or
 * without WebAssembly) and pow.js from the same site.
 */
importScripts("../../vendor/libsodium-sumo-bundle.js", "pow.js");

self.onmessage = async function (event) {
  try {
    await self.sodium.ready;
    var options = Object.assign({}, event.data, {
      onProgress: function (attempts) { self.postMessage({ progress: attempts }); },
    });
    var result = await self.HavenPow.solve(options, self.sodium);
    self.postMessage({ result: result });
  } catch (e) {
    self.postMessage({ error: String((e && e.message) || e) });
  }
};
