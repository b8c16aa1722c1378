/* The report form: one page of the form at a time with a progress indicator, everything in
   page memory, nothing sent before "Send"; then encrypt on this device, upload files with a
   progress bar, submit with a proof of work, and show the receipt once. */
(function () {
  "use strict";
  var URGENT_PAGES = ["danger", "situation", "consent", "next", "send"];
  var form, pages, current = 0, urgent = false;

  function $(id) { return document.getElementById(id); }
  function visiblePages() {
    return pages.filter(function (p) { return !urgent || URGENT_PAGES.indexOf(p.dataset.page) >= 0; });
  }

  function show(index, focus) {
    var list = visiblePages();
    current = Math.max(0, Math.min(index, list.length - 1));
    pages.forEach(function (page) { page.hidden = list[current] !== page; });
    document.querySelectorAll(".progress li").forEach(function (li) {
      var active = li.dataset.step === list[current].dataset.page;
      li.classList.toggle("current", active);
      if (active) li.setAttribute("aria-current", "step"); else li.removeAttribute("aria-current");
      li.hidden = urgent && URGENT_PAGES.indexOf(li.dataset.step) < 0;
    });
    $("progress-text").textContent = HavenPage.t("step", {n: current + 1, total: list.length});
    list[current].querySelectorAll(".page-nav .back").forEach(function (b) { b.hidden = current === 0; });
    if (focus) { list[current].querySelector("legend").setAttribute("tabindex", "-1"); list[current].querySelector("legend").focus(); }
  }

  function radioValue(name) {
    var checked = form.querySelector('[name="' + name + '"]:checked');
    return checked ? checked.value : "";
  }

  function updateConditional() {
    var danger = radioValue("danger.danger_now") === "yes";
    $("danger-help").hidden = !danger;
    $("urgent-mode").hidden = !danger;
    $("out-of-scope").hidden = radioValue("un_link.linked") !== "no";
    var notAsked = radioValue("consent.giver") === "not_asked";
    form.querySelectorAll('[data-victim-only="1"]').forEach(function (box) {
      if (notAsked) box.checked = false;
      box.disabled = notAsked;
    });
  }

  function addIncident() {
    var blocks = form.querySelectorAll(".incident");
    var hidden = Array.prototype.find.call(blocks, function (b) { return b.hidden; });
    if (hidden) { hidden.hidden = false; hidden.querySelector("input").focus(); return; }
    var last = blocks[blocks.length - 1];
    var index = blocks.length;
    var copy = last.cloneNode(true);
    copy.dataset.incident = String(index);
    copy.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach(function (node) {
      ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
        var value = node.getAttribute(attr);
        if (value) node.setAttribute(attr, value.replace(/incidents([.-])\d+([.-])/g, "incidents$1" + index + "$2"));
      });
      if (node.type === "checkbox" || node.type === "radio") node.checked = false;
      else if ("value" in node && node.tagName !== "BUTTON") node.value = "";
    });
    copy.querySelector("legend").textContent = last.querySelector("legend").textContent.replace(/\d+/, String(index + 1));
    last.after(copy);
    copy.querySelector("input").focus();
  }

  function fieldError(name, key) {
    form.querySelectorAll(".field-error").forEach(function (n) { if (n.id !== "send-error") n.hidden = true; });
    var id = name.replace(/\./g, "-");
    HavenPage.showError(id + "-error", HavenPage.t(key));
    var target = $(id);
    var page = target && target.closest(".page");
    var list = visiblePages();
    if (page && list.indexOf(page) >= 0) show(list.indexOf(page), false);
    var focusable = target && (target.matches("input, textarea") ? target : target.querySelector("input"));
    if (focusable) focusable.focus();
  }

  function selectedFiles() {
    var files = Array.from($("evidence-files").files || []);
    var audioInput = $("situation-audio");
    if (audioInput && audioInput.files && audioInput.files[0]) files.push(audioInput.files[0]);
    var recording = HavenRecorder.recording();
    if (recording) files.push(new File([recording], "recording.webm", {type: recording.type}));
    return files;
  }

  async function send(event) {
    event.preventDefault();
    var files = selectedFiles();
    var fields = HavenFormFields.collect(form);
    var audio = files.some(function (f) { return /^audio\//.test(f.type); });
    var problem = HavenFormFields.firstProblem(fields, audio);
    if (problem) { fieldError(problem[0], problem[1]); return; }
    var maxFiles = Number(form.dataset.maxFiles), maxFile = Number(form.dataset.maxFile);
    if (files.length > maxFiles) { HavenPage.showError("send-error", HavenPage.t("too_many")); return; }
    if (files.some(function (f) { return f.size > maxFile; })) {
      HavenPage.showError("send-error", HavenPage.t("too_large")); return;
    }
    var button = $("send-button");
    button.disabled = true;
    HavenPage.showError("send-error", "");
    try {
      await submitReport(fields, files);
    } catch (error) {
      button.disabled = false;
      var bundleProblem = error instanceof HavenCrypto.HavenCryptoError && /bundle|fingerprint|subkey/.test(error.code);
      HavenPage.showError("send-error", HavenPage.t(bundleProblem ? "bundle_bad" : "failed"));
    }
  }

  async function submitReport(fields, files) {
    var status = $("bundle-status");
    var bundle = await HavenPage.verifiedBundle(form.dataset.fingerprint);
    status.textContent = HavenPage.t("bundle_ok");
    var receipt = HavenCrypto.generateReceipt();
    var keys = await HavenCrypto.deriveReceiptKeys(receipt.text, form.dataset.instance);
    var prepared = [];
    for (var i = 0; i < files.length; i++) {
      prepared.push(await HavenUploader.uploadFile(files[i], files[i].name, $("upload-progress")));
    }
    var sealed = await HavenCrypto.sealReport(fields, prepared, bundle, keys, {});
    var bar = $("pow-progress");
    bar.hidden = false; $("pow-label").hidden = false;
    var proof = await HavenPage.proofOfWork("submit", await HavenPage.sha256Hex(sealed.envelope),
      function (fraction) { bar.value = Math.round(100 * fraction); });
    await HavenPage.postJson("/api/v1/submissions", {
      envelope: sealed.envelopeB64, lookup_id: keys.lookupIdB64,
      blobs: prepared.map(function (p) { return p.entry.blob_id; }), pow: proof,
    });
    keys.wipe();
    HavenDraft.forget();
    showReceipt(receipt);
  }

  function showReceipt(receipt) {
    form.reset();
    form.remove();
    HavenRecorder.clear();
    document.querySelector(".progress").hidden = true;
    var section = $("receipt");
    $("receipt-value").textContent = receipt.text;
    section.hidden = false;
    var position = 1 + Math.floor(Math.random() * receipt.words.length);
    $("receipt-check-label").textContent = HavenPage.t("check_prompt", {n: position});
    $("receipt-check").addEventListener("submit", function (event) {
      event.preventDefault();
      var typed = $("receipt-check-input").value.trim().toLowerCase();
      var ok = typed === receipt.words[position - 1] || typed === receipt.digits.split(" ")[position];
      $("receipt-check-result").textContent = HavenPage.t(ok ? "check_ok" : "check_bad");
      $("receipt-done").hidden = !ok;
    });
    section.focus();
  }

  function discard() {
    if (!window.confirm(HavenPage.t("discard_confirm"))) return;
    form.reset();
    HavenRecorder.clear();
    HavenDraft.forget();
    window.location.replace("/report");
  }

  document.addEventListener("DOMContentLoaded", function () {
    form = $("report-form");
    if (!form) return;
    document.body.classList.add("js");
    pages = Array.from(form.querySelectorAll(".page"));
    form.querySelectorAll(".page-nav").forEach(function (nav) { nav.hidden = false; });
    form.querySelectorAll(".incident").forEach(function (b, i) { b.hidden = i > 0; });
    $("add-incident").hidden = false;
    $("discard").hidden = false;
    form.addEventListener("click", function (event) {
      if (event.target.matches(".next")) show(current + 1, true);
      if (event.target.matches(".back")) show(current - 1, true);
    });
    form.addEventListener("change", updateConditional);
    $("add-incident").addEventListener("click", addIncident);
    $("urgent-mode").addEventListener("click", function () { urgent = true; show(1, true); });
    $("discard").addEventListener("click", discard);
    form.addEventListener("submit", send);
    document.querySelectorAll(".progress a").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var page = $(link.getAttribute("href").slice(1));
        var index = visiblePages().indexOf(page);
        if (index >= 0) show(index, true);
      });
    });
    updateConditional();
    show(0, false);
  });
})();
