/* The reporter's inbox in the browser: the receipt never leaves this page. Keys are derived
   here (argon2id), only the lookup id is sent (after a proof of work); replies and status
   are opened and their reviewer signatures checked here; the reporter's own events are
   signed with the receipt key, sealed to the reviewers, and chained across visits through a
   head sealed to the reporter's own reply key, kept in the vault (reports.reporter_head). */
(function () {
  "use strict";
  var STATUS_KEYS = ["new", "triaged", "under_verification", "verified", "release_drafted",
                     "released", "held", "closed"];
  var session = null;  // {keys, bundle, view, seq, prevHash} — page memory only

  function $(id) { return document.getElementById(id); }
  function t(key, vars) { return HavenPage.t(key, vars); }
  // The signer's role from the key bundle, named in the page's language (an unknown role
  // from a newer bundle is shown as it is rather than as a missing-string key).
  function roleName(role) {
    var name = t("role_" + role);
    return name === "role_" + role ? role : name;
  }

  function li(parent, text, className) {
    var item = document.createElement("li");
    if (className) item.className = className;
    item.textContent = text;
    parent.appendChild(item);
    return item;
  }

  function openHead(view, keys) {
    if (view.next_seq === 1) return {seq: 1, prevHash: null};
    if (!view.head) throw new Error("chain head missing");
    var sodium = window.sodium;
    var plain = sodium.crypto_box_seal_open(
      sodium.from_base64(view.head, sodium.base64_variants.URLSAFE_NO_PADDING),
      keys.replyPublicKey, keys.replySecretKey);
    var head = JSON.parse(sodium.to_string(plain));
    if (head.seq !== view.next_seq - 1) throw new Error("chain head out of date");
    return {seq: view.next_seq, prevHash: head.event_hash};
  }

  function sealedHead(keys, seq, eventHashHex) {
    var sodium = window.sodium;
    var box = sodium.crypto_box_seal(
      sodium.from_string(HavenCrypto.canonicalJson({event_hash: eventHashHex, seq: seq})),
      keys.replyPublicKey);
    return sodium.to_base64(box, sodium.base64_variants.URLSAFE_NO_PADDING);
  }

  // Every reply opened and its signature checked, then the chain from the first reply
  // present on (earlier ones may have been deleted after they were read, as the Python
  // inbox does); a reply that fails either is shown as unverified.
  function openReplies(view) {
    var opened = view.replies.map(function (reply) {
      try {
        return HavenCrypto.openReviewerEvent(reply.sealed, session.keys, session.bundle,
                                             {reportId: view.report_id});
      } catch (error) {
        return null;
      }
    });
    var good = opened.filter(function (event) { return event !== null; });
    try {
      if (good.length) HavenCrypto.verifyReviewerChain(good, {reportId: view.report_id, fromFirstPresent: true});
    } catch (chainError) {
      return opened.map(function () { return null; });
    }
    return opened;
  }

  // The status copy the vault keeps once the replies were deleted: used when it is newer.
  function statusCopy(view, status) {
    if (!view.status) return status;
    try {
      var event = HavenCrypto.openReviewerEvent(view.status, session.keys, session.bundle,
                                                {reportId: view.report_id});
      var payload = event.payload || {};
      if (event.type === "status" && STATUS_KEYS.indexOf(payload.status) >= 0 &&
          (!status || event.seq > status.seq)) {
        return {seq: event.seq, status: payload.status};
      }
    } catch (error) { /* an unreadable copy is ignored */ }
    return status;
  }

  function render(view) {
    $("inbox-state").textContent = t(view.state === "withdrawn" ? "state_withdrawn" : "state_active");
    $("inbox-readers").textContent = t("readers", {n: view.readers});
    $("replies-deleted").hidden = !view.replies_deleted;
    $("replies-deleted").textContent = view.replies_deleted ? t("replies_deleted", {n: view.replies_deleted}) : "";
    var list = $("inbox-replies");
    list.textContent = "";
    var status = null;
    var opened = openReplies(view);
    view.replies.forEach(function (reply, index) {
      var event = opened[index];
      if (!event) {
        li(list, reply.day + " — " + t("unverified"), "unverified");
        return;
      }
      var payload = event.payload || {};
      if (event.type === "status" && STATUS_KEYS.indexOf(payload.status) >= 0) status = {seq: event.seq, status: payload.status};
      var item = li(list, reply.day + " — " + t("verified") + " (" + roleName(event.signer.role) + ")", "verified");
      if (event.type === "withdrawal_ack") {
        var ack = document.createElement("strong");
        ack.textContent = " " + t("ack");
        item.appendChild(ack);
      }
      var text = payload.text || payload.message || payload.status || "";
      if (text) {
        var body = document.createElement("p");
        var bdi = document.createElement("bdi");
        bdi.textContent = text;
        body.appendChild(bdi);
        item.appendChild(body);
      }
    });
    status = statusCopy(view, status);
    $("inbox-status").textContent = status ? t("status", {status: status.status.replace(/_/g, " ")}) : t("no_status");
    var active = view.state === "active";
    ["message-form", "file-form", "consent-form", "withdraw-all"].forEach(function (id) { $(id).hidden = !active; });
  }

  async function openInbox(event) {
    event.preventDefault();
    HavenPage.showError("receipt-error", "");
    var form = $("receipt-form");
    var input = $("receipt");
    try {
      var bundle = await HavenPage.verifiedBundle(form.dataset.fingerprint);
      var keys = await HavenCrypto.deriveReceiptKeys(input.value, form.dataset.instance);
      var bar = $("pow-progress");
      bar.hidden = false; $("pow-label").hidden = false;
      var proof = await HavenPage.proofOfWork("receipt", await HavenPage.sha256Hex(keys.lookupId),
        function (fraction) { bar.value = Math.round(100 * fraction); });
      var view = await HavenPage.postJson("/api/v1/inbox", {lookup_id: keys.lookupIdB64, pow: proof});
      input.value = "";
      form.hidden = true;
      session = {keys: keys, bundle: bundle, view: view, seq: null, prevHash: null};
      render(view);
      try {
        var position = openHead(view, keys);
        session.seq = position.seq;
        session.prevHash = position.prevHash;
      } catch (headError) {
        // Replies stay readable; only adding to the chain needs its head.
        ["message-form", "file-form", "consent-form", "withdraw-all"].forEach(function (id) { $(id).hidden = true; });
        $("inbox-result").textContent = t("head_missing");
      }
      $("inbox").hidden = false;
      $("inbox").focus();
    } catch (error) {
      var bundleProblem = error instanceof HavenCrypto.HavenCryptoError && /bundle|fingerprint|subkey/.test(error.code);
      HavenPage.showError("receipt-error", t(bundleProblem ? "bundle_bad" : "unknown"));
      $("receipt").focus();
    }
  }

  // Burn my receipt (S6): the signed receipt_burned event; the server then removes the
  // receipt lookup, the replies and the status. Nothing of the report is kept on this page.
  async function burnReceipt() {
    var sealed = await HavenCrypto.sealEvent("receipt_burned", {day: today()}, {
      reportId: session.view.report_id, seq: session.seq, prevEventHash: session.prevHash,
      bundle: session.bundle, receiptKeys: session.keys,
    });
    await HavenPage.postJson("/api/v1/inbox/burn", {
      lookup_id: session.keys.lookupIdB64, envelope: sealed.envelopeB64, seq: session.seq,
    });
    session = null;
    var inbox = $("inbox");
    Array.prototype.forEach.call(inbox.children, function (child) { child.hidden = true; });
    var done = $("inbox-result");
    done.hidden = false;
    done.textContent = t("burned");

  }

  async function sendEvent(type, payload, withdraw, blobIds) {
    var sealed = await HavenCrypto.sealEvent(type, payload, {
      reportId: session.view.report_id, seq: session.seq, prevEventHash: session.prevHash,
      bundle: session.bundle, receiptKeys: session.keys,
    });
    await HavenPage.postJson("/api/v1/inbox/events", {
      lookup_id: session.keys.lookupIdB64, envelope: sealed.envelopeB64, seq: session.seq,
      head: sealedHead(session.keys, session.seq, sealed.eventHashHex), withdraw_report: !!withdraw,
      blobs: blobIds || [],
    });
    session.prevHash = sealed.eventHashHex;
    session.seq += 1;
  }

  function today() { return new Date().toISOString().slice(0, 10); }

  async function guarded(action, doneKey) {
    try {
      await action();
      $("inbox-result").textContent = t(doneKey);
    } catch (error) {
      $("inbox-result").textContent = t("failed");
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = $("receipt-form");
    if (!form) return;
    form.addEventListener("submit", openInbox);
    $("message-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var text = $("message").value.trim();
      if (!text) return;
      guarded(async function () {
        await sendEvent("message", {text: text, day: today()});
        $("message").value = "";
      }, "sent");
    });
    $("file-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var file = $("added-file").files[0];
      if (!file) return;
      guarded(async function () {
        // Encrypted and uploaded first; the signed file_added event then carries the entry
        // (key, hash, name) so reviewers can check the blob, and attaches it (SPEC §4.2).
        var prepared = await HavenUploader.uploadFile(file, file.name, $("added-file-progress"));
        await sendEvent("file_added", {attachments: [prepared.entry]}, false,
                        [prepared.declaration.blob_id]);
        $("added-file").value = "";
      }, "file_sent");
    });
    $("consent-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var scopes = {};
      $("consent-form").querySelectorAll("input[name^='scope-']:checked").forEach(function (input) {
        if (input.value) scopes[input.name.replace(/^scope-/, "")] = input.value;
      });
      var givenBy = $("consent-form").querySelector("input[name='given_by']:checked").value;
      if (!Object.keys(scopes).length) return;
      guarded(function () {
        // A grant by someone other than the person targeted, their family or guardian counts
        // for nothing at the release gate (SPEC §6.3); withdrawals count whoever makes them.
        return sendEvent("consent_change", {scopes: scopes, given_by: givenBy,
          risks_explained: false, day: today(), how: "inbox"});
      }, "sent");
    });
    $("burn-start").addEventListener("click", function () {
      $("burn-panel").hidden = false;
      $("burn-start").setAttribute("aria-expanded", "true");
      $("burn-confirm").focus();
    });
    $("burn-cancel").addEventListener("click", function () {
      $("burn-panel").hidden = true;
      $("burn-start").setAttribute("aria-expanded", "false");
      $("burn-start").focus();
    });
    $("burn-confirm").addEventListener("click", async function () {
      try {
        await burnReceipt();
      } catch (error) {
        $("inbox-result").textContent = t("failed");
      }
    });
    $("withdraw-all").addEventListener("click", function () {
      if (!window.confirm(t("withdraw_confirm"))) return;
      guarded(async function () {
        await sendEvent("withdrawal", {day: today()}, true);
        session.view.state = "withdrawn";
        render(session.view);
      }, "withdrawn");
    });
  });
})();
