"""The public API for writing a check (re-exported by :mod:`crosscheck`)."""

from crosscheck.engine.outcomes import CONTROL, EVIDENCE, Role, Sense, Status, Verdict
from crosscheck.engine.params import Param, ParameterError
from crosscheck.engine.recorder import ContractError, Recorder
from crosscheck.engine.results import CheckResult, Comparison, Plot, QuantityCount, Series
from crosscheck.engine.spec import CheckContext, CheckSpec, Expectation, Presentation, check

__all__ = [
    "CONTROL", "EVIDENCE", "CheckContext", "CheckResult", "CheckSpec", "Comparison", "ContractError", "Expectation",
    "Param", "ParameterError", "Plot", "Presentation", "QuantityCount", "Recorder", "Role", "Sense", "Series", "Status",
    "Verdict", "check",
]
