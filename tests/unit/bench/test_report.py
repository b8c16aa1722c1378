"""bench/report.py: the summary table and bench/results.md from module rows."""

from __future__ import annotations

import importlib.util
from pathlib import Path

# bench/ is a directory of scripts run with `python -m bench`, not an installed package.
_SPEC = importlib.util.spec_from_file_location(
    "bench_report", Path(__file__).resolve().parents[3] / "bench" / "report.py")
assert _SPEC is not None
assert _SPEC.loader is not None
report = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(report)

RESULTS = {
    "intake": [
        {"case": "submissions", "n": 200, "intake_per_s": 150.0,
         "bare_flask_sqlite_per_s": 600.0, "ratio": 0.25},
        {"case": "upload 100 MB", "n": 1, "intake_peak_rss_MB": 60.0,
         "bare_write_peak_rss_MB": 30.0, "ratio": 2.0, "intake_MB_s": 40.0, "bare_MB_s": 80.0},
    ],
    "receipt_lookup": [
        {"case": "receipt lookup at 1,000 reports", "n": 400, "median_ms": 0.2, "p95_ms": 1.0},
        {"case": "receipt lookup at 100,000 reports", "n": 400, "median_ms": 0.22,
         "p95_ms": 1.1},
    ],
    "casebase_search": [
        {"backend": "sqlite", "records": 100000, "query": "casebase search", "p50_ms": 5.0,
         "p95_ms": 9.0},
        {"backend": "sqlite", "records": 100000, "query": "plain indexed SQL", "p50_ms": 1.0,
         "p95_ms": 3.0},
    ],
    "newcomer": [{"something": 1}],
}


def test_summary_pairs_haven_with_its_baseline():
    rows = {row["benchmark"]: row for row in report.summary_rows(RESULTS)}
    submissions = next(v for k, v in rows.items() if k.startswith("intake submissions"))
    assert submissions["ratio (Haven / baseline)"] == 0.25
    assert submissions["better"] == "higher"
    memory = next(v for k, v in rows.items() if "upload 100 MB: peak RSS" in k)
    assert (memory["Haven"], memory["baseline"], memory["better"]) == ("60 MB", "30 MB", "lower")
    lookup = next(v for k, v in rows.items() if k.startswith("receipt lookup"))
    assert abs(lookup["ratio (Haven / baseline)"] - 1.1) < 1e-9
    search = next(v for k, v in rows.items() if k.startswith("case base search"))
    assert search["ratio (Haven / baseline)"] == 3.0
    assert "newcomer: see its table below" in rows


def test_a_changed_row_shape_is_reported_not_guessed():
    rows = report.summary_rows({"intake": [{"case": "submissions", "n": 1}]})
    assert rows[0]["benchmark"] == "intake: see its table below"


def test_results_file_has_machine_summary_and_every_table(tmp_path):
    path = report.write_results(RESULTS, {"seal": "RuntimeError: boom"}, 12.0,
                                path=tmp_path / "results.md")
    text = path.read_text()
    assert "## Machine" in text
    assert "- date (UTC): " in text
    assert "- cores: " in text
    assert "## Summary" in text
    assert "**bench.seal failed:** RuntimeError: boom" in text
    for name in RESULTS:
        assert f"## bench.{name}" in text
    assert "| receipt lookup at 100,000 reports | 400 | 0.22 | 1.1 |" in text
