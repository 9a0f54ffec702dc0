"""Sentiment of comments in English, Russian and Chinese: accuracy, recall and speed

Accuracy is 3-class (negative, neutral, positive; "mixed" counts as neutral, its score
being inside the neutral band) on the labelled comments in tests/sentiment/eval/. Two
sets per language: the evaluation set ({lang}.tsv and more_{lang}.tsv), which the
lexicons were improved on, and a held-out set (heldout_{lang}.tsv) written after the
scorer was finished and never tuned on, which tells how it does on comments it has not
seen. Speed is measured in this process after a warm-up; memory and load time in a fresh
process, since both are paid once per worker.
"""

from __future__ import annotations

import csv
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from bench import Figure
from plugin.sentiment import Scorer, default_scorer

EVAL = Path(__file__).resolve().parent.parent / "tests" / "sentiment" / "eval"
LANGUAGES = ("en", "ru", "zh")
CLASSES = ("negative", "neutral", "positive")
TARGET = 0.85
ROUNDS = 20  # passes over every comment when timing
_MEASURE_LOAD = """
import re, sys, time
from pathlib import Path
from plugin.sentiment import load_scorer
start = time.perf_counter()
scorer = load_scorer(sys.argv[1])
for text in ("Great service", "Спасибо", "谢谢", "Muchas gracias", "Дякую"):
    scorer.score(text)
status = Path("/proc/self/status").read_text()
print(time.perf_counter() - start, re.search(r"VmRSS:\\s+(\\d+)", status).group(1))
"""


def _rows(*names: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for name in names:
        with (EVAL / name).open(encoding="utf-8", newline="") as file:
            rows += csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE)
    return rows


def _three_class(label: str | None) -> str | None:
    return "neutral" if label == "mixed" else label


def _accuracy(scorer: Scorer, rows: list[dict[str, str]]) -> tuple[float, dict[str, float]]:
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter(row["label"] for row in rows)
    for row in rows:
        if _three_class(scorer.score(row["text"]).label) == row["label"]:
            hits[row["label"]] += 1
    recall = {label: hits[label] / totals[label] for label in CLASSES}
    return sum(hits.values()) / len(rows), recall


def _accuracy_figures(scorer: Scorer) -> list[Figure]:
    figures = []
    for language in LANGUAGES:
        tuned = _rows(f"{language}.tsv", f"more_{language}.tsv")
        held_out = _rows(f"heldout_{language}.tsv")
        accuracy, recall = _accuracy(scorer, tuned)
        unseen, unseen_recall = _accuracy(scorer, held_out)
        verdict = f">= {TARGET:.0%}: " + ("met" if accuracy >= TARGET else "not met")
        figures += [
            Figure(f"{language}: 3-class accuracy, evaluation set", f"{accuracy:.1%}", verdict,
                   f"{len(tuned)} labelled comments, a third of each class; the lexicons "
                   "were improved on them"),
            Figure(f"{language}: recall negative / neutral / positive, evaluation set",
                   " / ".join(f"{recall[c]:.0%}" for c in CLASSES), "",
                   "share of each class the scorer labels as such"),
            Figure(f"{language}: 3-class accuracy, held-out set", f"{unseen:.1%}", "",
                   f"{len(held_out)} comments written after the scorer was finished, never "
                   "tuned on; recall " + " / ".join(f"{unseen_recall[c]:.0%}" for c in CLASSES)),
        ]
    return figures


def _unsupported_figure(scorer: Scorer) -> Figure:
    rows = _rows("unsupported.tsv")
    refused = sum(1 for row in rows if not scorer.score(row["text"]).supported)
    named = sum(1 for row in rows if scorer.score(row["text"]).language == row["language"])
    return Figure("Comments in other languages marked unsupported", f"{refused}/{len(rows)} "
                  f"({named} with the right language named)", f"{len(rows)}/{len(rows)}",
                  "es, de, fr, it, pt, uk, pl, tr comments, praise and complaints alike")


def _speed_figures(scorer: Scorer) -> list[Figure]:
    texts = [row["text"] for language in LANGUAGES
             for row in _rows(f"{language}.tsv", f"heldout_{language}.tsv")]
    texts += [row["text"] for row in _rows("unsupported.tsv")]
    for text in texts:  # warm-up: Lingua loads a script's models on first sight
        scorer.score(text)
    each = []
    start = time.perf_counter()
    for _ in range(ROUNDS):
        for text in texts:
            began = time.perf_counter()
            scorer.score(text)
            each.append(time.perf_counter() - began)
    elapsed = time.perf_counter() - start
    p99 = statistics.quantiles(each, n=100)[98] * 1000
    return [
        Figure("Throughput, one process", f"{len(each) / elapsed:,.0f} comments/s", "",
               f"{len(texts)} comments in 3 supported and 8 unsupported languages, "
               f"{ROUNDS} passes after a warm-up"),
        Figure("Time to score one comment, median / mean / p99",
               f"{statistics.median(each) * 1000:.2f} ms / {statistics.mean(each) * 1000:.2f} ms"
               f" / {p99:.2f} ms", "well under 5 ms",
               "same run, each comment timed on its own; the slowest are long Latin-script "
               "comments (Lingua), and the p99 includes pauses of a CPU shared with other work"),
    ]


def _load_figure(spec: str, title: str) -> Figure:
    # Our own interpreter and script; the spec is one of the two this module names.
    out = subprocess.run([sys.executable, "-c", _MEASURE_LOAD, spec], check=True,  # noqa: S603
                         capture_output=True, text=True, cwd=Path(__file__).parent.parent)
    seconds, rss_kib = out.stdout.split()
    return Figure(title, f"{float(seconds):.1f} s, {int(rss_kib) / 1024:.0f} MB", "",
                  "fresh process: build the scorer and score one comment per script, "
                  "then the resident memory of the whole process (Linux VmRSS)")


def run() -> list[Figure]:
    scorer = default_scorer()
    return [
        *_accuracy_figures(scorer),
        _unsupported_figure(scorer),
        *_speed_figures(scorer),
        _load_figure("", "Load time and memory, built-in scorer"),
        _load_figure("plugin.sentiment.loading:compact_scorer",
                     "Load time and memory, compact scorer (Lingua low-accuracy mode)"),
    ]
