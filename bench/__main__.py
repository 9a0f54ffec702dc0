"""Run the benchmark modules and write BENCHMARKS.md (``make bench``).

``python -m bench`` runs every ``bench_*`` module and rewrites the whole file;
``python -m bench bench_a bench_b`` runs only those and rewrites only their sections,
keeping the others as they were (each section carries its own date, so a partial run
never makes older figures look new). Each section says what its figures were measured
against: a module's ``measured_against()`` when it has one, else ``FALLBACK``.
"""

from __future__ import annotations

import importlib
import pkgutil
import platform
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import bench
from bench import Figure

OUTPUT = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"
SANDBOXES = "the local sandboxes (Facebook, LinkedIn, SuiteCRM) over HTTP on loopback"
# For modules written before sections named their target, and that do not say it.
FALLBACK = {
    "bench_sentiment": "nothing remote: the scorer runs in this process, on tests/sentiment/eval",
}
HEADER = [
    "# Benchmarks",
    "",
    "Written by `make bench` (`python -m bench`); `python -m bench bench_<name> ...`",
    "re-measures only the named modules and rewrites their sections. Each section says",
    "what its figures were measured against and when. Do not edit by hand.",
    "",
]
_OLD_RUN = re.compile(r"^Last run: (.+)$", re.MULTILINE)  # the single-date header before


@dataclass(frozen=True, slots=True)
class Section:
    """One module's figures, as they go into BENCHMARKS.md."""

    module: str
    title: str
    against: str
    run: str
    figures: list[Figure]

    def render(self) -> str:
        lines = [f"## {self.title}", "", f"Measured against {self.against}. Run: {self.run}.",
                 "", "| figure | value | target | how measured |", "|---|---|---|---|"]
        lines += [f"| {f.name} | {f.value} | {f.target} | {f.how} |" for f in self.figures]
        return "\n".join(lines) + "\n"


def module_names() -> list[str]:
    return sorted(info.name for info in pkgutil.iter_modules(bench.__path__)
                  if info.name.startswith("bench_"))


def against(name: str, module: ModuleType) -> str:
    declared = getattr(module, "measured_against", None)
    if callable(declared):
        return str(declared())
    return FALLBACK.get(name, SANDBOXES)


def collect(only: set[str] | None = None) -> list[Section]:
    sections = []
    for name in module_names():
        if only and name not in only:
            continue
        module = importlib.import_module(f"bench.{name}")
        doc = (module.__doc__ or name).strip().splitlines()[0]
        print(f"running {name}: {doc}", file=sys.stderr)
        figures = module.run()
        run = (f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python "
               f"{platform.python_version()}, {platform.machine()}")
        sections.append(Section(name, f"{name}: {doc}", against(name, module), run, figures))
    return sections


def kept_sections(text: str, replaced: set[str]) -> dict[str, str]:
    """The sections of an existing BENCHMARKS.md not re-measured now, by module name
    (modules that no longer exist are dropped). A section from before sections named
    their target gets the line, with the old file's single date."""
    old_run = _OLD_RUN.search(text)
    kept: dict[str, str] = {}
    for chunk in re.split(r"^(?=## )", text, flags=re.MULTILINE)[1:]:
        name = chunk[3:].split(":", 1)[0].strip()
        if name in replaced or name not in module_names():
            continue
        if "\nMeasured against " not in chunk and old_run:
            heading, _, rest = chunk.partition("\n")
            run = old_run.group(1).rstrip(".")
            chunk = (f"{heading}\n\nMeasured against {FALLBACK.get(name, SANDBOXES)}. "
                     f"Run: {run}.\n{rest}")
        kept[name] = chunk.rstrip("\n") + "\n"
    return kept


def render(sections: list[Section], kept: dict[str, str] | None = None) -> str:
    """The whole file: fresh sections and kept ones, in module order."""
    chunks = dict(kept or {})
    chunks.update({section.module: section.render() for section in sections})
    return "\n".join(HEADER) + "\n" + "\n".join(chunks[name] for name in sorted(chunks))


def main(argv: list[str]) -> None:
    only = {a for a in argv if a.startswith("bench_")} or None
    unknown = (only or set()) - set(module_names())
    if unknown:
        raise SystemExit(f"no such benchmark: {', '.join(sorted(unknown))}")
    sections = collect(only)
    kept = (kept_sections(OUTPUT.read_text(encoding="utf-8"), set(only))
            if only and OUTPUT.exists() else {})
    OUTPUT.write_text(render(sections, kept), encoding="utf-8")
    print(f"wrote {OUTPUT.name}" + (f" ({', '.join(sorted(only))} only)" if only else ""),
          file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
