"""JSON Schema validation of catalog documents, with errors located at line and column."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

from engine.core.problems import Problem, did_you_mean, suggest
from engine.read.document import Document

KINDS: dict[str, str] = {
    "catalog": "catalog.schema.json",
    "regions": "regions.schema.json",
    "components": "components.schema.json",
    "incidents": "incidents.schema.json",
    "family": "family.schema.json",
    "product": "product.schema.json",
    "plan": "plan.schema.json",
    "rules": "rules.schema.json",
    "cases": "cases.schema.json",
}

_MUTUALLY_EXCLUSIVE = {("fees", "fee_each"): "give either 'fees' or 'fee_each', not both"}


class SchemaSet:
    """The schemas of one directory; validators are built on first use (jsonschema is imported late)."""

    def __init__(self, directory: Path):
        self.directory = directory
        self._validators: dict[str, Any] = {}
        self._fast: dict[str, Any] = {}

    @cached_property
    def raw(self) -> dict[str, dict[str, Any]]:
        """Every schema file of the directory, by file name."""
        return {
            path.name: json.loads(path.read_text("utf-8"))
            for path in sorted(self.directory.glob("*.schema.json"))
        }

    @cached_property
    def fingerprint(self) -> str:
        """A hash of every schema's bytes: cached validations are void when it changes."""
        digest = hashlib.sha256()
        for path in sorted(self.directory.glob("*.schema.json")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()[:16]

    def validator(self, kind: str) -> Any:
        """A Draft 2020-12 validator for *kind*, with formats enforced.

        The schema's ``$ref``s are inlined once here: resolving them at every use costs more than
        the rest of validation (DESIGN.md, Speed). The schemas have no recursive references.
        """
        if kind not in self._validators:
            from jsonschema import Draft202012Validator

            schema = self.inlined(kind)
            self._validators[kind] = Draft202012Validator(
                schema, format_checker=Draft202012Validator.FORMAT_CHECKER
            )
        return self._validators[kind]

    def inlined(self, kind: str) -> dict[str, Any]:
        """The schema of *kind* with every ``$ref`` replaced by what it points at."""
        name = KINDS[kind]
        schema: dict[str, Any] = self._inline(self.raw[name], self.raw[name])
        schema.pop("$defs", None)
        schema.pop("$id", None)  # relative to where the file lies; the refs are inlined
        return schema

    def _inline(self, node: Any, root: dict[str, Any]) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                file, _, pointer = node["$ref"].partition("#")
                target_root = self.raw[file] if file else root
                target: Any = target_root
                for part in filter(None, pointer.split("/")):
                    target = target[part]
                siblings = {k: v for k, v in node.items() if k != "$ref"}
                return {**self._inline(target, target_root), **siblings}
            return {k: self._inline(v, root) for k, v in node.items()}
        if isinstance(node, list):
            return [self._inline(v, root) for v in node]
        return node

    def fast(self, kind: str) -> Any:
        """A compiled validator of *kind* (jsonschema-rs) that only says valid or not, or None
        where that library is not installed. It decides the common, all-valid case; the tests
        prove it accepts and rejects exactly what python-jsonschema does."""
        if kind not in self._fast:
            try:
                import jsonschema_rs
            except ImportError:  # pragma: no cover - a platform without its wheel
                self._fast[kind] = None
            else:
                self._fast[kind] = jsonschema_rs.validator_for(
                    self.inlined(kind), formats={"date": _is_date}, validate_formats=True
                )
        return self._fast[kind]

    def check(self, doc: Document, kind: str) -> list[Problem]:
        """Every schema problem of *doc*, located; python-jsonschema words them, and is only
        imported when a document fails the fast validator."""
        fast = self.fast(kind)
        if fast is not None and fast.is_valid(doc.data):
            return []
        problems: list[Problem] = []
        for error in self.validator(kind).iter_errors(doc.data):
            problems.extend(_problems_of(doc, _deepest(error)))
        # A date in another form fails both the date format and its pattern: say it once.
        dates = {p.path for p in problems if p.code == "invalid-date"}
        problems = [p for p in problems if not (p.code == "bad-format" and p.path in dates)]
        return sorted(set(problems))


def _is_date(text: str) -> bool:
    """The ``date`` format as python-jsonschema checks it: a real YYYY-MM-DD day."""
    if not _DATE.fullmatch(text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def _deepest(error: Any) -> Any:
    """For anyOf/oneOf, the sub-error that went furthest into the document."""
    from jsonschema.exceptions import best_match

    if error.context and error.validator in ("anyOf", "oneOf"):
        relevant = [e for e in error.context if e.validator != "required"] or list(error.context)
        deeper = best_match(relevant)
        if deeper is not None and len(deeper.absolute_path) > len(error.absolute_path):
            return _deepest(deeper)
    return error


def _problems_of(doc: Document, error: Any) -> Iterator[Problem]:
    path = tuple(error.absolute_path)
    kind = error.validator
    if kind in ("oneOf", "not") and not isinstance(error.instance, dict):
        return  # these choose between keys of an object; the wrong type is reported on its own
    schema = error.schema if isinstance(error.schema, dict) else {}
    hint = schema.get("description")
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        known = set(schema.get("properties", {}))
        patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
        for key in error.instance:
            if key in known or any(p.search(key) for p in patterns):
                continue
            message = f"unknown key '{key}'{did_you_mean(key, known)}"
            if not known:
                message = f"key '{key}' is not allowed here"
            yield doc.problem((*path, key), "unknown-key", message, key=True)
        return
    if kind == "required" and isinstance(error.instance, dict):
        extras = [k for k in error.instance if k not in schema.get("properties", {})]
        for key in error.validator_value:
            # A typo'd key is reported once, as an unknown key with a suggestion.
            if key not in error.instance and not suggest(key, extras):
                yield doc.problem(
                    path, "missing-key", f"missing required key '{key}'", key=bool(path)
                )
        return
    if kind == "not" and isinstance(error.instance, dict):
        for keys, message in _MUTUALLY_EXCLUSIVE.items():
            if all(k in error.instance for k in keys):
                yield doc.problem((*path, keys[1]), "conflicting-keys", message, key=True)
                return
    if kind == "format":
        what = "date" if error.validator_value == "date" else error.validator_value
        form = " (YYYY-MM-DD)" if what == "date" else ""
        yield doc.problem(
            path, f"invalid-{what}", f"'{error.instance}' is not a valid {what}{form}", hint=hint
        )
        return
    if kind == "enum":
        allowed = [str(v) for v in error.validator_value]
        shown = ", ".join(repr(v) for v in allowed)
        yield doc.problem(
            path,
            "not-allowed",
            f"{error.instance!r} is not one of {shown}{did_you_mean(str(error.instance), allowed)}",
        )
        return
    branches = error.validator_value if kind == "anyOf" else []
    union = all(isinstance(b, dict) and set(b) == {"type"} for b in branches)
    if kind == "type" or (branches and union):  # anyOf of bare types: a union, as ajv wants it
        wanted = [b["type"] for b in branches] if branches else error.validator_value
        wanted = " or ".join(wanted) if isinstance(wanted, list) else wanted
        yield doc.problem(
            path, "wrong-type", f"expected {wanted}, found {_json_type(error.instance)}", hint=hint
        )
        return
    if kind == "pattern":
        yield doc.problem(
            path,
            "bad-format",
            f"{error.instance!r} does not match {error.validator_value}",
            hint=hint,
        )
        return
    if kind == "oneOf" and isinstance(error.instance, dict):
        yield doc.problem(path, "ambiguous", _one_of_message(error), hint=hint)
        return
    if kind == "dependentRequired" and isinstance(error.instance, dict):
        for given, needed in error.validator_value.items():
            for key in needed:
                if given in error.instance and key not in error.instance:
                    yield doc.problem(
                        (*path, given),
                        "missing-key",
                        f"'{given}' needs '{key}' beside it",
                        key=True,
                    )
        return
    if kind == "maxLength" and isinstance(error.instance, str):
        yield doc.problem(
            path,
            "too-long",
            f"{len(error.instance)} characters: at most {error.validator_value} are allowed here",
            hint=hint,
        )
        return
    codes = {
        "minimum": "out-of-range",
        "maximum": "out-of-range",
        "minItems": "too-few",
        "minLength": "empty",
        "minProperties": "empty",
        "uniqueItems": "duplicate-item",
    }
    yield doc.problem(path, codes.get(kind, "schema"), error.message, hint=hint)


def _one_of_message(error: Any) -> str:
    choices = [tuple(s.get("required", ())) for s in error.validator_value if isinstance(s, dict)]
    names = [c[0] for c in choices if len(c) == 1]
    if names:
        present = [n for n in names if n in error.instance]
        listed = ", ".join(f"'{n}'" for n in names)
        return f"needs exactly one of {listed} (found {len(present)})"
    return str(error.message)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, (float,)) or type(value).__name__ == "Decimal":
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
