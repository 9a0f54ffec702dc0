"""Text through both SuiteCRMs: the shared vectors (``tests/suitecrm_text_vectors.json``).

Each vector is written to a Contact of its own on both sides (``first_name`` carries the
run's tag, so the Activity Stream entries SuiteCRM makes are cleaned up too). The
answers are compared with each other like every differential request, and the live
answer is also held against what the vector says V8 answers: that keeps the vectors
true to the real SuiteCRM, not only to the sandbox.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.live.differential.cases import V8, contacts, get
from tests.live.differential.sides import Request

VECTORS = Path(__file__).resolve().parents[2] / "suitecrm_text_vectors.json"


@dataclass(frozen=True)
class TextCase:
    number: int
    name: str
    field: str
    input: str
    v8: str
    client: str
    without_package_v8: str

    @property
    def record(self) -> str:
        return f"text{self.number:02d}"

    @property
    def needs_package(self) -> bool:
        """Whether the package's text guard decides the outcome (4-byte characters,
        literal escapes): true where the vector differs without the package."""
        return self.v8 != self.without_package_v8

    def attributes(self) -> dict[str, Any]:
        attributes = {"first_name": "${tag}", "last_name": f"Text{self.number:02d}"}
        attributes[self.field] = self.input
        return attributes


def load_cases() -> list[TextCase]:
    raw = json.loads(VECTORS.read_text(encoding="utf-8"))["cases"]
    return [TextCase(number, case["name"], case["field"], case["input"], case["v8"],
                     case["client"], case["without_package"]["v8"])
            for number, case in enumerate(raw, start=1)]


def reads(case: TextCase) -> list[Request]:
    """The case's record read back alone and in a list."""
    values = (case.field,)
    return [
        get(f"{case.name}: read", f"module/Contacts/${{{case.record}}}", values=values),
        contacts(f"{case.name}: listed", ("filter[id][eq]", f"${{{case.record}}}"),
                 ("page[size]", "1"), ("page[number]", "1"), values=values),
    ]


def update(case: TextCase) -> Request:
    """The same text written again by PATCH (SuiteCRM re-sanitises the stored text)."""
    return Request(f"{case.name}: updated", "PATCH", f"{V8}/module", body={"data": {
        "type": "Contacts", "id": f"${{{case.record}}}",
        "attributes": {case.field: case.input}}}, values=(case.field,))


FILTERED_NAME = "${tag}O'Brien \"Q\" & Co"


def filters() -> list[Request]:
    """Filter values go through ``from_html``: raw and entity-encoded text both match."""
    page = (("page[size]", "5"), ("page[number]", "1"))
    return [contacts(f"filter on text: {label}", (f"filter[last_name][{op}]", value), *page,
                     values=("last_name",))
            for label, op, value in (
                ("raw", "eq", FILTERED_NAME),
                ("entities", "eq", "${tag}O&#039;Brien &quot;Q&quot; &amp; Co"),
                ("like", "like", "${tag}O'Br%"),
                ("backslash-escaped quote", "eq", "${tag}O\\'Brien \"Q\" & Co"))]
