"""Reading a policy file (YAML or JSON) into a compiled ``Policy``, or into its problems.

YAML is read with ``yaml.safe_load`` only (plain data, never objects). A key written
twice in one mapping is an error, not a silent override: YAML parsers keep the last one,
which would quietly drop half of a term list, so the file's node tree is first walked
(``yaml.compose``, which builds no objects) and every repeated key is reported with its
lines. A file ending in ``.json`` is read as JSON, with the same duplicate check.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from plugin.compliance.errors import PolicyError
from plugin.compliance.languages import Detector
from plugin.compliance.policy import Policy
from plugin.compliance.reading import Problems, key_path
from plugin.compliance.schema import PolicySpec, read_spec

DEFAULT_POLICY = "default_policy.yaml"
PathLike = str | os.PathLike[str]


def load_policy(path: PathLike | None = None, *, detector: Detector | None = None) -> Policy:
    """The policy in ``path`` (None: the one shipped with SocialCRM), compiled.

    Raises ``PolicyError`` listing every problem. ``detector`` (text -> ISO 639-1 code)
    replaces the shared language detector, used only when the policy has several
    languages in one script.
    """
    source, text = _read(path)
    return Policy(_spec(source, text, json_file=_is_json(path)), detector=detector)


def policy_from_data(data: Any, *, source: str = "<policy data>",
                     detector: Detector | None = None) -> Policy:
    """A policy from already-loaded data (a mapping as the file would give)."""
    problems = Problems()
    spec = read_spec(data, problems, source)
    if spec is None:
        raise PolicyError(source, problems.found)
    return Policy(spec, detector=detector)


def validate_policy_file(path: PathLike) -> list[str]:
    """Every problem of a policy file, each naming its key path; [] when it is valid."""
    try:
        source, text = _read(path)
        _spec(source, text, json_file=_is_json(path))
    except PolicyError as error:
        return list(error.errors)
    return []


def default_policy_text() -> str:
    """The shipped policy file, a starting point for a site's own."""
    return files("plugin.compliance").joinpath(DEFAULT_POLICY).read_text(encoding="utf-8")


def _is_json(path: PathLike | None) -> bool:
    return path is not None and Path(path).suffix.lower() == ".json"


def _read(path: PathLike | None) -> tuple[str, str]:
    if path is None:
        return f"(default) {DEFAULT_POLICY}", default_policy_text()
    try:
        return str(path), Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PolicyError(str(path), [f"cannot read the file: {error}"]) from error


def _spec(source: str, text: str, *, json_file: bool) -> PolicySpec:
    problems = Problems()
    data = _parse_json(text, problems) if json_file else _parse_yaml(text, problems)
    if problems.found:
        raise PolicyError(source, problems.found)
    spec = read_spec(data, problems, source)
    if spec is None:
        raise PolicyError(source, problems.found)
    return spec


def _parse_yaml(text: str, problems: Problems) -> Any:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        problems.add("", f"not valid YAML: {error}")
        return None
    for path, key, first, again in _repeated_keys(root, "", set()):
        problems.add(path, f"key {key!r} appears twice (lines {first} and {again}); "
                           "the second would silently replace the first")
    return yaml.safe_load(text) if not problems.found else None


def _repeated_keys(node: yaml.Node | None, path: str,
                   walked: set[int]) -> Iterator[tuple[str, str, int, int]]:
    if node is None or id(node) in walked:  # an alias repeats a node; it may even loop
        return
    walked.add(id(node))
    if isinstance(node, yaml.MappingNode):
        lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in lines:
                yield path, key, lines[key], line
            lines.setdefault(key, line)
            yield from _repeated_keys(value_node, key_path(path, key), walked)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _repeated_keys(item, key_path(path, index), walked)


def _parse_json(text: str, problems: Problems) -> Any:
    def no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for key, value in pairs:
            if key in found:
                problems.add("", f"key {key!r} appears twice in one object")
            found[key] = value
        return found

    try:
        return json.loads(text, object_pairs_hook=no_repeats)
    except json.JSONDecodeError as error:
        problems.add("", f"not valid JSON: {error}")
        return None
