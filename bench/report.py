"""The benchmark summary table (Haven next to its bare baseline, measured in the same run)
and ``bench/results.md``, stamped with the machine and the date.

Each ``bench/<module>.py`` returns its own rows; ``summary_rows`` turns the rows it knows
into one line per comparison — what Haven does, what the bare baseline does, and their ratio
with the direction that is better — and ``write_results`` writes the summary, the machine
and every module's full table. A module whose rows change shape still gets its full table;
its summary line then says the rows were not recognised instead of guessing.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sqlite3
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).with_name("results.md")
Rows = list[dict[str, Any]]


def fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"  # noqa: PLR2004
    return "—" if value is None else str(value)


def table(rows: Rows) -> str:
    """A GitHub-flavoured Markdown table of the rows (columns in first-seen order)."""
    if not rows:
        return "(no rows)"
    columns = list(dict.fromkeys(key for row in rows for key in row))
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        cells = [fmt(row.get(column, "")).replace("|", "\\|") for column in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _line(benchmark: str, haven: str, baseline: str, ratio: float | None, better: str) -> dict:
    return {"benchmark": benchmark, "Haven": haven, "baseline": baseline,
            "ratio (Haven / baseline)": ratio, "better": better}


def _by(rows: Rows, key: str, value: str) -> dict[str, Any] | None:
    return next((row for row in rows if row.get(key) == value), None)


def _intake(rows: Rows) -> Rows:
    out = []
    row = _by(rows, "case", "submissions")
    if row:
        out.append(_line("intake submissions/s (vs bare Flask + SQLite insert of the same bytes)",
                         f"{row['intake_per_s']:.1f}/s", f"{row['bare_flask_sqlite_per_s']:.1f}/s",
                         row["ratio"], "higher"))
    for row in rows:
        if str(row.get("case", "")).startswith("upload"):
            out.append(_line(f"{row['case']}: peak RSS (vs writing the same bytes to disk)",
                             f"{row['intake_peak_rss_MB']:.0f} MB",
                             f"{row['bare_write_peak_rss_MB']:.0f} MB", row["ratio"], "lower"))
            out.append(_line(f"{row['case']}: throughput", f"{row['intake_MB_s']:.1f} MB/s",
                             f"{row['bare_MB_s']:.1f} MB/s",
                             row["intake_MB_s"] / row["bare_MB_s"], "higher"))
    return out


def _seal(rows: Rows) -> Rows:
    return [_line(f"seal {row['case']} (vs raw crypto_box_seal)", f"{row['haven_s']:.3f} s",
                  f"{row['raw_box_seal_s']:.3f} s", row["ratio"], "lower")
            for row in rows if {"haven_s", "raw_box_seal_s", "ratio"} <= row.keys()]


def _decrypt(rows: Rows) -> Rows:
    raw = _by(rows, "case", "raw_pynacl")
    out = []
    for case in ("open_checked", "open_and_render"):
        row = _by(rows, "case", case)
        if raw and row:
            out.append(_line(f"reviewer decrypt: {case} (vs raw PyNaCl open)",
                             f"{row['reports_per_second']:.0f}/s",
                             f"{raw['reports_per_second']:.0f}/s", row["relative_to_raw"],
                             "higher"))
    return out


def _receipts(rows: Rows) -> Rows:
    small, large = rows[0] if rows else None, rows[1] if len(rows) > 1 else None
    if not (small and large and "median_ms" in small):
        return []
    return [_line("receipt lookup at 100,000 vs 1,000 reports (median; must be flat)",
                  f"{large['median_ms']:.3f} ms", f"{small['median_ms']:.3f} ms",
                  large["median_ms"] / small["median_ms"], "≈ 1")]


def _search(rows: Rows) -> Rows:
    haven, plain = _by(rows, "query", "casebase search"), _by(rows, "query", "plain indexed SQL")
    if not (haven and plain):
        return []
    return [_line(f"case base search p95 at {haven['records']:,} records "
                  f"(vs a plain indexed query, {haven['backend']})",
                  f"{haven['p95_ms']:.1f} ms", f"{plain['p95_ms']:.1f} ms",
                  haven["p95_ms"] / plain["p95_ms"], "lower")]


def _redaction(rows: Rows) -> Rows:
    out = []
    for label in ("DIRECT (gate ≥ 99%)", "OTHER (gate ≥ 90%)", "ALL"):
        row = _by(rows, "type", label)
        if row and row.get("recall") is not None:
            out.append(_line(f"redaction recall, {label} ({row['entities']} entities)",
                             f"{100 * row['recall']:.1f}%", "gate" if "gate" in label else "—",
                             None, "higher"))
    return out


SUMMARISERS: Mapping[str, Callable[[Rows], Rows]] = {
    "intake": _intake, "seal": _seal, "reviewer_decrypt": _decrypt,
    "receipt_lookup": _receipts, "casebase_search": _search, "redaction": _redaction,
}


def summary_rows(results: Mapping[str, Rows]) -> Rows:
    out: Rows = []
    for name, rows in results.items():
        summarise = SUMMARISERS.get(name)
        try:
            lines = summarise(rows) if summarise else []
        except (KeyError, TypeError, ZeroDivisionError):
            lines = []
        out += lines or [_line(f"{name}: see its table below", "—", "—", None, "—")]
    return out


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {"date (UTC)": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
            "host": platform.node(), "os": platform.platform(), "cpu": cpu,
            "cores": str(os.cpu_count()), "memory": memory,
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "load average": " ".join(f"{x:.2f}" for x in os.getloadavg())}


def render(results: Mapping[str, Rows], errors: Mapping[str, str], seconds: float) -> str:
    info = machine()
    parts = ["# Haven benchmarks", "",
             "Written by `make bench` (`python -m bench`). Every ratio compares Haven with its "
             "bare baseline measured in the same run on the same machine; absolute numbers "
             "move with the machine and its load, the ratios much less.", "",
             "## Machine", "", *(f"- {key}: {value}" for key, value in info.items()),
             f"- total run time: {seconds:.0f} s", "", "## Summary", "",
             table(summary_rows(results)), ""]
    for name, message in errors.items():
        parts += [f"**bench.{name} failed:** {message}", ""]
    for name, rows in results.items():
        parts += [f"## bench.{name}", "", table(rows), ""]
    return "\n".join(parts)


def write_results(results: Mapping[str, Rows], errors: Mapping[str, str], seconds: float,
                  path: Path = RESULTS) -> Path:
    path.write_text(render(results, errors, seconds), "utf-8")
    return path
