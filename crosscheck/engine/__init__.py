"""The check engine: the contract a check follows, the recorder that judges, the runner and registry.

It knows no paper. A check is measure → judge → present (:mod:`crosscheck.engine.spec`); the
recorder (:mod:`crosscheck.engine.recorder`) holds every rule that makes a status sound — coverage of
each claimed quantity, the ledger's tolerance plus the check's stated floor, applicability of cases,
true counts — so a user's check gets them for free.
"""
