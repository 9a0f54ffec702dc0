"""The running app's OpenAPI document, read as the list of operations the tests walk.

Why from the document and not a list in the tests: other resources are added all the
time; every explicit bad-input test here then covers them without anyone editing it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

HTTP_METHODS = ("get", "put", "post", "delete", "patch")
PATH_PARAMETER = re.compile(r"\{[^}/]+\}")


@dataclass(frozen=True, slots=True)
class Operation:
    method: str  # upper case
    path: str  # as documented: /api/v1/..., with {parameters}
    spec: dict[str, Any]

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def public(self) -> bool:
        return self.spec.get("security") == []

    @property
    def takes_json(self) -> bool:
        content = self.spec.get("requestBody", {}).get("content", {})
        return "application/json" in content

    def query_parameters(self, document: dict[str, Any]) -> list[dict[str, Any]]:
        return [parameter for parameter in self.parameters(document)
                if parameter.get("in") == "query"]

    def parameters(self, document: dict[str, Any]) -> list[dict[str, Any]]:
        return [resolve(document, parameter) for parameter in self.spec.get("parameters", [])]

    def url_path(self, filler: str = "x") -> str:
        """The path with every ``{parameter}`` replaced by ``filler``, without /api/v1."""
        return PATH_PARAMETER.sub(filler, self.path).removeprefix("/api/v1")


def operations(document: dict[str, Any]) -> Iterator[Operation]:
    for path, item in document["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield Operation(method.upper(), path, item[method])


def declared_methods(document: dict[str, Any]) -> dict[str, set[str]]:
    """Each documented path with the methods it declares."""
    methods: dict[str, set[str]] = {}
    for operation in operations(document):
        methods.setdefault(operation.path, set()).add(operation.method)
    return methods


def routed_elsewhere(document: dict[str, Any], concrete: str, method: str) -> bool:
    """Whether another documented path also matches ``concrete`` (without /api/v1) and
    declares ``method``: ``GET /updates/batch`` is ``GET /updates/{id}``, not a 405."""
    for path, methods in declared_methods(document).items():
        pattern = PATH_PARAMETER.sub("[^/]+", re.escape(path.removeprefix("/api/v1"))
                                     .replace(r"\{", "{").replace(r"\}", "}"))
        if method in methods and re.fullmatch(pattern, concrete):
            return True
    return False


def resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow a local ``$ref`` (``#/components/...``) to what it names."""
    while "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def schema_type(document: dict[str, Any], parameter: dict[str, Any]) -> str | None:
    schema = resolve(document, parameter.get("schema", {}))
    kind = schema.get("type")
    return kind if isinstance(kind, str) else None
