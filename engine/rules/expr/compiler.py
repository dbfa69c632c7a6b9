"""Compiles a checked AST into nested closures: evaluation is a few Python calls per node."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.rules.expr.checker import Checker, Function
from engine.rules.expr.parser import Binary, Call, Field, ListLit, Literal, Name, Node, Unary, parse
from engine.rules.expr.types import Period, Type, move, shift

Context = Mapping[str, Any]
Closure = Callable[[Context], Any]

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "in": lambda item, items: item in items,
}


@dataclass(frozen=True)
class Compiled:
    """A checked, compiled expression: call ``evaluate(context)``."""

    source: str
    type: Type
    evaluate: Closure = field(repr=False)
    names: frozenset[str] = field(repr=False)
    # The checked tree and each node's type (by id), for generating the same logic elsewhere.
    node: Node | None = field(default=None, repr=False, compare=False)
    types: Mapping[int, Type] = field(default_factory=dict, repr=False, compare=False)


def compile_expression(
    source: str, names: Mapping[str, Type], functions: Mapping[str, Function]
) -> Compiled:
    """Parse, type-check and compile *source*; ExprError with an offset where it fails."""
    node = parse(source)
    checker = Checker(names, functions)
    kind = checker.check(node)
    used: set[str] = set()
    closure = _Compiler(checker, functions, used).build(node)
    return Compiled(source, kind, closure, frozenset(used), node, checker.types)


class _Compiler:
    def __init__(self, checker: Checker, functions: Mapping[str, Function], used: set[str]):
        self.types = checker.types
        self.functions = functions
        self.used = used

    def build(self, node: Node) -> Closure:
        if isinstance(node, Literal):
            value = node.value
            return lambda ctx: value
        if isinstance(node, Name):
            name = node.name
            self.used.add(name)
            return lambda ctx: ctx[name]
        if isinstance(node, Field):
            subject = self.build(node.subject)
            field = node.name
            return lambda ctx: subject(ctx)[field]
        if isinstance(node, ListLit):
            items = [self.build(item) for item in node.items]
            return lambda ctx: [item(ctx) for item in items]
        if isinstance(node, Unary):
            operand = self.build(node.operand)
            if node.op == "not":
                return lambda ctx: not operand(ctx)
            return lambda ctx: -operand(ctx)
        if isinstance(node, Call):
            return self._call(node)
        if isinstance(node, Binary):
            return self._binary(node)
        raise AssertionError(node)  # pragma: no cover

    def _call(self, node: Call) -> Closure:
        function = self.functions[node.function]
        args = [self.build(arg) for arg in node.args]
        impl = function.impl
        if function.contextual:
            return lambda ctx: impl(ctx, *[arg(ctx) for arg in args])
        return lambda ctx: impl(*[arg(ctx) for arg in args])

    def _binary(self, node: Binary) -> Closure:
        left, right = self.build(node.left), self.build(node.right)
        if node.op == "and":
            return lambda ctx: left(ctx) and right(ctx)
        if node.op == "or":
            return lambda ctx: left(ctx) or right(ctx)
        if node.op in _COMPARE:
            compare = _COMPARE[node.op]
            return lambda ctx: compare(left(ctx), right(ctx))
        left_type = self.types[id(node.left)].name
        right_type = self.types[id(node.right)].name
        sign = 1 if node.op == "+" else -1
        if right_type == "period" and left_type in ("date", "datetime"):
            return lambda ctx: shift(left(ctx), sign * right(ctx).months)
        if left_type == right_type == "period":
            return lambda ctx: Period(left(ctx).months + sign * right(ctx).months)
        if right_type == "duration" and left_type in ("date", "datetime"):
            if sign > 0:
                return lambda ctx: move(left(ctx), right(ctx))
            return lambda ctx: move(left(ctx), -right(ctx))
        apply = operator.add if node.op == "+" else operator.sub
        return lambda ctx: apply(left(ctx), right(ctx))


def date_of(moment: dt.datetime) -> dt.date:
    """The calendar date of a datetime."""
    return moment.date()
