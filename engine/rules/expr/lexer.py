"""Tokens of the expression language, each with its offset in the source string."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine.rules.expr.types import Period


class ExprError(Exception):
    """A syntax or type error at *offset* in the expression's text."""

    def __init__(self, message: str, offset: int, code: str = "expr-syntax"):
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.code = code


@dataclass(frozen=True)
class Token:
    """One token: its kind (NUMBER, STRING, NAME, DATE, DATETIME, DURATION, OP, KEYWORD, END)."""

    kind: str
    text: str
    offset: int
    value: Any = None


KEYWORDS = {"and", "or", "not", "in", "true", "false", "null"}
# Literal limits, so that every literal is a value Python holds and arithmetic on it stays in
# range: numbers below 10^15 (as in catalog files), exact durations up to 100 years (36,525 days),
# calendar periods up to 100 years (1,200 months).
MAX_NUMBER = Decimal("1e15")
MAX_DURATION = dt.timedelta(days=36_525)
MAX_PERIOD_MONTHS = 1_200
_UNITS = {"h": 3600, "d": 86400, "w": 604800, "min": 60}
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)
  | (?P<date>\d{4}-\d{2}-\d{2})
  | (?P<duration>\d+(?:mo|min|h|d|w|y)(?![A-Za-z0-9_]))
  | (?P<number>\d+(?:\.\d+)?(?![A-Za-z_]))
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<=|>=|[<>+\-.,()\[\]])
    """,
    re.VERBOSE,
)


def tokenize(source: str) -> list[Token]:
    """The tokens of *source*, ending with END; ExprError at the first character that fits none."""
    tokens: list[Token] = []
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None:
            char = source[position]
            if char in "\"'":
                raise ExprError("this string is never closed", position)
            hint = " ('equals' is written '==')" if char == "=" else ""
            raise ExprError(f"unexpected character {char!r}{hint}", position)
        kind = match.lastgroup or ""
        text = match.group()
        if kind != "space":
            tokens.append(_token(kind, text, position))
        position = match.end()
    tokens.append(Token("END", "", len(source)))
    return tokens


def _token(kind: str, text: str, offset: int) -> Token:
    if kind == "name":
        return Token("KEYWORD" if text in KEYWORDS else "NAME", text, offset)
    if kind == "number":
        if len(text) > 30 or Decimal(text) >= MAX_NUMBER:
            raise ExprError(
                f"'{text[:30]}' is too large: numbers stay below 10^15", offset, "expr-range"
            )
        return Token("NUMBER", text, offset, Decimal(text))
    if kind == "string":
        body = text[1:-1]
        return Token("STRING", text, offset, re.sub(r"\\(.)", r"\1", body))
    if kind == "date":
        try:
            return Token("DATE", text, offset, dt.date.fromisoformat(text))
        except ValueError:
            raise ExprError(f"'{text}' is not a real date", offset) from None
    if kind == "datetime":
        try:
            return Token("DATETIME", text, offset, dt.datetime.fromisoformat(text))
        except ValueError:
            raise ExprError(f"'{text}' is not a real date and time", offset) from None
    if kind == "duration":
        amount, unit = re.fullmatch(r"(\d+)(\D+)", text).groups()  # type: ignore[union-attr]
        if unit in ("mo", "y"):
            months = int(amount[:12]) * (12 if unit == "y" else 1)
            if len(amount) > 12 or months > MAX_PERIOD_MONTHS:
                raise ExprError(
                    f"'{text[:30]}' is too long: a period is at most 100 years (1200mo)",
                    offset,
                    "expr-range",
                )
            return Token("PERIOD", text, offset, Period(months))
        seconds = int(amount[:12]) * _UNITS[unit]
        if len(amount) > 12 or seconds > MAX_DURATION.total_seconds():
            raise ExprError(
                f"'{text[:30]}' is too long: a duration is at most 100 years (36525d)",
                offset,
                "expr-range",
            )
        return Token("DURATION", text, offset, dt.timedelta(seconds=seconds))
    return Token("OP", text, offset)
