"""One vocabulary per concept: the outcomes of a check, its role, and a claim's verdict.

Each is a string enum, so it serialises as the plain word (``"pass"``) and compares equal to it.
"""

from __future__ import annotations

from enum import Enum


class _Word(str, Enum):
    """A string enum whose ``str()`` and ``format()`` are the word itself."""

    __str__ = str.__str__
    __format__ = str.__format__


class Status(_Word):
    """What one check found: ``pass`` (every read quantity compared, all within tolerance), ``fail``
    (a comparison outside tolerance), ``inconclusive`` (nothing decided: not compared, not applicable,
    not certified), ``error`` (the computation broke)."""

    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"
    INCONCLUSIVE = "inconclusive"


class Role(_Word):
    """``evidence`` tests the claim; a ``control`` drops a hypothesis and must see the conclusion fail."""

    EVIDENCE = "evidence"
    CONTROL = "control"


class Sense(_Word):
    """A comparison either expects agreement (evidence) or expects the claimed value to be *wrong*
    (a control that dropped a hypothesis)."""

    AGREE = "agree"
    REFUTE = "refute"


class Verdict(_Word):
    CONFIRMED = "confirmed"
    SUPPORTED = "supported numerically"
    AGREES = "agrees"
    CONTRADICTED = "contradicted"
    LEAN_FAILED = "Lean failed"
    INCONCLUSIVE = "inconclusive"
    ERROR = "error"
    NOT_RUN = "not run"


PASS, FAIL, ERROR, INCONCLUSIVE = Status.PASS, Status.FAIL, Status.ERROR, Status.INCONCLUSIVE
EVIDENCE, CONTROL = Role.EVIDENCE, Role.CONTROL
