"""The states of a Lean witness (see :mod:`crosscheck.lean.witness`), in a module of their own so that
the verdict and the report can name them without importing the Lean stage."""

VERIFIED, FAILED, NOT_RUN = "verified", "failed", "not run"
