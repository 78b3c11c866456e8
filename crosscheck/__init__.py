"""crosscheck: check a paper's claims three ways — Lean proof, independent numerics, and a report.

The dependency direction is one way: ``cli → verify → (lean | checks) → numerics``; ``report`` only
reads results.
"""

__version__ = "0.1.0"
