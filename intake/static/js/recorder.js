/* Audio recording as a full alternative to typing: recorded in page memory with
   MediaRecorder, played back from a blob: URL, encrypted and sent like a file. */
(function (root) {
  "use strict";
  var state = {recorder: null, chunks: [], blob: null, url: null};

  function setup() {
    var box = document.getElementById("recorder");
    if (!box || !root.MediaRecorder || !navigator.mediaDevices) return;
    box.hidden = false;
    var start = document.getElementById("record-start");
    var stop = document.getElementById("record-stop");
    var discard = document.getElementById("record-discard");
    var status = document.getElementById("record-status");
    var playback = document.getElementById("record-playback");
    start.addEventListener("click", async function () {
      try {
        var stream = await navigator.mediaDevices.getUserMedia({audio: true});
        state.chunks = [];
        state.recorder = new MediaRecorder(stream);
        state.recorder.ondataavailable = function (e) { if (e.data.size) state.chunks.push(e.data); };
        state.recorder.onstop = function () {
          stream.getTracks().forEach(function (track) { track.stop(); });
          state.blob = new Blob(state.chunks, {type: state.recorder.mimeType || "audio/webm"});
          if (state.url) URL.revokeObjectURL(state.url);
          state.url = URL.createObjectURL(state.blob);
          playback.src = state.url; playback.hidden = false;
          status.textContent = HavenPage.t("recorded");
          discard.disabled = false;
        };
        state.recorder.start();
        start.disabled = true; stop.disabled = false;
        status.textContent = HavenPage.t("recording");
      } catch (error) {
        status.textContent = HavenPage.t("no_mic");
      }
    });
    stop.addEventListener("click", function () {
      if (state.recorder && state.recorder.state !== "inactive") state.recorder.stop();
      start.disabled = false; stop.disabled = true;
    });
    discard.addEventListener("click", function () { clear(); status.textContent = ""; });
  }

  function clear() {
    if (state.url) URL.revokeObjectURL(state.url);
    state.blob = null; state.url = null; state.chunks = [];
    var playback = document.getElementById("record-playback");
    if (playback) { playback.removeAttribute("src"); playback.hidden = true; }
  }

  root.HavenRecorder = Object.freeze({
    recording: function () { return state.blob; },
    clear: clear,
  });
  document.addEventListener("DOMContentLoaded", setup);
})(window);
