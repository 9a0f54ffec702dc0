"""Run every benchmark module and write BENCHMARKS.md (``make bench``)."""

from __future__ import annotations

import importlib
import pkgutil
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

import bench
from bench import Figure

OUTPUT = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"


def collect(only: set[str] | None = None) -> dict[str, list[Figure]]:
    results: dict[str, list[Figure]] = {}
    for info in sorted(pkgutil.iter_modules(bench.__path__), key=lambda m: m.name):
        if not info.name.startswith("bench_") or (only and info.name not in only):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        doc = (module.__doc__ or info.name).strip().splitlines()[0]
        print(f"running {info.name}: {doc}", file=sys.stderr)
        results[f"{info.name}: {doc}"] = module.run()
    return results


def render(results: dict[str, list[Figure]]) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench`); every figure is measured against the",
        "local sandboxes over HTTP on loopback. Do not edit by hand.",
        "",
        f"Last run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()},"
        f" {platform.machine()}.",
        "",
    ]
    for title, figures in results.items():
        lines += [f"## {title}", "", "| figure | value | target | how measured |"]
        lines.append("|---|---|---|---|")
        lines += [f"| {f.name} | {f.value} | {f.target} | {f.how} |" for f in figures]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    only = {a for a in argv if a.startswith("bench_")} or None
    results = collect(only)
    if only and OUTPUT.exists():
        print("partial run: BENCHMARKS.md left unchanged", file=sys.stderr)
        print(render(results))
        return
    OUTPUT.write_text(render(results), encoding="utf-8")
    print(f"wrote {OUTPUT.name}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
