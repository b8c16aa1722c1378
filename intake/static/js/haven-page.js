/* Helpers shared by the report and inbox pages: translated strings from the page's
   <template id="i18n">, JSON requests without cookies or referrer, proof of work in a
   worker, and the signed key bundle checked against the fingerprint pinned in the page. */
(function (root) {
  "use strict";

  function t(key, vars) {
    var node = document.querySelector('#i18n');
    var span = node && node.content.querySelector('[data-key="' + key + '"]');
    var text = span ? span.textContent : key;
    Object.keys(vars || {}).forEach(function (name) {
      text = text.split("%(" + name + ")s").join(String(vars[name]));
    });
    return text.split("%%").join("%");
  }

  function RequestError(status, code, message) {
    this.status = status; this.code = code; this.message = message || code;
  }

  async function request(method, url, body, headers) {
    var response;
    try {
      response = await fetch(url, {
        method: method, body: body, headers: headers || {}, credentials: "omit",
        cache: "no-store", referrerPolicy: "no-referrer", redirect: "error",
      });
    } catch (error) {
      throw new RequestError(0, "network", String(error && error.message || error));
    }
    var data = null;
    var type = response.headers.get("Content-Type") || "";
    if (type.indexOf("application/json") === 0) data = await response.json();
    if (!response.ok) {
      throw new RequestError(response.status, data && data.error || "http_" + response.status,
                             data && data.message);
    }
    return data;
  }

  function postJson(url, value) {
    return request("POST", url, JSON.stringify(value), {"Content-Type": "application/json"});
  }

  async function sha256Hex(data) {
    var bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    var digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    return Array.prototype.map.call(digest, function (b) {
      return (b < 16 ? "0" : "") + b.toString(16);
    }).join("");
  }

  /* Fetch a challenge for `scope`, solve it in a worker bound to `binding`. */
  async function proofOfWork(scope, binding, onProgress) {
    var challenge = await request("GET", "/api/v1/pow?scope=" + encodeURIComponent(scope));
    return new Promise(function (resolve, reject) {
      var worker = new Worker("/static/js/pow-worker.js");
      worker.onmessage = function (event) {
        var message = event.data;
        if (message.progress !== undefined) { if (onProgress) onProgress(message.progress); return; }
        worker.terminate();
        if (message.error) { reject(new RequestError(0, "pow_failed", message.error)); return; }
        if (onProgress) onProgress(1);
        resolve({challenge: challenge.challenge, counter: message.counter});
      };
      worker.onerror = function (event) {
        worker.terminate();
        reject(new RequestError(0, "pow_failed", String(event.message)));
      };
      worker.postMessage({challenge: challenge.challenge, binding: binding,
                          difficulty: challenge.difficulty});
    });
  }

  /* The bundle as published, verified against the pinned fingerprint; throws on failure. */
  async function verifiedBundle(fingerprint) {
    await HavenCrypto.ready();
    var doc = await request("GET", "/bundle.json");
    return HavenCrypto.verifyBundle(doc, {fingerprint: fingerprint});
  }

  function showError(id, message) {
    var node = document.getElementById(id);
    if (!node) return;
    node.textContent = message;
    node.hidden = !message;
  }

  root.HavenPage = Object.freeze({
    t: t, request: request, postJson: postJson, sha256Hex: sha256Hex,
    proofOfWork: proofOfWork, verifiedBundle: verifiedBundle, showError: showError,
    RequestError: RequestError,
  });
})(window);
