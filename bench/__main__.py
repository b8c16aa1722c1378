"""Run every bench module's ``run() -> list[dict]`` and print one table per module."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import bench


def _table(rows: list[dict]) -> str:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    cells = [[_fmt(row.get(c, "")) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(lines)


def _fmt(value: object) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def main(selected: list[str]) -> None:
    names = [m.name for m in pkgutil.iter_modules(bench.__path__) if not m.name.startswith("_")]
    for name in sorted(names):
        if selected and name not in selected:
            continue
        rows = importlib.import_module(f"bench.{name}").run()
        print(f"== bench.{name}")
        print(_table(rows) if rows else "(no rows)")
        print()


if __name__ == "__main__":
    main(sys.argv[1:])
