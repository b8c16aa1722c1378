/*
 * Haven: argon2id for a receipt off the page's thread (vault/SPEC.md §3).
 * HavenCrypto.deriveReceiptKeys(text, instanceId, {worker: true}) starts it; the page sends
 * {canonical, salt} (the normalised receipt bytes and the instance salt) and gets back
 * {master} (32 bytes, transferred) or {error}. Without JIT argon2id takes tens of seconds;
 * here it does not freeze the page. Loads the one-file libsodium bundle (wasm when it can).
 */
importScripts("../../vendor/libsodium-sumo-bundle.js");

self.onmessage = async function (event) {
  try {
    await self.sodium.ready;
    var s = self.sodium;
    var master = s.crypto_pwhash(32, event.data.canonical, event.data.salt, 2, 16777216,
      s.crypto_pwhash_ALG_ARGON2ID13);
    event.data.canonical.fill(0);
    self.postMessage({ master: master }, [master.buffer]);
  } catch (e) {
    self.postMessage({ error: String((e && e.message) || e) });
  }
};
