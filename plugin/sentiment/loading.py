"""Which scorer runs: the built-in one, or a site's own named by a dotted path.

A site plugs its own model with a spec ``"package.module:factory"``; the factory is
called with no arguments and must return an object with ``score(text) -> Sentiment``.
The scorer is built once per process (loading lexicons, dictionaries and language
models takes a few seconds) and shared: every method of the built-in one only reads.
Build it before a process forks workers (an RQ worker forks a work horse per job), so
that each fork inherits it instead of building its own.
"""

from __future__ import annotations

import importlib
import threading
from functools import cache

from plugin.sentiment.records import Scorer, ScorerLoadError, Sentiment

_building = threading.RLock()  # a site's factory may itself call default_scorer()


def default_scorer() -> Scorer:
    """The built-in multilingual scorer, built on first use and kept for the process."""
    with _building:
        return _built_in()


@cache
def _built_in() -> Scorer:
    from plugin.sentiment.multilingual import MultilingualScorer

    return MultilingualScorer()


def compact_scorer() -> Scorer:
    """The built-in scorer with Lingua's low-accuracy mode (spec
    ``plugin.sentiment.loading:compact_scorer``): about 350 MB less memory per process,
    but it takes some short English comments for another language (docs/sentiment.md)."""
    from plugin.sentiment.multilingual import MultilingualScorer

    return MultilingualScorer(low_accuracy_detection=True)


def load_scorer(spec: str | None) -> Scorer:
    """The scorer a setting names: None or "" for the built-in one, else "module:factory"."""
    if not spec or not spec.strip():
        return default_scorer()
    with _building:
        return _load(spec.strip())


@cache
def _load(spec: str) -> Scorer:
    module_name, sep, factory_name = spec.partition(":")
    if not sep or not module_name or not factory_name:
        raise ScorerLoadError(f"sentiment scorer {spec!r}: expected 'package.module:factory'")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise ScorerLoadError(f"sentiment scorer {spec!r}: cannot import {module_name!r}: "
                              f"{error}") from error
    factory = getattr(module, factory_name, None)
    if not callable(factory):
        raise ScorerLoadError(f"sentiment scorer {spec!r}: {module_name} has no callable "
                              f"{factory_name!r}")
    scorer = factory()
    if not isinstance(scorer, Scorer):
        raise ScorerLoadError(f"sentiment scorer {spec!r}: {factory_name}() returned "
                              f"{type(scorer).__name__}, which has no score(text) method")
    return scorer


class LazyScorer:
    """A scorer that loads the one ``spec`` names on its first ``score`` call.

    Why: a worker process that never meets a comment (a CRM-writes worker, a one-off
    command) should not spend seconds and hundreds of MB loading language models; one
    that does loads them once and keeps them (workers run every job in their own process).
    """

    def __init__(self, spec: str | None = None) -> None:
        self.spec = spec
        self._scorer: Scorer | None = None

    def score(self, text: str) -> Sentiment:
        scorer = self._scorer
        if scorer is None:
            scorer = self._scorer = load_scorer(self.spec)
        return scorer.score(text)
