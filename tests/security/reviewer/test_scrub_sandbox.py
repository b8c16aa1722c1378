"""S15: hostile attachments are converted in a separate, confined process."""

import io
import socket
import subprocess
import sys
import threading

import pypdfium2 as pdfium
import pytest
from PIL import Image

from reviewer.errors import ScrubError
from reviewer.scrub import ScrubLimits, sandbox_features, scrub
from reviewer.scrub.sandbox import sandboxed_command

LIMITS = ScrubLimits(cpu_seconds=30, memory_bytes=1536 * 1024 * 1024, max_pixels=4_000_000,
                     max_pages=5, timeout_seconds=60)


def _jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SecretCamMaker"
    exif[0x0110] = "SecretModel"
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 29.0)}
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "navy").save(out, "JPEG", exif=exif.tobytes(),
                                            comment=b"SecretComment")
    return out.getvalue()


def test_image_is_reencoded_without_metadata():
    original = _jpeg_with_exif()
    assert b"SecretCamMaker" in original
    result = scrub(original, LIMITS)
    assert result.media_type == "image/jpeg"
    for marker in (b"SecretCamMaker", b"SecretModel", b"SecretComment", b"Exif"):
        assert marker not in result.data
    image = Image.open(io.BytesIO(result.data))
    assert image.size == (64, 48)
    assert not image.getexif()
    assert result.parent_sha256 != result.sha256


def test_png_text_chunks_are_dropped():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Secret Person")
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (1, 2, 3, 4)).save(out, "PNG", pnginfo=info)
    result = scrub(out.getvalue(), LIMITS)
    assert result.media_type == "image/png"
    assert b"Secret Person" not in result.data
    assert Image.open(io.BytesIO(result.data)).getpixel((0, 0)) == (1, 2, 3, 4)


def test_pdf_is_rasterised_and_loses_its_text_and_metadata():
    out = io.BytesIO()
    Image.new("RGB", (300, 200), "white").save(out, "PDF", title="Secret Title",
                                               author="Secret Author")
    result = scrub(out.getvalue(), LIMITS)
    assert result.media_type == "application/pdf"
    assert b"Secret Author" not in result.data
    assert b"Secret Title" not in result.data
    assert len(pdfium.PdfDocument(result.data)) == 1


def test_pixel_bomb_is_refused():
    out = io.BytesIO()
    Image.new("1", (4000, 4000)).save(out, "PNG")  # 16 Mpx, tiny file
    with pytest.raises(ScrubError) as refused:
        scrub(out.getvalue(), LIMITS)
    assert refused.value.reason == "too_many_pixels"


def test_too_many_pages_is_refused():
    pages = [Image.new("RGB", (20, 20), "white") for _ in range(7)]
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:])
    with pytest.raises(ScrubError) as refused:
        scrub(out.getvalue(), LIMITS)
    assert refused.value.reason == "too_many_pages"


@pytest.mark.parametrize(("data", "reason"), [
    (b"<svg onload=alert(1)>", "unsupported_type"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "not_an_image"),
    (b"%PDF-1.7\n garbage", "not_a_pdf"),
])
def test_bad_input_gets_a_named_refusal(data, reason):
    with pytest.raises(ScrubError) as refused:
        scrub(data, LIMITS)
    assert refused.value.reason == reason


def test_worker_process_has_no_network():
    if not sandbox_features().network_isolated:
        pytest.skip("unshare is not available here: documented fallback")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    threading.Thread(target=listener.accept, daemon=True).start()
    probe = (f"import socket; s=socket.socket(); s.settimeout(3); "
             f"s.connect(('127.0.0.1', {port})); print('connected')")
    done = subprocess.run(sandboxed_command([sys.executable, "-I", "-c", probe]),
                          capture_output=True, timeout=30, check=False)
    listener.close()
    assert b"connected" not in done.stdout
    assert done.returncode != 0


def test_worker_runs_confined(monkeypatch, tmp_path):
    """The real launch path, with a probe in place of the worker: env, cwd, fds, user."""
    monkeypatch.setenv("HAVEN_SECRET_FOR_TEST", "leak")
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import os, sys, json\n"
        "sys.stdout.write(json.dumps({'env': sorted(os.environ), 'cwd': os.listdir('.'),\n"
        "  'fds': sorted(int(f) for f in os.listdir('/proc/self/fd')), 'argv': sys.argv[1:]}))\n"
    )
    probe.chmod(0o644)
    from reviewer.scrub import sandbox

    monkeypatch.setattr(sandbox, "WORKER", probe)
    import json

    seen = json.loads(sandbox._run_worker("image", b"", LIMITS))
    assert "HAVEN_SECRET_FOR_TEST" not in seen["env"]
    assert set(seen["env"]) <= {"PATH", "LC_ALL", "LC_CTYPE"}
    assert seen["cwd"] == []
    assert max(seen["fds"]) <= 3  # stdin, stdout, stderr and the listing itself
    assert seen["argv"][0] == "image"


def test_worker_confines_itself_before_reading_input():
    """The worker's own confinement step: limits set, then (as root) the nobody user."""
    import json
    import os

    from reviewer.scrub import sandbox

    probe = (
        "import sys, json, os, resource; sys.path.insert(0, sys.argv[1]); import worker; "
        "worker.confine(7, 1073741824); "
        "print(json.dumps({'uid': os.getuid(), 'groups': os.getgroups(), "
        "'cpu': resource.getrlimit(resource.RLIMIT_CPU)[0], "
        "'fsize': resource.getrlimit(resource.RLIMIT_FSIZE)[0], "
        "'nproc': resource.getrlimit(resource.RLIMIT_NPROC)[0], "
        "'core': resource.getrlimit(resource.RLIMIT_CORE)[0]}))"
    )
    done = subprocess.run(
        sandboxed_command([sys.executable, "-I", "-c", probe, str(sandbox.WORKER.parent)]),
        capture_output=True, env=dict(sandbox._CLEAN_ENV), timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["cpu"] == 7
    assert seen["fsize"] == 0
    assert seen["nproc"] == 0
    assert seen["core"] == 0
    if os.getuid() == 0:
        assert seen["uid"] == 65534
        assert seen["groups"] == []
