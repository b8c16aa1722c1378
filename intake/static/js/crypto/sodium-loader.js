/*
 * Haven: load libsodium.js (sumo) from /static/vendor/ — global HavenSodiumLoader.
 *
 *   await HavenSodiumLoader.load()  → {sodium, backend: "wasm" | "js"}
 *   HavenSodiumLoader.wasmUsable()  → whether WebAssembly can be compiled on this page
 *
 * Where WebAssembly compiles, the two-file build is loaded (libsodium-sumo.js, then
 * libsodium-wrappers-sumo.js). Where it does not — WebAssembly deleted, V8 --jitless (Tor
 * Browser "Safer"), or a CSP without 'wasm-unsafe-eval' — the two-file build fails at load,
 * so the one-file bundle is loaded instead: its pure-JS fallback then takes over (S9).
 * In a Web Worker the bundle is always used (importScripts).
 * Each script gets its sha384 `integrity` from vendor/sri.js when that file was included.
 * No eval, no inline script; under Trusted Types the URLs go through a policy named
 * "haven-sodium-loader" that accepts only the vendored files.
 */
(function (root) {
  "use strict";

  var CORE = "libsodium-sumo.js";
  var WRAPPERS = "libsodium-wrappers-sumo.js";
  var BUNDLE = "libsodium-sumo-bundle.js";
  // The smallest valid module: "\0asm" and version 1.
  var PROBE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

  var vendorBase = defaultBase();
  var loading = null;
  var policy = null;

  function defaultBase() {
    try {
      var script = root.document && root.document.currentScript;
      if (script && script.src) return new URL("../../vendor/", script.src).href;
      if (root.location) return new URL("/static/vendor/", root.location.href).href;
    } catch (e) {
      /* fall through */
    }
    return "/static/vendor/";
  }

  function wasmUsable() {
    if (typeof root.WebAssembly !== "object" || typeof root.WebAssembly.Module !== "function") {
      return false;
    }
    try {
      new root.WebAssembly.Module(PROBE); // refused under a CSP without 'wasm-unsafe-eval'
      return true;
    } catch (e) {
      return false;
    }
  }

  function scriptURL(name) {
    var url = vendorBase + name;
    if (!root.trustedTypes || typeof root.trustedTypes.createPolicy !== "function") return url;
    if (!policy) {
      try {
        policy = root.trustedTypes.createPolicy("haven-sodium-loader", {
          createScriptURL: function (candidate) {
            var allowed = [CORE, WRAPPERS, BUNDLE].map(function (n) { return vendorBase + n; });
            if (allowed.indexOf(candidate) < 0) throw new TypeError("not a vendored script");
            return candidate;
          },
        });
      } catch (e) {
        return url; // policy name not allowed: the browser will refuse the plain URL itself
      }
    }
    return policy.createScriptURL(url);
  }

  function addScript(name) {
    return new Promise(function (resolve, reject) {
      var element = root.document.createElement("script");
      var sri = root.HavenVendorSRI && root.HavenVendorSRI[name];
      if (sri) element.integrity = sri;
      element.async = false;
      element.onload = function () { resolve(); };
      element.onerror = function () { reject(new Error("could not load " + name)); };
      element.src = scriptURL(name);
      root.document.head.appendChild(element);
    });
  }

  async function loadScripts(wasm) {
    if (typeof root.document === "undefined") {
      root.importScripts(scriptURL(BUNDLE));
    } else if (wasm) {
      await addScript(CORE);
      await addScript(WRAPPERS);
    } else {
      await addScript(BUNDLE);
    }
  }

  function load(options) {
    if (options && options.base) vendorBase = new URL(options.base, root.location.href).href;
    if (!loading) {
      loading = (async function () {
        var wasm = wasmUsable();
        if (!(root.sodium && root.sodium.ready)) await loadScripts(wasm);
        await root.sodium.ready;
        return { sodium: root.sodium, backend: wasm ? "wasm" : "js" };
      })();
      loading.catch(function () { loading = null; });
    }
    return loading;
  }

  root.HavenSodiumLoader = Object.freeze({ load: load, wasmUsable: wasmUsable });
})(self);
