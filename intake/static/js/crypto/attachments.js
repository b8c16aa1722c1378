/*
 * HavenCrypto: attachments as secretstreams, read from a File/Blob slice by slice in
 * constant memory (vault/SPEC.md §4.6; S2, S5, S8), byte-compatible with
 * vault.attachments.AttachmentSealer:
 *
 *   await prepareAttachment(file, {name, type, onProgress})
 *       → {entry, declaration, upload(onChunk, {onProgress}), wipe()}
 *     Pass 1 encrypts and hashes without keeping any ciphertext, so blob_id is known
 *     before the upload starts (POST /api/v1/uploads needs it). upload() runs pass 2: the
 *     same key and stream header give the identical ciphertext, handed wire chunk by wire
 *     chunk to `await onChunk(index, bytes)` (index 0 = 24-byte stream header).
 *   await sealAttachment(file, {onChunk, name, type, onProgress}) → {entry, declaration}
 *     One pass, for a receiver that learns blob_id after the last chunk.
 *   streamLayout(size) → {padded, chunkCount, ctLen}
 *   checkManifestEntry(entry) → entry (fields_malformed)
 *
 * The file is padded with zeros to its Padmé length inside the stream; the real size,
 * name, type and SHA-256 go only into the encrypted manifest entry.
 * Browser-only error codes: file_too_large, file_unreadable; a file that changes between
 * the two passes gives manifest_mismatch.
 */
(function (root) {
  "use strict";
  var HC = root.HavenCrypto;
  var _ = HC._;

  var CHUNK = HC.CHUNK_SIZE;
  var WINDOW = 16 * CHUNK; // bytes read from the file at once
  var HEADER = 24;
  var ABYTES = 17;
  var ENTRY_FIELDS = ["blob_id", "chunk_count", "ct_len", "key", "name", "sha256", "size", "type"];
  var HEX64 = /^[0-9a-f]{64}$/;

  function streamLayout(size) {
    if (!Number.isSafeInteger(size) || size < 0 || size > HC.MAX_FILE_SIZE) {
      _.fail("file_too_large", "an attachment is 0 to " + HC.MAX_FILE_SIZE + " bytes");
    }
    var padded = HC.padme(size);
    var count = Math.max(1, Math.ceil(padded / CHUNK));
    return { padded: padded, chunkCount: count, ctLen: HEADER + padded + ABYTES * count };
  }

  function checkManifestEntry(entry) {
    var bad = function (why) { _.fail("fields_malformed", "malformed manifest entry: " + why); };
    if (!entry || typeof entry !== "object" || Array.isArray(entry)) bad("not an object");
    var names = Object.keys(entry).sort();
    if (names.join() !== ENTRY_FIELDS.join()) bad("unexpected manifest entry fields");
    ["ct_len", "chunk_count", "size"].forEach(function (n) {
      if (!Number.isSafeInteger(entry[n]) || entry[n] < 0) bad(n + " is a non-negative integer");
    });
    if (!HEX64.test(entry.blob_id) || !HEX64.test(entry.sha256)) bad("blob_id and sha256 are 64 lowercase hex digits");
    if (_.fromB64(entry.key, "fields_malformed").length !== 32) bad("key is 32 bytes");
    if (typeof entry.name !== "string" || typeof entry.type !== "string") bad("name and type are strings");
    return entry;
  }

  // Reads [start, end) of the file through a window of WINDOW bytes; chunks never straddle.
  function FileWindow(file) {
    this.file = file;
    this.start = 0;
    this.bytes = new Uint8Array(0);
  }
  FileWindow.prototype.read = async function (start, end) {
    if (start < this.start || end > this.start + this.bytes.length) {
      var stop = Math.min(this.file.size, start + WINDOW);
      var buffer;
      try {
        buffer = await this.file.slice(start, stop).arrayBuffer();
      } catch (e) {
        _.fail("file_unreadable", "the file could not be read: " + (e && e.name));
      }
      if (buffer.byteLength !== stop - start) _.fail("manifest_mismatch", "the file changed while it was read");
      this.start = start;
      this.bytes = new Uint8Array(buffer);
    }
    return this.bytes.subarray(start - this.start, end - this.start);
  };

  // BLAKE2b-256 of the blob: libsodium's where it runs on wasm; without wasm its pure-JS
  // build is far slower than blake2b.js (see there), so that one is used instead.
  function blobHasher() {
    var s = _.S();
    if (HC.backend() === "wasm") {
      var state = s.crypto_generichash_init(null, 32);
      return {
        update: function (bytes) { s.crypto_generichash_update(state, bytes); },
        final: function () { return s.crypto_generichash_final(state, 32); },
      };
    }
    var js = HC.blake2bInit(32);
    return {
      update: function (bytes) { HC.blake2bUpdate(js, bytes); },
      final: function () { return HC.blake2bFinal(js); },
    };
  }

  // Encrypt the whole file once with `state`, calling onChunk(index, ciphertext) per chunk.
  // hashPlaintext false: skip the SHA-256 (pass 2, whose equal blob id already proves the
  // same plaintext under the same key and stream header); it is a third of the work without wasm.
  async function runStream(file, size, header, state, onChunk, onProgress, hashPlaintext) {
    var s = _.S();
    var layout = streamLayout(size);
    var blobHash = blobHasher();
    var fileHash = hashPlaintext === false ? null : s.crypto_hash_sha256_init();
    var reader = new FileWindow(file);
    blobHash.update(header);
    if (onChunk) await onChunk(0, header);
    for (var i = 1; i <= layout.chunkCount; i++) {
      var start = (i - 1) * CHUNK;
      var end = Math.min(i * CHUNK, layout.padded);
      var plain = new Uint8Array(end - start);
      if (start < size) {
        var real = await reader.read(start, Math.min(end, size));
        plain.set(real);
        if (fileHash) s.crypto_hash_sha256_update(fileHash, real);
      }
      var tag = i === layout.chunkCount
        ? s.crypto_secretstream_xchacha20poly1305_TAG_FINAL
        : s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
      var cipher = s.crypto_secretstream_xchacha20poly1305_push(state, plain, null, tag);
      plain.fill(0);
      blobHash.update(cipher);
      if (onChunk) await onChunk(i, cipher);
      if (onProgress) onProgress(Math.min(end, size), size);
    }
    return {
      blobId: _.toHex(blobHash.final()),
      sha256: fileHash ? _.toHex(s.crypto_hash_sha256_final(fileHash)) : null,
      layout: layout,
    };
  }

  function describe(file, options) {
    if (!file || typeof file.slice !== "function" || typeof file.size !== "number") {
      throw new TypeError("an attachment is a File or Blob");
    }
    var opts = options || {};
    var name = opts.name !== undefined ? opts.name : (file.name || "attachment");
    var type = opts.type !== undefined ? opts.type : (file.type || "application/octet-stream");
    if (typeof name !== "string" || typeof type !== "string") throw new TypeError("name and type are strings");
    streamLayout(file.size);
    return { name: name.normalize("NFC"), type: type, size: file.size };
  }

  function makeEntry(meta, key, result) {
    var entry = {
      blob_id: result.blobId, ct_len: result.layout.ctLen, chunk_count: result.layout.chunkCount,
      key: _.toB64(key), sha256: result.sha256, name: meta.name, type: meta.type, size: meta.size,
    };
    return {
      entry: entry,
      declaration: { blob_id: entry.blob_id, ct_len: entry.ct_len, chunk_count: entry.chunk_count },
    };
  }

  async function sealAttachment(file, options) {
    var opts = options || {};
    if (typeof opts.onChunk !== "function") throw new TypeError("sealAttachment needs onChunk(index, bytes)");
    var meta = describe(file, opts);
    var s = _.S();
    var key = s.crypto_secretstream_xchacha20poly1305_keygen();
    var pushed = s.crypto_secretstream_xchacha20poly1305_init_push(key);
    var result = await runStream(file, meta.size, pushed.header, pushed.state, opts.onChunk, opts.onProgress);
    return makeEntry(meta, key, result);
  }

  async function prepareAttachment(file, options) {
    var opts = options || {};
    var meta = describe(file, opts);
    var s = _.S();
    var key = s.crypto_secretstream_xchacha20poly1305_keygen();
    var pushed = s.crypto_secretstream_xchacha20poly1305_init_push(key);
    var header = pushed.header;
    var first = await runStream(file, meta.size, header, pushed.state, null, opts.onProgress);
    var made = makeEntry(meta, key, first);
    return {
      entry: made.entry,
      declaration: made.declaration,
      upload: async function (onChunk, uploadOptions) {
        if (typeof onChunk !== "function") throw new TypeError("upload needs onChunk(index, bytes)");
        // init_pull with our own header sets the very state init_push made: same ciphertext.
        var state = s.crypto_secretstream_xchacha20poly1305_init_pull(header, key);
        var again = await runStream(file, meta.size, header, state, onChunk,
          (uploadOptions || {}).onProgress, false);
        if (again.blobId !== first.blobId) {
          _.fail("manifest_mismatch", "the file changed after it was prepared");
        }
      },
      wipe: function () { key.fill(0); },
    };
  }

  _.register("attachments", {
    prepareAttachment: prepareAttachment,
    sealAttachment: sealAttachment,
    streamLayout: streamLayout,
    checkManifestEntry: checkManifestEntry,
  });
})(self);
