"""List options (``fields``, ``page``, ``sort``, ``filter``): validation and evaluation.

Validation reproduces the messages of SuiteCRM's option classes and of
``Api\\V8\\JsonApi\\Repository\\Filter``/``Sort``. Evaluation imitates the SQL the real
server runs against MySQL: comparisons ignore case and accents (``utf8mb4_general_ci``),
NULL never matches (so ``neq`` skips empty fields), ``like`` uses ``%`` and ``_``,
DATETIME operands are read MySQL's way (the first 19 characters, ``T`` as a space, any
offset ignored), sorting puts NULLs first when ascending, and ties keep id order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import values
from .errors import (
    database_failure,
    invalid_option,
    params_error,
    undefined_options,
    wrong_type,
)
from .registry import ModuleSchema, SchemaRegistry
from .store import Row
from .text import TextRules

FIELDS_PATTERN = re.compile(r"[^A-Za-z0-9_\-,]")
SORT_PATTERN = re.compile(r"[^A-Za-z0-9_\-]")
FILTER_OPERATORS = ("eq", "neq", "gt", "gte", "lt", "lte", "like")
DEFAULT_LIMIT = 20


@dataclass(frozen=True, slots=True)
class Condition:
    field: str
    op: str
    value: str


@dataclass(frozen=True, slots=True)
class Filter:
    conditions: tuple[Condition, ...] = ()
    use_or: bool = False
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class Sort:
    field: str
    descending: bool


@dataclass(frozen=True, slots=True)
class Page:
    """``size`` is None without ``page[size]``; ``number`` is 0 when omitted (as in PHP)."""

    size: int | None = None
    number: int = 0


def parse_fields(registry: SchemaRegistry, value: Any) -> list[str]:
    if not isinstance(value, dict):
        raise wrong_type("fields", value, "array")
    for item in value.values():
        if not isinstance(item, str) or not item or FIELDS_PATTERN.search(item):
            raise invalid_option("fields", value)
    module, listed = next(iter(value.items()))
    schema = registry.resolve(module)
    if schema is None:
        raise params_error(f"Module {module} does not exist")
    names = str(listed).split(",")  # every value was checked to be a str above
    unknown = [name for name in names if name not in schema.fields]
    if unknown:
        plural = len(unknown) > 1
        raise params_error(
            f"The following field{'s' if plural else ''} in {schema.object_name} module "
            f"{'are' if plural else 'is'} not found: {', '.join(unknown)}"
        )
    return names


def parse_page(value: Any) -> Page:
    if not isinstance(value, dict):
        raise wrong_type("page", value, "array")
    if any(not isinstance(v, str) or not re.fullmatch(r"\d*", v) for v in value.values()):
        raise invalid_option("page", value)
    extra = [key for key in value if key not in {"size", "number"}]
    if extra:
        raise undefined_options(extra, ["number", "size"])
    for key in value:
        if not value[key].isdigit() or int(value[key]) <= 0:
            raise invalid_option(key, value[key])
    size = int(value["size"]) if "size" in value else None
    return Page(size=size, number=int(value.get("number", 0)))


def parse_sort(schema: ModuleSchema, value: Any) -> Sort:
    if not isinstance(value, str):
        raise wrong_type("sort", value, "string")
    if not value or SORT_PATTERN.search(value):
        raise invalid_option("sort", value)
    descending = value.startswith("-")
    name = value.lstrip("-")
    if name not in schema.fields:
        raise params_error(f"Sort field {name} in {schema.object_name} module is not found")
    return Sort(field=name, descending=descending)


def parse_filter(schema: ModuleSchema, value: Any) -> Filter:
    if not isinstance(value, dict):
        raise wrong_type("filter", value, "array")
    params = dict(value)
    use_or = False
    if "operator" in params:
        operator = params.pop("operator")
        if not isinstance(operator, str) or operator.lower() not in {"and", "or"}:
            raise params_error(f"Filter operator {values.php_string(operator)} is invalid")
        use_or = operator.lower() == "or"
    deleted = False
    if "deleted" in params:
        flag = params.pop("deleted")
        if isinstance(flag, dict) and "eq" in flag:
            deleted = values.as_number(str(flag["eq"])) == 1
    conditions: list[Condition] = []
    for name, expression in params.items():
        if name not in schema.fields:
            raise params_error(f"Filter field {name} in {schema.object_name} module is not found")
        if not isinstance(expression, dict):
            raise params_error(f"Filter field {name} must be an array")
        for op, operand in expression.items():
            if op.lower() not in FILTER_OPERATORS:
                raise params_error(f"Filter operator {op} is invalid")
            text = operand if isinstance(operand, str) else values.php_string(operand)
            text = TextRules.operand(text)  # DBManager::quoted runs from_html
            conditions.append(Condition(field=name, op=op.lower(), value=text))
    return Filter(conditions=tuple(conditions), use_or=use_or, deleted=deleted)


# Non-db fields SuiteCRM's list query selects under their own name (joined relate
# values, concatenated names), so ORDER BY finds them; any other non-db field is not a
# column and the SQL fails.
SORTABLE_NON_DB_TYPES = frozenset({"relate", "fullname", "name"})


def filterable(schema: ModuleSchema, name: str) -> bool:
    """A column of the table (custom fields too), or ``email1``, which SuiteCRM joins."""
    return schema.is_stored(name) or name == "email1"


def sortable(schema: ModuleSchema, name: str) -> bool:
    return schema.is_stored(name) or schema.fields[name].get("type") in SORTABLE_NON_DB_TYPES


def check_columns(schema: ModuleSchema, where: Filter, sort: Sort | None) -> None:
    """The database failure a filter or sort on something that is not a column causes."""
    if any(not filterable(schema, c.field) for c in where.conditions):
        raise database_failure()
    if sort is not None and not sortable(schema, sort.field):
        raise database_failure()


ValueOf = Callable[[ModuleSchema, Row, str], Any]
EmailsOf = Callable[[ModuleSchema, Row], list[str]]


def select(
    schema: ModuleSchema,
    rows: list[Row],
    where: Filter,
    sort: Sort | None,
    value_of: ValueOf,
    emails_of: EmailsOf,
) -> list[Row]:
    """Rows matching ``where``, ordered by ``sort`` then id (the default order)."""
    chosen = [row for row in rows if _matches(schema, row, where, value_of, emails_of)]
    chosen.sort(key=lambda row: row["id"])
    if sort is not None:
        kind = _kind(schema, sort.field)
        chosen.sort(
            key=lambda row: _sort_key(kind, value_of(schema, row, sort.field)),
            reverse=sort.descending,
        )
    return chosen


def _matches(
    schema: ModuleSchema, row: Row, where: Filter, value_of: ValueOf, emails_of: EmailsOf
) -> bool:
    if not where.conditions:
        return True
    results = (_condition(schema, row, c, value_of, emails_of) for c in where.conditions)
    return any(results) if where.use_or else all(results)


def _condition(
    schema: ModuleSchema, row: Row, condition: Condition, value_of: ValueOf, emails_of: EmailsOf
) -> bool:
    relate = schema.relate.get(condition.field)
    if relate is not None and relate.email and relate.field == "email_address":
        return any(
            compare("text", address, condition.op, condition.value)
            for address in emails_of(schema, row)
        )
    kind = _kind(schema, condition.field)
    return compare(kind, value_of(schema, row, condition.field), condition.op, condition.value)


def _kind(schema: ModuleSchema, name: str) -> str:
    return schema.kind(name) if schema.is_stored(name) else "text"


def compare(kind: str, left: Any, op: str, right: str) -> bool:
    if left is None:
        return False
    text = str(left)
    if op == "like":
        return values.like_pattern(right).fullmatch(values.collate(text)) is not None
    lhs: Any
    rhs: Any
    if kind in {"datetime", "date"}:
        rhs = values.mysql_temporal_operand(kind, right)
        if rhs is None:
            return False
        lhs = text[:10] if kind == "date" else text
    elif kind in {"int", "float", "bool"}:
        lhs, rhs = values.as_number(text), values.as_number(right)
    else:
        lhs, rhs = values.collate(text), values.collate(right)
    return bool({
        "eq": lhs == rhs,
        "neq": lhs != rhs,
        "gt": lhs > rhs,
        "gte": lhs >= rhs,
        "lt": lhs < rhs,
        "lte": lhs <= rhs,
    }[op])


def _sort_key(kind: str, value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, 0.0 if kind in {"int", "float", "bool"} else "")
    text = str(value)
    if kind in {"int", "float", "bool"}:
        return (1, values.as_number(text))
    if kind in {"datetime", "date"}:
        return (1, text)
    return (1, values.collate(text))


def paginate(rows: list[Row], page: Page) -> list[Row]:
    """Cut one page; without ``page[size]`` the first ``DEFAULT_LIMIT`` rows."""
    if page.size is None:
        return rows[:DEFAULT_LIMIT]
    offset = (page.number - 1) * page.size if page.number else 0
    return rows[offset : offset + page.size]


def total_pages(count: int, size: int) -> int:
    return -(-count // size)
