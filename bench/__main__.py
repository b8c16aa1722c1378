"""Run every bench module's ``run() -> list[dict]``, print one table per module and the
summary table (Haven vs its bare baseline, ratios from the same run), and — when all modules
ran — write ``bench/results.md`` with the machine and the date (bench/report.py).

    python -m bench                    # everything (make bench)
    python -m bench intake seal        # only these modules; results.md is left alone
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

import bench
from bench import report

# bench.intake measures one upload size per run (500 MB by default); the summary also wants
# this one, measured in the same run.
EXTRA_UPLOAD_MB = 100


def _table(rows: list[dict]) -> str:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    cells = [[_fmt(row.get(c, "")) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(lines)


def _fmt(value: object) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def module_names() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(bench.__path__)
                  if not m.name.startswith("_") and m.name != "report")


def _run_module(name: str) -> list[dict]:
    module = importlib.import_module(f"bench.{name}")
    rows = module.run()
    upload = getattr(module, "bench_upload", None)
    if name == "intake" and callable(upload) and not any(
            row.get("case") == f"upload {EXTRA_UPLOAD_MB} MB" for row in rows):
        with tempfile.TemporaryDirectory() as workdir:
            rows.insert(1, upload(Path(workdir), EXTRA_UPLOAD_MB))
    return rows


def main(selected: list[str]) -> None:
    unknown = set(selected) - set(module_names())
    if unknown:
        raise SystemExit(f"no such bench module: {', '.join(sorted(unknown))}; "
                         f"choose from {', '.join(module_names())}")
    started = time.perf_counter()
    results: dict[str, list[dict]] = {}
    errors: dict[str, str] = {}
    for name in module_names():
        if selected and name not in selected:
            continue
        print(f"== bench.{name}", flush=True)
        try:
            results[name] = _run_module(name)
        except Exception as exc:  # one broken module must not lose the others' numbers
            traceback.print_exc()
            errors[name] = f"{type(exc).__name__}: {exc}"
            continue
        print(_table(results[name]) if results[name] else "(no rows)")
        print(flush=True)
    summary = report.summary_rows(results)
    print("== summary (Haven vs baseline, same run)")
    print(_table(summary) if summary else "(no rows)")
    if not selected:
        path = report.write_results(results, errors, time.perf_counter() - started)
        print(f"\nwritten: {path}")
    if errors:
        raise SystemExit(f"failed: {', '.join(errors)}")


if __name__ == "__main__":
    main(sys.argv[1:])
