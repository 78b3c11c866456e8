"""Check parameters: each has a default and a stated domain, checked before any work is done.

A value outside its domain is a :class:`ParameterError` (exit code 2) naming the parameter, the value
and the domain. Values from the command line (strings) are coerced to the default's type first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping, Sequence


class ParameterError(ValueError):
    """A parameter outside its domain, unknown, or without effect in the chosen mode: a usage error
    (exit code 2), raised before any work."""


@dataclass(frozen=True, kw_only=True)
class Param:
    """A parameter's default and domain. Bounds apply to a number, or to every item of a list;
    ``min_len`` to a list; ``choices`` to a string (or each item)."""

    default: Any
    doc: str = ""
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None
    choices: tuple[str, ...] | None = None
    min_len: int | None = None

    def domain(self) -> str:
        """The domain in words, e.g. ``integer ≥ 2`` or ``list (≥ 1 item) of numbers in (0, 1)``."""
        d = self.default
        kind = (
            "true/false" if isinstance(d, bool)
            else "integer" if isinstance(d, int)
            else "number" if isinstance(d, float)
            else "string" if isinstance(d, str)
            else "list"
        )
        if isinstance(d, (list, tuple)):
            elem = d[0] if d else 0.0
            item = "integers" if isinstance(elem, int) and not isinstance(elem, bool) else "strings" if isinstance(elem, str) else "numbers"
            head = f"list ({'≥ %d item%s' % (self.min_len, 's' if self.min_len != 1 else '') if self.min_len else 'any length'}) of {item}"
            return head + self._bounds()
        if self.choices:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        return kind + self._bounds()

    def _bounds(self) -> str:
        lo = f"> {self.gt:g}" if self.gt is not None else f"≥ {self.ge:g}" if self.ge is not None else ""
        hi = f"< {self.lt:g}" if self.lt is not None else f"≤ {self.le:g}" if self.le is not None else ""
        if self.choices:
            return " from " + ", ".join(repr(c) for c in self.choices)
        if lo and hi:
            left = "(" if self.gt is not None else "["
            right = ")" if self.lt is not None else "]"
            a = self.gt if self.gt is not None else self.ge
            b = self.lt if self.lt is not None else self.le
            return f" in {left}{a:g}, {b:g}{right}"
        return f" {lo or hi}" if (lo or hi) else ""

    def violation(self, value: Any) -> str | None:
        """Why ``value`` is outside the domain, or None."""
        items = list(value) if isinstance(value, (list, tuple)) else [value]
        if isinstance(value, (list, tuple)) and self.min_len is not None and len(items) < self.min_len:
            return f"needs at least {self.min_len} item(s)"
        for x in items:
            if self.choices is not None and isinstance(x, str) and x not in self.choices:
                return f"{x!r} is not one of {', '.join(map(repr, self.choices))}"
            if isinstance(x, bool) or not isinstance(x, (int, float)):
                continue
            if not math.isfinite(x):
                return f"{x!r} is not finite"
            if self.gt is not None and not x > self.gt:
                return f"{x!r} is not > {self.gt:g}"
            if self.ge is not None and not x >= self.ge:
                return f"{x!r} is not ≥ {self.ge:g}"
            if self.lt is not None and not x < self.lt:
                return f"{x!r} is not < {self.lt:g}"
            if self.le is not None and not x <= self.le:
                return f"{x!r} is not ≤ {self.le:g}"
        return None


def coerce(name: str, default: Any, value: Any) -> Any:
    """Coerce a CLI/ledger value to the type of the default (bool, int, float, str, list)."""
    if isinstance(value, str) and not isinstance(default, str):
        text = value.strip()
        if isinstance(default, bool):
            if text.lower() in ("1", "true", "yes", "on"):
                return True
            if text.lower() in ("0", "false", "no", "off"):
                return False
            raise ParameterError(f"parameter {name}: expected true/false, got {value!r}")
        if isinstance(default, (list, tuple)):
            # "1,1000" or the form `crosscheck list` prints, "[1.0, 1000.0]"
            items = [t for t in text.strip("[]() ").replace(";", ",").split(",") if t.strip()]
            elem = default[0] if default else 0.0
            return [coerce(name, elem, t.strip().strip("'\"") if isinstance(elem, str) else t) for t in items]
        try:
            if isinstance(default, int):
                return int(text)
            if isinstance(default, float):
                x = float(text)
                if not math.isfinite(x):
                    raise ValueError
                return x
        except ValueError:
            raise ParameterError(f"parameter {name}: expected {type(default).__name__}, got {value!r}") from None
    if isinstance(default, bool) and not isinstance(value, bool):
        raise ParameterError(f"parameter {name}: expected true/false, got {value!r}")
    if isinstance(default, int) and not isinstance(default, bool):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ParameterError(f"parameter {name}: expected an integer, got {value!r}")
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ParameterError(f"parameter {name}: expected a finite number, got {value!r}")
        value = float(value)
    if isinstance(default, str) and not isinstance(value, str):
        raise ParameterError(f"parameter {name}: expected a string, got {value!r}")
    if isinstance(default, (list, tuple)):
        if not isinstance(value, (list, tuple)):
            value = [value]
        elem = default[0] if default else 0.0
        value = [coerce(name, elem, x) for x in value]
    return value


def resolve(check_id: str, spec_params: Mapping[str, Param], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Defaults overridden by ``overrides``, coerced and checked against each domain. An unknown name
    (a likely typo) or a value outside its domain is a :class:`ParameterError`."""
    params = {k: (list(p.default) if isinstance(p.default, (list, tuple)) else p.default) for k, p in spec_params.items()}
    for name, value in overrides.items():
        if name not in spec_params:
            import difflib

            close = difflib.get_close_matches(name, list(spec_params), 1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            known = ", ".join(sorted(spec_params)) or "none"
            raise ParameterError(f"check {check_id}: unknown parameter {name!r}{hint} (known: {known})")
        params[name] = coerce(name, spec_params[name].default, value)
    for name, value in params.items():
        why = spec_params[name].violation(value)
        if why:
            raise ParameterError(f"check {check_id}: parameter {name} = {value!r} is outside its domain ({spec_params[name].domain()}): {why}")
    return params


def describe(spec_params: Mapping[str, Param]) -> Sequence[str]:
    """``name = default  (domain) — doc`` lines, for ``crosscheck list``."""
    return [f"{k} = {p.default!r}  ({p.domain()})" + (f" — {p.doc}" if p.doc else "") for k, p in spec_params.items()]
