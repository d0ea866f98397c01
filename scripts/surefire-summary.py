"""Prints 'N passed, N failed' from Surefire's XML reports; exits 1 if none ran."""
import pathlib
import sys
import xml.etree.ElementTree as ET

reports = sorted(pathlib.Path(sys.argv[1]).glob("TEST-*.xml"))
tests = failed = skipped = 0
for report in reports:
    suite = ET.parse(report).getroot()
    tests += int(suite.get("tests", 0))
    failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
    skipped += int(suite.get("skipped", 0))
label = sys.argv[2] if len(sys.argv) > 2 else "kotlin"
print(f"{label}: {tests - failed - skipped} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if tests == 0 or failed else 0)
