"""The rule expression language: lexer → parser → checker → compiled closures."""

from engine.rules.expr.checker import Function
from engine.rules.expr.compiler import Compiled, compile_expression
from engine.rules.expr.lexer import ExprError
from engine.rules.expr.types import Period, Type

__all__ = ["Compiled", "ExprError", "Function", "Period", "Type", "compile_expression"]
