"""The shipped policy, built once, and factories for policy files written to disk."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from plugin.compliance import Policy, load_policy
from tests.compliance.helpers import Judge, judge_with

MINIMAL_NETWORKS = """
networks:
  facebook:
    public: {max_length: 8000}
    private: {max_length: 2000}
"""


@pytest.fixture(scope="session")
def default_policy() -> Policy:
    return load_policy()


@pytest.fixture(scope="session")
def judge(default_policy: Policy) -> Judge:
    return judge_with(default_policy)


@pytest.fixture
def write_policy(tmp_path: Path) -> Callable[..., Path]:
    """Writes a policy file to disk and returns its path."""

    def write(body: str, *, name: str = "policy.yaml") -> Path:
        path = tmp_path / name
        path.write_text(body, encoding="utf-8")
        return path

    return write


@pytest.fixture
def policy_with(write_policy: Callable[..., Path]) -> Callable[[str], Judge]:
    """A judge for a policy file of the given YAML (languages, personal data, signature)
    plus two Facebook channels, unless the YAML brings its own ``networks``."""

    def build(body: str) -> Judge:
        text = body if "\nnetworks:" in f"\n{body}" else body + MINIMAL_NETWORKS
        return judge_with(load_policy(write_policy(text)))

    return build
