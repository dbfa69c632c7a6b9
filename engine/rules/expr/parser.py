"""A Pratt parser: tokens to a small AST. Precedence, lowest first:

``or`` < ``and`` < ``not`` < comparisons (``== != < <= > >= in``, not chained) < ``+ -`` <
unary ``-`` < field access ``.`` and calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.rules.expr.lexer import ExprError, Token, tokenize

MAX_DEPTH = 40
MAX_LENGTH = 2000


@dataclass(frozen=True)
class Node:
    """Any expression node; ``offset`` is where it starts in the source."""

    offset: int


@dataclass(frozen=True)
class Literal(Node):
    """A constant: number, string, bool, null, date, datetime, duration or period."""

    value: Any
    kind: str


@dataclass(frozen=True)
class Name(Node):
    """A fact's name."""

    name: str


@dataclass(frozen=True)
class Field(Node):
    """``subject.name`` on a record."""

    subject: Node
    name: str


@dataclass(frozen=True)
class Call(Node):
    """``function(args)``: only functions of the fixed table exist."""

    function: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Unary(Node):
    """``not x`` or ``-x``."""

    op: str
    operand: Node


@dataclass(frozen=True)
class Binary(Node):
    """``left op right``."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class ListLit(Node):
    """``[a, b, …]``."""

    items: tuple[Node, ...]


COMPARISONS = {"==", "!=", "<", "<=", ">", ">=", "in"}
_BINDING = {"or": 1, "and": 2, **dict.fromkeys(COMPARISONS, 4), "+": 5, "-": 5}
_LITERALS = {
    "NUMBER": "number",
    "STRING": "string",
    "DATE": "date",
    "DATETIME": "datetime",
    "DURATION": "duration",
    "PERIOD": "period",
}


class _Parser:
    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expect(self, text: str) -> Token:
        if self.current.text != text or self.current.kind not in ("OP", "KEYWORD"):
            raise ExprError(
                f"expected '{text}' but found {self._describe(self.current)}", self.current.offset
            )
        return self.advance()

    @staticmethod
    def _describe(token: Token) -> str:
        return "the end of the expression" if token.kind == "END" else f"'{token.text}'"

    def expression(self, binding: int = 0) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError(
                f"the expression is nested more than {MAX_DEPTH} levels deep", self.current.offset
            )
        left = self.prefix()
        while True:
            token = self.current
            power = _BINDING.get(token.text) if token.kind in ("OP", "KEYWORD") else None
            if power is None or power <= binding:
                break
            self.advance()
            right = self.expression(power)
            if (
                token.text in COMPARISONS
                and self.current.text in COMPARISONS
                and self.current.kind in ("OP", "KEYWORD")
            ):
                raise ExprError(
                    "comparisons do not chain; join them with 'and'", self.current.offset
                )
            left = Binary(left.offset, token.text, left, right)
        self.depth -= 1
        return left

    def prefix(self) -> Node:
        token = self.advance()
        if token.kind in _LITERALS:
            return self.postfix(Literal(token.offset, token.value, _LITERALS[token.kind]))
        if token.kind == "KEYWORD":
            if token.text in ("true", "false"):
                return Literal(token.offset, token.text == "true", "bool")
            if token.text == "null":
                return Literal(token.offset, None, "null")
            if token.text == "not":
                return Unary(token.offset, "not", self.expression(3))
            raise ExprError(f"'{token.text}' cannot start an expression", token.offset)
        if token.kind == "NAME":
            if self.current.text == "(" and self.current.kind == "OP":
                self.advance()
                args: list[Node] = []
                if self.current.text != ")":
                    args.append(self.expression())
                    while self.current.text == ",":
                        self.advance()
                        args.append(self.expression())
                self.expect(")")
                return self.postfix(Call(token.offset, token.text, tuple(args)))
            return self.postfix(Name(token.offset, token.text))
        if token.kind == "OP":
            if token.text == "(":
                inner = self.expression()
                self.expect(")")
                return self.postfix(inner)
            if token.text == "-":
                return Unary(token.offset, "-", self.expression(6))
            if token.text == "[":
                items: list[Node] = []
                if self.current.text != "]":
                    items.append(self.expression())
                    while self.current.text == ",":
                        self.advance()
                        items.append(self.expression())
                self.expect("]")
                return ListLit(token.offset, tuple(items))
        raise ExprError(f"expected a value but found {self._describe(token)}", token.offset)

    def postfix(self, node: Node) -> Node:
        while self.current.kind == "OP" and self.current.text == ".":
            self.advance()
            name = self.advance()
            if name.kind != "NAME":
                raise ExprError(
                    f"expected a field name after '.', found {self._describe(name)}", name.offset
                )
            node = Field(node.offset, node, name.text)
        return node


def parse(source: str) -> Node:
    """The AST of *source*; ExprError (with the offset) when it is not a valid expression."""
    if len(source) > MAX_LENGTH:
        raise ExprError(f"the expression is longer than {MAX_LENGTH} characters", MAX_LENGTH)
    if not source.strip():
        raise ExprError("the expression is empty", 0)
    parser = _Parser(tokenize(source))
    node = parser.expression()
    if parser.current.kind != "END":
        raise ExprError(
            f"unexpected {parser._describe(parser.current)} after a complete expression",
            parser.current.offset,
        )
    return node
