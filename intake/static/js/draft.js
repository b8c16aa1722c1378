/* Opt-in draft on this device (S11): only when the reporter asks, the form's answers (not
   files) are encrypted under a passphrase — PBKDF2-SHA-256 (600,000 rounds) and AES-256-GCM
   from WebCrypto, native in every browser mode — and kept in localStorage until they resume,
   delete it or send the report (the submission's Clear-Site-Data then wipes it). */
(function (root) {
  "use strict";
  var KEY = "haven-draft";
  var ROUNDS = 600000;

  function b64(bytes) { return btoa(String.fromCharCode.apply(null, new Uint8Array(bytes))); }
  function unb64(text) { return Uint8Array.from(atob(text), function (c) { return c.charCodeAt(0); }); }

  async function keyFrom(passphrase, salt) {
    var material = await crypto.subtle.importKey("raw", new TextEncoder().encode(passphrase),
                                                 "PBKDF2", false, ["deriveKey"]);
    return crypto.subtle.deriveKey({name: "PBKDF2", hash: "SHA-256", salt: salt, iterations: ROUNDS},
                                   material, {name: "AES-GCM", length: 256}, false,
                                   ["encrypt", "decrypt"]);
  }

  function snapshot(form) {
    var values = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file") return;
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) values.push([el.name, el.value, true]);
      } else if (el.value) {
        values.push([el.name, el.value, false]);
      }
    });
    return values;
  }

  function restore(form, values) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.type === "radio" || el.type === "checkbox") el.checked = false;
    });
    values.forEach(function (entry) {
      var nodes = form.querySelectorAll('[name="' + CSS.escape(entry[0]) + '"]');
      nodes.forEach(function (el) {
        if (entry[2]) { if (el.value === entry[1]) el.checked = true; }
        else el.value = entry[1];
      });
    });
    form.dispatchEvent(new Event("change"));
  }

  async function save(form, passphrase) {
    var salt = crypto.getRandomValues(new Uint8Array(16));
    var iv = crypto.getRandomValues(new Uint8Array(12));
    var key = await keyFrom(passphrase, salt);
    var plain = new TextEncoder().encode(JSON.stringify(snapshot(form)));
    var sealed = await crypto.subtle.encrypt({name: "AES-GCM", iv: iv}, key, plain);
    localStorage.setItem(KEY, JSON.stringify({v: 1, salt: b64(salt), iv: b64(iv), ct: b64(sealed)}));
  }

  async function resume(form, passphrase) {
    var stored = JSON.parse(localStorage.getItem(KEY));
    var key = await keyFrom(passphrase, unb64(stored.salt));
    var plain = await crypto.subtle.decrypt({name: "AES-GCM", iv: unb64(stored.iv)}, key,
                                            unb64(stored.ct));
    restore(form, JSON.parse(new TextDecoder().decode(plain)));
  }

  function forget() { localStorage.removeItem(KEY); }
  function exists() { try { return localStorage.getItem(KEY) !== null; } catch (e) { return false; } }

  function wire() {
    var form = document.getElementById("report-form");
    var box = document.getElementById("draft");
    if (!form || !box) return;
    box.hidden = false;
    var status = document.getElementById("draft-status");
    var passphrase = document.getElementById("draft-passphrase");
    var resumeButton = document.getElementById("draft-resume");
    var forgetButton = document.getElementById("draft-forget");
    function refresh() { resumeButton.hidden = forgetButton.hidden = !exists(); }
    document.getElementById("draft-save").addEventListener("click", async function () {
      if (passphrase.value.length < 8) { status.textContent = HavenPage.t("draft_short"); return; }
      await save(form, passphrase.value);
      passphrase.value = "";
      status.textContent = HavenPage.t("draft_saved");
      refresh();
    });
    resumeButton.addEventListener("click", async function () {
      try {
        await resume(form, passphrase.value);
        status.textContent = HavenPage.t("draft_resumed");
      } catch (error) {
        status.textContent = HavenPage.t("draft_wrong");
      }
      passphrase.value = "";
    });
    forgetButton.addEventListener("click", function () {
      forget();
      status.textContent = HavenPage.t("draft_deleted");
      refresh();
    });
    refresh();
  }

  root.HavenDraft = Object.freeze({forget: forget, exists: exists});
  document.addEventListener("DOMContentLoaded", wire);
})(window);
