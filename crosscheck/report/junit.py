"""JUnit XML: one ``<testcase>`` per claim (its verdict) and one per check run (its status)."""

from __future__ import annotations

import xml.etree.ElementTree as ET


def junit_xml(result) -> bytes:
    suite = ET.Element("testsuite", name="crosscheck")
    n = failures = errors = skipped = 0
    if result.options.get("lean_required_but_not_run"):
        # the run exits non-zero for this reason: JUnit says so too
        tc = ET.SubElement(suite, "testcase", classname="crosscheck.lean", name="Lean stage (--lean=require)", time="0")
        n += 1
        failures += 1
        ET.SubElement(tc, "failure", message=f"--lean=require, but Lean did not run: {result.lean.summary}")
    for v in result.claims:
        cls = f"crosscheck.claim.{v.claim.id}"
        tc = ET.SubElement(suite, "testcase", classname=cls, name=f"verdict: {v.claim.title}", time="0")
        n += 1
        if v.fails_run:
            failures += 1
            what = f"recorded as {v.recorded}, now {v.verdict}" if v.recorded else f"{v.verdict}: {v.explanation}"
            ET.SubElement(tc, "failure", message=what).text = "\n".join(w.reason for w in v.lean)
        elif v.recorded:
            skipped += 1
            ET.SubElement(tc, "skipped", message=f"known finding: {v.verdict} (recorded in the ledger)")
        elif v.verdict in ("not run", "inconclusive"):
            skipped += 1
            ET.SubElement(tc, "skipped", message=f"{v.verdict}: {v.explanation}")
        for w in v.lean:
            tc = ET.SubElement(suite, "testcase", classname=cls, name=f"lean: {w.name}", time="0")
            n += 1
            if w.state == "failed":
                failures += 1
                ET.SubElement(tc, "failure", message=w.reason)
            elif w.state == "not run":
                skipped += 1
                ET.SubElement(tc, "skipped", message=w.reason)
        for r in (*v.evidence, *v.controls):
            tc = ET.SubElement(suite, "testcase", classname=cls, name=f"check: {r.check_id}", time=f"{r.seconds:.3f}")
            n += 1
            if r.status in ("fail", "inconclusive") and v.recorded and not v.fails_run:
                skipped += 1  # part of a known finding recorded in the ledger: shown, not failing CI
                ET.SubElement(tc, "skipped", message=f"known finding ({v.verdict}, recorded in the ledger): {r.summary}")
            elif r.status == "fail":
                failures += 1
                shown = f"{len(r.failures)} of {r.n_failures} failing comparisons (worst first):\n" if r.n_failures > len(r.failures) else ""
                ET.SubElement(tc, "failure", message=r.summary).text = shown + "\n".join(
                    f"{c.case}: {c.quantity} measured {c.measured!r}, expected {c.expected!r} (allowed {c.allowed:.3g})" for c in r.failures
                )
            elif r.status == "error":
                errors += 1
                ET.SubElement(tc, "error", message=r.summary)
            elif r.status == "inconclusive":
                skipped += 1
                ET.SubElement(tc, "skipped", message=r.summary)
    suite.set("tests", str(n))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", str(skipped))
    suite.set("time", f"{result.seconds.get('total', 0.0):.3f}")
    return ET.tostring(suite, encoding="utf-8", xml_declaration=True)
