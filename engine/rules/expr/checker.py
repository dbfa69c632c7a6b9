"""Static types of expressions, with null-narrowing so that a checked expression cannot fail.

A nullable value (``activated_at: datetime?``) may only be compared with ``null`` until a test
rules null out on the path being evaluated: ``x == null or <x is sure here>`` and
``x != null and <x is sure here>``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.rules.expr.lexer import ExprError
from engine.rules.expr.parser import (
    COMPARISONS,
    Binary,
    Call,
    Field,
    ListLit,
    Literal,
    Name,
    Node,
    Unary,
)
from engine.rules.expr.types import (
    BOOL,
    DATE,
    DATETIME,
    DURATION,
    MONEY,
    NEVER,
    NULL,
    NUMBER,
    PERIOD,
    STRING,
    Type,
    list_of,
)

Path = tuple[str, ...]


@dataclass(frozen=True)
class Function:
    """A function of the fixed table: parameter types (None: any), result type, implementation.

    ``contextual`` functions receive the evaluation context (the decision's facts and catalog)
    as their first argument.
    """

    name: str
    params: tuple[Type | None, ...]
    result: Callable[[list[Type]], Type]
    impl: Callable[..., Any]
    contextual: bool = False
    description: str = ""
    # Its numbers count things (replacement 1, 2 …): a literal argument must be whole.
    counts: bool = False


ARITHMETIC: dict[tuple[str, str, str], Type] = {}
for _op in "+-":
    for _left, _right, _out in [
        ("number", "number", NUMBER),
        ("date", "duration", DATE),
        ("date", "period", DATE),
        ("datetime", "duration", DATETIME),
        ("datetime", "period", DATETIME),
        ("duration", "duration", DURATION),
        ("period", "period", PERIOD),
        ("money", "money", MONEY),
    ]:
        ARITHMETIC[(_op, _left, _right)] = _out
ARITHMETIC[("-", "date", "date")] = DURATION
ARITHMETIC[("-", "datetime", "datetime")] = DURATION
ORDERED = {"number", "string", "date", "datetime", "duration", "period", "money"}
_LITERAL_TYPES = {
    "number": NUMBER,
    "string": STRING,
    "bool": BOOL,
    "null": NULL,
    "date": DATE,
    "datetime": DATETIME,
    "duration": DURATION,
    "period": PERIOD,
}


class Checker:
    """Types the nodes of one expression against the names and functions in scope."""

    def __init__(self, names: Mapping[str, Type], functions: Mapping[str, Function]):
        self.names = names
        self.functions = functions
        self.types: dict[int, Type] = {}

    def check(self, node: Node, sure: frozenset[Path] = frozenset()) -> Type:
        """The type of *node*; ExprError (code expr-type / expr-name) where it does not type."""
        found = self._check(node, sure)
        self.types[id(node)] = found
        return found

    def _check(self, node: Node, sure: frozenset[Path]) -> Type:
        if isinstance(node, Literal):
            return _LITERAL_TYPES[node.kind]
        if isinstance(node, Name):
            if node.name not in self.names:
                hint = _closest(node.name, self.names)
                raise ExprError(f"unknown name '{node.name}'{hint}", node.offset, "expr-name")
            kind = self.names[node.name]
            return kind.sure() if (node.name,) in sure else kind
        if isinstance(node, Field):
            subject = self.check(node.subject, sure)
            self._refuse_null(subject, node.subject)
            if not subject.fields:
                raise ExprError(f"a {subject} has no fields", node.offset, "expr-type")
            member = subject.field(node.name)
            if member is None:
                names = dict(subject.fields)
                raise ExprError(
                    f"a {subject.name} has no field '{node.name}'{_closest(node.name, names)}",
                    node.offset,
                    "expr-name",
                )
            path = _path(node)
            return member.sure() if path and path in sure else member
        if isinstance(node, ListLit):
            items = [self.check(item, sure) for item in node.items]
            first = items[0] if items else NEVER
            for item, child in zip(items, node.items, strict=True):
                if not item.same_base(first):
                    raise ExprError(f"a list mixes {first} and {item}", child.offset, "expr-type")
            return list_of(first)
        if isinstance(node, Unary):
            operand = self.check(node.operand, sure)
            self._refuse_null(operand, node.operand)
            wanted = BOOL if node.op == "not" else None
            if wanted and operand.name != "bool":
                raise ExprError(
                    f"'not' needs a bool, found {operand}", node.operand.offset, "expr-type"
                )
            if node.op == "-" and operand.name not in ("number", "duration"):
                raise ExprError(f"cannot negate a {operand}", node.operand.offset, "expr-type")
            return operand
        if isinstance(node, Call):
            return self._call(node, sure)
        if isinstance(node, Binary):
            return self._binary(node, sure)
        raise AssertionError(node)  # pragma: no cover

    def _binary(self, node: Binary, sure: frozenset[Path]) -> Type:
        if node.op in ("and", "or"):
            left = self.check(node.left, sure)
            self._want_bool(left, node.left, node.op)
            extra = sure_if_true(node.left) if node.op == "and" else sure_if_false(node.left)
            right = self.check(node.right, sure | extra)
            self._want_bool(right, node.right, node.op)
            return BOOL
        left = self.check(node.left, sure)
        right = self.check(node.right, sure)
        if node.op in ("==", "!="):
            if left.name == "null" or right.name == "null":
                other, at = (right, node.right) if left.name == "null" else (left, node.left)
                if not other.nullable:
                    raise ExprError(f"a {other} is never null", at.offset, "expr-type")
                return BOOL
            if not left.same_base(right):
                raise ExprError(
                    f"cannot compare a {left} with a {right}", node.right.offset, "expr-type"
                )
            return BOOL
        self._refuse_null(left, node.left)
        self._refuse_null(right, node.right)
        if node.op == "in":
            if (
                right.name != "list"
                or right.item is None
                or not (right.item.same_base(left) or right.item is NEVER)
            ):
                raise ExprError(
                    f"'in' needs a list of {left}, found {right}", node.right.offset, "expr-type"
                )
            return BOOL
        if node.op in COMPARISONS:
            if not left.same_base(right):
                hint = (
                    " (use date(...) to compare a datetime with a date)"
                    if {left.name, right.name} == {"date", "datetime"}
                    else ""
                )
                if {left.name, right.name} == {"duration", "period"}:
                    hint = " (exact durations and calendar months do not compare; add the period to a date instead)"
                raise ExprError(
                    f"cannot compare a {left} with a {right}{hint}", node.right.offset, "expr-type"
                )
            if left.name not in ORDERED:
                raise ExprError(f"a {left} has no order", node.left.offset, "expr-type")
            return BOOL
        result = ARITHMETIC.get((node.op, left.name, right.name))
        if result is None:
            raise ExprError(
                f"cannot apply '{node.op}' to a {left} and a {right}",
                node.right.offset,
                "expr-type",
            )
        return result

    def _call(self, node: Call, sure: frozenset[Path]) -> Type:
        function = self.functions.get(node.function)
        if function is None:
            raise ExprError(
                f"unknown function '{node.function}'{_closest(node.function, self.functions)}",
                node.offset,
                "expr-name",
            )
        if len(node.args) != len(function.params):
            raise ExprError(
                f"{node.function}() takes {len(function.params)} argument(s), {len(node.args)} given",
                node.offset,
                "expr-type",
            )
        types = []
        for arg, param in zip(node.args, function.params, strict=True):
            kind = self.check(arg, sure)
            if param is not None:
                if not param.nullable:
                    self._refuse_null(kind, arg)
                if not kind.same_base(param):
                    raise ExprError(
                        f"{node.function}() needs a {param.sure()}, found {kind}",
                        arg.offset,
                        "expr-type",
                    )
            if (
                function.counts
                and isinstance(arg, Literal)
                and arg.kind == "number"
                and arg.value != arg.value.to_integral_value()
            ):
                raise ExprError(
                    f"{node.function}() counts: {arg.value} is not a whole number",
                    arg.offset,
                    "expr-type",
                )
            types.append(kind)
        try:
            return function.result(types)
        except TypeError as exc:
            raise ExprError(f"{node.function}(): {exc}", node.offset, "expr-type") from None

    @staticmethod
    def _refuse_null(kind: Type, node: Node) -> None:
        if kind.nullable:
            what = _path(node)
            name = ".".join(what) if what else "this value"
            raise ExprError(
                f"'{name}' may be null here; test it first ({name} != null and …)",
                node.offset,
                "expr-type",
            )

    @staticmethod
    def _want_bool(kind: Type, node: Node, op: str) -> None:
        if kind.name != "bool" or kind.nullable:
            raise ExprError(f"'{op}' needs bools, found {kind}", node.offset, "expr-type")


def _path(node: Node) -> Path | None:
    if isinstance(node, Name):
        return (node.name,)
    if isinstance(node, Field):
        inner = _path(node.subject)
        return (*inner, node.name) if inner else None
    return None


def _null_test(node: Node, op: str) -> Path | None:
    if isinstance(node, Binary) and node.op == op:
        for side, other in ((node.left, node.right), (node.right, node.left)):
            if isinstance(other, Literal) and other.kind == "null":
                return _path(side)
    return None


def sure_if_true(node: Node) -> frozenset[Path]:
    """Paths that cannot be null where *node* evaluated to true."""
    if isinstance(node, Binary) and node.op == "and":
        return sure_if_true(node.left) | sure_if_true(node.right)
    if isinstance(node, Unary) and node.op == "not":
        return sure_if_false(node.operand)
    path = _null_test(node, "!=")
    return frozenset([path]) if path else frozenset()


def sure_if_false(node: Node) -> frozenset[Path]:
    """Paths that cannot be null where *node* evaluated to false."""
    if isinstance(node, Binary) and node.op == "or":
        return sure_if_false(node.left) | sure_if_false(node.right)
    if isinstance(node, Unary) and node.op == "not":
        return sure_if_true(node.operand)
    path = _null_test(node, "==")
    return frozenset([path]) if path else frozenset()


def _closest(word: str, choices: Mapping[str, Any]) -> str:
    from engine.core.problems import did_you_mean

    return did_you_mean(word, choices)
