"""A small, safe arithmetic expression language for claimed quantities in the ledger.

The ledger states quantities as expressions in the case variables, e.g. ``"(m - 1) * d"``. They are
parsed with :mod:`ast` and evaluated by walking the tree: only numbers, variable names, the operators
``+ - * / // % **``, unary ``+``/``-``, parentheses and the functions ``min``, ``max``, ``abs``, ``sqrt``
are accepted. Nothing is ever passed to Python's ``eval``.
"""

from __future__ import annotations

import ast
import math
import operator
import warnings
from dataclasses import dataclass
from typing import Callable, Mapping

_BINOPS: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNOPS: dict[type, Callable[[float], float]] = {ast.UAdd: operator.pos, ast.USub: operator.neg}
_FUNCS: dict[str, Callable[..., float]] = {"min": min, "max": max, "abs": abs, "sqrt": math.sqrt}
_MAX_LEN = 200
_MAX_POW = 64


class ExprError(ValueError):
    """An expression that is malformed, uses something outside the language, or cannot be evaluated."""


@dataclass(frozen=True)
class Expr:
    """A parsed expression; ``names`` are the free variables it needs."""

    text: str
    tree: ast.expr
    names: frozenset[str]

    def __call__(self, **variables: float) -> float:
        missing = self.names - variables.keys()
        if missing:
            raise ExprError(f"expression {self.text!r} needs {', '.join(sorted(missing))}")
        return _eval(self.tree, variables, self.text)


def parse(text: str | int | float) -> Expr:
    """Parse ``text`` (or wrap a number) into an :class:`Expr`; raise :class:`ExprError` if not allowed."""
    if isinstance(text, bool):
        raise ExprError(f"a boolean is not a quantity: {text!r}")
    if isinstance(text, (int, float)):
        if not math.isfinite(text):
            raise ExprError(f"not a finite number: {text!r}")
        text = repr(text)
    if not isinstance(text, str):
        raise ExprError(f"expected a number or an expression string, got {type(text).__name__}")
    if len(text) > _MAX_LEN:
        raise ExprError(f"expression longer than {_MAX_LEN} characters")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)  # e.g. "1e" : reported as our error below
            tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ExprError(f"cannot parse {text!r}: {exc.msg}") from None
    names: set[str] = set()
    _validate(tree, names, text)
    return Expr(text=text.strip(), tree=tree, names=frozenset(names))


def _validate(node: ast.AST, names: set[str], text: str) -> None:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise ExprError(f"only numbers are allowed as constants in {text!r}")
    elif isinstance(node, ast.Name):
        if node.id in _FUNCS:
            raise ExprError(f"{node.id!r} is a function, not a variable, in {text!r}")
        names.add(node.id)
    elif isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        _validate(node.left, names, text)
        _validate(node.right, names, text)
    elif isinstance(node, ast.UnaryOp) and type(node.op) in _UNOPS:
        _validate(node.operand, names, text)
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _FUNCS
        and not node.keywords
        and node.args
    ):
        for arg in node.args:
            _validate(arg, names, text)
    else:
        raise ExprError(f"{type(node).__name__} is not allowed in {text!r}")


def _eval(node: ast.expr, env: Mapping[str, float], text: str) -> float:
    try:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            return env[node.id]
        if isinstance(node, ast.UnaryOp):
            return _UNOPS[type(node.op)](_eval(node.operand, env, text))
        if isinstance(node, ast.BinOp):
            left, right = _eval(node.left, env, text), _eval(node.right, env, text)
            if isinstance(node.op, ast.Pow) and abs(right) > _MAX_POW:
                raise ExprError(f"exponent {right!r} too large in {text!r}")
            return _BINOPS[type(node.op)](left, right)
        if isinstance(node, ast.Call):
            return _FUNCS[node.func.id](*(_eval(a, env, text) for a in node.args))  # type: ignore[union-attr]
    except (ZeroDivisionError, OverflowError, ValueError, TypeError) as exc:
        if isinstance(exc, ExprError):
            raise
        raise ExprError(f"cannot evaluate {text!r}: {exc}") from None
    raise ExprError(f"cannot evaluate {text!r}")  # unreachable after _validate
