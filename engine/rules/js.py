"""Compiles a checked expression to JavaScript: the same rule, run by the reader's browser.

The checker has typed every node, so each operation is emitted for its types and the generated
code needs no type tests. It calls the small runtime ``site/static/rules.js`` (``R``) for what
JavaScript lacks: exact decimals, calendar dates, exact durations. Values in the generated code:

- number: the decimal's text as Python writes it (``"12"``, ``"2.50"``), computed exactly;
- money: ``{amount: "739", currency: "USD"}``;
- date: its day number (``date.toordinal()``); datetime and duration: microseconds (BigInt),
  a datetime counted from 0001-01-01T00:00; period: whole months;
- bool, string, null, lists and records as they are.

The output depends only on the expression, so the same catalog gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from engine.rules.expr import Compiled, Type
from engine.rules.expr.parser import Binary, Call, Field, ListLit, Literal, Name, Node, Unary
from engine.rules.expr.types import Period

_DAY_US = 86_400_000_000
_EPOCH = dt.datetime(1, 1, 1)

# Comparison of two values of a type: "native" where JavaScript's own operators are exact.
_NATIVE_ORDER = {"date", "datetime", "duration", "period", "bool"}


def to_js(expr: Compiled) -> str:
    """The JavaScript expression of *expr*, reading the context ``c`` and the runtime ``R``."""
    assert expr.node is not None, "compiled without its tree"
    return _Emitter(expr.types).emit(expr.node)


def literal(value: Any) -> str:
    """A Python value of the expression language as a JavaScript literal."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return json.dumps(str(value))
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=True)
    if isinstance(value, dt.datetime):
        delta = value - _EPOCH
        return f"{(delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds}n"
    if isinstance(value, dt.date):
        return str(value.toordinal())
    if isinstance(value, dt.timedelta):
        return f"{(value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds}n"
    if isinstance(value, Period):
        return str(value.months)
    raise TypeError(f"no JavaScript form for {value!r}")  # pragma: no cover


class _Emitter:
    def __init__(self, types: Mapping[int, Type]):
        self.types = types

    def kind(self, node: Node) -> str:
        kind = self.types[id(node)]
        if kind.name == "list" and kind.item is not None:
            return f"list:{kind.item.name}"
        return kind.name

    def emit(self, node: Node) -> str:
        if isinstance(node, Literal):
            return literal(node.value)
        if isinstance(node, Name):
            return f"c[{json.dumps(node.name)}]"
        if isinstance(node, Field):
            return f"{self.emit(node.subject)}[{json.dumps(node.name)}]"
        if isinstance(node, ListLit):
            return "[" + ", ".join(self.emit(item) for item in node.items) + "]"
        if isinstance(node, Unary):
            operand = self.emit(node.operand)
            if node.op == "not":
                return f"!{operand}"
            if self.kind(node.operand) == "duration":
                return f"R.duration(-{operand})"
            return f"R.neg({operand})"
        if isinstance(node, Call):
            args = ", ".join(self.emit(arg) for arg in node.args)
            return f"R.fn.{node.function}(c{', ' if args else ''}{args})"
        if isinstance(node, Binary):
            return self.binary(node)
        raise AssertionError(node)  # pragma: no cover

    def binary(self, node: Binary) -> str:
        left, right = self.emit(node.left), self.emit(node.right)
        op = node.op
        if op in ("and", "or"):
            return f"({left} {'&&' if op == 'and' else '||'} {right})"
        lk, rk = self.kind(node.left), self.kind(node.right)
        if op in ("==", "!="):
            if "null" in (lk, rk):
                return f"({left} {'===' if op == '==' else '!=='} {right})"
            test = f"R.eq({json.dumps(lk)}, {left}, {right})"
            return test if op == "==" else f"!{test}"
        if op == "in":
            return f"R.has({json.dumps(lk)}, {left}, {right})"
        if op in ("<", "<=", ">", ">="):
            if lk in _NATIVE_ORDER:
                return f"({left} {op} {right})"
            return f"(R.cmp({json.dumps(lk)}, {left}, {right}) {op} 0)"
        sign = "1" if op == "+" else "-1"
        if lk in ("date", "datetime") and rk == "period":
            return f"R.shift({json.dumps(lk)}, {left}, {sign} * {right})"
        if lk in ("date", "datetime") and rk == "duration":
            return f"R.move({json.dumps(lk)}, {left}, {right}, {sign})"
        if lk == rk == "date":
            return f"R.duration(BigInt({left} - {right}) * {_DAY_US}n)"
        if lk == rk == "datetime" or lk == rk == "duration":
            return f"R.duration({left} {op} {right})"
        if lk == rk == "period":
            return f"({left} {op} {right})"
        if lk == rk == "money":
            return f"R.money({left}, {right}, {sign})"
        return f"R.add({left}, {right}, {sign})"
