"""Bounded atheris runs of the two parser harnesses (CI: a few thousand iterations or ~20 s
each; run the harnesses directly for longer, see their docstrings).

Each run starts from real seeds (the envelopes of vault/testdata, a signed release and a
tombstone), so mutations explore the parsers' deep paths, not only the length checks.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
RUNS = "-runs=100000"
TIME_CAP = "-max_total_time=20"


def _run(harness: str, corpus: Path) -> str:
    result = subprocess.run(
        [sys.executable, str(HERE / harness), RUNS, TIME_CAP, "-timeout=10",
         "-rss_limit_mb=1024", f"-artifact_prefix={corpus.parent}/", str(corpus)],
        capture_output=True, text=True, timeout=120, cwd=ROOT, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "Done" in output, output[-2000:]
    return output


def test_envelope_parser_survives_fuzzing(tmp_path):
    subprocess.run([sys.executable, str(HERE / "fuzz_envelope.py"), "--write-seeds",
                    str(tmp_path)], check=True, capture_output=True, timeout=60)
    assert len(list(tmp_path.iterdir())) >= 10
    _run("fuzz_envelope.py", tmp_path)


def test_release_package_checks_survive_fuzzing(tmp_path):
    subprocess.run([sys.executable, str(HERE / "fuzz_release_package.py"), "--write-seeds",
                    str(tmp_path)], check=True, capture_output=True, timeout=60)
    assert len(list(tmp_path.iterdir())) == 2
    _run("fuzz_release_package.py", tmp_path)
