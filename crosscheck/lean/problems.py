"""Typed problems: what is wrong with a declaration or the toolchain, as a kind plus a message.

A :class:`Problem` *is* its message (a ``str``), so it reads and serialises as text; code that decides
anything looks at ``.kind``, never at the words.
"""

from __future__ import annotations

from crosscheck.engine.outcomes import _Word


class Kind(_Word):
    NO_SOURCES = "no sources"  # the Lean package directory has no sources
    MISSING = "missing"  # the declaration is not in the source / the dump
    SORRY = "sorry"  # uses sorry
    AXIOM = "axiom"  # an axiom outside the allowlist, or is itself an axiom
    DRIFT = "statement drift"  # the statement's fingerprint differs from the ledger's
    UNCHECKED = "unchecked"  # the fingerprint cannot be checked
    BUILD = "build"  # its module failed to build
    BLOCKED = "blocked"  # depends on a failed module or declaration
    NO_DUMP = "no dump"  # built, but the dump is missing
    HATCH = "escape hatch"  # unsafe / debug.skipKernelTC / a hatch elsewhere in the package
    STAGE = "stage"  # the whole stage failed (timeout, crash, mismatch)
    VERSION = "version"  # a tool's version could not be read or run
    PIN = "pin"  # lean-toolchain missing


class Problem(str):
    """A problem message carrying its :class:`Kind`."""

    kind: Kind

    def __new__(cls, kind: Kind, message: str) -> "Problem":
        obj = super().__new__(cls, message)
        obj.kind = Kind(kind)
        return obj

    def __reduce__(self):
        return (Problem, (self.kind, str(self)))


def kinds(problems) -> frozenset[Kind]:
    """The kinds among ``problems`` (plain strings count as no kind)."""
    return frozenset(p.kind for p in problems if isinstance(p, Problem))
