"""The safe reader: exact values, YAML 1.2 scalars, positions, and located refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.read.limits import MAX_DEPTH
from engine.read.reader import read_bytes, read_text


def read(text: str) -> object:
    doc, problems = read_text("f.yaml", text)
    assert not problems, [p.format() for p in problems]
    assert doc is not None
    return doc.data


def problem_of(text: str | bytes) -> tuple[int, int, str, str]:
    doc, problems = (
        read_bytes("f.yaml", text) if isinstance(text, bytes) else read_text("f.yaml", text)
    )
    assert doc is None and len(problems) == 1
    p = problems[0]
    return p.line, p.column, p.code, p.message


def test_money_is_read_as_exact_decimals() -> None:
    data = read("price: 289.50\nfee: 0.1\nwhole: 199\n")
    assert data == {"price": Decimal("289.50"), "fee": Decimal("0.1"), "whole": 199}
    assert isinstance(data["fee"], Decimal)  # type: ignore[index]


def test_scalars_follow_the_yaml_1_2_core_schema() -> None:
    data = read("region: no\nanswer: yes\nflag: true\nnothing: null\nday: 2023-07-13\nhex: 0x1F\n")
    assert data == {
        "region": "no",
        "answer": "yes",
        "flag": True,
        "nothing": None,
        "day": "2023-07-13",
        "hex": 31,
    }


def test_positions_map_every_json_path_to_line_and_column() -> None:
    doc, _ = read_text("f.yaml", "id: x\noffers:\n  - plan: a\n    fees: [1, 2]\n")
    assert doc is not None
    assert (doc.mark(("offers", 0, "fees", 1)).line, doc.mark(("offers", 0, "fees", 1)).column) == (
        4,
        15,
    )
    assert (
        doc.mark(("offers", 0, "plan"), key=True).line,
        doc.mark(("offers", 0, "plan"), key=True).column,
    ) == (3, 5)


def test_a_position_inside_a_string_counts_quotes_and_block_indentation() -> None:
    doc, _ = read_text("f.yaml", 'a: "now - x"\nb: |\n  first\n    second x\n')
    assert doc is not None
    assert doc.locate_in_string(("a",), 6) == (1, 11)
    assert doc.locate_in_string(("b",), len("first\n") + 2) == (4, 7)


def test_merge_keys_and_aliases_are_expanded() -> None:
    data = read("base: &b {term: 12, warranty: 12}\nplan: {<<: *b, warranty: 24}\n")
    assert data["plan"] == {"term": 12, "warranty": 24}  # type: ignore[index]


def test_a_duplicate_key_names_both_lines() -> None:
    line, column, code, message = problem_of("id: a\nname: x\nname: y\n")
    assert (line, column, code) == (3, 1, "duplicate-key")
    assert "first on line 2, again on line 3" in message


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object/apply:os.system ['true']\n",
        "a: !!python/name:os.system\n",
        "a: !!binary aGVsbG8=\n",
        "a: !custom {x: 1}\n",
        "a: !!set {x}\n",
    ],
)
def test_tags_outside_the_core_schema_are_refused(text: str) -> None:
    line, column, code, _ = problem_of(text)
    assert (line, column, code) == (1, 4, "unsafe-tag")


def test_tab_indentation_is_located_with_a_hint() -> None:
    doc, problems = read_text("f.yaml", "a:\n\t- b\n")
    assert doc is None
    assert (problems[0].line, problems[0].column, problems[0].code) == (2, 1, "yaml-tab")
    assert problems[0].hint == "indent with spaces"


def test_non_utf8_bytes_are_located() -> None:
    assert problem_of(b"id: x\nname: caf\xe9\n")[:3] == (2, 10, "not-utf8")


def test_a_utf8_byte_order_mark_is_accepted() -> None:
    doc, problems = read_bytes("f.yaml", "\ufeffid: x\n".encode())
    assert doc is not None and doc.data == {"id": "x"} and not problems


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_an_empty_file_is_an_error(text: str) -> None:
    assert problem_of(text)[:3] == (1, 1, "empty-file")


def test_alias_expansion_is_bounded() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(7):
        prev, cur = chr(97 + i), chr(98 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 10) + "]")
    assert problem_of("\n".join(lines) + "\n")[2] == "alias-bomb"


def test_recursive_aliases_and_deep_nesting_are_refused() -> None:
    assert problem_of("a: &a [*a]\n")[2] == "too-deep"
    assert problem_of("a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n")[2] == "too-deep"


@pytest.mark.parametrize("text", ["a: .nan\n", "a: .inf\n", "a: -.Inf\n"])
def test_non_finite_numbers_are_refused(text: str) -> None:
    assert problem_of(text)[2] == "bad-number"


def test_syntax_errors_say_where_the_construct_started() -> None:
    line, _, code, message = problem_of("a:\n  fees: [1, 2\n  x: 1\n")
    assert (line, code) == (3, "yaml-syntax")
    assert "starts on line 2" in message


def test_a_second_document_is_an_error() -> None:
    assert problem_of("a: 1\n---\nb: 2\n")[2] == "yaml-syntax"


def test_mapping_keys_must_be_plain() -> None:
    assert problem_of("? [a, b]\n: c\n")[2] == "bad-key"


def test_the_c_parser_is_used_where_libyaml_is_built() -> None:
    import yaml

    from engine.read import reader

    assert yaml.__with_libyaml__ == reader.C_LOADER
