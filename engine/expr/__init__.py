"""The rule expression language: lexer → parser → checker → compiled closures."""

from engine.expr.checker import Function
from engine.expr.compiler import Compiled, compile_expression
from engine.expr.lexer import ExprError
from engine.expr.types import Period, Type

__all__ = ["Compiled", "ExprError", "Function", "Period", "Type", "compile_expression"]
