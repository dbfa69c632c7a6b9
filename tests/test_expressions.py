"""The expression language: parsing, typing (with null-narrowing), evaluation, and what it leaves out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.rules.expr import ExprError, compile_expression
from engine.rules.expr.parser import MAX_DEPTH, Binary, parse
from engine.rules.expr.types import BOOL, DATE, DATETIME, NUMBER, STRING, Period, list_of, record
from engine.rules.functions import BUILTINS

from .fuzzing import budget

PERSON = record("person", name=STRING, born=DATE)
NAMES = {
    "n": NUMBER,
    "m": NUMBER,
    "flag": BOOL,
    "word": STRING,
    "day": DATE,
    "moment": DATETIME,
    "maybe_moment": DATETIME.maybe(),
    "maybe_n": NUMBER.maybe(),
    "who": PERSON,
    "words": list_of(STRING),
}
VALUES: dict[str, Any] = {
    "n": Decimal(3),
    "m": Decimal("2.5"),
    "flag": True,
    "word": "collision",
    "day": dt.date(2024, 1, 31),
    "moment": dt.datetime(2024, 2, 29, 12, 0),
    "maybe_moment": None,
    "maybe_n": None,
    "who": {"name": "Ann", "born": dt.date(1990, 5, 17)},
    "words": ["collision", "water-damage"],
}


def evaluate(source: str, **overrides: Any) -> Any:
    compiled = compile_expression(source, NAMES, BUILTINS)
    return compiled.evaluate({**VALUES, **overrides})


def error_of(source: str) -> tuple[str, int, str]:
    with pytest.raises(ExprError) as caught:
        compile_expression(source, NAMES, BUILTINS)
    return caught.value.code, caught.value.offset, caught.value.message


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("n + m", Decimal("5.5")),
        ("n - m - 1", Decimal("-0.5")),
        ("-n + 1", Decimal(-2)),
        ("n > m and not flag", False),
        ("n > m or flag", True),
        ("word in words", True),
        ("word in ['theft', 'loss']", False),
        ('word == "collision"', True),
        ("day + 1mo", dt.date(2024, 2, 29)),
        ("day + 13mo", dt.date(2025, 2, 28)),
        ("day - 1y", dt.date(2023, 1, 31)),
        ("day + 15d", dt.date(2024, 2, 15)),
        ("moment - 2024-02-27T00:00 <= 60h", True),
        ("moment - 2024-02-27T00:00 <= 59h", False),
        ("date(moment) - day", dt.timedelta(days=29)),
        ("day < 2024-02-01", True),
        ("who.name", "Ann"),
        ("who.born + 2y", dt.date(1992, 5, 17)),
        ("maybe_moment == null", True),
        ("maybe_moment == null or moment - maybe_moment <= 48h", True),
        ("maybe_moment != null and moment - maybe_moment <= 48h", False),
        ("not (maybe_moment == null) and maybe_moment < moment", False),
        ("coalesce(maybe_n, 0) + n", Decimal(3)),
        ("min(n, m)", Decimal("2.5")),
        ("1mo + 1y == 13mo", True),
        ("48h == 2d", True),
        ("(n + 1) - (m - 1)", Decimal("2.5")),
    ],
)
def test_expressions_evaluate(source: str, expected: Any) -> None:
    assert evaluate(source) == expected


def test_and_or_short_circuit() -> None:
    compiled = compile_expression("flag or n > m", NAMES, BUILTINS)
    assert compiled.evaluate({"flag": True}) is True
    compiled = compile_expression("not flag and n > m", NAMES, BUILTINS)
    assert compiled.evaluate({"flag": True}) is False


def test_precedence_binds_comparison_tighter_than_and() -> None:
    node = parse("a == 1 and b + 1 > 2 or c")
    assert isinstance(node, Binary) and node.op == "or"
    assert isinstance(node.left, Binary) and node.left.op == "and"


@pytest.mark.parametrize(
    ("source", "code", "offset", "words"),
    [
        ("nn > 1", "expr-name", 0, "unknown name 'nn' (did you mean 'n'?)"),
        ("who.nam", "expr-name", 0, "has no field 'nam' (did you mean 'name'?)"),
        ("n.x", "expr-type", 0, "a number has no fields"),
        ("word == 1", "expr-type", 8, "cannot compare a string with a number"),
        ("n + word", "expr-type", 4, "cannot apply '+' to a number and a string"),
        ("moment - maybe_moment <= 48h", "expr-type", 9, "'maybe_moment' may be null here"),
        ("maybe_moment < moment or maybe_moment == null", "expr-type", 0, "may be null"),
        ("n == null", "expr-type", 0, "a number is never null"),
        ("day < moment", "expr-type", 6, "use date(...)"),
        (
            "moment - moment <= 1mo",
            "expr-type",
            19,
            "exact durations and calendar months do not compare",
        ),
        ("flag and n", "expr-type", 9, "'and' needs bools"),
        ("not n", "expr-type", 4, "'not' needs a bool"),
        ("[1, 'a']", "expr-type", 4, "a list mixes number and string"),
        ("n in words", "expr-type", 5, "'in' needs a list of number"),
        ("frobnicate(n)", "expr-name", 0, "unknown function 'frobnicate'"),
        ("min(n)", "expr-type", 0, "min() takes 2 argument(s), 1 given"),
        ("date(day)", "expr-type", 5, "date() needs a datetime, found date"),
        ("coalesce(maybe_n, 'x')", "expr-type", 0, "the fallback must be a number"),
        ("n <", "expr-syntax", 3, "expected a value but found the end of the expression"),
        ("n = 1", "expr-syntax", 2, "'equals' is written '=='"),
        ("n < m < 3", "expr-syntax", 6, "comparisons do not chain"),
        ("'open", "expr-syntax", 0, "this string is never closed"),
        ("2023-02-30", "expr-syntax", 0, "is not a real date"),
        ("n m", "expr-syntax", 2, "unexpected 'm' after a complete expression"),
        ("", "expr-syntax", 0, "the expression is empty"),
    ],
)
def test_errors_are_located_and_worded(source: str, code: str, offset: int, words: str) -> None:
    found_code, found_offset, message = error_of(source)
    assert (found_code, found_offset) == (code, offset)
    assert words in message


@pytest.mark.parametrize(
    "source",
    [
        "__import__('os')",  # no Python names: only facts and the fixed functions
        "who.__class__",  # no attribute access on Python objects: records have declared fields
        "n * 2",  # no multiplication: rules compare and count, they do not compute prices
        "n / 2",
        "[x for x in words]",  # no comprehensions or loops
        "lambda: 1",
        "n if flag else m",  # no conditional expressions: rules are the conditionals
        "words[0]",  # no indexing
        "n ** 2",
        "eval('1')",
    ],
)
def test_features_deliberately_left_out_are_refused(source: str) -> None:
    with pytest.raises(ExprError):
        compile_expression(source, NAMES, BUILTINS)


def test_nesting_depth_is_bounded() -> None:
    deep = "(" * (MAX_DEPTH + 1) + "n" + ")" * (MAX_DEPTH + 1)
    assert "nested more than" in error_of(deep)[2]
    assert "longer than" in error_of("n + " * 600 + "n")[2]


def test_period_literals_are_calendar_months() -> None:
    assert evaluate("1y") == Period(12)
    assert str(Period(24)) == "2y" and str(Period(5)) == "5mo"


@pytest.mark.fuzz
@settings(max_examples=budget(400), deadline=None)
@given(st.text(max_size=60))
def test_any_string_parses_or_raises_a_located_expression_error(source: str) -> None:
    try:
        compile_expression(source, NAMES, BUILTINS)
    except ExprError as error:
        assert 0 <= error.offset <= len(source)
        assert error.code in ("expr-syntax", "expr-type", "expr-name", "expr-range")


TOKENS = st.sampled_from(
    [
        "n",
        "m",
        "flag",
        "word",
        "day",
        "moment",
        "maybe_moment",
        "who",
        ".",
        "name",
        "born",
        "(",
        ")",
        "[",
        "]",
        ",",
        "and",
        "or",
        "not",
        "in",
        "==",
        "!=",
        "<",
        "<=",
        "+",
        "-",
        "null",
        "true",
        "1",
        "2.5",
        "48h",
        "1mo",
        "2024-01-31",
        "'x'",
        "date",
        "coalesce",
        "min",
    ]
)


@pytest.mark.fuzz
@settings(max_examples=budget(600), deadline=None)
@given(st.lists(TOKENS, min_size=1, max_size=12))
def test_every_expression_that_checks_evaluates_without_error(tokens: list[str]) -> None:
    source = " ".join(tokens)
    try:
        compiled = compile_expression(source, NAMES, BUILTINS)
    except ExprError:
        return
    compiled.evaluate(VALUES)
    compiled.evaluate({**VALUES, "maybe_moment": dt.datetime(2024, 2, 28), "maybe_n": Decimal(1)})


EXTREMES = st.sampled_from(
    ["36525d", "1200mo", "100y", "9999-12-31", "0001-01-01", "999999999999999"]
)
FACTS = st.fixed_dictionaries(
    {
        "n": st.decimals(min_value=-(10**14), max_value=10**14, places=2),
        "m": st.decimals(min_value=0, max_value=10**6, places=0),
        "flag": st.booleans(),
        "word": st.text(max_size=8),
        "day": st.dates(),
        "moment": st.datetimes(),
        "maybe_moment": st.none() | st.datetimes(),
        "maybe_n": st.none() | st.decimals(min_value=-(10**6), max_value=10**6, places=2),
        "who": st.fixed_dictionaries({"name": st.text(max_size=5), "born": st.dates()}),
        "words": st.lists(st.text(max_size=5), max_size=3),
    }
)


@pytest.mark.fuzz
@settings(max_examples=budget(1500), deadline=None)
@given(st.lists(TOKENS | EXTREMES, min_size=1, max_size=10), FACTS)
def test_expressions_that_check_evaluate_on_any_facts(
    tokens: list[str], facts: dict[str, Any]
) -> None:
    """Totality: whatever the facts (the calendar's first and last days included), a checked
    expression evaluates to a value of its type, never an exception."""
    source = " ".join(tokens)
    try:
        compiled = compile_expression(source, NAMES, BUILTINS)
    except ExprError:
        return
    value = compiled.evaluate(facts)
    kind = compiled.type
    if value is None:
        assert kind.nullable or kind.name == "null", (source, facts)
    elif kind.name == "bool":
        assert isinstance(value, bool), (source, value)
    elif kind.name == "date":
        assert isinstance(value, dt.date) and not isinstance(value, dt.datetime), (source, value)
    elif kind.name == "number":
        assert isinstance(value, Decimal), (source, value)


SHIFTS = st.sampled_from(["1mo", "100y", "1200mo", "36525d", "48h", "15d", "2w"])
DAYS = st.recursive(
    st.sampled_from(["day", "who.born", "date(moment)", "9999-12-31", "0001-01-01"]),
    lambda inner: st.tuples(inner, st.sampled_from(["+", "-"]), SHIFTS).map(" ".join),
    max_leaves=4,
)
MOMENTS = st.recursive(
    st.sampled_from(["moment", "coalesce(maybe_moment, moment)", "9999-12-31T23:59"]),
    lambda inner: st.tuples(
        inner, st.sampled_from(["+", "-"]), st.sampled_from(["36525d", "48h", "30min", "2w"])
    ).map(" ".join),
    max_leaves=4,
)
COMPARISONS_OF_TIME = st.one_of(
    st.tuples(DAYS, st.sampled_from(["<", "<=", "==", ">"]), DAYS).map(" ".join),
    st.tuples(MOMENTS, st.sampled_from(["<", ">=", "!="]), MOMENTS).map(" ".join),
    st.tuples(MOMENTS, st.just("-"), MOMENTS, st.sampled_from(["<=", ">"]), st.just("36525d")).map(
        " ".join
    ),
)


@pytest.mark.fuzz
@settings(max_examples=budget(1000), deadline=None)
@given(COMPARISONS_OF_TIME, FACTS)
def test_date_arithmetic_has_an_answer_at_the_ends_of_the_calendar(
    source: str, facts: dict[str, Any]
) -> None:
    """Shifting a date or time past year 9999 or before year 1 stays at the calendar's end."""
    compiled = compile_expression(source, NAMES, BUILTINS)
    assert isinstance(compiled.evaluate(facts), bool)
