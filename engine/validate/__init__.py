"""Validating read documents: JSON Schema validation worded as located problems, and the lints a
schema cannot express.

Imports ``engine.rules`` (rules are type-checked here), ``engine.read`` and ``engine.core``.
"""
