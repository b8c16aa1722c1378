/* Encrypted attachments: encrypt in the browser (HavenCrypto.prepareAttachment), declare
   the blob (with a proof of work), then PUT each wire chunk with a progress bar. A dropped
   connection is retried with back-off and resumes where the server says it stopped. */
(function (root) {
  "use strict";
  var RETRIES = 8;

  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  function progressRow(container, name) {
    var row = document.createElement("div");
    row.className = "upload-row";
    var label = document.createElement("label");
    var bar = document.createElement("progress");
    bar.max = 100; bar.value = 0;
    label.textContent = name;
    row.appendChild(label); row.appendChild(bar);
    container.appendChild(row);
    return {
      set: function (fraction, text) {
        bar.value = Math.round(fraction * 100);
        label.textContent = text;
      },
    };
  }

  async function putChunk(uploadId, index, chunk, onRetry) {
    var url = "/api/v1/uploads/" + uploadId + "/chunks/" + index;
    for (var attempt = 0; ; attempt++) {
      try {
        await HavenPage.request("PUT", url, chunk, {"Content-Type": "application/octet-stream"});
        return;
      } catch (error) {
        if (error.code === "chunk_out_of_order") {
          var status = await HavenPage.request("GET", "/api/v1/uploads/" + uploadId);
          if (status.complete || status.next_index > index) return;  // it arrived already
        }
        var transient = error.status === 0 || error.status >= 500 || error.status === 429;
        if (!transient || attempt >= RETRIES) throw error;
        if (onRetry) onRetry();
        await sleep(Math.min(30000, 500 * Math.pow(2, attempt)));
      }
    }
  }

  /* Encrypt and upload one file; returns the prepared attachment (manifest entry inside). */
  async function uploadFile(file, name, container) {
    var row = progressRow(container, name);
    var prepared = await HavenCrypto.prepareAttachment(file, {
      name: name, type: file.type || "application/octet-stream",
      onProgress: function (done, total) {
        row.set(0.5 * (total ? done / total : 1), HavenPage.t("uploading", {name: name,
          pct: Math.round(50 * (total ? done / total : 1))}));
      },
    });
    var declaration = prepared.declaration;
    var binding = await HavenPage.sha256Hex(
      declaration.blob_id + ":" + declaration.ct_len + ":" + declaration.chunk_count);
    var proof = await HavenPage.proofOfWork("upload", binding);
    var begun = await HavenPage.postJson("/api/v1/uploads", Object.assign({pow: proof}, declaration));
    var total = declaration.chunk_count + 1;
    await prepared.upload(async function (index, chunk) {
      await putChunk(begun.upload_id, index, chunk, function () {
        row.set(0.5 + 0.5 * index / total, HavenPage.t("retrying"));
      });
      var pct = Math.round(50 + 50 * (index + 1) / total);
      row.set(pct / 100, HavenPage.t("uploading", {name: name, pct: pct}));
    });
    return prepared;
  }

  root.HavenUploader = Object.freeze({uploadFile: uploadFile});
})(window);
